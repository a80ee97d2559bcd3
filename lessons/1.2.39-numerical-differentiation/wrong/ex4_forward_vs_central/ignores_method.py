"""Wrong: ignores the method given and always measures a forward difference.

mistake: method you are given | method passed in
"""

import numpy as np


def central_difference(f, x, h):
    x = np.asarray(x, dtype=float)
    return (f(x + h) - f(x - h)) / (2 * h)


def observed_order(method, f, dfdx, x, steps):
    h = np.asarray(steps, dtype=float)
    errors = np.abs((f(x + h) - f(x)) / h - dfdx(x))
    return float(np.polyfit(np.log(h), np.log(errors), 1)[0])
