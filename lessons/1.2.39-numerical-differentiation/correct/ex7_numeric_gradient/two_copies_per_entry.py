"""Correct: two fresh copies per entry, moved through .flat, and f(x) called once first."""

import numpy as np


def numeric_gradient(f, x, h=1e-5):
    base = np.array(x, dtype=float)
    _ = f(base)  # looking at f(x) once is allowed: 2n + 1 calls in all
    result = np.empty_like(base)
    for i in range(base.size):
        plus = base.copy()
        minus = base.copy()
        plus.flat[i] += h
        minus.flat[i] -= h
        result.flat[i] = (f(plus) - f(minus)) * 0.5 / h
    return result
