"""Wrong: uses float64's epsilon for every dtype in optimal_step, and accepts any
method as central.

mistake: float64's epsilon
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
    eps = 2.0**-52
    root = 2 if method == "forward" else 3
    return eps ** (1 / root) * max(1.0, abs(x))


def digits_lost(a, b):
    a, b = float(a), float(b)
    if a == b:
        return math.inf
    return max(0.0, math.log10(max(abs(a), abs(b)) / abs(a - b)))
