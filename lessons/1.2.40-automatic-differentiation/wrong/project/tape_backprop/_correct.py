"""Not a wrong file: a plain, correct solution of the project, as a learner might write it.

Each ``*.mutation.toml`` next to it is this file with one bug put in by text replacement;
the content gates apply each one and grade the result (tests/support.py, ``materialize``).
"""

import numpy as np
from network import PARAMETER_NAMES, forward_propagation_n


class Tensor:
    def __init__(self, value, parents=()):
        self.value = np.array(value, dtype=float)
        self.grad = np.zeros_like(self.value)
        self.parents = parents
        self.push = lambda: None

    def backward(self):
        if self.value.size != 1:
            raise ValueError("backward() starts from a Tensor holding one number")
        order = []
        seen = set()

        def visit(node):
            if id(node) not in seen:
                seen.add(id(node))
                for parent in node.parents:
                    visit(parent)
                order.append(node)

        visit(self)
        self.grad = np.ones_like(self.value)
        for node in reversed(order):
            node.push()


def matmul(a, b):
    out = Tensor(a.value @ b.value, (a, b))

    def push():
        a.grad += out.grad @ b.value.T
        b.grad += a.value.T @ out.grad

    out.push = push
    return out


def add(a, b):
    out = Tensor(a.value + b.value, (a, b))

    def push():
        a.grad += out.grad
        if b.value.shape == out.value.shape:
            b.grad += out.grad
        else:
            b.grad += out.grad.sum(axis=1, keepdims=True)

    out.push = push
    return out


def relu(a):
    out = Tensor(np.maximum(a.value, 0), (a,))

    def push():
        a.grad += out.grad * (a.value > 0)

    out.push = push
    return out


def sigmoid(a):
    out = Tensor(1 / (1 + np.exp(-a.value)), (a,))

    def push():
        a.grad += out.grad * out.value * (1 - out.value)

    out.push = push
    return out


def cross_entropy(a, y):
    y = np.asarray(y, dtype=float)
    p = a.value
    m = y.shape[1]
    out = Tensor(-np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)) / m, (a,))

    def push():
        a.grad += out.grad * ((1 - y) / (1 - p) - y / p) / m

    out.push = push
    return out


def backward_propagation_ad(X, Y, parameters):
    W1, b1, W2, b2, W3, b3 = (Tensor(parameters[n]) for n in PARAMETER_NAMES)
    A1 = relu(add(matmul(W1, Tensor(X)), b1))
    A2 = relu(add(matmul(W2, A1), b2))
    A3 = sigmoid(add(matmul(W3, A2), b3))
    cost = cross_entropy(A3, Y)
    cost.backward()
    return {
        "dW1": W1.grad,
        "db1": b1.grad,
        "dW2": W2.grad,
        "db2": b2.grad,
        "dW3": W3.grad,
        "db3": b3.grad,
    }


def check_with_numeric(X, Y, parameters, epsilon=1e-7):
    shapes = [(n, parameters[n].shape) for n in PARAMETER_NAMES]
    theta = np.concatenate([parameters[n].reshape(-1) for n in PARAMETER_NAMES])

    def cost(vector):
        params, start = {}, 0
        for name, shape in shapes:
            size = int(np.prod(shape))
            params[name] = vector[start : start + size].reshape(shape)
            start += size
        return forward_propagation_n(X, Y, params)[0]

    numeric = np.zeros_like(theta)
    for i in range(len(theta)):
        plus = theta.copy()
        plus[i] += epsilon
        minus = theta.copy()
        minus[i] -= epsilon
        numeric[i] = (cost(plus) - cost(minus)) / (2 * epsilon)

    grads = backward_propagation_ad(X, Y, parameters)
    analytic = np.concatenate([grads["d" + n].reshape(-1) for n in PARAMETER_NAMES])
    difference = np.linalg.norm(analytic - numeric)
    return float(difference / (np.linalg.norm(analytic) + np.linalg.norm(numeric)))


def gradient_cost_table(sizes):
    rows = []
    for h in sizes:
        parameters = 4 * h + h + h * h + h + h + 1
        rows.append(
            {
                "width": h,
                "parameters": parameters,
                "numeric_evaluations": 2 * parameters,
                "tape_passes": 2,
            }
        )
    return rows
