"""Hostile: returns nan everywhere.

expect: fail
message: nan
"""


def square(x):
    return float("nan")


def numeric_gradient_square(x, h=1e-5):
    return float("nan")
