"""Wrong: the expansion is right, but the orders name the derivative (2 and 3), not the
power of h (1 and 2).

mistake: not the order of the derivative
"""

import itertools

import sympy

FORWARD_ORDER = 2
CENTRAL_ORDER = 3

x, h = sympy.symbols("x h")
f = sympy.Function("f")


def leading_error_term(approximation):
    error = approximation - sympy.Derivative(f(x), x)
    for n in itertools.count():
        term = sympy.expand(sympy.series(error, h, 0, n).removeO().doit())
        if term != 0:
            return term
