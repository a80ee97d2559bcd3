"""Hostile: prints megabytes on every call, and answers wrongly.

expect: fail
message: expected
"""

import sys


def square(x):
    sys.stdout.write("noise " * 500_000)
    return 0.5


def numeric_gradient_square(x, h=1e-5):
    print("noise " * 500_000)
    return 0.5
