"""Wrong: returns the whole truncated error up to h**3, not only its leading term.

mistake: only the term with the lowest power
"""

import sympy

FORWARD_ORDER = 1
CENTRAL_ORDER = 2

x, h = sympy.symbols("x h")
f = sympy.Function("f")


def leading_error_term(approximation):
    error = approximation - sympy.Derivative(f(x), x)
    return sympy.expand(sympy.series(error, h, 0, 4).removeO().doit())
