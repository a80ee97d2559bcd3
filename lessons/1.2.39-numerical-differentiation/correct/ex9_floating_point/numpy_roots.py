"""Correct: a for loop with break, np.sqrt and np.cbrt, np.log10 on NumPy floats."""

import numpy as np


def machine_epsilon(dtype=np.float64):
    kind = np.dtype(dtype).type
    eps = kind(1.0)
    for _ in range(200):
        half = eps / kind(2.0)
        if kind(1.0) + half == kind(1.0):
            break
        eps = half
    return eps


def optimal_step(method, x=1.0, dtype=np.float64):
    roots = {"forward": np.sqrt, "central": np.cbrt}
    if method not in roots:
        raise ValueError("method must be 'forward' or 'central'")
    return float(roots[method](np.float64(machine_epsilon(dtype)))) * max(1.0, abs(float(x)))


def digits_lost(a, b):
    a, b = np.float64(a), np.float64(b)
    if a == b:
        return float("inf")
    return float(max(0.0, np.log10(max(abs(a), abs(b)) / abs(a - b))))
