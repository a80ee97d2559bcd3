"""Exercise 1.2.40.2: Elementary functions on dual numbers.

Exercise 1.2.40.1 gave dual numbers their arithmetic; this file ships a complete ``Dual``
with that arithmetic, so it stands alone. Arithmetic is not enough for sin(exp(x)): each
elementary function needs its own rule. For a function g and a dual number a + b*eps,

    g(a + b*eps) = g(a) + g'(a) * b * eps

the value part is g of the value, and the derivative part is g' at the value times the
incoming derivative b: the chain rule, applied once per function (lesson section
"Elementary rules"). Nested calls then chain by themselves.

Write ``sin``, ``cos``, ``exp``, ``log`` (the natural logarithm) and ``sqrt``. Each takes
either a plain float or a Dual:

- a float gives a float (a Python float or a NumPy float): sin(0.5) is the sine of 0.5;
- a Dual gives a new Dual by the rule above, and leaves its argument unchanged;
- ``log`` of a value <= 0 and ``sqrt`` of a value < 0 raise ValueError, for a float and
  for the value part of a Dual alike (sqrt(0.0) is 0.0).

Then ``derivative(f, x)`` as in exercise 1.2.40.1: f'(x) as a number, from one call of f on
Dual(x, 1.0); 0.0 when f returns a plain number.

What the grader checks (``course grade 1.2.40.2``):

- each function on Dual(a, b), value and derivative part, at drawn a and b;
- a Python float and a NumPy float give a float equal to the math module's value;
- derivative(f, x) for sin(exp(x)), log(1 + x*x), sqrt(sin(x)**2 + 1) and exp(cos(x))
  within 1e-12 (relative) of the exact derivative, at drawn x; a constant f gives 0.0;
- log of 0 or a negative value and sqrt of a negative value raise ValueError, for floats
  and Duals; sqrt(0.0) is 0.0.

Read: lessons/1.2.40-automatic-differentiation/index.md#elementary-rules
"""

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
    """The sine of a float or a Dual."""
    raise NotImplementedError("Write sin, then run: course grade 1.2.40.2")


def cos(x):
    """The cosine of a float or a Dual."""
    raise NotImplementedError("Write cos, then run: course grade 1.2.40.2")


def exp(x):
    """e to the power x, for a float or a Dual."""
    raise NotImplementedError("Write exp, then run: course grade 1.2.40.2")


def log(x):
    """The natural logarithm of a float or a Dual; ValueError for a value <= 0."""
    raise NotImplementedError("Write log, then run: course grade 1.2.40.2")


def sqrt(x):
    """The square root of a float or a Dual; ValueError for a value < 0."""
    raise NotImplementedError("Write sqrt, then run: course grade 1.2.40.2")


def derivative(f, x):
    """f'(x): f called once on Dual(x, 1.0), its derivative part (0.0 for a plain number).

    Args:
        f: a function of one number built from + - * / ** and the functions above.
        x: the point, a float.

    Returns:
        The derivative of f at x, a float.
    """
    raise NotImplementedError("Write derivative, then run: course grade 1.2.40.2")
