"""Reference solution for exercise 1.2.39.5: numeric gradient of f(x) = x^2."""

import numpy as np


def square(x):
    """Return x squared (elementwise for arrays)."""
    return np.square(x) if isinstance(x, np.ndarray) else x * x


def numeric_gradient_square(x, h=1e-5):
    """Central-difference estimate of d/dx x**2 at x; x itself is never modified."""
    x = np.asarray(x, dtype=float)  # floats (integers are not truncated); x is only read
    slope = (square(x + h) - square(x - h)) / (2.0 * h)
    return slope if slope.ndim else float(slope)
