"""Reference solution for exercise 1.2.39.9: Discuss floating-point limitations."""

import math

import numpy as np


def machine_epsilon(dtype=np.float64) -> float:
    """The machine epsilon of dtype, found by halving in that type."""
    kind = np.dtype(dtype).type
    one, two = kind(1), kind(2)
    eps = kind(1)
    # Every operand is of `kind`, so each sum is rounded to that type's precision.
    while one + eps / two != one:
        eps = eps / two
    return eps


def optimal_step(method: str, x: float = 1.0, dtype=np.float64) -> float:
    """A step h for a "forward" or "central" difference at x that balances the errors."""
    roots = {"forward": 2, "central": 3}  # error ~ h + eps/h, or h**2 + eps/h
    if method not in roots:
        raise ValueError(f"method must be 'forward' or 'central', not {method!r}")
    eps = float(machine_epsilon(dtype))
    return eps ** (1.0 / roots[method]) * max(1.0, abs(float(x)))


def digits_lost(a: float, b: float) -> float:
    """Decimal digits that cancel in a - b: log10(max(|a|, |b|) / |a - b|), at least 0."""
    a, b = float(a), float(b)  # float32 inputs subtract exactly in float64 too
    if a == b:
        return math.inf
    lost = math.log10(max(abs(a), abs(b)) / abs(a - b))
    return max(0.0, lost)
