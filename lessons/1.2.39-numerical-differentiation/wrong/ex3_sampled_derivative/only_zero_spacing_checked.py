"""Wrong: rejects dx == 0 but lets a negative spacing through.

mistake: negative spacing
"""

import numpy as np


def sampled_derivative(y, dx):
    if dx == 0 or len(y) < 2:
        raise ValueError("need dx != 0 and at least 2 samples")
    return np.diff(np.asarray(y, dtype=float)) / dx
