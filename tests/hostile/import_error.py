"""Hostile: imports a module that does not exist.

expect: fail
message: could not import
"""

import numpy_but_faster  # noqa: F401


def square(x):
    return x * x
