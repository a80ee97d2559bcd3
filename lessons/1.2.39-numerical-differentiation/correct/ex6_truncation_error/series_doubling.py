"""Correct: one sympy.series expansion at a time, doubling n when every term cancelled,
and keeping all terms with the lowest power of h."""

import sympy

FORWARD_ORDER = 1
CENTRAL_ORDER = 2

x, h = sympy.symbols("x h")
f = sympy.Function("f")


def leading_error_term(approximation):
    error = approximation - sympy.Derivative(f(x), x)
    n = 4
    while True:
        expansion = sympy.expand(sympy.series(error, h, 0, n).removeO().doit())
        if expansion != 0:
            terms = sympy.Add.make_args(expansion)
            lowest = min(t.as_coeff_exponent(h)[1] for t in terms)
            return sympy.Add(*[t for t in terms if t.as_coeff_exponent(h)[1] == lowest])
        n *= 2
