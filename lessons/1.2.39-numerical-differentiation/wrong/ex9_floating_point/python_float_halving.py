"""Wrong: halves in Python floats, so every dtype gets float64's epsilon.

mistake: Python floats
"""

import math

import numpy as np


def machine_epsilon(dtype=np.float64):
    eps = 1.0
    while 1.0 + eps / 2 != 1.0:
        eps /= 2
    return eps


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
