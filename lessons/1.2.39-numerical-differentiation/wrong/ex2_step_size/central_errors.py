"""Wrong: measures the central difference's errors, not the forward difference's.

mistake: central difference
"""

import numpy as np

LARGE_STEP_ERROR = "truncation"
TINY_STEP_ERROR = "round-off"


def forward_errors(f, dfdx, x, steps):
    h = np.asarray(steps, dtype=float)
    return np.abs((f(x + h) - f(x - h)) / (2 * h) - dfdx(x))


def best_step(f, dfdx, x, steps):
    h = np.asarray(steps, dtype=float)
    return float(h[np.argmin(forward_errors(f, dfdx, x, h))])
