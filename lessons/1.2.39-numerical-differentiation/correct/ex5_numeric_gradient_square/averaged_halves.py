"""Correct: the mean of the forward and backward differences, which is the central one."""

import numpy as np


def square(x):
    return x * x


def numeric_gradient_square(x, h=1e-5):
    x = np.asarray(x, dtype=float)
    here = square(x)
    forward = (square(x + h) - here) / h
    backward = (here - square(x - h)) / h
    slope = (forward + backward) / 2
    return slope.item() if slope.ndim == 0 else slope
