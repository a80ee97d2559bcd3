"""Wrong: steps backwards, (f(x) - f(x - h)) / h, so the error has the wrong sign.

mistake: backward difference
"""

import math


def forward_difference(f, x, h):
    if h == 0 or not math.isfinite(h):
        raise ValueError("bad step")
    return (f(x) - f(x - h)) / h
