"""Correct: the central difference that the mutations beside it edit."""

import numpy as np


def square(x):
    return x * x


def numeric_gradient_square(x, h=1e-5):
    point = np.array(x, dtype=float)
    ahead = point + h
    behind = point - h
    slope = (square(ahead) - square(behind)) / (2 * h)
    return float(slope) if slope.ndim == 0 else slope
