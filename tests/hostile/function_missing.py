"""Hostile: the required functions are misspelt.

expect: fail
message: does not define
"""


def sqaure(x):
    return x * x


def numeric_gradient(x, h=1e-5):
    return 2 * x
