"""Wrong: gradient_check returns 0.0 whatever it is given, so every gradient looks correct."""

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
    return 0.0
