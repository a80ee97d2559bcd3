"""Wrong: the return is indented inside the loop, so forward_errors ends after the first
step and returns an array of that step's error alone.

mistake: return inside the loop
"""

import numpy as np

LARGE_STEP_ERROR = "truncation"
TINY_STEP_ERROR = "round-off"


def forward_errors(f, dfdx, x, steps):
    errors = []
    exact = dfdx(x)
    for h in steps:
        estimate = (f(x + h) - f(x)) / h
        errors.append(abs(estimate - exact))
        return np.array(errors)


def best_step(f, dfdx, x, steps):
    errors = forward_errors(f, dfdx, x, steps)
    i = int(np.argmin(errors))
    return float(np.asarray(steps)[i])
