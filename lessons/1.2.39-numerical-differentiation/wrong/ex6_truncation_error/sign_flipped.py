"""Wrong: expands f'(x) minus the approximation, so every term has the opposite sign.

mistake: wrong sign
"""

import itertools

import sympy

FORWARD_ORDER = 1
CENTRAL_ORDER = 2

x, h = sympy.symbols("x h")
f = sympy.Function("f")


def leading_error_term(approximation):
    error = sympy.Derivative(f(x), x) - approximation
    for n in itertools.count():
        term = sympy.expand(sympy.series(error, h, 0, n).removeO().doit())
        if term != 0:
            return term
