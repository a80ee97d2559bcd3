"""Wrong: steps the caller's own x in place and restores it by arithmetic.

mistake: changed the array x
"""

import numpy as np


def relative_difference(a, b):
    a, b = np.ravel(np.asarray(a, dtype=float)), np.ravel(np.asarray(b, dtype=float))
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if scale == 0 else float(np.linalg.norm(a - b) / scale)


def gradient_check(f, grad, x, epsilon=1e-7):
    analytic = grad(x.copy())
    flat = x.reshape(-1)
    numeric = np.empty(flat.size)
    for i in range(flat.size):
        flat[i] += epsilon
        ahead = f(x)
        flat[i] -= 2 * epsilon
        behind = f(x)
        flat[i] += epsilon
        numeric[i] = (ahead - behind) / (2 * epsilon)
    return relative_difference(numeric.reshape(x.shape), analytic)


def verdict(difference):
    if difference < 1e-7:
        return "correct"
    if difference < 1e-3:
        return "inspect"
    return "bug"
