"""Exercise 1.2.40.9: Discuss the limits of AD.

Automatic differentiation differentiates the program that ran, one operation at a time.
Where the program branches, only the branch taken counts; where a loop approximates a
function, AD gives the derivative of the approximation, not of the function it stands
for. Three small programs show it. They are given below, with a complete ``Dual`` whose
comparisons (<, <=, >, >=) look at the value part only, so each program runs on Duals
as it stands. Do not change them: run them on Duals and read the answers.

1. ``ad_abs_at_zero()``: the dual-number derivative of ``dual_abs`` at x = 0. At 0 the
   absolute value has a kink and calculus gives no derivative; AD still returns a number.
   Which one?
2. ``branch_derivative(x)``: the dual-number derivative of ``clipped`` at x, for any
   float x. ``clipped`` returns the plain number 1.0 from x = 1 on: a constant, whose
   derivative is 0.0.
3. ``babylonian_sqrt_derivative(a, iterations)``: the dual-number derivative, with
   respect to a, of ``babylonian_sqrt(a, iterations)``, for a > 0 and iterations >= 1.
   The loop approximates sqrt(a), whose derivative is 1 / (2 sqrt(a)); after few
   iterations AD's answer is another number.

Each answer is a float.

What the grader checks (``course grade 1.2.40.9``):

- ad_abs_at_zero() is the derivative of the branch taken at 0;
- branch_derivative at drawn points below 1, at exactly 1.0, and above 1;
- babylonian_sqrt_derivative for drawn a and iterations, compared with the derivative
  of the loop itself; after 1 iteration; and as the iterations grow, where it approaches
  1 / (2 sqrt(a)).

Read: lessons/1.2.40-automatic-differentiation/index.md#where-ad-misleads
"""


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
    """The derivative part of dual_abs at x = 0, a float."""
    raise NotImplementedError("Write ad_abs_at_zero, then run: course grade 1.2.40.9")


def branch_derivative(x):
    """The derivative part of clipped at x, a float."""
    raise NotImplementedError("Write branch_derivative, then run: course grade 1.2.40.9")


def babylonian_sqrt_derivative(a, iterations):
    """The derivative part of babylonian_sqrt(a, iterations) with respect to a, a float."""
    raise NotImplementedError("Write babylonian_sqrt_derivative, then run: course grade 1.2.40.9")
