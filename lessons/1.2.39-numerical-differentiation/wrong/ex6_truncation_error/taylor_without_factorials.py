"""Wrong: a hand-made Taylor series that forgets the 1/n! of each term.

mistake: 1/n!
"""

import sympy

FORWARD_ORDER = 1
CENTRAL_ORDER = 2

x, h = sympy.symbols("x h")
f = sympy.Function("f")


def leading_error_term(approximation):
    def taylor(arg):
        step = arg - x
        return sum(step**n * sympy.Derivative(f(x), (x, n)) for n in range(1, 9)) + f(x)

    error = approximation.replace(f, taylor) - sympy.Derivative(f(x), x)
    error = sympy.expand(error)
    for power in range(-1, 8):
        term = error.coeff(h, power) * h**power if power else error.subs(h, 0)
        if sympy.simplify(term) != 0:
            return term
    return sympy.S.Zero
