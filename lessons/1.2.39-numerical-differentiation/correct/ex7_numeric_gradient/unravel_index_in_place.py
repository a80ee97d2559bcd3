"""Correct: one float copy, entry i found with np.unravel_index, moved and put back."""

import numpy as np


def numeric_gradient(f, x, h=1e-5):
    point = x.astype(np.float64)  # astype copies
    gradient = np.zeros_like(point)
    for i in range(point.size):
        index = np.unravel_index(i, point.shape)
        saved = point[index]
        point[index] = saved + h
        plus = f(point)
        point[index] = saved - h
        minus = f(point)
        point[index] = saved
        gradient[index] = (plus - minus) / (2 * h)
    return gradient
