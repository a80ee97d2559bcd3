"""Reference solution for exercise 1.2.39.2: Explain why step size matters."""

import numpy as np

# Large steps: the dropped Taylor terms (about h/2 * |f''|) dominate.
LARGE_STEP_ERROR = "truncation"
# Tiny steps: the digits lost in f(x + h) - f(x), divided by h, dominate.
TINY_STEP_ERROR = "round-off"


def forward_errors(f, dfdx, x, steps) -> np.ndarray:
    """|(f(x + h) - f(x)) / h - dfdx(x)| for each h in steps, as a 1-D array."""
    h = np.asarray(steps, dtype=float).reshape(-1)
    x = float(x)
    # f works elementwise, so one call evaluates f(x + h) for every step at once.
    slopes = (np.asarray(f(x + h), dtype=float) - f(x)) / h
    return np.abs(slopes - dfdx(x))


def best_step(f, dfdx, x, steps) -> float:
    """The step in steps with the smallest forward-difference error at x."""
    h = np.asarray(steps, dtype=float).reshape(-1)
    return float(h[np.argmin(forward_errors(f, dfdx, x, h))])
