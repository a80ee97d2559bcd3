"""Reference solution for exercise 1.2.39.4: Compare forward vs central difference."""

import numpy as np


def central_difference(f, x, h):
    """(f(x + h) - f(x - h)) / (2h); symmetric, so -h gives the same value as h."""
    x = np.asarray(x, dtype=float)
    estimate = (np.asarray(f(x + h), dtype=float) - np.asarray(f(x - h), dtype=float)) / (2 * h)
    return estimate if estimate.ndim else float(estimate)


def observed_order(method, f, dfdx, x, steps) -> float:
    """Least-squares slope of log|method(f, x, h) - dfdx(x)| against log h."""
    h = np.asarray(steps, dtype=float).reshape(-1)
    exact = dfdx(x)
    errors = np.array([abs(float(method(f, x, step)) - exact) for step in h])
    # error ~ C h^p  =>  log error = log C + p log h: the slope of the fitted line is p
    slope, _ = np.polyfit(np.log(h), np.log(errors), 1)
    return float(slope)
