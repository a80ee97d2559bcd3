"""Wrong: uses np.gradient, which returns n values (central differences inside), not the
n - 1 forward differences asked for.

mistake: np.gradient
"""

import numpy as np


def sampled_derivative(y, dx):
    if dx <= 0 or len(y) < 2:
        raise ValueError("need dx > 0 and at least 2 samples")
    return np.gradient(np.asarray(y, dtype=float), dx)
