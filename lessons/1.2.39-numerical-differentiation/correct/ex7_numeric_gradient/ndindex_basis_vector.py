"""Correct: np.ndindex over x's shape, with a step array that is h at one index only."""

import numpy as np


def numeric_gradient(f, x, h=1e-5):
    x = np.asarray(x, dtype=float)
    gradient = np.zeros(x.shape)
    for index in np.ndindex(x.shape):
        step = np.zeros(x.shape)
        step[index] = h
        gradient[index] = (f(x + step) - f(x - step)) / (2 * h)
    return gradient
