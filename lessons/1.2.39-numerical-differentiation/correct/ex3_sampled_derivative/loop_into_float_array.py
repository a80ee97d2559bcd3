"""Correct, in another style: a loop over the pairs into a float output array."""

import numpy as np


def sampled_derivative(y, dx):
    if not dx > 0:
        raise ValueError("the spacing dx must be positive")
    if len(y) < 2:
        raise ValueError("at least two samples are needed for a slope")
    samples = np.asarray(y, dtype=float)
    slopes = np.zeros(len(samples) - 1)
    for i in range(len(samples) - 1):
        slopes[i] = (samples[i + 1] - samples[i]) / dx
    return slopes
