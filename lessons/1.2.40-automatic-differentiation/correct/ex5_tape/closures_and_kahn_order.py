"""Correct: each Var keeps a closure that pushes its grad to its inputs (the style of small
autograd libraries), numbers are lifted to constant Vars, and backward() orders the nodes
by counting, for each node, the users whose grads have not arrived yet (Kahn's algorithm).
"""

import math


def lift(value):
    return value if isinstance(value, Var) else Var(value)


class Var:
    def __init__(self, value, inputs=()):
        self.value = value
        self.grad = 0.0
        self.inputs = inputs
        self.push = lambda: None

    def __add__(self, other):
        other = lift(other)
        out = Var(self.value + other.value, (self, other))

        def push():
            self.grad += out.grad
            other.grad += out.grad

        out.push = push
        return out

    __radd__ = __add__

    def __neg__(self):
        return self * -1.0

    def __sub__(self, other):
        return self + (-lift(other))

    def __rsub__(self, other):
        return lift(other) + (-self)

    def __mul__(self, other):
        other = lift(other)
        out = Var(self.value * other.value, (self, other))

        def push():
            self.grad += other.value * out.grad
            other.grad += self.value * out.grad

        out.push = push
        return out

    __rmul__ = __mul__

    def __pow__(self, exponent):
        out = Var(self.value**exponent, (self,))

        def push():
            self.grad += exponent * self.value ** (exponent - 1) * out.grad

        out.push = push
        return out

    def __truediv__(self, other):
        return self * lift(other) ** -1

    def __rtruediv__(self, other):
        return lift(other) * self**-1

    def backward(self):
        # users[n]: how many nodes that use n have not yet pushed their grad into it
        users, stack, seen = {}, [self], {id(self)}
        while stack:
            node = stack.pop()
            for parent in node.inputs:
                users[id(parent)] = users.get(id(parent), 0) + 1
                if id(parent) not in seen:
                    seen.add(id(parent))
                    stack.append(parent)
        self.grad = 1.0
        ready = [self]
        while ready:
            node = ready.pop()
            node.push()
            for parent in node.inputs:
                users[id(parent)] -= 1
                if users[id(parent)] == 0:
                    ready.append(parent)


def unary(x, value, slope):
    out = Var(value, (x,))

    def push():
        x.grad += slope * out.grad

    out.push = push
    return out


def vsin(x):
    return unary(x, math.sin(x.value), math.cos(x.value))


def vexp(x):
    return unary(x, math.exp(x.value), math.exp(x.value))


def vlog(x):
    return unary(x, math.log(x.value), 1 / x.value)
