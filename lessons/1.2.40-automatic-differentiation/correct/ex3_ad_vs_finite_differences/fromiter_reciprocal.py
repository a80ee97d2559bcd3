"""Correct: np.fromiter over a generator, multiplying by the reciprocal 0.5 / h."""

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
    exact = np.float64(dfdx(x))
    ad_error = np.abs(f(Dual(x, 1)).derivative - exact)
    fd_errors = np.fromiter(
        (abs((f(x + h) - f(x - h)) * (0.5 / h) - exact) for h in steps),
        dtype=float,
        count=len(steps),
    )
    return ad_error, fd_errors
