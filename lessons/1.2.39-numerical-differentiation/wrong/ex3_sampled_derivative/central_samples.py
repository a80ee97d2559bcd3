"""Wrong: takes central differences (y[i+2] - y[i]) / (2 dx), which gives n - 2 values
centred on the inner samples, not the n - 1 forward differences.

mistake: central differences
"""

import numpy as np


def sampled_derivative(y, dx):
    if dx <= 0 or len(y) < 2:
        raise ValueError("need dx > 0 and at least 2 samples")
    y = np.asarray(y, dtype=float)
    return (y[2:] - y[:-2]) / (2 * dx)
