"""Exercise 1.2.39.2: Explain why step size matters.

The forward difference (f(x + h) - f(x)) / h gets closer to f'(x) as h shrinks, but only
up to a point. Two errors pull in opposite directions:

- *truncation error*: the formula drops the higher terms of the Taylor series, which
  costs about h/2 * |f''(x)|. It shrinks as h shrinks.
- *round-off error*: f(x + h) and f(x) are stored with about 16 significant digits, and
  subtracting two nearly equal numbers loses most of them. What is lost, about
  eps * |f(x)| (eps ~ 2.2e-16), is then divided by h. It grows as h shrinks.

On a log-log plot of error against h the two together draw a V. You will measure it.

1. ``forward_errors(f, dfdx, x, steps)``: for each step h in ``steps`` (a list or a NumPy
   array), the absolute error ``|(f(x + h) - f(x)) / h - dfdx(x)|``. Return a NumPy
   array with one error per step, in the same order as ``steps``.
2. ``best_step(f, dfdx, x, steps)``: the step from ``steps`` whose error is the smallest.
   Return the step itself (a number), not its position; ``steps`` may come in any order.
3. Two constants that say which error wins at each end of the V. Set each to the text
   ``"truncation"`` or ``"round-off"``:
   ``LARGE_STEP_ERROR`` for steps like 1e-1, ``TINY_STEP_ERROR`` for steps like 1e-14.

``f`` and ``dfdx`` are functions of one variable (``dfdx`` is the exact derivative of
``f``); ``x`` is a single point, a float. Do not change ``steps``: if you want them
sorted, sort a copy.

What the grader checks (``course grade 1.2.39.2``):

- the errors follow the definition above: for f(x) = a*x**2 + b*x + c every error is
  exactly |a|*h, and for smooth functions they match the Taylor estimate h/2 * |f''(x)|;
- errors are absolute values, never negative;
- over the grid 1e-1, 1e-2, ..., 1e-15 the errors draw the V: falling on the large-step
  side, rising again on the tiny-step side;
- for smooth functions in float64 the best step lands near 1e-8 (about sqrt(eps));
- the two constants.

The lesson sections "Step size", "Round-off" and "Total error" explain the V.

Read: lessons/1.2.39-numerical-differentiation/index.md#step-size
"""

import numpy as np  # noqa: F401 - here for you to use

# Which error dominates for large steps such as h = 1e-1, and which for tiny steps such
# as h = 1e-14? Replace each None with "truncation" or "round-off".
LARGE_STEP_ERROR = None
TINY_STEP_ERROR = None


def forward_errors(f, dfdx, x, steps):
    """The absolute error of the forward difference at x, for each step in steps.

    Args:
        f: a function of one variable.
        dfdx: the exact derivative of f.
        x: the point, a float.
        steps: the steps h to try, a list or a 1-D NumPy array of positive numbers.

    Returns:
        A 1-D NumPy array, one error |(f(x + h) - f(x)) / h - dfdx(x)| per step.
    """
    raise NotImplementedError("Write forward_errors, then run: course grade 1.2.39.2")


def best_step(f, dfdx, x, steps):
    """The step in steps for which the forward difference at x is most accurate.

    Args:
        f, dfdx, x, steps: as for forward_errors.

    Returns:
        The step h (one of the numbers in steps) with the smallest absolute error.
    """
    raise NotImplementedError("Write best_step, then run: course grade 1.2.39.2")
