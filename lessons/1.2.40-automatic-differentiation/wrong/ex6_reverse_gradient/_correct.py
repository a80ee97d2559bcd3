"""Correct: the reverse-mode gradient that the mutations beside it edit."""

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
