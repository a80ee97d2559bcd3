"""Reference solution for exercise 1.2.39.7: numeric gradient of a scalar function."""

from collections.abc import Callable

import numpy as np


def numeric_gradient(
    f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-5
) -> np.ndarray:
    """Central differences along each coordinate: 2 calls of f per entry of x."""
    point = np.array(x, dtype=float)  # a float copy: x stays untouched, integers keep h
    flat = point.reshape(-1)  # a view: changing flat[i] moves the matching entry of point
    gradient = np.empty_like(flat)
    for i in range(flat.size):
        saved = flat[i]
        flat[i] = saved + h
        ahead = f(point)
        flat[i] = saved - h
        behind = f(point)
        flat[i] = saved  # restore exactly (not by subtracting h again)
        gradient[i] = (ahead - behind) / (2.0 * h)
    return gradient.reshape(point.shape)
