"""Wrong: best_step returns the step nearest sqrt(eps) ~ 1.5e-8 without computing any
error: right for gently curved functions, wrong wherever the best step depends on f.

mistake: depends on f
"""

import numpy as np

LARGE_STEP_ERROR = "truncation"
TINY_STEP_ERROR = "round-off"


def forward_errors(f, dfdx, x, steps):
    h = np.asarray(steps, dtype=float)
    return np.abs((f(x + h) - f(x)) / h - dfdx(x))


def best_step(f, dfdx, x, steps):
    target = np.sqrt(np.finfo(float).eps)
    return min(steps, key=lambda h: abs(np.log10(h) - np.log10(target)))
