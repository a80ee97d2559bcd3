"""Wrong: hides the look-up in a module constant and a helper (still spotted).

mistake: looks the answer up
"""

import math
from sys import float_info as info

import numpy as np

TABLE = {"float64": info.epsilon, "float32": 2.0**-23, "float16": 2.0**-10}


def _table(name):
    return TABLE.get(name, np.finfo(name).eps)


def machine_epsilon(dtype=np.float64):
    return _table(np.dtype(dtype).name)


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
