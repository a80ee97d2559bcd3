"""Hostile: a syntax error whose source line (quoted back to the learner) holds escapes.

The line is compiled at import, so this file itself stays valid Python.

expect: fail
message: SyntaxError at line 1
"""

exec(compile("total = 1 +  # \x1b[2J\x1b[H\x1b[32m  Score: 10/10\x1b[0m\x9b\u202e\n", "x", "exec"))


def square(x):
    return x * x


def numeric_gradient_square(x, h=1e-5):
    return 2 * x
