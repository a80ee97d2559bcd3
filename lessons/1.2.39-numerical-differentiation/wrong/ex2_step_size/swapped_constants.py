"""Wrong: names the two ends of the V the wrong way round.

mistake: swapped
"""

import numpy as np

LARGE_STEP_ERROR = "round-off"
TINY_STEP_ERROR = "truncation"


def forward_errors(f, dfdx, x, steps):
    h = np.asarray(steps, dtype=float)
    return np.abs((f(x + h) - f(x)) / h - dfdx(x))


def best_step(f, dfdx, x, steps):
    h = np.asarray(steps, dtype=float)
    return float(h[np.argmin(forward_errors(f, dfdx, x, h))])
