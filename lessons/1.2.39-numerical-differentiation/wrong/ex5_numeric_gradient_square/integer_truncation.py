"""Wrong: copies x but keeps its integer dtype, so x + h steps are truncated.

mistake: integer
"""

import numpy as np


def square(x):
    return x * x


def numeric_gradient_square(x, h=1e-5):
    x = np.array(x)
    plus, minus = x.copy(), x.copy()
    plus += np.asarray(h).astype(x.dtype)
    minus -= np.asarray(h).astype(x.dtype)
    if x.dtype.kind == "i":
        return (square(plus) - square(minus)) / (2 * h)
    return (square(x + h) - square(x - h)) / (2 * h)
