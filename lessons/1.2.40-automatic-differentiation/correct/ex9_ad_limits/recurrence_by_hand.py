"""Correct: 1.0 written down for the kink (the branch x >= 0 returns x), getattr with a
default for the constant, and the Babylonian derivative by its own recurrence, with no
Dual: the chain rule applied to each iteration by hand."""

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
    return 1.0  # x >= 0 holds at 0, and that branch returns x: slope 1


def branch_derivative(x):
    return float(getattr(clipped(Dual(x, 1.0)), "derivative", 0.0))


def babylonian_sqrt_derivative(a, iterations):
    x, dx = 1.0, 0.0
    for _ in range(iterations):
        # d(a / x) = (1 * x - a * dx) / x**2, then average with x and halve
        x, dx = (x + a / x) / 2, (dx + (x - a * dx) / x**2) / 2
    return np.float64(dx)
