"""Wrong: no edge cases: a == b divides by zero, and no loss comes out negative.

mistake: a == b
"""

import math

import numpy as np


def machine_epsilon(dtype=np.float64):
    t = np.dtype(dtype).type
    eps = t(1)
    while t(1) + eps / t(2) != t(1):
        eps = eps / t(2)
    return eps


def optimal_step(method, x=1.0, dtype=np.float64):
    roots = {"forward": 2, "central": 3}
    if method not in roots:
        raise ValueError(method)
    return float(machine_epsilon(dtype)) ** (1 / roots[method]) * max(1.0, abs(x))


def digits_lost(a, b):
    return math.log10(abs(a) / abs(a - b))
