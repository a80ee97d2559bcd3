"""Correct: the tape that the mutations beside it edit.

Every operation makes a new Var that remembers, for each input, the local derivative of
the result with respect to that input. backward() sorts the recorded graph so that each
node comes after every node that uses it, with an explicit stack instead of recursion,
then walks that order once, adding each node's grad times a local derivative into the
grad of each of its inputs.
"""

import math


class Var:
    """A number that records how it was computed, for reverse-mode differentiation."""

    def __init__(self, value, _inputs=()):
        self.value = float(value)
        self.grad = 0.0
        # pairs (input Var, d self / d input) recorded by the operation that made self
        self._inputs = tuple(_inputs)

    def __repr__(self):
        return f"Var({self.value!r}, grad={self.grad!r})"

    def __neg__(self):
        return Var(-self.value, [(self, -1.0)])

    def __add__(self, other):
        if isinstance(other, Var):
            return Var(self.value + other.value, [(self, 1.0), (other, 1.0)])
        return Var(self.value + other, [(self, 1.0)])

    def __radd__(self, other):
        return self + other

    def __sub__(self, other):
        if isinstance(other, Var):
            return Var(self.value - other.value, [(self, 1.0), (other, -1.0)])
        return Var(self.value - other, [(self, 1.0)])

    def __rsub__(self, other):
        # other - self, where other is a plain number
        return Var(other - self.value, [(self, -1.0)])

    def __mul__(self, other):
        if isinstance(other, Var):
            return Var(self.value * other.value, [(self, other.value), (other, self.value)])
        return Var(self.value * other, [(self, float(other))])

    def __rmul__(self, other):
        return self * other

    def __truediv__(self, other):
        if isinstance(other, Var):
            quotient = self.value / other.value
            return Var(quotient, [(self, 1.0 / other.value), (other, -quotient / other.value)])
        return Var(self.value / other, [(self, 1.0 / other)])

    def __rtruediv__(self, other):
        # other / self, where other is a plain number
        quotient = other / self.value
        return Var(quotient, [(self, -quotient / self.value)])

    def __pow__(self, exponent):
        local = exponent * self.value ** (exponent - 1)
        return Var(self.value**exponent, [(self, local)])

    def backward(self):
        """Set grad on every Var this one depends on to d self / d that Var."""
        # Depth-first search with an explicit stack: a node is placed in `order` only
        # after all of its inputs, so reversed(order) lists every node before its inputs.
        order, seen = [], set()
        stack = [(self, False)]
        while stack:
            node, inputs_done = stack.pop()
            if inputs_done:
                order.append(node)
                continue
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack.append((node, True))
            for parent, _ in node._inputs:
                if id(parent) not in seen:
                    stack.append((parent, False))
        self.grad = 1.0
        for node in reversed(order):
            for parent, local in node._inputs:
                parent.grad += node.grad * local


def vsin(x):
    """sin of a Var."""
    return Var(math.sin(x.value), [(x, math.cos(x.value))])


def vexp(x):
    """exp of a Var."""
    value = math.exp(x.value)
    return Var(value, [(x, value)])


def vlog(x):
    """Natural log of a Var (its value must be positive)."""
    return Var(math.log(x.value), [(x, 1.0 / x.value)])
