"""Wrong: returns zeros shaped like x without ever calling f: a right shape, a right
dtype and an unchanged x, but no gradient.

mistake: f was never called
"""

import numpy as np


def numeric_gradient(f, x, h=1e-5):
    return np.zeros(np.shape(x), dtype=float)
