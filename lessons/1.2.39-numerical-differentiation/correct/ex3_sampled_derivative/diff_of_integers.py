"""Correct, in another style: np.diff on the samples as they come (integers stay integers
until the true division by dx makes them floats)."""

import numpy as np


def sampled_derivative(y, dx):
    samples = np.asarray(y)
    if samples.size < 2 or dx <= 0:
        raise ValueError(f"no slope for {samples.size} samples with spacing {dx}")
    return np.diff(samples) / dx
