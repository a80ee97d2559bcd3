"""Wrong: takes abs(h) in the denominator only, so a negative step flips the sign.

mistake: abs(h)
"""

import numpy as np


def central_difference(f, x, h):
    x = np.asarray(x, dtype=float)
    return (f(x + h) - f(x - h)) / (2 * abs(h))


def observed_order(method, f, dfdx, x, steps):
    h = np.asarray(steps, dtype=float)
    errors = np.array([abs(method(f, x, s) - dfdx(x)) for s in h])
    return float(np.polyfit(np.log(h), np.log(errors), 1)[0])
