"""Correct: norms of flattened arrays through np.linalg.norm with ord=None stated,
gradient by np.nditer over a writable copy, verdict by np.searchsorted on the
thresholds (nan sorts last, so it lands on "bug")."""

import numpy as np

LABELS = ("correct", "inspect", "bug")
THRESHOLDS = np.array([1e-7, 1e-3])


def relative_difference(a, b):
    a, b = np.asarray(a, dtype=float).flatten(), np.asarray(b, dtype=float).flatten()
    norm_a, norm_b = np.linalg.norm(a, ord=None), np.linalg.norm(b, ord=None)
    if norm_a + norm_b == 0:
        return 0.0
    return float(np.linalg.norm(a - b, ord=None) / (norm_a + norm_b))


def gradient_check(f, grad, x, epsilon=1e-7):
    work = np.array(x, dtype=float)
    numeric = np.empty_like(work)
    with np.nditer(work, flags=["multi_index"], op_flags=[["readwrite"]]) as it:
        for entry in it:
            saved = float(entry)
            entry[...] = saved + epsilon
            up = f(work)
            entry[...] = saved - epsilon
            down = f(work)
            entry[...] = saved
            numeric[it.multi_index] = (up - down) / (2 * epsilon)
    return relative_difference(numeric, grad(np.array(x, dtype=float)))


def verdict(difference):
    return LABELS[int(np.searchsorted(THRESHOLDS, float(difference), side="right"))]
