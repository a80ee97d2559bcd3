"""Exercise 1.2.39.4: Compare forward vs central difference.

The forward difference (f(x + h) - f(x)) / h steps to one side of x. The central
difference steps to both sides:

    f'(x)  ~  (f(x + h) - f(x - h)) / (2 h)

Taylor's theorem shows why this helps: the h/2 * f''(x) terms of the two one-sided steps
cancel, and what remains is h**2/6 * f'''(x). The forward difference's error shrinks
like h (first order); the central difference's like h**2 (second order). Make the step
ten times smaller and the forward error falls tenfold, the central error a hundredfold.

1. ``central_difference(f, x, h)``: the central difference above. ``x`` is a float or a
   NumPy array (return a float or an array of the same shape). Since the formula is
   symmetric, a negative ``h`` gives the same value as ``-h``: do not take abs(h).
2. ``observed_order(method, f, dfdx, x, steps)``: measure a method's order. ``method`` is
   a difference method called as ``method(f, x, h)``, such as your own
   ``central_difference``; ``dfdx`` is the exact derivative of ``f``; ``x`` is a float;
   ``steps`` is a list or NumPy array of step sizes. For each step compute the absolute
   error |method(f, x, h) - dfdx(x)|, then fit a straight line to the points
   (log h, log error) by least squares and return its slope, a float. If error ~ C*h**p
   then log error = log C + p log h, so the slope is p.

   The least-squares slope of points (u_i, v_i) is
   sum((u_i - mean u)(v_i - mean v)) / sum((u_i - mean u)**2), which is also
   ``np.polyfit(u, v, 1)[0]``. Use every step, not just the first and the last.

What the grader checks (``course grade 1.2.39.4``):

- ``central_difference`` is exact for quadratics, even with a large h;
- for f(x) = a*x**3 + ... its error is exactly a*h**2;
- arrays keep their shape and are not changed; negative h works;
- ``observed_order`` finds order ~1 for forward and backward differences and ~2 for the
  central difference on smooth functions (steps where truncation dominates), exactly 1
  and 2 where the error is an exact power of h, and it is the least-squares slope over
  all the steps, in whatever order they come.

The grader picks steps for which no error is exactly zero, so every logarithm exists.
The lesson sections "Central difference", "Truncation error" and "Observed order" help.

Read: lessons/1.2.39-numerical-differentiation/index.md#central-difference and #observed-order
"""

import numpy as np  # noqa: F401 - here for you to use


def central_difference(f, x, h):
    """Approximate f'(x) by (f(x + h) - f(x - h)) / (2h).

    Args:
        f: a function of one variable, applied elementwise to arrays.
        x: the point (a float or a NumPy array of points).
        h: the step, a non-zero number.

    Returns:
        The estimate, a float for a scalar x or an array shaped like x.
    """
    raise NotImplementedError("Write central_difference, then run: course grade 1.2.39.4")


def observed_order(method, f, dfdx, x, steps):
    """The order p of a difference method, measured as error ~ C * h**p.

    Args:
        method: a function method(f, x, h) that estimates f'(x).
        f: a function of one variable.
        dfdx: the exact derivative of f.
        x: the point, a float.
        steps: the steps h, a list or 1-D NumPy array of positive numbers.

    Returns:
        The least-squares slope of log(error) against log(h), a float.
    """
    raise NotImplementedError("Write observed_order, then run: course grade 1.2.39.4")
