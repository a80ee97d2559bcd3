"""Correct: functools.singledispatch picks the float or the Dual version; sqrt of a Dual
reuses the Dual's own power rule, x ** 0.5, and log's derivative is the Dual's reciprocal."""

import math
from functools import singledispatch


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


@singledispatch
def sin(x):
    return math.sin(x)


@sin.register
def _(x: Dual):
    return Dual(math.sin(x.value), x.derivative * math.cos(x.value))


@singledispatch
def cos(x):
    return math.cos(x)


@cos.register
def _(x: Dual):
    return Dual(math.cos(x.value), x.derivative * -math.sin(x.value))


@singledispatch
def exp(x):
    return math.exp(x)


@exp.register
def _(x: Dual):
    e = math.exp(x.value)
    return Dual(e, e * x.derivative)


@singledispatch
def log(x):
    return math.log(x)  # math.log raises ValueError for x <= 0


@log.register
def _(x: Dual):
    if x.value <= 0:
        raise ValueError("log of a Dual whose value is not above 0")
    return Dual(math.log(x.value), (1 / x).value * x.derivative)


@singledispatch
def sqrt(x):
    return math.sqrt(x)  # math.sqrt raises ValueError for x < 0


@sqrt.register
def _(x: Dual):
    if x.value < 0:
        raise ValueError("sqrt of a Dual whose value is below 0")
    return x**0.5


def derivative(f, x):
    result = f(Dual(x, 1.0))
    try:
        return result.derivative
    except AttributeError:
        return 0.0
