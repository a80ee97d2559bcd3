"""Wrong: does not scale the step with |x|, so it is lost next to large x.

mistake: not scaled with x
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
    return float(machine_epsilon(dtype)) ** (1 / roots[method])


def digits_lost(a, b):
    a, b = float(a), float(b)
    if a == b:
        return math.inf
    return max(0.0, math.log10(max(abs(a), abs(b)) / abs(a - b)))
