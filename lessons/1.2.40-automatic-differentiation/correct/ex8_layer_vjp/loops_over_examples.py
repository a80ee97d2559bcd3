"""Correct: the gradients accumulated one example (column) at a time, relu on a copy of
upstream, and sigmoid's slope as exp(-z) / (1 + exp(-z))**2; lists returned as a list."""

import numpy as np


def linear_vjp(W, x, b, upstream):
    k, m = upstream.shape
    dW = np.zeros(W.shape)
    dx = np.zeros(x.shape)
    db = np.zeros((k, 1))
    for j in range(m):
        column = upstream[:, j]
        dW += np.outer(column, x[:, j])
        dx[:, j] = W.T.dot(column)
        db[:, 0] += column
    return [dW, dx, db]


def relu_vjp(z, upstream):
    grad = np.array(upstream, dtype=float, copy=True)
    grad[z <= 0] = 0.0
    return grad


def sigmoid_vjp(z, upstream):
    e = np.exp(-z)
    return upstream * e / (1.0 + e) ** 2
