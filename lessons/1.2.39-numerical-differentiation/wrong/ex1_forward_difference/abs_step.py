"""Wrong: takes abs(h), so a negative step does not give the backward difference.

mistake: sign of h | abs(h)
"""

import math


def forward_difference(f, x, h):
    if h == 0 or not math.isfinite(h):
        raise ValueError("bad step")
    h = abs(h)
    return (f(x + h) - f(x)) / h
