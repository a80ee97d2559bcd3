"""Hostile: an atexit hook that forces exit status 0, with wrong answers.

expect: fail
message: expected
"""

import atexit
import os

atexit.register(lambda: os._exit(0))


def square(x):
    return x + 1.0


def numeric_gradient_square(x, h=1e-5):
    return x + 1.0
