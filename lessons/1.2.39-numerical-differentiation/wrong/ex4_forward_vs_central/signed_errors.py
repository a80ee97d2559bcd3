"""Wrong: keeps the sign of the error, so negative errors give log(nan).

mistake: negative | a distance
"""

import numpy as np


def central_difference(f, x, h):
    x = np.asarray(x, dtype=float)
    return (f(x + h) - f(x - h)) / (2 * h)


def observed_order(method, f, dfdx, x, steps):
    h = np.asarray(steps, dtype=float)
    errors = np.array([method(f, x, s) - dfdx(x) for s in h])
    return float(np.polyfit(np.log(h), np.log(errors), 1)[0])
