"""Wrong: writes x ^ 2 for the square, which in Python is the bitwise XOR.

mistake: bitwise XOR
"""

import numpy as np


def square(x):
    return x ^ 2


def numeric_gradient_square(x, h=1e-5):
    x = np.asarray(x, dtype=float)
    return (square(x + h) - square(x - h)) / (2 * h)
