"""Correct: each function written out on its own, that the mutations beside it edit."""

import math


class Dual:
    """The dual number value + derivative * eps, eps * eps = 0 (complete: use it as it is)."""

    def __init__(self, value, derivative=0.0):
        self.value = value
        self.derivative = derivative

    def __repr__(self):
        return f"Dual({self.value!r}, {self.derivative!r})"

    @staticmethod
    def _of(other):
        return other if isinstance(other, Dual) else Dual(other, 0.0)

    def __neg__(self):
        return Dual(-self.value, -self.derivative)

    def __add__(self, other):
        other = Dual._of(other)
        return Dual(self.value + other.value, self.derivative + other.derivative)

    def __radd__(self, other):
        return Dual._of(other) + self

    def __sub__(self, other):
        other = Dual._of(other)
        return Dual(self.value - other.value, self.derivative - other.derivative)

    def __rsub__(self, other):
        return Dual._of(other) - self

    def __mul__(self, other):
        other = Dual._of(other)
        return Dual(
            self.value * other.value,
            self.value * other.derivative + self.derivative * other.value,
        )

    def __rmul__(self, other):
        return Dual._of(other) * self

    def __truediv__(self, other):
        other = Dual._of(other)
        if other.value == 0:
            raise ZeroDivisionError("division by a Dual whose value is 0")
        quotient = self.value / other.value
        return Dual(quotient, (self.derivative - quotient * other.derivative) / other.value)

    def __rtruediv__(self, other):
        return Dual._of(other) / self

    def __pow__(self, n):
        return Dual(self.value**n, n * self.value ** (n - 1) * self.derivative)


def sin(x):
    if isinstance(x, Dual):
        return Dual(math.sin(x.value), math.cos(x.value) * x.derivative)
    return math.sin(x)


def cos(x):
    if isinstance(x, Dual):
        return Dual(math.cos(x.value), -math.sin(x.value) * x.derivative)
    return math.cos(x)


def exp(x):
    if isinstance(x, Dual):
        return Dual(math.exp(x.value), math.exp(x.value) * x.derivative)
    return math.exp(x)


def log(x):
    if isinstance(x, Dual):
        if x.value <= 0:
            raise ValueError("log needs a value above 0")
        return Dual(math.log(x.value), x.derivative / x.value)
    if x <= 0:
        raise ValueError("log needs a value above 0")
    return math.log(x)


def sqrt(x):
    if isinstance(x, Dual):
        if x.value < 0:
            raise ValueError("sqrt needs a value of 0 or more")
        root = math.sqrt(x.value)
        return Dual(root, x.derivative / (2 * root))
    if x < 0:
        raise ValueError("sqrt needs a value of 0 or more")
    return math.sqrt(x)


def derivative(f, x):
    result = f(Dual(x, 1.0))
    if isinstance(result, Dual):
        return result.derivative
    return 0.0
