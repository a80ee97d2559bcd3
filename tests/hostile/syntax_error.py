"""Hostile: a syntax error.

expect: fail
message: SyntaxError at line 8
"""


def square(x)
    return x * x
