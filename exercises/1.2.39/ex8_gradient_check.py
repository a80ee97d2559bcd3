"""Exercise 1.2.39.8: Use gradient check for a function.

You wrote an analytic gradient ``grad`` for a function ``f`` (by hand, or as the
backward pass of a model). Is it right? A *gradient check* answers that: it computes
the gradient numerically with central differences, compares it with ``grad(x)``, and
reads the size of the disagreement (lesson sections "Gradient checking", "Relative
difference" and "Thresholds").

Write three functions:

1. ``relative_difference(a, b)``: how far apart two gradients are, relative to their size,

       || a - b || / (|| a || + || b ||)

   where || . || is the Euclidean norm of *all* entries (for a matrix, flatten it first
   or use ``np.linalg.norm`` without an ``ord``). ``a`` and ``b`` are numbers, lists or
   arrays of the same shape. When both are all zeros the gradients agree perfectly:
   return 0.0, not nan (0/0). The result lies between 0 and 1.

2. ``gradient_check(f, grad, x, epsilon=1e-7)``: ``f`` takes an array shaped like ``x``
   and returns a number; ``grad`` takes the same array and returns the analytic gradient,
   shaped like ``x``. Estimate every partial derivative with the central difference
   (f(x + epsilon e_i) - f(x - epsilon e_i)) / (2 epsilon), as in exercise 1.2.39.7,
   and return ``relative_difference(numeric, grad(x))`` as a float. Use the epsilon you
   are given, and leave the caller's ``x`` unchanged.

3. ``verdict(difference)`` turns a difference into a decision:
   ``"correct"`` if difference < 1e-7, else ``"inspect"`` if difference < 1e-3, else
   ``"bug"``. Anything that is not below a threshold, nan included, falls through to
   ``"bug"``: a gradient that returned nan is never correct.

What the grader checks (``course grade 1.2.39.8``):

- the formula of relative_difference on vectors, matrices, numbers and lists, and 0.0 for
  two zero gradients;
- correct gradients of three functions score below 1e-7;
- gradients with a planted bug give their exact difference: a flipped sign gives 1, a
  gradient doubled gives 1/3, a transposed matrix gradient gives
  ||G - G.T|| / (2 ||G||);
- a zero gradient gives 0, not nan; the epsilon given is used; x is not changed;
- the check is computed: the grader counts how often your code calls f and grad (f at
  least n + 1 times for an x of n entries, grad at least once);
- the three labels of verdict, at the thresholds too (1e-7 is "inspect", 1e-3 "bug").

Read: lessons/1.2.39-numerical-differentiation/index.md#gradient-checking
"""

from collections.abc import Callable

import numpy as np


def relative_difference(a, b) -> float:
    """||a - b|| / (||a|| + ||b||) over all entries; 0.0 when a and b are both zero."""
    raise NotImplementedError("Write relative_difference, then run: course grade 1.2.39.8")


def gradient_check(
    f: Callable[[np.ndarray], float],
    grad: Callable[[np.ndarray], np.ndarray],
    x: np.ndarray,
    epsilon: float = 1e-7,
) -> float:
    """The relative difference between central differences of f at x and grad(x).

    Args:
        f: a function of one array (shaped like x) that returns a number.
        grad: the analytic gradient of f, returning an array shaped like x.
        x: the point, a NumPy array of any shape. Do not modify it.
        epsilon: the step of the central differences.

    Returns:
        relative_difference(numeric gradient, grad(x)), a float between 0 and 1.
    """
    raise NotImplementedError("Write gradient_check, then run: course grade 1.2.39.8")


def verdict(difference: float) -> str:
    """The decision for a difference: "correct" below 1e-7, "inspect" below 1e-3, else "bug"."""
    raise NotImplementedError("Write verdict, then run: course grade 1.2.39.8")
