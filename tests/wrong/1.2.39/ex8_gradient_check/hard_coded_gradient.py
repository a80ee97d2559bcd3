"""Wrong: takes 2*x, the gradient of the sum of squares it was tried on, as the numeric
gradient, instead of central differences of the f it is given (f is never called)."""

import numpy as np


def relative_difference(a, b):
    a, b = np.ravel(np.asarray(a, dtype=float)), np.ravel(np.asarray(b, dtype=float))
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if scale == 0 else float(np.linalg.norm(a - b) / scale)


def verdict(difference):
    if difference < 1e-7:
        return "correct"
    if difference < 1e-3:
        return "inspect"
    return "bug"


def gradient_check(f, grad, x, epsilon=1e-7):
    x = np.asarray(x, dtype=float)
    return relative_difference(2 * x, grad(x.copy()))
