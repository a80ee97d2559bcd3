"""Correct: the forward difference that the mutations beside it edit."""

import math


def forward_difference(f, x, h):
    if h == 0 or not math.isfinite(h):
        raise ValueError(f"the step h must be non-zero and finite, got {h!r}")
    slope = (f(x + h) - f(x)) / h
    return slope
