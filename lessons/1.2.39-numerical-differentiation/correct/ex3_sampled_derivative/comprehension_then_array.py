"""Correct, in another style: Python floats in a list comprehension, turned into a NumPy
array at the end."""

import numpy as np


def sampled_derivative(y, dx):
    values = [float(v) for v in y]
    if dx <= 0 or len(values) < 2:
        raise ValueError("need dx > 0 and two samples or more")
    return np.array([(b - a) / dx for a, b in zip(values[:-1], values[1:], strict=True)])
