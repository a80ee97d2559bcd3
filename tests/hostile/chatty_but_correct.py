"""Hostile (benign): prints a lot, but is correct, so it passes with its output capped.

expect: pass
"""

import numpy as np


def square(x):
    print("squaring " * 20_000)
    return np.square(x) if isinstance(x, np.ndarray) else x * x


def numeric_gradient_square(x, h=1e-5):
    print("differencing " * 20_000)
    x = np.asarray(x, dtype=float)
    slope = (square(x + h) - square(x - h)) / (2 * h)
    return slope if slope.ndim else float(slope)
