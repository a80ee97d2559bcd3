"""Wrong: uses the spectral norm (ord=2) for matrices instead of the norm of all entries.

mistake: ord=2
"""

import numpy as np


def relative_difference(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    order = 2 if a.ndim == 2 else None
    scale = np.linalg.norm(a, order) + np.linalg.norm(b, order)
    return 0.0 if scale == 0 else float(np.linalg.norm(a - b, order) / scale)


def gradient_check(f, grad, x, epsilon=1e-7):
    point = np.array(x, dtype=float)
    flat = point.reshape(-1)
    numeric = np.empty_like(flat)
    for i in range(flat.size):
        saved = flat[i]
        flat[i] = saved + epsilon
        ahead = f(point)
        flat[i] = saved - epsilon
        behind = f(point)
        flat[i] = saved
        numeric[i] = (ahead - behind) / (2 * epsilon)
    return relative_difference(numeric.reshape(point.shape), grad(np.array(x, dtype=float)))


def verdict(difference):
    if difference < 1e-7:
        return "correct"
    if difference < 1e-3:
        return "inspect"
    return "bug"
