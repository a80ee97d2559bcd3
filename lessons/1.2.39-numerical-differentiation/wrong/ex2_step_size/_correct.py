"""Correct: the file that the *.mutation.toml entries here edit, one bug each."""

import numpy as np

LARGE_STEP_ERROR = "truncation"
TINY_STEP_ERROR = "round-off"


def forward_errors(f, dfdx, x, steps):
    h = np.array(steps, dtype=float)
    estimates = (f(x + h) - f(x)) / h
    return np.abs(estimates - dfdx(x))


def best_step(f, dfdx, x, steps):
    h = np.array(steps, dtype=float)
    errors = forward_errors(f, dfdx, x, h)
    return float(h[np.argmin(errors)])
