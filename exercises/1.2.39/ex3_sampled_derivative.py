"""Exercise 1.2.39.3: Compute a simple numeric derivative.

Often there is no formula for f at all, only measurements: a sensor read every dx
seconds, a loss logged every dx steps. The samples y[0], y[1], ..., y[n-1] are the
values f(x0), f(x0 + dx), ..., f(x0 + (n-1)*dx), and the slope between two neighbours is
a forward difference with the step fixed by the data:

    d[i] = (y[i+1] - y[i]) / dx      for i = 0, 1, ..., n-2

Write ``sampled_derivative(y, dx)`` that returns these n - 1 slopes as a NumPy array.
``d[i]`` estimates f'(x0 + i*dx), the derivative at the left sample of each pair, with the
forward difference's truncation error of about dx/2 * |f''|.

What the grader checks (``course grade 1.2.39.3``):

- ``y`` is a 1-D list or NumPy array of numbers (integers too); ``dx`` is a positive
  number. The result is a NumPy array (not a list) of length n - 1, even when that is 1.
- Samples of a straight line a + b*x give exactly b everywhere (up to round-off).
- Samples of sin give cos at the left sample of each pair, within the truncation bound
  dx/2; halve dx and the error halves too (a first-order method).
- Samples of a*x**2 + b*x + c give 2*a*x_i + b + a*dx: the error a*dx of a forward
  difference, which tells the grader you used the pair (y[i], y[i+1]).
- ``y`` is left unchanged, and integer samples give float slopes (no truncation).
- If ``dx`` is zero or negative, or there are fewer than 2 samples, no slope exists: raise
  ``ValueError`` with a message that says why.

Read: lessons/1.2.39-numerical-differentiation/index.md#sampled-data
"""

import numpy as np  # noqa: F401 - here for you to use


def sampled_derivative(y, dx):
    """Forward differences of equally spaced samples.

    Args:
        y: the samples, a 1-D list or NumPy array with at least 2 numbers.
        dx: the spacing between neighbouring samples, a positive number.

    Returns:
        A 1-D NumPy array of length len(y) - 1 with (y[i+1] - y[i]) / dx.

    Raises:
        ValueError: if dx <= 0 or y has fewer than 2 samples.
    """
    raise NotImplementedError("Write sampled_derivative, then run: course grade 1.2.39.3")
