"""Correct: dual numbers with every operator written out, that the mutations beside it edit."""


class Dual:
    def __init__(self, value, derivative=0.0):
        self.value = value
        self.derivative = derivative

    def __neg__(self):
        return Dual(-self.value, -self.derivative)

    def __add__(self, other):
        if not isinstance(other, Dual):
            other = Dual(other)
        return Dual(self.value + other.value, self.derivative + other.derivative)

    def __radd__(self, other):
        return Dual(other + self.value, self.derivative)

    def __sub__(self, other):
        if not isinstance(other, Dual):
            other = Dual(other)
        return Dual(self.value - other.value, self.derivative - other.derivative)

    def __rsub__(self, other):
        return Dual(other - self.value, -self.derivative)

    def __mul__(self, other):
        if not isinstance(other, Dual):
            other = Dual(other)
        a, b, c, d = self.value, self.derivative, other.value, other.derivative
        return Dual(a * c, a * d + b * c)

    def __rmul__(self, other):
        return Dual(other * self.value, other * self.derivative)

    def __truediv__(self, other):
        if not isinstance(other, Dual):
            other = Dual(other)
        a, b, c, d = self.value, self.derivative, other.value, other.derivative
        if c == 0:
            raise ZeroDivisionError("the divisor's value is 0")
        return Dual(a / c, (b * c - a * d) / c**2)

    def __rtruediv__(self, other):
        a, b = self.value, self.derivative
        if a == 0:
            raise ZeroDivisionError("the divisor's value is 0")
        return Dual(other / a, -other * b / a**2)

    def __pow__(self, n):
        a, b = self.value, self.derivative
        return Dual(a**n, n * a ** (n - 1) * b)


def derivative(f, x):
    result = f(Dual(x, 1.0))
    if isinstance(result, Dual):
        return result.derivative
    return 0.0
