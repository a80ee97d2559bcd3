"""Wrong: fits log h against log error (the axes swapped), which gives 1/p, not p.

mistake: axes swapped
"""

import numpy as np


def central_difference(f, x, h):
    x = np.asarray(x, dtype=float)
    return (f(x + h) - f(x - h)) / (2 * h)


def observed_order(method, f, dfdx, x, steps):
    h = np.asarray(steps, dtype=float)
    errors = np.array([abs(method(f, x, s) - dfdx(x)) for s in h])
    return float(np.polyfit(np.log(errors), np.log(h), 1)[0])
