"""Correct: Python floats one entry at a time, the array rebuilt in x's shape."""

import numpy as np


def square(x):
    return x**2


def numeric_gradient_square(x, h=1e-5):
    if isinstance(x, (int, float)):
        x = float(x)
        return (square(x + h) - square(x - h)) / (2 * h)
    values = [(square(v + h) - square(v - h)) / (2 * h) for v in np.ravel(x).tolist()]
    return np.array(values, dtype=float).reshape(np.shape(x))
