"""Hostile: returns the unevaluated power 3**100000000 as its "leading error term", and
as its two orders. Rebuilt with evaluation, it would cost the grader minutes of CPU; it
must be refused, never evaluated, with a message.

exercise: 1.2.39.6
expect: fail
message: a power with exponent 100000000
"""

import sympy

HUGE = sympy.Pow(sympy.Integer(3), sympy.Integer(10**8), evaluate=False)
FORWARD_ORDER = HUGE
CENTRAL_ORDER = HUGE


def leading_error_term(approximation):
    return HUGE
