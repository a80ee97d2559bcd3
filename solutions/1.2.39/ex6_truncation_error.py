"""Reference solution for exercise 1.2.39.6: Explain truncation error."""

import sympy

FORWARD_ORDER = 1  # error (h/2) f''(x): halve h, halve the error
CENTRAL_ORDER = 2  # error (h**2/6) f'''(x): halve h, quarter the error

x, h = sympy.symbols("x h")
f = sympy.Function("f")

FIRST_TRY = 8  # terms below h**8 cover every common stencil in one expansion
MAX_ORDER = 64  # beyond this the formula is (as good as) exact: give up


def leading_error_term(approximation: sympy.Expr) -> sympy.Expr:
    """The lowest-order term in h of ``approximation - f'(x)``, by Taylor series in h."""
    error = approximation - sympy.Derivative(f(x), x)
    order = FIRST_TRY
    while order <= MAX_ORDER:
        # series() keeps the powers of h below `order`; doit() turns its Subs(...) into
        # Derivative(f(x), (x, n)), and expand() splits the result into single terms.
        expansion = sympy.expand(sympy.series(error, h, 0, order).removeO().doit())
        if expansion != 0:
            terms = sympy.Add.make_args(expansion)
            lowest = min(term.as_coeff_exponent(h)[1] for term in terms)
            return sympy.Add(*(t for t in terms if t.as_coeff_exponent(h)[1] == lowest))
        order *= 2  # everything cancelled so far: look further
    raise ValueError(f"no error term below h**{MAX_ORDER}: is this an exact formula?")
