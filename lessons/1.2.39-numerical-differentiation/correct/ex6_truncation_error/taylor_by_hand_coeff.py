"""Correct: each f(x + k*h) replaced by a hand-built Taylor polynomial, then the error's
coefficients of h**-1, h**0, h**1, ... read one by one with .coeff(); the polynomial is
made longer whenever the powers it can vouch for are all zero."""

import sympy

FORWARD_ORDER = 1
CENTRAL_ORDER = 2

x, h = sympy.symbols("x h")
f = sympy.Function("f")


def taylor(point, terms):
    step = sympy.expand(point - x)
    total = f(x)
    for n in range(1, terms):
        total += step**n / sympy.factorial(n) * sympy.Derivative(f(x), (x, n))
    return total


def leading_error_term(approximation):
    terms = 6
    while True:
        values = {call: taylor(call.args[0], terms) for call in approximation.atoms(f)}
        error = sympy.expand(approximation.xreplace(values) - sympy.Derivative(f(x), x))
        for power in range(-1, terms - 2):  # complete powers only
            coefficient = error.coeff(h, power)
            if sympy.simplify(coefficient) != 0:
                return sympy.expand(coefficient * h**power)
        terms += 4
