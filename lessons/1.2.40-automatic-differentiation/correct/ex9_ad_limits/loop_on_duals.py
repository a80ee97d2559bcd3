"""Correct: the loop written out on Duals, answers as NumPy floats, a plain-number check
by isinstance(float)."""

import numpy as np


class Dual:
    """A dual number value + derivative * eps, with eps**2 = 0 (complete; do not change)."""

    def __init__(self, value, derivative=0.0):
        self.value = value
        self.derivative = derivative

    @staticmethod
    def lift(other):
        return other if isinstance(other, Dual) else Dual(other, 0.0)

    def __add__(self, other):
        other = Dual.lift(other)
        return Dual(self.value + other.value, self.derivative + other.derivative)

    __radd__ = __add__

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
            raise ZeroDivisionError("division by a dual number whose value is 0")
        return Dual(
            self.value / other.value,
            (self.derivative * other.value - self.value * other.derivative) / other.value**2,
        )

    def __rtruediv__(self, other):
        return Dual.lift(other) / self

    def __neg__(self):
        return Dual(-self.value, -self.derivative)

    def __pow__(self, exponent):
        return Dual(self.value**exponent, exponent * self.value ** (exponent - 1) * self.derivative)

    # Comparisons look at the value part only: a program's branches see the value.
    def __lt__(self, other):
        return self.value < Dual.lift(other).value

    def __le__(self, other):
        return self.value <= Dual.lift(other).value

    def __gt__(self, other):
        return self.value > Dual.lift(other).value

    def __ge__(self, other):
        return self.value >= Dual.lift(other).value

    def __repr__(self):
        return f"Dual({self.value!r}, {self.derivative!r})"


def dual_abs(x):
    """|x|, written as a program with a branch."""
    return x if x >= 0 else -x


def clipped(x):
    """x squared below 1, and the constant 1.0 from 1 on."""
    return x * x if x < 1 else 1.0


def babylonian_sqrt(a, iterations):
    """sqrt(a) by the Babylonian method: start at 1.0, then average x and a / x."""
    x = 1.0
    for _ in range(iterations):
        x = (x + a / x) / 2
    return x


def ad_abs_at_zero():
    return np.float64(dual_abs(Dual(0.0, 1.0)).derivative)


def branch_derivative(x):
    result = clipped(Dual(x, 1.0))
    if isinstance(result, (int, float)):
        return np.float64(0.0)
    return np.float64(result.derivative)


def babylonian_sqrt_derivative(a, iterations):
    seeded = Dual(a, 1.0)
    estimate = 1.0
    for _ in range(iterations):
        estimate = (estimate + seeded / estimate) / 2
    return np.float64(estimate.derivative)
