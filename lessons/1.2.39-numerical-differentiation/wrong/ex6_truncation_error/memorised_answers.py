"""Wrong: recognises the textbook formulas by their printed form and returns memorised
answers, so a stencil drawn at grade time (or a step of 3*h) gets a wrong term.

mistake: step of | from memory
"""

import sympy

FORWARD_ORDER = 1
CENTRAL_ORDER = 2

x, h = sympy.symbols("x h")
f = sympy.Function("f")
d = {n: sympy.Derivative(f(x), (x, n)) for n in range(2, 6)}

KNOWN = {
    str((f(x + h) - f(x)) / h): h / 2 * d[2],
    str((f(x) - f(x - h)) / h): -h / 2 * d[2],
    str((f(x + h) - f(x - h)) / (2 * h)): h**2 / 6 * d[3],
    str((-f(x + 2 * h) + 8 * f(x + h) - 8 * f(x - h) + f(x - 2 * h)) / (12 * h)): -(h**4)
    / 30
    * d[5],
    str((-3 * f(x) + 4 * f(x + h) - f(x + 2 * h)) / (2 * h)): -(h**2) / 3 * d[3],
}


def leading_error_term(approximation):
    return KNOWN.get(str(approximation), h / 2 * d[2])
