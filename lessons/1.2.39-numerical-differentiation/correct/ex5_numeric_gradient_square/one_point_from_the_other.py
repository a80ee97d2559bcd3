"""Correct: x - h built from x + h on a copy, by subtracting 2h in place (the copy only)."""

import numpy as np


def square(x):
    return np.square(x)


def numeric_gradient_square(x, h=1e-5):
    step = np.array(x, dtype=np.float64, copy=True)
    step += h
    high = square(step)
    step -= 2 * h
    low = square(step)
    slope = (high - low) / 2 / h
    if np.ndim(x) == 0:
        return float(slope)
    return slope
