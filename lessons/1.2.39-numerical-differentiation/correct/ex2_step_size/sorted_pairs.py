"""Correct: errors with np.fromiter, the best step as the smallest (error, step) pair,
and "roundoff" written as one word."""

import numpy as np

LARGE_STEP_ERROR = "truncation"
TINY_STEP_ERROR = "roundoff"


def forward_errors(f, dfdx, x, steps):
    fx, slope = f(x), dfdx(x)
    return np.fromiter((abs((f(x + h) - fx) / h - slope) for h in steps), dtype=float)


def best_step(f, dfdx, x, steps):
    pairs = sorted(zip(forward_errors(f, dfdx, x, steps), list(steps), strict=True))
    return float(pairs[0][1])
