"""Wrong: gradient_check uses a forward difference, whose error is of order epsilon.

mistake: forward
"""

import numpy as np


def relative_difference(a, b):
    a, b = np.ravel(np.asarray(a, dtype=float)), np.ravel(np.asarray(b, dtype=float))
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if scale == 0 else float(np.linalg.norm(a - b) / scale)


def gradient_check(f, grad, x, epsilon=1e-7):
    point = np.array(x, dtype=float)
    flat = point.reshape(-1)
    base = f(point)
    numeric = np.empty_like(flat)
    for i in range(flat.size):
        saved = flat[i]
        flat[i] = saved + epsilon
        numeric[i] = (f(point) - base) / epsilon
        flat[i] = saved
    return relative_difference(numeric.reshape(point.shape), grad(np.array(x, dtype=float)))


def verdict(difference):
    if difference < 1e-7:
        return "correct"
    if difference < 1e-3:
        return "inspect"
    return "bug"
