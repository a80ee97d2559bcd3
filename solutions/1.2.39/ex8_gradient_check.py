"""Reference solution for exercise 1.2.39.8: Use gradient check for a function."""

from collections.abc import Callable

import numpy as np

CORRECT_BELOW = 1e-7  # round-off level of a central difference with a sensible step
BUG_FROM = 1e-3  # far above any numerical error: the formulas disagree


def relative_difference(a, b) -> float:
    """||a - b|| / (||a|| + ||b||) over all entries; 0.0 when a and b are both zero."""
    a = np.asarray(a, dtype=float).ravel()
    b = np.asarray(b, dtype=float).ravel()
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    if scale == 0.0:  # two zero gradients agree exactly; avoid 0/0
        return 0.0
    return float(np.linalg.norm(a - b) / scale)


def gradient_check(
    f: Callable[[np.ndarray], float],
    grad: Callable[[np.ndarray], np.ndarray],
    x: np.ndarray,
    epsilon: float = 1e-7,
) -> float:
    """The relative difference between central differences of f at x and grad(x)."""
    point = np.array(x, dtype=float)  # a private copy: the caller's x never moves
    flat = point.reshape(-1)
    numeric = np.empty_like(flat)
    for i in range(flat.size):
        saved = flat[i]
        flat[i] = saved + epsilon
        ahead = f(point)
        flat[i] = saved - epsilon
        behind = f(point)
        flat[i] = saved
        numeric[i] = (ahead - behind) / (2.0 * epsilon)
    analytic = grad(np.array(x, dtype=float))
    return relative_difference(numeric.reshape(point.shape), analytic)


def verdict(difference: float) -> str:
    """The decision for a difference: "correct" below 1e-7, "inspect" below 1e-3, else "bug"."""
    difference = float(difference)
    if difference < CORRECT_BELOW:
        return "correct"
    if difference < BUG_FROM:
        return "inspect"
    return "bug"  # also nan: it is below nothing, and a nan gradient is never correct
