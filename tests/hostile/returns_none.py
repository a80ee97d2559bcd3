"""Hostile: returns None (a forgotten return statement).

expect: fail
message: None
"""


def square(x):
    x * x


def numeric_gradient_square(x, h=1e-5):
    2 * x
