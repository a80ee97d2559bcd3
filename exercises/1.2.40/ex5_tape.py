"""Exercise 1.2.40.5: Record and reverse: the tape.

Forward mode carries one derivative along with each value. Reverse mode splits the work
in two. While the computation runs, each operation records what it was made from and the
local derivative of its result with respect to each input: d(u * v)/du is v, d(sin u)/du
is cos u, and so on. That record is the tape, or computational graph. Then backward()
walks the graph from the output towards the inputs, applying the chain rule: each node
passes its grad, times a local derivative, to each of its inputs (lesson section
"Reverse mode").

Write a class ``Var`` and three functions:

- ``Var(value)`` keeps the number in the attribute ``value``; its ``grad`` is 0.0 until
  backward() runs.
- ``+``, ``-``, ``*`` and ``/`` between two Vars, and between a Var and a plain number on
  either side (``x + 1``, ``2 * x``, ``3 - x``, ``2 / x``), unary minus ``-x``, and
  ``x ** p`` for a plain number p (``x ** 2``, ``x ** 0.5``). A plain number is a
  constant: it gets no grad. Each operation returns a new Var and records its inputs with
  their local derivatives.
- ``vsin(x)``, ``vexp(x)`` and ``vlog(x)`` take a Var and return a new Var.
- ``out.backward()`` sets ``grad`` on out and on every Var out depends on, inputs and
  intermediate results alike, to d out / d that Var.

Two things make backward() right. A Var used more than once (``x * x``, or an
intermediate u used by two later operations) collects one contribution per use: grads
are added up, never replaced. And a node may pass its grad on only when that grad is
complete, after every node that uses it has added its share: visit the nodes in a
topological order, from the output back (lesson section "Computational graph").

The graph can be deep: a loop of 1,000 operations is one long chain, deeper than
Python's recursion limit. Build the order with a loop and an explicit stack (a list),
not with a recursive function.

What the grader checks (``course grade 1.2.40.5``), every time on new Vars it builds
from your class, at drawn values:

- a new Var holds its value, with grad 0.0;
- the value and the grads of each operation: +, -, *, /, unary minus, vsin, vexp, vlog;
- numbers on either side: x + c, c + x, x - c, c - x, x * c, c * x, x / c, c / x;
- powers x ** p for integer, negative and fractional p;
- a shared input adds up its paths: x * x gives 2x, and x * x + x gives 2x + 1;
- a diamond whose top is an intermediate node (u = x * y; out = vsin(u) + u * u), on u
  as well as on x and y, and a diamond whose two branches differ in length;
- a chain of 1,000 operations runs without RecursionError and gets the right grad;
- drawn expressions in several variables, against their exact derivatives.

Read: lessons/1.2.40-automatic-differentiation/index.md#reverse-mode
"""

import math  # noqa: F401 - for vsin, vexp and vlog


class Var:
    """A number that records how it was computed, for reverse-mode differentiation."""

    def __init__(self, value):
        raise NotImplementedError("Write Var.__init__, then run: course grade 1.2.40.5")

    def __neg__(self):
        raise NotImplementedError("Write Var.__neg__, then run: course grade 1.2.40.5")

    def __add__(self, other):
        raise NotImplementedError("Write Var.__add__, then run: course grade 1.2.40.5")

    def __radd__(self, other):
        raise NotImplementedError("Write Var.__radd__, then run: course grade 1.2.40.5")

    def __sub__(self, other):
        raise NotImplementedError("Write Var.__sub__, then run: course grade 1.2.40.5")

    def __rsub__(self, other):
        raise NotImplementedError("Write Var.__rsub__, then run: course grade 1.2.40.5")

    def __mul__(self, other):
        raise NotImplementedError("Write Var.__mul__, then run: course grade 1.2.40.5")

    def __rmul__(self, other):
        raise NotImplementedError("Write Var.__rmul__, then run: course grade 1.2.40.5")

    def __truediv__(self, other):
        raise NotImplementedError("Write Var.__truediv__, then run: course grade 1.2.40.5")

    def __rtruediv__(self, other):
        raise NotImplementedError("Write Var.__rtruediv__, then run: course grade 1.2.40.5")

    def __pow__(self, exponent):
        raise NotImplementedError("Write Var.__pow__, then run: course grade 1.2.40.5")

    def backward(self):
        """Set grad on this Var and every Var it depends on to d self / d that Var."""
        raise NotImplementedError("Write Var.backward, then run: course grade 1.2.40.5")


def vsin(x):
    """sin of a Var, as a new Var."""
    raise NotImplementedError("Write vsin, then run: course grade 1.2.40.5")


def vexp(x):
    """exp of a Var, as a new Var."""
    raise NotImplementedError("Write vexp, then run: course grade 1.2.40.5")


def vlog(x):
    """Natural log of a Var (its value is positive), as a new Var."""
    raise NotImplementedError("Write vlog, then run: course grade 1.2.40.5")
