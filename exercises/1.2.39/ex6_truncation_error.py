"""Exercise 1.2.39.6: Explain truncation error.

A difference formula replaces f'(x) by a combination of values of f near x, such as the
forward difference (f(x + h) - f(x)) / h. Expand every f(x + k*h) in a Taylor series
around x and the formula turns into f'(x) plus an error made of powers of h. As h -> 0
the lowest power of h wins: its term is the *leading error term*, and its power is the
*order* of the formula (lesson section "Truncation error"). You explain where the error
comes from by computing that term exactly, with SymPy.

1. ``leading_error_term(approximation)`` receives a SymPy expression that approximates
   f'(x), built from these objects:

       import sympy
       x, h = sympy.symbols("x h")
       f = sympy.Function("f")
       approximation = (f(x + h) - f(x)) / h        # for example

   The error is ``approximation - f'(x)``, that is ``approximation`` minus
   ``sympy.Derivative(f(x), x)``. Return the term of the error with the lowest power of h,
   written with derivatives of f at x. For the forward difference that is

       h / 2 * sympy.Derivative(f(x), (x, 2))       # (h/2) f''(x)

   Keep exact coefficients (``sympy.Rational(1, 6)``, not ``0.1666``). Create x, h and f
   with the same names as above: SymPy treats symbols of the same name as the same
   symbol. ``sympy.series(expr, h, 0, n)`` expands in powers of h up to h**(n-1);
   ``.removeO()`` drops its O(...) term, and ``.doit()`` turns the ``Subs(...)`` it
   writes for derivatives into ``Derivative(f(x), (x, n))``. You may also build the
   Taylor series yourself.

2. Two structured answers, as whole numbers: ``FORWARD_ORDER`` is the order p of the
   forward difference and ``CENTRAL_ORDER`` the order of the central difference
   (f(x + h) - f(x - h)) / (2h): the power of h in their leading error terms.

What the grader checks (``course grade 1.2.39.6``):

- forward, backward and central differences give (h/2) f'', -(h/2) f'' and (h**2/6) f''',
  also with steps such as 3*h or h/2 in place of h;
- the five-point stencil (-f(x + 2h) + 8 f(x + h) - 8 f(x - h) + f(x - 2h)) / (12 h)
  gives -(h**4/30) f^(5), and one-sided second-order stencils give their term too;
- stencils drawn at random at grade time, in any algebraically equal form (factored or
  expanded): your function has to work from the expression, not recognise it;
- a wide stencil drawn at grade time whose error cancels up to h**9 or further: expand
  until a term survives, never to a fixed number of terms;
- exactly one term comes back (not the whole error, and no O(...)), with the sign of
  approximation minus f'(x); answers are compared symbolically;
- the two constants.

Read: lessons/1.2.39-numerical-differentiation/index.md#truncation-error
"""

import sympy

# The order p of each formula: its error shrinks like h**p. Replace None with a number.
FORWARD_ORDER = None
CENTRAL_ORDER = None


def leading_error_term(approximation: sympy.Expr) -> sympy.Expr:
    """The leading term, as h -> 0, of the error ``approximation - f'(x)``.

    Args:
        approximation: a SymPy expression in values f(x + k*h) that approximates f'(x),
            with ``x, h = sympy.symbols("x h")`` and ``f = sympy.Function("f")``.

    Returns:
        One SymPy term ``C * h**p * Derivative(f(x), (x, n))`` with an exact coefficient C,
        e.g. ``h/2 * Derivative(f(x), (x, 2))`` for the forward difference.
    """
    raise NotImplementedError("Write leading_error_term, then run: course grade 1.2.39.6")
