"""Wrong: adds h to the caller's array in place (and subtracts it again).

mistake: x += h | in place
"""

import numpy as np


def square(x):
    return x * x


def numeric_gradient_square(x, h=1e-5):
    if not isinstance(x, np.ndarray):
        return (square(x + h) - square(x - h)) / (2 * h)
    x += h
    plus = square(x)
    x -= 2 * h
    minus = square(x)
    x += h
    return (plus - minus) / (2 * h)
