"""Correct: a dataclass; division is multiplication by the reciprocal, subtraction is
addition of the negation, and numbers are lifted by one class method."""

from dataclasses import dataclass
from numbers import Real


@dataclass(frozen=True)
class Dual:
    value: float
    derivative: float = 0.0

    @classmethod
    def lift(cls, other):
        if isinstance(other, Dual):
            return other
        if isinstance(other, Real):
            return cls(float(other))
        return NotImplemented

    def reciprocal(self):
        # 1 / (a + b eps) = 1/a - b/a**2 eps
        if self.value == 0:
            raise ZeroDivisionError("1 / Dual with value 0")
        return Dual(1.0 / self.value, -self.derivative / (self.value * self.value))

    def __neg__(self):
        return Dual(-self.value, -self.derivative)

    def __add__(self, other):
        other = Dual.lift(other)
        if other is NotImplemented:
            return other
        return Dual(self.value + other.value, self.derivative + other.derivative)

    def __radd__(self, other):
        return self + other

    def __sub__(self, other):
        return self + (-Dual.lift(other))

    def __rsub__(self, other):
        return Dual.lift(other) + (-self)

    def __mul__(self, other):
        other = Dual.lift(other)
        if other is NotImplemented:
            return other
        return Dual(
            self.value * other.value,
            self.derivative * other.value + self.value * other.derivative,
        )

    def __rmul__(self, other):
        return self * other

    def __truediv__(self, other):
        return self * Dual.lift(other).reciprocal()

    def __rtruediv__(self, other):
        return Dual.lift(other) * self.reciprocal()

    def __pow__(self, n):
        slope = n * self.value ** (n - 1) if n != 0 else 0.0
        return Dual(self.value**n, slope * self.derivative)


def derivative(f, x):
    return getattr(f(Dual(float(x), 1.0)), "derivative", 0.0)
