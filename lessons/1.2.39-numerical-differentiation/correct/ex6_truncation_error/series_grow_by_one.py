"""Correct: sympy.series with n grown one at a time until a term survives, the loop the
statement describes, written with a for loop over n."""

import itertools

import sympy

FORWARD_ORDER = 1
CENTRAL_ORDER = 2

x, h = sympy.symbols("x h")
f = sympy.Function("f")


def leading_error_term(approximation):
    error = approximation - sympy.Derivative(f(x), x)
    for n in itertools.count(1):
        term = sympy.expand(sympy.series(error, h, 0, n).removeO().doit())
        if term != 0:
            return term
