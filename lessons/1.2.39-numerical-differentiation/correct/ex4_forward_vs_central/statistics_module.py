"""Correct: the steps sorted into a new list, the fit from the standard library's
statistics.linear_regression, and base-2 logarithms."""

import math
import statistics

import numpy as np


def central_difference(f, x, h):
    x = np.asarray(x, dtype=float)
    ahead, behind = f(x + h), f(x - h)
    return (ahead - behind) / h / 2


def observed_order(method, f, dfdx, x, steps):
    hs = sorted(float(h) for h in steps)
    errors = [abs(method(f, x, h) - dfdx(x)) for h in hs]
    fit = statistics.linear_regression([math.log2(h) for h in hs], [math.log2(e) for e in errors])
    return fit.slope
