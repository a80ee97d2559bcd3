"""Correct: np.einsum for the products, a reshaped sum for db, a boolean factor for relu
and sigmoid written with tanh."""

import numpy as np


def linear_vjp(W, x, b, upstream):
    dW = np.einsum("km,nm->kn", upstream, x)
    dx = np.einsum("kn,km->nm", W, upstream)
    db = upstream.sum(axis=1).reshape(-1, 1)
    return dW, dx, db


def relu_vjp(z, upstream):
    return upstream * (z > 0)


def sigmoid_vjp(z, upstream):
    s = 0.5 * (1.0 + np.tanh(0.5 * z))
    return upstream * (s - s * s)
