"""Correct: square with np.square (elementwise, like x * x), the quotient on a float array."""

import numpy as np


def square(x):
    return np.square(x)


def numeric_gradient_square(x, h=1e-5):
    point = np.asarray(x, dtype=float)
    slope = (square(point + h) - square(point - h)) / (2 * h)
    return slope if np.ndim(x) else float(slope)
