"""Wrong: the coefficient and power of h are right, but the derivative is one order too
low (h/2 f' instead of h/2 f'').

mistake: the derivative of f is not
"""

import itertools

import sympy

FORWARD_ORDER = 1
CENTRAL_ORDER = 2

x, h = sympy.symbols("x h")
f = sympy.Function("f")


def leading_error_term(approximation):
    error = approximation - sympy.Derivative(f(x), x)
    for n in itertools.count():
        term = sympy.expand(sympy.series(error, h, 0, n).removeO().doit())
        if term != 0:
            (derivative,) = term.atoms(sympy.Derivative)
            order = derivative.derivative_count
            lower = f(x) if order == 1 else sympy.Derivative(f(x), (x, order - 1))
            return term.subs(derivative, lower)
