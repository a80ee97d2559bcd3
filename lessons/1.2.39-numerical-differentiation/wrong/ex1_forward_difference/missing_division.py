"""Wrong: forgets to divide by h and returns the rise, not the slope.

mistake: not divided by h
"""

import math


def forward_difference(f, x, h):
    if h == 0 or not math.isfinite(h):
        raise ValueError("bad step")
    return f(x + h) - f(x)
