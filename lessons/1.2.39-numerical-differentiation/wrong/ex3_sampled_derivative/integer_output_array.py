"""Wrong: fills an output made with np.zeros_like(y), which is an integer array for
integer samples, so fractional slopes are truncated.

mistake: integer array
"""

import numpy as np


def sampled_derivative(y, dx):
    if dx <= 0 or len(y) < 2:
        raise ValueError("need dx > 0 and at least 2 samples")
    y = np.asarray(y)
    out = np.zeros_like(y[:-1])
    for i in range(len(y) - 1):
        out[i] = (y[i + 1] - y[i]) / dx
    return out
