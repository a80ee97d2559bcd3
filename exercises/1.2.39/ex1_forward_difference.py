"""Exercise 1.2.39.1: Define forward difference.

The derivative of f at x is the limit of the slope (f(x + h) - f(x)) / h as the step h
shrinks to zero. Stop before the limit, at a small but finite h, and you get the
*forward difference*, the simplest numerical derivative:

    f'(x)  ~  (f(x + h) - f(x)) / h

Write ``forward_difference(f, x, h)`` that returns this slope.

What the grader checks (``course grade 1.2.39.1``):

- ``f`` is a function of one variable that works elementwise on NumPy arrays, like
  ``np.sin``. ``x`` is a float or a NumPy array; with an array, return a NumPy array of
  the same shape, one slope per element.
- For a straight line f(x) = a*x + b the answer is exactly ``a`` (up to round-off).
- For f(x) = a*x**2 + b*x + c the error of the forward difference is exactly ``a*h``:
  this is the truncation error of lesson section "Forward difference".
- A negative ``h`` is allowed: it gives the backward difference. Do not take abs(h).
- If ``h`` is 0, infinite or nan there is no slope to compute: raise ``ValueError`` with a
  message that says why.

Read: lessons/1.2.39-numerical-differentiation/index.md#forward-difference
"""

import numpy as np


def forward_difference(f, x, h):
    """Approximate f'(x) by (f(x + h) - f(x)) / h.

    Args:
        f: a function of one variable, applied elementwise to arrays.
        x: the point (a float or a NumPy array of points).
        h: the step, a non-zero finite float (negative gives a backward difference).

    Returns:
        The slope, a float for a scalar x or an array shaped like x.

    Raises:
        ValueError: if h is zero, infinite or nan.
    """
    raise NotImplementedError("Write forward_difference, then run: course grade 1.2.39.1")
