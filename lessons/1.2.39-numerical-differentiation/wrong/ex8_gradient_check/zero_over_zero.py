"""Wrong: no special case for two zero gradients, so 0/0 gives nan.

mistake: 0/0
"""

import numpy as np


def relative_difference(a, b):
    a, b = np.ravel(np.asarray(a, dtype=float)), np.ravel(np.asarray(b, dtype=float))
    return float(np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b)))


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
