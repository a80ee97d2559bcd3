"""Correct: NumPy's functions from one table of (function, derivative) pairs, floats
coming back as NumPy float64, and the domain checked by hand (NumPy would return nan)."""

import numpy as np


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


RULES = {
    "sin": (np.sin, np.cos),
    "cos": (np.cos, lambda a: -np.sin(a)),
    "exp": (np.exp, np.exp),
    "log": (np.log, np.reciprocal),
    "sqrt": (np.sqrt, lambda a: 0.5 / np.sqrt(a)),
}


def _apply(name, x):
    g, slope = RULES[name]
    a = x.value if isinstance(x, Dual) else np.float64(x)
    if name == "log" and not a > 0:
        raise ValueError(f"log({a}) is undefined")
    if name == "sqrt" and a < 0:
        raise ValueError(f"sqrt({a}) is undefined")
    if isinstance(x, Dual):
        return Dual(g(a), slope(a) * x.derivative)
    return g(a)


def sin(x):
    return _apply("sin", x)


def cos(x):
    return _apply("cos", x)


def exp(x):
    return _apply("exp", x)


def log(x):
    return _apply("log", x)


def sqrt(x):
    return _apply("sqrt", x)


def derivative(f, x):
    out = f(Dual(np.float64(x), 1.0))
    return float(out.derivative) if isinstance(out, Dual) else 0.0
