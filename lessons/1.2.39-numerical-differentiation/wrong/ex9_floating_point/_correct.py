"""Correct: the three functions that the mutations beside it edit."""

import math

import numpy as np


def machine_epsilon(dtype=np.float64):
    t = np.dtype(dtype).type
    one, two = t(1), t(2)
    eps = t(1)
    while one + eps / two != one:
        eps = eps / two
    return eps


def optimal_step(method, x=1.0, dtype=np.float64):
    eps = float(machine_epsilon(dtype))
    if method == "forward":
        h = eps ** (1 / 2)
    elif method == "central":
        h = eps ** (1 / 3)
    else:
        raise ValueError(f"unknown method {method!r}")
    return h * max(1.0, abs(x))


def digits_lost(a, b):
    a, b = float(a), float(b)
    if a == b:
        return math.inf
    lost = math.log10(max(abs(a), abs(b)) / abs(a - b))
    return max(0.0, lost)
