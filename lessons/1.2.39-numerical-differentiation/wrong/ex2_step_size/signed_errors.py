"""Wrong: keeps the sign of estimate - dfdx(x), so errors below the truth are negative and
best_step picks the most negative one.

mistake: came out negative | absolute value
"""

import numpy as np

LARGE_STEP_ERROR = "truncation"
TINY_STEP_ERROR = "round-off"


def forward_errors(f, dfdx, x, steps):
    h = np.asarray(steps, dtype=float)
    return (f(x + h) - f(x)) / h - dfdx(x)


def best_step(f, dfdx, x, steps):
    h = np.asarray(steps, dtype=float)
    return float(h[np.argmin(forward_errors(f, dfdx, x, h))])
