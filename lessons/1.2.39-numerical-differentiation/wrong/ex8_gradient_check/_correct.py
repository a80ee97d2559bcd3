"""A plain, correct gradient check: the file the mutations beside it edit (each
``*.mutation.toml`` is one bug). It is graded to full marks itself."""

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


def numeric_gradient(f, x, epsilon):
    numeric = np.zeros_like(x)
    flat, out = x.reshape(-1), numeric.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + epsilon
        plus = f(x.copy())
        flat[i] = old - epsilon
        minus = f(x.copy())
        flat[i] = old
        out[i] = (plus - minus) / (2 * epsilon)
    return numeric


def gradient_check(f, grad, x, epsilon=1e-7):
    x = np.array(x, dtype=float)
    analytic = grad(x.copy())
    return relative_difference(numeric_gradient(f, x, epsilon), analytic)
