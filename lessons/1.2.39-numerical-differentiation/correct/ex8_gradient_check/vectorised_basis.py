"""Correct: the steps are the rows of epsilon * identity, all built at once; f is still
called twice per entry, on reshaped copies of x."""

import numpy as np


def relative_difference(a, b):
    a = np.asarray(a, dtype=float).reshape(-1)
    b = np.asarray(b, dtype=float).reshape(-1)
    denominator = np.sqrt(np.sum(a**2)) + np.sqrt(np.sum(b**2))
    if denominator == 0.0:
        return 0.0
    return float(np.sqrt(np.sum((a - b) ** 2)) / denominator)


def gradient_check(f, grad, x, epsilon=1e-7):
    x = np.asarray(x, dtype=float)
    flat = x.reshape(-1)
    steps = epsilon * np.eye(flat.size)
    ahead = np.array([f((flat + step).reshape(x.shape)) for step in steps])
    behind = np.array([f((flat - step).reshape(x.shape)) for step in steps])
    numeric = ((ahead - behind) / (2 * epsilon)).reshape(x.shape)
    return relative_difference(numeric, grad(x.copy()))


def verdict(difference):
    for limit, label in ((1e-7, "correct"), (1e-3, "inspect")):
        if difference < limit:
            return label
    return "bug"
