"""Wrong: forward_errors returns a Python list of the right errors; the statement asks for
a NumPy array.

mistake: asks for a NumPy array
"""

import numpy as np


def forward_errors(f, dfdx, x, steps):
    exact = dfdx(x)
    return [abs((f(x + h) - f(x)) / h - exact) for h in steps]


def best_step(f, dfdx, x, steps):
    steps = np.asarray(steps, dtype=float)
    errors = np.abs((f(x + steps) - f(x)) / steps - dfdx(x))
    return float(steps[int(np.argmin(errors))])


LARGE_STEP_ERROR = "truncation"
TINY_STEP_ERROR = "round-off"
