"""Wrong: a forward difference, whose error h is far above round-off.

mistake: forward difference
"""

import numpy as np


def square(x):
    return np.square(x)


def numeric_gradient_square(x, h=1e-5):
    x = np.asarray(x, dtype=float)
    return (square(x + h) - square(x)) / h
