"""Correct: np.power for the square, astype for the float copy, a reciprocal for 1 / 2h."""

import numpy as np


def square(x):
    return np.power(x, 2)


def numeric_gradient_square(x, h=1e-5):
    scalar = np.isscalar(x)
    x = np.asarray(x).astype(np.float64)
    result = (square(x + h) - square(x - h)) * (1.0 / (2.0 * h))
    return float(result) if scalar else result
