"""Wrong: the order is the slope through the first and last step only, not the
least-squares slope over all the steps.

mistake: first and the last point
"""

import numpy as np


def central_difference(f, x, h):
    x = np.asarray(x, dtype=float)
    return (f(x + h) - f(x - h)) / (2 * h)


def observed_order(method, f, dfdx, x, steps):
    first, last = float(steps[0]), float(steps[-1])
    e_first = abs(method(f, x, first) - dfdx(x))
    e_last = abs(method(f, x, last) - dfdx(x))
    return float((np.log(e_last) - np.log(e_first)) / (np.log(last) - np.log(first)))
