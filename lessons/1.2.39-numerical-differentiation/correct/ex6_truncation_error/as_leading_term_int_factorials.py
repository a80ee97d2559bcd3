"""Correct: each f(x + k*h) expanded by hand with integer factorials from math (an int
divides a SymPy expression exactly, so the coefficients stay rational), and the surviving
terms' lowest power of h taken with as_leading_term; more Taylor terms while none survive."""

import math

import sympy

FORWARD_ORDER = 1
CENTRAL_ORDER = 2

x, h = sympy.symbols("x h")
f = sympy.Function("f")


def leading_error_term(approximation):
    terms = 4
    while True:
        values = {}
        for call in approximation.atoms(f):
            step = call.args[0] - x
            values[call] = f(x) + sum(
                step**n * sympy.Derivative(f(x), (x, n)) / math.factorial(n)
                for n in range(1, terms)
            )
        error = sympy.expand(approximation.xreplace(values) - sympy.Derivative(f(x), x))
        # powers below h**(terms - 2) are complete; a non-zero one among them is the answer
        complete = sum(error.coeff(h, p) * h**p for p in range(-1, terms - 2))
        complete = sympy.expand(complete)
        if complete != 0:
            return complete.as_leading_term(h)
        terms += 3
