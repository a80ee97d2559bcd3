"""Correct: a Tensor records (input, vector-Jacobian product) pairs; backward() orders the
graph by counting each Tensor's users (Kahn's algorithm) instead of a depth-first search;
add undoes any broadcast generically; cross_entropy returns a (1, 1) Tensor; the check
works with (n, 1) column vectors as in 1.2.39; the table's rows carry an extra key and
NumPy integers."""

from collections import deque

import numpy as np
from network import PARAMETER_NAMES, forward_propagation_n


class Tensor:
    def __init__(self, value, inputs=()):
        self.value = np.array(value, dtype=float)
        self.grad = np.zeros(self.value.shape)
        self.inputs = list(inputs)  # pairs (input Tensor, function: own grad -> its grad)

    def backward(self):
        if self.value.size != 1:
            raise ValueError("only a one-element Tensor has a gradient")
        # Count, for every Tensor reachable from here, how many Tensors use it.
        users = {id(self): 0}
        nodes = {id(self): self}
        pending = [self]
        while pending:
            node = pending.pop()
            for parent, _ in node.inputs:
                if id(parent) not in users:
                    users[id(parent)] = 0
                    nodes[id(parent)] = parent
                    pending.append(parent)
                users[id(parent)] += 1
        self.grad = self.grad + 1.0
        ready = deque([self])
        while ready:
            node = ready.popleft()
            for parent, vjp in node.inputs:
                np.add(parent.grad, vjp(node.grad), out=parent.grad)
                users[id(parent)] -= 1
                if users[id(parent)] == 0:
                    ready.append(parent)


def unbroadcast(grad, shape):
    extra = grad.ndim - len(shape)
    axes = tuple(range(extra)) + tuple(
        extra + i for i, n in enumerate(shape) if n == 1 and grad.shape[extra + i] != 1
    )
    return np.sum(grad, axis=axes).reshape(shape) if axes else grad


def matmul(a, b):
    return Tensor(
        np.matmul(a.value, b.value),
        [(a, lambda g: np.matmul(g, b.value.T)), (b, lambda g: np.matmul(a.value.T, g))],
    )


def add(a, b):
    return Tensor(
        a.value + b.value,
        [
            (a, lambda g: unbroadcast(g, a.value.shape)),
            (b, lambda g: unbroadcast(g, b.value.shape)),
        ],
    )


def relu(a):
    mask = (a.value > 0).astype(float)
    return Tensor(a.value * mask, [(a, lambda g: g * mask)])


def sigmoid(a):
    s = np.exp(-np.logaddexp(0.0, -a.value))
    return Tensor(s, [(a, lambda g: g * s * (1.0 - s))])


def cross_entropy(a, y):
    y = np.asarray(y, dtype=float)
    m = a.value.shape[1]
    losses = -(y * np.log(a.value) + (1.0 - y) * np.log(1.0 - a.value))
    cost = np.sum(losses, axis=1, keepdims=True) / m  # shape (1, 1)
    local = (a.value - y) / (a.value * (1.0 - a.value)) / m
    return Tensor(cost, [(a, lambda g: g * local)])


def backward_propagation_ad(X, Y, parameters):
    leaves = {}
    for name in PARAMETER_NAMES:
        leaves[name] = Tensor(parameters[name])
    out = Tensor(X)
    for layer in range(1, 4):
        z = add(matmul(leaves[f"W{layer}"], out), leaves[f"b{layer}"])
        out = sigmoid(z) if layer == 3 else relu(z)
    cross_entropy(out, Y).backward()
    return {"d" + name: leaves[name].grad.copy() for name in PARAMETER_NAMES}


def dictionary_to_vector(parameters):
    return np.concatenate([parameters[n].reshape(-1, 1) for n in PARAMETER_NAMES])


def vector_to_dictionary(theta, like):
    out, start = {}, 0
    for name in PARAMETER_NAMES:
        size = like[name].size
        out[name] = theta[start : start + size].reshape(like[name].shape)
        start += size
    return out


def check_with_numeric(X, Y, parameters, epsilon=1e-7):
    theta = dictionary_to_vector(parameters)
    numeric = np.zeros(theta.shape)
    for i in range(theta.shape[0]):
        theta_plus = np.copy(theta)
        theta_plus[i, 0] = theta_plus[i, 0] + epsilon
        theta_minus = np.copy(theta)
        theta_minus[i, 0] = theta_minus[i, 0] - epsilon
        j_plus, _ = forward_propagation_n(X, Y, vector_to_dictionary(theta_plus, parameters))
        j_minus, _ = forward_propagation_n(X, Y, vector_to_dictionary(theta_minus, parameters))
        numeric[i, 0] = (j_plus - j_minus) / (2 * epsilon)
    grads = backward_propagation_ad(X, Y, parameters)
    analytic = np.concatenate([grads["d" + n].reshape(-1, 1) for n in PARAMETER_NAMES])
    numerator = np.linalg.norm(analytic - numeric)
    denominator = np.linalg.norm(analytic) + np.linalg.norm(numeric)
    return numerator / denominator if denominator else 0.0


def gradient_cost_table(sizes):
    table = []
    for h in np.asarray(sizes, dtype=np.int64):
        shapes = [(h, 4), (h, 1), (h, h), (h, 1), (1, h), (1, 1)]
        count = sum(rows * cols for rows, cols in shapes)
        table.append(
            {
                "width": h,
                "parameters": count,
                "numeric_evaluations": 2 * count,
                "tape_passes": 2,
                "ratio": 2 * count / 2,
            }
        )
    return table
