"""Correct: the rows of the identity matrix as seeds, a list made into a float array."""

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
    n = len(x)
    basis = np.eye(n)
    partials = []
    for direction in basis:
        duals = np.array([Dual(v, d) for v, d in zip(x, direction, strict=True)], dtype=object)
        partials.append(f(duals).derivative)
    return np.array(partials, dtype=float)
