"""Correct: the file that the *.mutation.toml entries here edit, one bug each."""

import numpy as np


def central_difference(f, x, h):
    x = np.asarray(x, dtype=float)
    return (f(x + h) - f(x - h)) / (2 * h)


def observed_order(method, f, dfdx, x, steps):
    h = np.asarray(steps, dtype=float)
    errors = np.array([abs(method(f, x, step) - dfdx(x)) for step in h])
    u, v = np.log(h), np.log(errors)
    return float(np.polyfit(u, v, 1)[0])
