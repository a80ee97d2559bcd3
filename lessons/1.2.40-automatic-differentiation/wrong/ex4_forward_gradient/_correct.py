"""Correct: the reference forward mode that the mutations beside it edit."""

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
    """The gradient of f at x: pass i seeds derivative 1 on entry i and 0 on the others."""
    point = np.asarray(x, dtype=float)  # only read, never written
    n = point.size
    gradient = np.empty(n)
    for i in range(n):
        seeded = np.empty(n, dtype=object)
        for j in range(n):
            seeded[j] = Dual(float(point[j]), 1.0 if j == i else 0.0)
        gradient[i] = f(seeded).derivative
    return gradient
