"""Exercise 1.2.40.3: Compare AD with finite differences.

Lesson 1.2.39 estimated a derivative with the central difference and found its error
shaped like a V across the step h: truncation error on the right, round-off on the left,
the best step near the cube root of machine epsilon (about 6e-6). Dual numbers need no
step at all. This exercise measures both against the exact derivative.

This file already gives you working tools (you do not need to change them):

- ``Dual(value, derivative=0.0)``: a dual number with ``+ - * /``, unary minus and ``**``
  with a number as the exponent, with Duals or plain numbers on either side.
- ``sin``, ``cos``, ``exp``, ``log``, ``sqrt``: a Dual gives a Dual; a plain number gives
  a float (and a NumPy array of floats gives an array, entry by entry).

Write ``derivative_errors(f, dfdx, x, steps)``, which returns the pair
``(ad_error, fd_errors)``:

- ``ad_error``: the absolute error |d - dfdx(x)| of the dual-number derivative d of f at x
  (evaluate f once on a Dual seeded with derivative 1 and read its derivative part).
- ``fd_errors``: a NumPy float array with one entry per step h of ``steps``, in the order
  given: the absolute error |c(h) - dfdx(x)| of the central difference
  c(h) = (f(x + h) - f(x - h)) / (2 h), computed with plain floats.

``f`` is a function of one variable built from ``+ - * / **`` and this file's ``sin``,
``cos``, ``exp``, ``log``, ``sqrt``, so it works on floats and on Duals alike. ``dfdx`` is
its exact derivative written with the ``math`` module: call it with a plain float only.
``steps`` may be a list or a NumPy array.

What the grader checks (``course grade 1.2.40.3``):

- The result is a pair: a number, then a float array as long as ``steps``.
- ``ad_error`` is round-off only: at most 1e-14 * max(1, |f'(x)|) on smooth functions.
- Every entry of ``fd_errors`` equals the grader's own central-difference error at that
  step (up to the last few digits that rounding may change), in the order of ``steps``.
- Across steps from 1e-1 to 1e-12 the errors form the V of lesson 1.2.39, smallest near
  the cube root of machine epsilon, and ``ad_error`` is below every one of them.

Read: lessons/1.2.40-automatic-differentiation/index.md#ad-vs-finite-differences
"""

import math

import numpy as np


class Dual:
    """The number value + derivative * eps, where eps * eps = 0."""

    def __init__(self, value, derivative=0.0):
        self.value = value
        self.derivative = derivative

    def __repr__(self):
        return f"Dual({self.value!r}, {self.derivative!r})"

    @staticmethod
    def lift(other):
        """A Dual as it is; a plain number as a constant (derivative 0)."""
        return other if isinstance(other, Dual) else Dual(other, 0.0)

    def __add__(self, other):
        other = Dual.lift(other)
        return Dual(self.value + other.value, self.derivative + other.derivative)

    __radd__ = __add__

    def __neg__(self):
        return Dual(-self.value, -self.derivative)

    def __sub__(self, other):
        other = Dual.lift(other)
        return Dual(self.value - other.value, self.derivative - other.derivative)

    def __rsub__(self, other):
        return Dual.lift(other) - self

    def __mul__(self, other):
        other = Dual.lift(other)
        return Dual(
            self.value * other.value,
            self.derivative * other.value + self.value * other.derivative,
        )

    __rmul__ = __mul__

    def __truediv__(self, other):
        other = Dual.lift(other)
        if other.value == 0:
            raise ZeroDivisionError("division by a Dual whose value is 0")
        quotient = self.value / other.value
        return Dual(quotient, (self.derivative - quotient * other.derivative) / other.value)

    def __rtruediv__(self, other):
        return Dual.lift(other) / self

    def __pow__(self, exponent):
        if isinstance(exponent, Dual):
            raise TypeError("this Dual takes a plain number as the exponent")
        return Dual(
            self.value**exponent,
            exponent * self.value ** (exponent - 1) * self.derivative,
        )


def _elementary(on_number, on_array, slope):
    """A function that applies ``on_number`` to a plain number, ``on_array`` to a NumPy
    array and, on a Dual, the chain rule with the derivative ``slope`` at the value."""

    def function(x):
        if isinstance(x, Dual):
            return Dual(on_number(x.value), slope(x.value) * x.derivative)
        if isinstance(x, np.ndarray):
            return on_array(x)
        return on_number(x)

    return function


def _log_of_positive(a):
    if a <= 0:
        raise ValueError(f"log needs a positive value, got {a!r}")
    return math.log(a)


def _sqrt_of_non_negative(a):
    if a < 0:
        raise ValueError(f"sqrt needs a value of at least 0, got {a!r}")
    return math.sqrt(a)


sin = _elementary(math.sin, np.sin, math.cos)
cos = _elementary(math.cos, np.cos, lambda a: -math.sin(a))
exp = _elementary(math.exp, np.exp, math.exp)
log = _elementary(_log_of_positive, np.log, lambda a: 1.0 / a)
sqrt = _elementary(_sqrt_of_non_negative, np.sqrt, lambda a: 0.5 / math.sqrt(a))


def derivative_errors(f, dfdx, x, steps):
    """The absolute errors of the dual-number derivative and of central differences.

    Args:
        f: a function of one variable that works on floats and on Duals.
        dfdx: the exact derivative of f (call it with a float).
        x: the point, a float.
        steps: the steps h to try, a list or a 1-D NumPy array.

    Returns:
        (ad_error, fd_errors): a float, and a float array with one error per step, in the
        order of ``steps``.
    """
    raise NotImplementedError("Write derivative_errors, then run: course grade 1.2.40.3")
