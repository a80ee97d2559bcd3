"""Correct: sorts a copy of the steps with their errors side by side, and divides by h
as a product with 1/h."""

import numpy as np

LARGE_STEP_ERROR = "truncation"
TINY_STEP_ERROR = "round off"


def forward_errors(f, dfdx, x, steps):
    h = np.asarray(steps, dtype=float)
    return np.abs((f(x + h) - f(x)) * (1.0 / h) - dfdx(x))


def best_step(f, dfdx, x, steps):
    h = np.sort(np.asarray(steps, dtype=float))  # a sorted copy; steps stays as it came
    errors = forward_errors(f, dfdx, x, h)
    return h[errors == errors.min()][0]
