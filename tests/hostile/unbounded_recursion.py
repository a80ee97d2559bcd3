"""Hostile: recursion without a base case.

expect: fail
message: recursed too deeply
"""


def square(x):
    return square(x) + 0


def numeric_gradient_square(x, h=1e-5):
    return numeric_gradient_square(x, h)
