"""Correct, in another style: a one-point helper applied with np.vectorize, which gives a
0-d array for a scalar x and an array of x's shape otherwise."""

import math

import numpy as np


def forward_difference(f, x, h):
    h = float(h)
    if not math.isfinite(h) or h == 0.0:
        raise ValueError("the step must be finite and non-zero")

    def one(point):
        return (f(point + h) - f(point)) / h

    return np.vectorize(one, otypes=[float])(x)
