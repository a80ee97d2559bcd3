"""Correct: the halving on 0-d arrays of the dtype, a relative difference and -log10."""

import math

import numpy as np


def machine_epsilon(dtype=np.float64):
    one = np.array(1, dtype=dtype)
    eps = np.array(1, dtype=dtype)
    while (one + eps / 2) != one:
        eps = (eps / 2).astype(dtype)
    return eps[()]


def optimal_step(method, x=1.0, dtype=np.float64):
    power = {"forward": 0.5, "central": 1.0 / 3.0}.get(method)
    if power is None:
        raise ValueError(f"no step rule for {method!r}")
    return math.pow(float(machine_epsilon(dtype)), power) * max(1.0, math.fabs(x))


def digits_lost(a, b):
    a, b = float(a), float(b)
    gap = abs(a - b)
    if gap == 0:
        return math.inf
    return max(0.0, -math.log10(gap / max(abs(a), abs(b))))
