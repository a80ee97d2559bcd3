"""Reference solution for exercise 1.2.39.1: Define forward difference."""

import math

import numpy as np


def forward_difference(f, x, h):
    """Approximate f'(x) by (f(x + h) - f(x)) / h; negative h gives a backward difference."""
    h = float(h)
    if h == 0.0 or not math.isfinite(h):
        raise ValueError(f"the step h must be a non-zero finite number, got {h!r}")
    x = np.asarray(x, dtype=float)
    slope = (np.asarray(f(x + h), dtype=float) - np.asarray(f(x), dtype=float)) / h
    return slope if slope.ndim else float(slope)
