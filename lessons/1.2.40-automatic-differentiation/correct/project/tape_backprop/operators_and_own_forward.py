"""Correct: Tensor defines @, + and the unary functions as methods that the module's
functions call; backward() sorts the graph with a recursive depth-first search and sets
every grad it visits back to zero first; relu multiplies by a mask; cross_entropy holds
shape () and clips nothing; the numeric check evaluates the cost with its own NumPy
forward pass in a loop over the three layers; the table counts layer by layer in floats."""

import math

import numpy as np
from network import PARAMETER_NAMES


class Tensor:
    def __init__(self, value, parents=(), rule=None):
        self.value = np.asarray(value, dtype=float)
        self.grad = np.zeros_like(self.value)
        self._parents = parents
        self._rule = rule

    def __matmul__(self, other):
        return Tensor(
            self.value @ other.value,
            (self, other),
            lambda g: [g @ other.value.T, self.value.T @ g],
        )

    def __add__(self, other):
        def rule(g):
            g_other = g
            if other.value.shape != g.shape:
                g_other = g.sum(axis=1).reshape(other.value.shape)
            return [g, g_other]

        return Tensor(self.value + other.value, (self, other), rule)

    def relu(self):
        return Tensor(np.maximum(self.value, 0.0), (self,), lambda g: [g * (self.value > 0)])

    def sigmoid(self):
        s = 1.0 / (1.0 + np.exp(-self.value))
        return Tensor(s, (self,), lambda g: [g * (s - s * s)])

    def backward(self):
        if self.value.size != 1:
            raise ValueError("backward() needs a scalar")
        topo, seen = [], set()

        def build(t):
            if t in seen:
                return
            seen.add(t)
            for p in t._parents:
                build(p)
            topo.append(t)

        build(self)
        for t in topo:
            t.grad = np.zeros_like(t.value)
        self.grad = np.ones_like(self.value)
        for t in topo[::-1]:
            if t._rule is not None:
                for p, g in zip(t._parents, t._rule(t.grad), strict=True):
                    p.grad = p.grad + g


def matmul(a, b):
    return a @ b


def add(a, b):
    return a + b


def relu(a):
    return a.relu()


def sigmoid(a):
    return a.sigmoid()


def cross_entropy(a, y):
    m = a.value.shape[1]
    p = a.value
    total = 0.0
    for j in range(m):
        total -= y[0, j] * math.log(p[0, j]) + (1 - y[0, j]) * math.log(1 - p[0, j])
    return Tensor(
        np.array(total / m),
        (a,),
        lambda g: [g * (-y / p + (1 - y) / (1 - p)) / m],
    )


def backward_propagation_ad(X, Y, parameters):
    t = {k: Tensor(parameters[k]) for k in PARAMETER_NAMES}
    a1 = relu(add(matmul(t["W1"], Tensor(X)), t["b1"]))
    a2 = relu(add(matmul(t["W2"], a1), t["b2"]))
    a3 = sigmoid(add(matmul(t["W3"], a2), t["b3"]))
    cross_entropy(a3, Y).backward()
    return {"d" + k: t[k].grad for k in PARAMETER_NAMES}


def cost_of(X, Y, params):
    a = X
    for layer in (1, 2, 3):
        z = params[f"W{layer}"] @ a + params[f"b{layer}"]
        a = np.maximum(z, 0) if layer < 3 else 1 / (1 + np.exp(-z))
    return float(-np.mean(Y * np.log(a) + (1 - Y) * np.log(1 - a)))


def check_with_numeric(X, Y, parameters, epsilon=1e-7):
    numeric_parts = []
    for name in PARAMETER_NAMES:
        part = np.zeros(parameters[name].shape)
        for index in np.ndindex(part.shape):
            stepped = {k: v.copy() for k, v in parameters.items()}
            stepped[name][index] += epsilon
            up = cost_of(X, Y, stepped)
            stepped[name][index] -= 2 * epsilon
            down = cost_of(X, Y, stepped)
            part[index] = (up - down) / (2 * epsilon)
        numeric_parts.append(part.ravel())
    numeric = np.concatenate(numeric_parts)
    grads = backward_propagation_ad(X, Y, parameters)
    analytic = np.concatenate([grads["d" + n].ravel() for n in PARAMETER_NAMES])
    return np.linalg.norm(analytic - numeric) / (np.linalg.norm(analytic) + np.linalg.norm(numeric))


def gradient_cost_table(sizes):
    rows = []
    for h in sizes:
        widths = [4.0, float(h), float(h), 1.0]
        count = sum(widths[i] * widths[i + 1] + widths[i + 1] for i in range(3))
        rows.append(
            {
                "width": h,
                "parameters": count,
                "numeric_evaluations": 2.0 * count,
                "tape_passes": 2.0,
            }
        )
    return rows
