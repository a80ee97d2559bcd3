"""Reference solution for exercise 1.2.39.6: Explain truncation error."""

import functools

import sympy
from sympy.core.function import AppliedUndef

FORWARD_ORDER = 1  # error (h/2) f''(x): halve h, halve the error
CENTRAL_ORDER = 2  # error (h**2/6) f'''(x): halve h, quarter the error

x, h = sympy.symbols("x h")
f = sympy.Function("f")

FIRST_TRY = 8  # Taylor terms up to h**7 cover every common stencil in one expansion
MAX_ORDER = 64  # beyond this the formula is (as good as) exact: give up


@functools.cache
def _derivative(n: int) -> sympy.Expr:
    """f^(n)(x), built once: sympy.diff works it out afresh on every call, which was most
    of this function's time."""
    return sympy.diff(f(x), x, n)


def _taylor(step: sympy.Expr, terms: int) -> sympy.Expr:
    """f(x + step) as its Taylor polynomial: sum of step**n / n! * f^(n)(x), n < terms."""
    return sum(
        (step**n / sympy.factorial(n) * _derivative(n) for n in range(terms)),
        sympy.S.Zero,
    )


def leading_error_term(approximation: sympy.Expr) -> sympy.Expr:
    """The lowest-order term in h of ``approximation - f'(x)``.

    Every f(x + k*h) is replaced by its Taylor polynomial in h; what is left after
    subtracting f'(x) is the error, and its lowest power of h is the leading term.
    (``sympy.series(error, h, 0, n)`` gives the same answer, several times slower.)
    """
    order = FIRST_TRY
    while order <= MAX_ORDER:
        calls = {e: e.args[0] for e in approximation.atoms(AppliedUndef) if e.func == f}
        taylor = {e: _taylor(sympy.expand(at - x), order) for e, at in calls.items()}
        error = sympy.expand(approximation.xreplace(taylor) - sympy.Derivative(f(x), x))
        # Only powers of h below order - 2 are complete; higher ones lack later terms.
        powers = {t: t.as_coeff_exponent(h)[1] for t in sympy.Add.make_args(error) if t != 0}
        complete = {t: p for t, p in powers.items() if p < order - 2}
        if complete:
            lowest = min(complete.values())
            return sympy.Add(*(t for t, p in complete.items() if p == lowest))
        order *= 2  # everything cancelled so far: look further
    raise ValueError(f"no error term below h**{MAX_ORDER}: is this an exact formula?")
