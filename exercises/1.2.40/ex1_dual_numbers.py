"""Exercise 1.2.40.1: Define dual numbers.

A dual number a + b*eps pairs a value a with a derivative b, where eps is a new symbol
with eps * eps = 0 (and eps itself is not 0). Put x + eps into a polynomial and expand:
every power of eps beyond the first vanishes, and what is left is f(x) + f'(x) * eps. So
arithmetic on dual numbers carries the derivative along with the value, exactly, with no
step size (lesson section "Dual numbers").

Write a class ``Dual`` and a function ``derivative``:

- ``Dual(value, derivative=0.0)`` keeps its two parts in the attributes ``value`` and
  ``derivative``. A plain number c is the constant Dual(c, 0.0): its derivative is 0.
- ``+``, ``-``, ``*`` and ``/`` between two Duals, and between a Dual and a plain number
  on either side: ``x + 1``, ``2 * x``, ``3 - x`` and ``2 / x`` all work. When the number
  comes first, Python calls the Dual's reflected method (``__rsub__`` for ``3 - x``),
  with the Dual as ``self`` and the number as ``other``.
- unary minus, ``-x``;
- ``x ** n`` for an integer or float exponent n (``x ** 3``, ``x ** 0.5``, ``x ** -2``);
  the exponent is a plain number, not a Dual.
- Each rule comes from expanding (a + b*eps) op (c + d*eps) and dropping eps**2. Each
  operation returns a new Dual and leaves its operands unchanged.
- dividing by a Dual whose value is 0 raises ZeroDivisionError.
- ``derivative(f, x)`` returns f'(x) as a number: it calls f once, on Dual(x, 1.0), and
  reads the derivative part of the result. If f ignores its input and returns a plain
  number, the derivative is 0.0.

What the grader checks (``course grade 1.2.40.1``):

- Dual(a, b) keeps a and b, and Dual(a) has derivative 0.0;
- sums, differences and negation, with Duals and with numbers on either side;
- the product and quotient of Dual(a, b) and Dual(c, d), value and derivative, for
  drawn a, b, c, d, and with a number on either side;
- dividing by a Dual of value 0 raises ZeroDivisionError;
- powers with integer and float exponents;
- derivative(f, x) of drawn polynomials and rational functions equals the exact
  derivative up to round-off, calling f once; a constant f gives 0.0.

Read: lessons/1.2.40-automatic-differentiation/index.md#dual-numbers
"""


class Dual:
    """The dual number value + derivative * eps, with eps * eps = 0."""

    def __init__(self, value, derivative=0.0):
        raise NotImplementedError("Write Dual.__init__, then run: course grade 1.2.40.1")

    def __repr__(self):
        return f"Dual({self.value!r}, {self.derivative!r})"

    def __neg__(self):
        raise NotImplementedError("Write Dual.__neg__, then run: course grade 1.2.40.1")

    def __add__(self, other):
        raise NotImplementedError("Write Dual.__add__, then run: course grade 1.2.40.1")

    def __radd__(self, other):
        raise NotImplementedError("Write Dual.__radd__, then run: course grade 1.2.40.1")

    def __sub__(self, other):
        raise NotImplementedError("Write Dual.__sub__, then run: course grade 1.2.40.1")

    def __rsub__(self, other):
        raise NotImplementedError("Write Dual.__rsub__, then run: course grade 1.2.40.1")

    def __mul__(self, other):
        raise NotImplementedError("Write Dual.__mul__, then run: course grade 1.2.40.1")

    def __rmul__(self, other):
        raise NotImplementedError("Write Dual.__rmul__, then run: course grade 1.2.40.1")

    def __truediv__(self, other):
        raise NotImplementedError("Write Dual.__truediv__, then run: course grade 1.2.40.1")

    def __rtruediv__(self, other):
        raise NotImplementedError("Write Dual.__rtruediv__, then run: course grade 1.2.40.1")

    def __pow__(self, exponent):
        raise NotImplementedError("Write Dual.__pow__, then run: course grade 1.2.40.1")


def derivative(f, x):
    """f'(x) by forward mode: evaluate f on Dual(x, 1.0) and read the derivative part.

    Args:
        f: a function of one number built from + - * / ** (it may ignore its input).
        x: the point, a float.

    Returns:
        The derivative of f at x, a float.
    """
    raise NotImplementedError("Write derivative, then run: course grade 1.2.40.1")
