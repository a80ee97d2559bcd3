"""Wrong: looks no further than h**2, so the five-point stencil comes back as 0.

mistake: fixed n | grow n
"""

import sympy

FORWARD_ORDER = 1
CENTRAL_ORDER = 2

x, h = sympy.symbols("x h")
f = sympy.Function("f")


def leading_error_term(approximation):
    error = approximation - sympy.Derivative(f(x), x)
    for n in range(1, 4):
        term = sympy.expand(sympy.series(error, h, 0, n).removeO().doit())
        if term != 0:
            return term
    return sympy.S.Zero
