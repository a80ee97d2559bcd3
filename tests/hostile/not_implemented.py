"""Hostile: the stub, untouched.

expect: fail
message: NotImplementedError
"""


def square(x):
    raise NotImplementedError


def numeric_gradient_square(x, h=1e-5):
    raise NotImplementedError
