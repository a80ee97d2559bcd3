"""Wrong: divides by the norm of the analytic gradient only, so a flipped sign scores 2.

mistake: one norm alone
"""

import numpy as np


def relative_difference(a, b):
    a, b = np.ravel(np.asarray(a, dtype=float)), np.ravel(np.asarray(b, dtype=float))
    scale = np.linalg.norm(b)
    return 0.0 if scale == 0 else float(np.linalg.norm(a - b) / scale)


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
