"""Correct: forward differences of samples, the file the mutations beside it edit."""

import numpy as np


def sampled_derivative(y, dx):
    if dx <= 0 or len(y) < 2:
        raise ValueError("need a positive spacing dx and at least 2 samples")
    y = np.asarray(y, dtype=float)
    slopes = (y[1:] - y[:-1]) / dx
    return slopes
