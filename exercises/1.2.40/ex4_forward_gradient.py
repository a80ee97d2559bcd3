"""Exercise 1.2.40.4: Forward-mode gradient.

One forward pass with dual numbers gives ONE directional derivative: seed the inputs with
a direction (the derivative parts), run f once, and the derivative part of the result is
the slope of f along that direction. Seed input i with derivative 1 and every other input
with 0, and that slope is the partial derivative df/dx_i. A gradient of n entries therefore
takes n passes: this is the cost of forward mode that lesson section "Forward mode"
counts.

This file already gives you a working ``Dual(value, derivative=0.0)`` with ``+ - * /``,
unary minus and ``**`` with a number as the exponent, with Duals or plain numbers on
either side (you do not need to change it).

Write ``gradient_forward(f, x)``:

- ``f`` takes a 1-D NumPy array of length n (give it an array of Duals, dtype=object),
  reads its entries by index (x[0], x[1], ...), combines them with + - * / ** and returns
  one scalar: a Dual when its inputs are Duals.
- ``x`` is a 1-D NumPy float array of length n, the point. Leave it unchanged.
- Return the gradient of f at x: a NumPy float array of length n whose entry i is
  df/dx_i, the derivative part of f on the input seeded with 1 on entry i and 0 on all
  the others.

What the grader checks (``course grade 1.2.40.4``):

- The gradients of a sum of squares, of the Rosenbrock function and of a quadratic form
  x^T A x (each written out with indexing and +) at drawn points, to round-off.
- f is called exactly n times, once per input.
- The caller's x is left unchanged.
- The result is a NumPy array of floats of shape (n,).

Read: lessons/1.2.40-automatic-differentiation/index.md#forward-mode
"""

import numpy as np


class Dual:
    """A dual number value + derivative * eps, with eps * eps = 0."""

    def __init__(self, value, derivative=0.0):
        self.value = value
        self.derivative = derivative

    def __repr__(self):
        return f"Dual({self.value!r}, {self.derivative!r})"

    @staticmethod
    def _as_dual(other):
        return other if isinstance(other, Dual) else Dual(other)

    def __add__(self, other):
        other = Dual._as_dual(other)
        return Dual(self.value + other.value, self.derivative + other.derivative)

    def __radd__(self, other):
        return self + other

    def __neg__(self):
        return Dual(-self.value, -self.derivative)

    def __sub__(self, other):
        return self + (-Dual._as_dual(other))

    def __rsub__(self, other):
        return Dual._as_dual(other) + (-self)

    def __mul__(self, other):
        other = Dual._as_dual(other)
        # (a + b eps)(c + d eps) = ac + (ad + bc) eps
        return Dual(
            self.value * other.value,
            self.value * other.derivative + self.derivative * other.value,
        )

    def __rmul__(self, other):
        return self * other

    def __truediv__(self, other):
        other = Dual._as_dual(other)
        if other.value == 0:
            raise ZeroDivisionError("division by a Dual whose value is 0")
        return Dual(
            self.value / other.value,
            (self.derivative * other.value - self.value * other.derivative) / other.value**2,
        )

    def __rtruediv__(self, other):
        return Dual._as_dual(other) / self

    def __pow__(self, exponent):
        if isinstance(exponent, Dual):
            raise TypeError("the exponent must be a plain number")
        slope = exponent * self.value ** (exponent - 1)
        return Dual(self.value**exponent, slope * self.derivative)


def gradient_forward(f, x):
    """The gradient of f at x by forward mode: one pass of f per entry of x.

    Args:
        f: a function of a 1-D array (entries read by index) returning a scalar.
        x: a 1-D NumPy float array of length n. Do not modify it.

    Returns:
        A NumPy float array of shape (n,): entry i is df/dx_i at x.
    """
    raise NotImplementedError("Write gradient_forward, then run: course grade 1.2.40.4")
