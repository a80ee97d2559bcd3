"""Wrong: never checks dx or the number of samples, so bad input gives nan, inf or an
empty array instead of a ValueError.

mistake: spacing of 0
"""

import numpy as np


def sampled_derivative(y, dx):
    return np.diff(np.asarray(y, dtype=float)) / dx
