"""Wrong: looks machine epsilon up with np.finfo instead of finding it.

mistake: looks the answer up
"""

import math

import numpy as np


def machine_epsilon(dtype=np.float64):
    return np.finfo(dtype).eps


def optimal_step(method, x=1.0, dtype=np.float64):
    roots = {"forward": 2, "central": 3}
    if method not in roots:
        raise ValueError(method)
    return float(machine_epsilon(dtype)) ** (1 / roots[method]) * max(1.0, abs(x))


def digits_lost(a, b):
    a, b = float(a), float(b)
    if a == b:
        return math.inf
    return max(0.0, math.log10(max(abs(a), abs(b)) / abs(a - b)))
