"""Correct: relative_difference in plain Python floats with math.hypot, gradient_check
with np.ndindex over a copy of x, and a verdict that names nan explicitly."""

import math

import numpy as np


def relative_difference(a, b):
    a = [float(v) for v in np.ravel(a)]
    b = [float(v) for v in np.ravel(b)]
    top = math.hypot(*(p - q for p, q in zip(a, b, strict=True)))
    bottom = math.hypot(*a) + math.hypot(*b)
    return 0.0 if bottom == 0.0 else top / bottom


def gradient_check(f, grad, x, epsilon=1e-7):
    point = np.array(x, dtype=float, copy=True)
    numeric = np.zeros_like(point)
    for index in np.ndindex(point.shape):
        original = point[index]
        point[index] = original + epsilon
        plus = f(point.copy())
        point[index] = original - epsilon
        minus = f(point.copy())
        point[index] = original
        numeric[index] = (plus - minus) / (2.0 * epsilon)
    return float(relative_difference(numeric, grad(np.array(x, dtype=float))))


def verdict(difference):
    if math.isnan(difference):
        return "bug"
    if difference < 1e-7:
        return "correct"
    return "inspect" if difference < 1e-3 else "bug"
