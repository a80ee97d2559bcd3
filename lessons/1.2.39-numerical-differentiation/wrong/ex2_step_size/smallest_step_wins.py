"""Wrong: assumes a smaller step is always better, so best_step returns min(steps).

mistake: smallest of the steps | smaller step is not always better
"""

import numpy as np

LARGE_STEP_ERROR = "truncation"
TINY_STEP_ERROR = "round-off"


def forward_errors(f, dfdx, x, steps):
    h = np.asarray(steps, dtype=float)
    return np.abs((f(x + h) - f(x)) / h - dfdx(x))


def best_step(f, dfdx, x, steps):
    return min(steps)
