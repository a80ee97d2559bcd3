"""Wrong: divides by h instead of 2h, so every estimate is twice the slope.

mistake: twice the central difference | 2h apart
"""

import numpy as np


def central_difference(f, x, h):
    x = np.asarray(x, dtype=float)
    return (f(x + h) - f(x - h)) / h


def observed_order(method, f, dfdx, x, steps):
    h = np.asarray(steps, dtype=float)
    errors = np.array([abs(method(f, x, s) - dfdx(x)) for s in h])
    return float(np.polyfit(np.log(h), np.log(errors), 1)[0])
