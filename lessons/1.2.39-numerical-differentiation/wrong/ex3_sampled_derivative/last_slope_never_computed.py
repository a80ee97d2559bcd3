"""Wrong: the loop stops one pair early (range(len(y) - 2)), so the last slope keeps the 0
the output array was made with.

mistake: loop stops one pair early
"""

import numpy as np


def sampled_derivative(y, dx):
    y = np.asarray(y, dtype=float)
    if dx <= 0 or len(y) < 2:
        raise ValueError("need a positive spacing dx and at least 2 samples")
    slopes = np.zeros(len(y) - 1)
    for i in range(len(y) - 2):
        slopes[i] = (y[i + 1] - y[i]) / dx
    return slopes
