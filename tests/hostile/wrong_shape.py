"""Hostile: returns the right numbers in the wrong shape.

expect: fail
message: shape
"""

import numpy as np


def square(x):
    return np.ravel(np.square(x))[::-1]


def numeric_gradient_square(x, h=1e-5):
    return np.ravel(2.0 * np.asarray(x, dtype=float)).reshape(1, -1)
