"""Hostile: os._exit(0) inside each call.

expect: fail
message: exit status 0
"""

import os


def square(x):
    os._exit(0)


def numeric_gradient_square(x, h=1e-5):
    os._exit(0)
