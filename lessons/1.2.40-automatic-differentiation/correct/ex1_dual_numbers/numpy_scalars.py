"""Correct: parts kept as NumPy float64 scalars (so a zero divisor is checked by hand, as
NumPy would return inf), one helper combining the parts, and an explicit try in
derivative."""

import numpy as np


def parts(x):
    """(value, derivative) of a Dual, or of a plain number as a constant."""
    if isinstance(x, Dual):
        return x.value, x.derivative
    return np.float64(x), np.float64(0.0)


class Dual:
    __slots__ = ("value", "derivative")

    def __init__(self, value, derivative=0.0):
        self.value = np.float64(value)
        self.derivative = np.float64(derivative)

    def __neg__(self):
        return Dual(-self.value, -self.derivative)

    def __add__(self, other):
        c, d = parts(other)
        return Dual(self.value + c, self.derivative + d)

    def __radd__(self, other):
        return self.__add__(other)

    def __sub__(self, other):
        c, d = parts(other)
        return Dual(self.value - c, self.derivative - d)

    def __rsub__(self, other):
        c, d = parts(other)
        return Dual(c - self.value, d - self.derivative)

    def __mul__(self, other):
        c, d = parts(other)
        return Dual(self.value * c, self.value * d + self.derivative * c)

    def __rmul__(self, other):
        return self.__mul__(other)

    @staticmethod
    def _divide(a, b, c, d):
        if c == 0:
            raise ZeroDivisionError("division by a Dual whose value is 0")
        return Dual(a / c, (b - a / c * d) / c)

    def __truediv__(self, other):
        return Dual._divide(self.value, self.derivative, *parts(other))

    def __rtruediv__(self, other):
        a, b = parts(other)
        return Dual._divide(a, b, self.value, self.derivative)

    def __pow__(self, n):
        a = self.value
        return Dual(a**n, n * a ** (n - 1) * self.derivative)


def derivative(f, x):
    out = f(Dual(x, 1.0))
    try:
        return float(out.derivative)
    except AttributeError:
        return 0.0
