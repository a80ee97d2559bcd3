"""Wrong: only an empty input is rejected; a single sample returns an empty array.

mistake: fewer than 2 samples
"""

import numpy as np


def sampled_derivative(y, dx):
    if dx <= 0 or len(y) == 0:
        raise ValueError("need dx > 0 and some samples")
    return np.diff(np.asarray(y, dtype=float)) / dx
