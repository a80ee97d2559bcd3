"""Correct: the rows of h * identity as the steps, on the flattened point, as a list."""

import numpy as np


def numeric_gradient(f, x, h=1e-5):
    shape = np.shape(x)
    flat = np.asarray(x, dtype=np.float64).ravel()
    steps = np.eye(flat.size) * h
    slopes = [
        (f((flat + e).reshape(shape)) - f((flat - e).reshape(shape))) / (2.0 * h) for e in steps
    ]
    return np.array(slopes).reshape(shape)
