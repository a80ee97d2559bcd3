"""Wrong: uses the central difference, so a quadratic's error is 0 instead of a*h.

mistake: central difference
"""

import math

import numpy as np


def forward_difference(f, x, h):
    if h == 0 or not math.isfinite(h):
        raise ValueError("bad step")
    x = np.asarray(x, dtype=float)
    return (f(x + h) - f(x - h)) / (2 * h)
