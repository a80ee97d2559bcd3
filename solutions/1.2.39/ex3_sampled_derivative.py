"""Reference solution for exercise 1.2.39.3: Compute a simple numeric derivative."""

import numpy as np


def sampled_derivative(y, dx) -> np.ndarray:
    """(y[i+1] - y[i]) / dx for equally spaced samples y; length len(y) - 1."""
    if not dx > 0:
        raise ValueError(f"the spacing dx must be positive, got {dx!r}")
    # float, so that integer samples are not divided with integer arithmetic downstream
    y = np.asarray(y, dtype=float).reshape(-1)
    if y.size < 2:
        raise ValueError(f"a slope needs at least 2 samples, got {y.size}")
    return np.diff(y) / dx
