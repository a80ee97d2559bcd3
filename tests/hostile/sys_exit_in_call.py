"""Hostile: sys.exit(0) inside each call.

expect: fail
message: tried to stop the program
"""

import sys


def square(x):
    sys.exit(0)


def numeric_gradient_square(x, h=1e-5):
    sys.exit(0)
