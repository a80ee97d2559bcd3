"""Reference solution for exercise 1.2.40.1: dual numbers and forward-mode derivatives."""


def _lift(other):
    """A Dual as it is; a plain number c as the constant Dual(c, 0.0)."""
    return other if isinstance(other, Dual) else Dual(other, 0.0)


class Dual:
    """The dual number value + derivative * eps, with eps * eps = 0."""

    def __init__(self, value, derivative=0.0):
        self.value = value
        self.derivative = derivative

    def __repr__(self):
        return f"Dual({self.value!r}, {self.derivative!r})"

    def __neg__(self):
        return Dual(-self.value, -self.derivative)

    def __add__(self, other):
        other = _lift(other)
        return Dual(self.value + other.value, self.derivative + other.derivative)

    __radd__ = __add__  # a + x is x + a

    def __sub__(self, other):
        other = _lift(other)
        return Dual(self.value - other.value, self.derivative - other.derivative)

    def __rsub__(self, other):
        return _lift(other) - self  # other - self, in that order

    def __mul__(self, other):
        other = _lift(other)
        # (a + b eps)(c + d eps) = ac + (ad + bc) eps, as eps**2 = 0
        return Dual(
            self.value * other.value,
            self.value * other.derivative + self.derivative * other.value,
        )

    __rmul__ = __mul__

    def __truediv__(self, other):
        other = _lift(other)
        if other.value == 0:
            raise ZeroDivisionError("division by a dual number whose value is 0")
        # (a + b eps) / (c + d eps) = a/c + (bc - ad)/c**2 eps
        return Dual(
            self.value / other.value,
            (self.derivative * other.value - self.value * other.derivative) / other.value**2,
        )

    def __rtruediv__(self, other):
        return _lift(other) / self  # other / self, in that order

    def __pow__(self, exponent):
        # (a + b eps)**n = a**n + n a**(n-1) b eps, for a plain number n
        return Dual(
            self.value**exponent,
            exponent * self.value ** (exponent - 1) * self.derivative,
        )


def derivative(f, x):
    """f'(x): f evaluated once on Dual(x, 1.0); a plain number result is a constant."""
    out = f(Dual(x, 1.0))
    return out.derivative if isinstance(out, Dual) else 0.0
