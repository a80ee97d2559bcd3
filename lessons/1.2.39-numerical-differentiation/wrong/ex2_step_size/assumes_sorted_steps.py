"""Wrong: best_step walks down the steps and stops when the error first grows, which
works only when the steps come sorted from large to small.

mistake: not sorted | first rise in error
"""

import numpy as np

LARGE_STEP_ERROR = "truncation"
TINY_STEP_ERROR = "round-off"


def forward_errors(f, dfdx, x, steps):
    h = np.asarray(steps, dtype=float)
    return np.abs((f(x + h) - f(x)) / h - dfdx(x))


def best_step(f, dfdx, x, steps):
    errors = forward_errors(f, dfdx, x, steps)
    for i in range(1, len(steps)):
        if errors[i] > errors[i - 1]:
            return steps[i - 1]
    return steps[-1]
