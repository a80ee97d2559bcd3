"""Wrong: sorts the caller's steps array in place before choosing.

mistake: changed the steps
"""

import numpy as np

LARGE_STEP_ERROR = "truncation"
TINY_STEP_ERROR = "round-off"


def forward_errors(f, dfdx, x, steps):
    h = np.asarray(steps, dtype=float)
    return np.abs((f(x + h) - f(x)) / h - dfdx(x))


def best_step(f, dfdx, x, steps):
    if isinstance(steps, np.ndarray):
        steps.sort()
    errors = forward_errors(f, dfdx, x, steps)
    return float(np.asarray(steps)[np.argmin(errors)])
