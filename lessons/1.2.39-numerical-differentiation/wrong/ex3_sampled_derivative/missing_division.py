"""Wrong: returns the differences y[i+1] - y[i] without dividing by dx.

mistake: not divided by dx
"""

import numpy as np


def sampled_derivative(y, dx):
    if dx <= 0 or len(y) < 2:
        raise ValueError("need dx > 0 and at least 2 samples")
    return np.diff(np.asarray(y, dtype=float))
