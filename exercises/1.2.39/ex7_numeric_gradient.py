"""Exercise 1.2.39.7: Numeric gradient for f(x, y) = x^2 + y^2.

Exercise 1.2.39.5 differentiated a function of one variable. Most functions in machine
learning take many inputs at once (all the weights of a model) and return one number
(the loss). Their derivative is the *gradient*: one partial derivative per input, each
found by nudging that input alone while the others stay put (lesson section
"Gradients"). For f(x, y) = x**2 + y**2 the gradient is (2x, 2y).

Write ``numeric_gradient(f, x, h=1e-5)``:

- ``f`` takes one NumPy array (any shape) and returns a single number;
- ``x`` is the point, a NumPy array of any shape: a vector (x, y), a (3, 4) matrix, ...;
- for each entry i of x, build a copy of x with that entry moved by +h and another with
  it moved by -h, and use the central difference

      df/dx_i  ~  (f(x + h e_i) - f(x - h e_i)) / (2 h)

  where e_i is the array of x's shape that is 1 at entry i and 0 elsewhere;

- return a float array with the same shape as x, entry i holding df/dx_i.

What the grader checks (``course grade 1.2.39.7``):

- (2x, 2y) for x**2 + y**2, to round-off (the central difference is exact for squares);
- the gradient of the Rosenbrock function of several variables;
- a function of a (3, 4) matrix, and arrays of other shapes, including a single entry;
- that the step h you are given is the one used, with central differences;
- the result is an array of x's shape with a float dtype, also for an integer x: make a
  float copy first, with ``np.array(x, dtype=float)`` or ``x.astype(float)``, or steps of
  1e-5 vanish in integers;
- the caller's x is left unchanged: move the entries of your copy, never of x itself.
  ``np.asarray(x, dtype=float)`` is not a copy when x is already a float array (it gives
  back x itself), and neither is an assignment (``xc = x``): both are x under a new name;
- f is called at most 2n + 1 times for an x with n entries: two calls per entry.

To visit every entry whatever the shape, loop ``for i in range(x.size)`` over a flat view
``.reshape(-1)`` of your copy, or ``for index in np.ndindex(x.shape)``.

Read: lessons/1.2.39-numerical-differentiation/index.md#gradients
"""

from collections.abc import Callable

import numpy as np


def numeric_gradient(
    f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-5
) -> np.ndarray:
    """The gradient of a scalar function f at x, by central differences entry by entry.

    Args:
        f: a function of one array (shaped like x) that returns a number.
        x: the point, a NumPy array of any shape (integers allowed). Do not modify it.
        h: the step, a small positive number.

    Returns:
        A float array shaped like x whose entry i estimates df/dx_i.
    """
    raise NotImplementedError("Write numeric_gradient, then run: course grade 1.2.39.7")
