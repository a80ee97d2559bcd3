"""Correct: the steps and errors centred on their means first, after which a fit with no
constant term (lstsq on one column, as MATLAB's u \\ v) gives the least-squares slope."""

import numpy as np


def central_difference(f, x, h):
    x = np.asarray(x, dtype=float)
    return (f(x + h) - f(x - h)) / (2 * h)


def observed_order(method, f, dfdx, x, steps):
    h = np.asarray(steps, dtype=float)
    errors = np.abs([method(f, x, step) - dfdx(x) for step in h])
    u, v = np.log(h), np.log(errors)
    u, v = u - u.mean(), v - v.mean()
    p, *_ = np.linalg.lstsq(u[:, None], v, rcond=None)
    return float(p[0])
