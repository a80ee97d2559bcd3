"""Wrong: returns the error itself from inside the loop, so forward_errors gives one
number, the first step's error, instead of one error per step.

mistake: stopped after the first step
"""

import numpy as np

LARGE_STEP_ERROR = "truncation"
TINY_STEP_ERROR = "round-off"


def forward_errors(f, dfdx, x, steps):
    for h in steps:
        estimate = (f(x + h) - f(x)) / h
        return abs(estimate - dfdx(x))


def best_step(f, dfdx, x, steps):
    h = np.asarray(steps, dtype=float)
    errors = np.abs((f(x + h) - f(x)) / h - dfdx(x))
    return float(h[np.argmin(errors)])
