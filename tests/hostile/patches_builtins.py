"""Hostile: replaces builtins (abs, isinstance, float) and returns wrong answers.

expect: fail
message: replaces Python's own functions
"""

import builtins

builtins.abs = lambda x: 0
builtins.isinstance = lambda *a: True
builtins.float = lambda *a: 0.0


def square(x):
    return x - x + 3


def numeric_gradient_square(x, h=1e-5):
    return x - x + 3
