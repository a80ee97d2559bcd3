"""Correct: Python numbers for a scalar x, the least-squares slope written out as sums,
and base-10 logarithms (the slope is the same in any base)."""

import math

import numpy as np


def central_difference(f, x, h):
    if np.ndim(x) == 0:
        return float((f(x + h) - f(x - h)) / (2 * h))
    x = np.array(x, dtype=float)
    return (f(x + h) - f(x - h)) / (2 * h)


def observed_order(method, f, dfdx, x, steps):
    exact = float(dfdx(x))
    u, v = [], []
    for h in steps:
        u.append(math.log10(h))
        v.append(math.log10(abs(float(method(f, x, h)) - exact)))
    mu, mv = sum(u) / len(u), sum(v) / len(v)
    top = sum((a - mu) * (b - mv) for a, b in zip(u, v, strict=True))
    bottom = sum((a - mu) ** 2 for a in u)
    return top / bottom
