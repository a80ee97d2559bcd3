"""Hostile: both functions take the wrong parameters.

expect: fail
message: TypeError
"""


def square():
    return 0.0


def numeric_gradient_square(x, y, z):
    return 2 * x
