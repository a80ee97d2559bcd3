"""Exercise 1.2.39.5: Implement numeric gradient for f(x) = x^2.

Two small functions, the second built on the first:

1. ``square(x)`` returns x**2, elementwise for arrays.
2. ``numeric_gradient_square(x, h=1e-5)`` estimates the derivative of ``square`` at ``x``
   with the *central difference*

       f'(x)  ~  (f(x + h) - f(x - h)) / (2 h)

   For f(x) = x**2 the central difference is exact in exact arithmetic: the errors of the
   two one-sided steps cancel (lesson section "Central difference"). So your answer should
   equal 2*x up to round-off, for any x.

What the grader checks (``course grade 1.2.39.5``):

- ``x`` may be a Python number (int or float) or a NumPy array of any shape, including
  an array of integers. Return a float for a number, an array of the same shape for an
  array.
- The result equals 2*x to round-off, for small and large magnitudes.
- It is computed, not written down: at large |x| and a small h, x + h and x - h are
  rounded, so the quotient differs from 2*x by round-off, and the grader compares your
  value with that floating-point quotient (for the h given). Returning 2*x fails there.
- The caller's ``x`` is left unchanged: build x + h and x - h as new values, do not
  add h to x in place.

Read: lessons/1.2.39-numerical-differentiation/index.md#central-difference
"""

import numpy as np


def square(x):
    """Return x squared (elementwise for arrays)."""
    raise NotImplementedError("Write square, then run: course grade 1.2.39.5")


def numeric_gradient_square(x, h=1e-5):
    """Estimate the derivative of square at x with a central difference of step h.

    Args:
        x: a number or a NumPy array (any shape, integers allowed). Do not modify it.
        h: the step, a small positive number.

    Returns:
        A float for a number, otherwise an array shaped like x; close to 2*x.
    """
    raise NotImplementedError("Write numeric_gradient_square, then run: course grade 1.2.39.5")
