"""Correct: every Var gets a number from a counter when it is made; an operation's result
is always made after its inputs, so sorting the reachable nodes by that number, newest
first, is a topological order from the output back. Local derivatives are kept in two
parallel lists, and the values are NumPy floats."""

import itertools

import numpy as np

_made = itertools.count()


class Var:
    def __init__(self, value, parents=None, locals_=None):
        self.value = np.float64(value)
        self.grad = 0.0
        self.parents = parents or []
        self.locals = locals_ or []
        self.serial = next(_made)

    def _make(self, value, pairs):
        return Var(value, [p for p, _ in pairs], [d for _, d in pairs])

    def __add__(self, other):
        if isinstance(other, Var):
            return self._make(self.value + other.value, [(self, 1.0), (other, 1.0)])
        return self._make(self.value + other, [(self, 1.0)])

    def __radd__(self, other):
        return self._make(other + self.value, [(self, 1.0)])

    def __sub__(self, other):
        if isinstance(other, Var):
            return self._make(self.value - other.value, [(self, 1.0), (other, -1.0)])
        return self._make(self.value - other, [(self, 1.0)])

    def __rsub__(self, other):
        return self._make(other - self.value, [(self, -1.0)])

    def __mul__(self, other):
        if isinstance(other, Var):
            return self._make(self.value * other.value, [(self, other.value), (other, self.value)])
        return self._make(self.value * other, [(self, other)])

    def __rmul__(self, other):
        return self._make(other * self.value, [(self, other)])

    def __truediv__(self, other):
        if isinstance(other, Var):
            return self._make(
                self.value / other.value,
                [(self, 1 / other.value), (other, -self.value / (other.value * other.value))],
            )
        return self._make(self.value / other, [(self, 1 / other)])

    def __rtruediv__(self, other):
        return self._make(other / self.value, [(self, -other / (self.value * self.value))])

    def __neg__(self):
        return self._make(-self.value, [(self, -1.0)])

    def __pow__(self, p):
        return self._make(self.value**p, [(self, p * self.value ** (p - 1))])

    def backward(self):
        reachable, todo = {id(self): self}, [self]
        while todo:
            for parent in todo.pop().parents:
                if id(parent) not in reachable:
                    reachable[id(parent)] = parent
                    todo.append(parent)
        self.grad = 1.0
        for node in sorted(reachable.values(), key=lambda n: n.serial, reverse=True):
            for parent, local in zip(node.parents, node.locals, strict=True):
                parent.grad = parent.grad + local * node.grad


def vsin(x):
    return x._make(np.sin(x.value), [(x, np.cos(x.value))])


def vexp(x):
    e = np.exp(x.value)
    return x._make(e, [(x, e)])


def vlog(x):
    return x._make(np.log(x.value), [(x, 1.0 / x.value)])
