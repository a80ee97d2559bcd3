"""Correct, in another style: a loop over the points of an array, one slope at a time,
into a float output of x's shape; a plain float for a scalar x."""

import math

import numpy as np


def forward_difference(f, x, h):
    if h == 0 or math.isnan(h) or math.isinf(h):
        raise ValueError("h must be a non-zero, finite step")
    if np.ndim(x) == 0:
        return float((f(x + h) - f(x)) / h)
    points = np.asarray(x, dtype=float)
    slopes = np.empty(points.shape)
    for index in np.ndindex(points.shape):
        point = points[index]
        slopes[index] = (f(point + h) - f(point)) / h
    return slopes
