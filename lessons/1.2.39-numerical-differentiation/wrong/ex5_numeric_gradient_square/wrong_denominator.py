"""Wrong: divides the central difference by h instead of 2h, giving 4x.

mistake: divided by h instead of 2h
"""

import numpy as np


def square(x):
    return np.square(x)


def numeric_gradient_square(x, h=1e-5):
    x = np.asarray(x, dtype=float)
    return (square(x + h) - square(x - h)) / h
