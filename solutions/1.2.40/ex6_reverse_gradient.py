"""Exercise 1.2.40.6: Reverse-mode gradient (reference solution).

Forward mode (exercise 1.2.40.4) needs one pass of f per input to get a gradient. Reverse
mode gets the whole gradient of a scalar f from one recording pass and one backward pass,
whatever the number of inputs: that is why training a network with millions of weights
uses it (lesson section "Reverse mode").

This file gives you a complete ``Var``, the tape of exercise 1.2.40.5: ``+ - * /`` with
Vars and plain numbers on either side, unary minus, ``**`` with a plain-number exponent,
``vsin``, ``vexp``, ``vlog``, and ``backward()``, which sets ``grad`` on every Var the
output depends on. Use it as it is.

Write ``gradient_reverse(f, x)``:

- ``x`` is a 1-D NumPy float array of length n; ``f`` takes a 1-D array of length n,
  indexes it (``x[0]``, ``x[1]``, ...) and returns one number built with ``+ - * / **``,
  for example ``f = lambda x: (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2``.
- Wrap each entry of x in a Var of its own, put those Vars in a new array (dtype=object)
  and call f once on it. f then returns a Var: call ``backward()`` on it once. Each input
  Var's grad is now the partial derivative of f with respect to that entry.
- Return the gradient as a NumPy float array of shape (n,). Leave the caller's x as it
  was.

What the grader checks (``course grade 1.2.40.6``), at drawn sizes and points:

- the gradient of a sum of squares, of the Rosenbrock function and of a quadratic form
  written out term by term, against the exact gradient (relative 1e-12, and 1e-12 times
  the largest entry of the gradient in absolute terms);
- f is called exactly once;
- x is not changed;
- the result is a NumPy float array of shape (n,).

Read: lessons/1.2.40-automatic-differentiation/index.md#reverse-mode
"""

import math

import numpy as np


class Var:
    """A float that records the operations applied to it, for reverse mode."""

    def __init__(self, value, _parents=()):
        self.value = float(value)
        self.grad = 0.0
        # (input Var, derivative of this Var's value with respect to that input)
        self._parents = tuple(_parents)

    def __repr__(self):
        return f"Var({self.value!r}, grad={self.grad!r})"

    # Arithmetic: a plain number is a constant, which takes no part in backward().

    def __neg__(self):
        return Var(-self.value, [(self, -1.0)])

    def __add__(self, other):
        if isinstance(other, Var):
            return Var(self.value + other.value, [(self, 1.0), (other, 1.0)])
        return Var(self.value + other, [(self, 1.0)])

    def __radd__(self, other):
        return Var(other + self.value, [(self, 1.0)])

    def __sub__(self, other):
        if isinstance(other, Var):
            return Var(self.value - other.value, [(self, 1.0), (other, -1.0)])
        return Var(self.value - other, [(self, 1.0)])

    def __rsub__(self, other):
        return Var(other - self.value, [(self, -1.0)])

    def __mul__(self, other):
        if isinstance(other, Var):
            return Var(self.value * other.value, [(self, other.value), (other, self.value)])
        return Var(self.value * other, [(self, other)])

    def __rmul__(self, other):
        return Var(other * self.value, [(self, other)])

    def __truediv__(self, other):
        if isinstance(other, Var):
            ratio = self.value / other.value
            return Var(ratio, [(self, 1.0 / other.value), (other, -ratio / other.value)])
        return Var(self.value / other, [(self, 1.0 / other)])

    def __rtruediv__(self, other):
        ratio = other / self.value
        return Var(ratio, [(self, -ratio / self.value)])

    def __pow__(self, exponent):
        slope = exponent * self.value ** (exponent - 1)
        return Var(self.value**exponent, [(self, slope)])

    def backward(self):
        """Set grad on this Var and on every Var it depends on to d self / d that Var."""
        # A topological order, inputs before their users, found without recursion.
        order, visited = [], {id(self)}
        stack = [(self, iter(self._parents))]
        while stack:
            node, parents = stack[-1]
            for parent, _ in parents:
                if id(parent) not in visited:
                    visited.add(id(parent))
                    stack.append((parent, iter(parent._parents)))
                    break
            else:
                stack.pop()
                order.append(node)
        # From the output back: each node's grad is complete before it is passed on.
        self.grad = 1.0
        for node in reversed(order):
            for parent, local in node._parents:
                parent.grad += local * node.grad


def vsin(x):
    """sin of a Var."""
    return Var(math.sin(x.value), [(x, math.cos(x.value))])


def vexp(x):
    """exp of a Var."""
    e = math.exp(x.value)
    return Var(e, [(x, e)])


def vlog(x):
    """Natural log of a Var whose value is positive."""
    return Var(math.log(x.value), [(x, 1.0 / x.value)])


def gradient_reverse(f, x):
    """The gradient of the scalar function f at the 1-D array x, by reverse mode.

    Args:
        f: a function of a 1-D array of length n that returns one number.
        x: a 1-D NumPy float array of length n. Do not modify it.

    Returns:
        A NumPy float array of shape (n,): entry i is df/dx_i at x.
    """
    inputs = [Var(value) for value in np.asarray(x, dtype=float)]
    out = f(np.array(inputs, dtype=object))
    out.backward()
    return np.array([v.grad for v in inputs], dtype=float)
