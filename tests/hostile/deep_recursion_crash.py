"""Hostile: lifts the recursion limit and recurses through C code until the C stack
overflows, which kills the process with a segmentation fault.

expect: fail
message: SIGSEGV
"""

import sys

sys.setrecursionlimit(10**9)


def square(x):
    return sorted([x, x], key=lambda value: square(value))[0]


def numeric_gradient_square(x, h=1e-5):
    return square(x)
