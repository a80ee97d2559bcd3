"""Correct: counts the halvings, then builds eps as 2**-count in the dtype; if/elif steps."""

import math

import numpy as np


def machine_epsilon(dtype=np.float64):
    t = np.dtype(dtype).type
    count = 0
    while t(1) + t(2) ** -(count + 1) != t(1):
        count += 1
    return t(2) ** -count


def optimal_step(method, x=1.0, dtype=np.float64):
    eps = float(machine_epsilon(dtype))
    if method == "forward":
        step = math.sqrt(eps)
    elif method == "central":
        step = eps ** (1.0 / 3.0)
    else:
        raise ValueError(method)
    return step * max(1.0, abs(x))


def digits_lost(a, b):
    if a == b:
        return math.inf
    ratio = max(abs(float(a)), abs(float(b))) / abs(float(a) - float(b))
    return math.log10(ratio) if ratio > 1 else 0.0
