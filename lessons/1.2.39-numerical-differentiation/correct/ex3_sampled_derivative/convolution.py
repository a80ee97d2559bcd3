"""Correct, in another style: neighbouring differences as a convolution with (1, -1)."""

import numpy as np


def sampled_derivative(y, dx):
    if dx <= 0:
        raise ValueError("dx must be positive")
    samples = np.asarray(y, dtype=float)
    if samples.shape[0] < 2:
        raise ValueError("need at least two samples")
    return np.convolve(samples, [1.0, -1.0], mode="valid") / dx
