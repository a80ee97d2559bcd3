"""Wrong: keeps the samples in float32, so each difference of neighbours loses most of its
seven digits.

mistake: float32
"""

import numpy as np


def sampled_derivative(y, dx):
    if dx <= 0 or len(y) < 2:
        raise ValueError("need a positive spacing dx and at least 2 samples")
    y = np.asarray(y, dtype=np.float32)
    return (y[1:] - y[:-1]) / np.float32(dx)
