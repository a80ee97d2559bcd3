"""Wrong: loops over a flattened copy and returns a flat list, losing the array's shape.

mistake: Python list | shape
"""

import math

import numpy as np


def forward_difference(f, x, h):
    if h == 0 or not math.isfinite(h):
        raise ValueError("bad step")
    if np.ndim(x) == 0:
        return (f(x + h) - f(x)) / h
    return [(f(v + h) - f(v)) / h for v in np.ravel(x)]
