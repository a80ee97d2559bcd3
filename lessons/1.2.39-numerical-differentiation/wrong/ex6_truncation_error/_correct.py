"""A plain, correct leading_error_term with sympy.series: the file the mutations beside it
edit (each ``*.mutation.toml`` is one bug). It is graded to full marks itself."""

import sympy

FORWARD_ORDER = 1
CENTRAL_ORDER = 2

x, h = sympy.symbols("x h")
f = sympy.Function("f")


def leading_error_term(approximation):
    error = approximation - sympy.Derivative(f(x), x)
    n = 1
    while True:
        expansion = sympy.series(error, h, 0, n).removeO().doit()
        term = sympy.expand(expansion)
        if term != 0:
            return term
        n += 1
