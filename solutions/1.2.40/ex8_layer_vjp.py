"""Reference solution for exercise 1.2.40.8: vector-Jacobian products for a layer."""

import numpy as np


def linear_vjp(W, x, b, upstream):
    """y = W @ x + b: dW = upstream x^T, dx = W^T upstream, db = upstream summed over columns."""
    W, x, upstream = (np.asarray(a, dtype=float) for a in (W, x, upstream))
    dW = upstream @ x.T
    dx = W.T @ upstream
    db = upstream.sum(axis=1, keepdims=True)
    return dW, dx, db


def relu_vjp(z, upstream):
    """upstream where z > 0, and 0 elsewhere (z == 0 included)."""
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, np.asarray(upstream, dtype=float), 0.0)


def sigmoid_vjp(z, upstream):
    """upstream * s * (1 - s), with s = sigmoid(z)."""
    s = 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))
    return np.asarray(upstream, dtype=float) * s * (1.0 - s)
