"""Correct: no flat vector for the numeric gradient. Each parameter array is copied once,
then every entry is stepped up, stepped down and put back exactly, in plain Python floats;
the relative difference is written with math.sqrt of sums of squares."""

import math

import numpy as np
from network import PARAMETER_NAMES, forward_propagation_n


def forward_propagation(x, theta):
    return x * theta


def backward_propagation(x, theta):
    return x


def gradient_check(x, theta, epsilon=1e-7):
    plus = forward_propagation(x, theta + epsilon)
    minus = forward_propagation(x, theta - epsilon)
    numeric = (plus - minus) / (2 * epsilon)
    analytic = backward_propagation(x, theta)
    if analytic == 0 and numeric == 0:
        return 0.0
    return abs(analytic - numeric) / (abs(analytic) + abs(numeric))


def dictionary_to_vector(parameters):
    pieces, keys = [], []
    for name in PARAMETER_NAMES:
        values = np.asarray(parameters[name], dtype=float).ravel()
        pieces.append(values)
        keys.extend(name for _ in values)
    return np.concatenate(pieces).reshape(-1, 1), keys


def vector_to_dictionary(theta, shapes):
    flat = np.asarray(theta).ravel()
    sizes = [math.prod(shape) for shape in shapes.values()]
    cuts = np.cumsum(sizes)[:-1]
    return {
        name: piece.reshape(shape)
        for (name, shape), piece in zip(shapes.items(), np.split(flat, cuts), strict=True)
    }


def gradients_to_vector(gradients):
    return np.vstack([np.reshape(gradients["d" + name], (-1, 1)) for name in PARAMETER_NAMES])


def numeric_gradients(parameters, X, Y, epsilon):
    """name -> array of central differences, shaped like the parameter."""
    work = {name: np.array(parameters[name], dtype=float) for name in PARAMETER_NAMES}
    result = {}
    for name in PARAMETER_NAMES:
        array = work[name]
        out = np.zeros(array.shape)
        for index in np.ndindex(array.shape):
            old = array[index]
            array[index] = old + epsilon
            j_plus = forward_propagation_n(X, Y, work)[0]
            array[index] = old - epsilon
            j_minus = forward_propagation_n(X, Y, work)[0]
            array[index] = old
            out[index] = (j_plus - j_minus) / (2 * epsilon)
        result[name] = out
    return result


def norm(values):
    return math.sqrt(sum(float(v) ** 2 for v in np.ravel(values)))


def relative(a, b):
    bottom = norm(a) + norm(b)
    return norm(np.ravel(a) - np.ravel(b)) / bottom if bottom else 0.0


def gradient_check_n(parameters, gradients, X, Y, epsilon=1e-7):
    numeric = numeric_gradients(parameters, X, Y, epsilon)
    analytic = gradients_to_vector(gradients)
    return relative(analytic, np.vstack([numeric[n].reshape(-1, 1) for n in PARAMETER_NAMES]))


def backward_propagation_n(X, Y, cache):
    m = X.shape[1]
    (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3) = cache
    dZ3 = A3 - Y
    dW3 = dZ3 @ A2.T / m
    db3 = dZ3.sum(axis=1, keepdims=True) / m
    dA2 = W3.T @ dZ3
    dZ2 = np.where(Z2 > 0, dA2, 0.0)
    dW2 = dZ2 @ A1.T / m
    db2 = dZ2.sum(axis=1, keepdims=True) / m
    dA1 = W2.T @ dZ2
    dZ1 = np.where(Z1 > 0, dA1, 0.0)
    dW1 = dZ1 @ X.T / m
    db1 = dZ1.sum(axis=1, keepdims=True) / m
    return {
        "dZ3": dZ3,
        "dW3": dW3,
        "db3": db3,
        "dA2": dA2,
        "dZ2": dZ2,
        "dW2": dW2,
        "db2": db2,
        "dA1": dA1,
        "dZ1": dZ1,
        "dW1": dW1,
        "db1": db1,
    }


def gradient_report(parameters, gradients, X, Y, epsilon=1e-7):
    numeric = numeric_gradients(parameters, X, Y, epsilon)
    report = {}
    for name in PARAMETER_NAMES:
        a = np.asarray(gradients["d" + name], dtype=float)
        n = numeric[name]
        gaps = np.abs(a - n)
        worst = max(np.ndindex(a.shape), key=lambda i: gaps[i])
        report[name] = {
            "difference": relative(a, n),
            "index": tuple(int(i) for i in worst),
            "analytic": float(a[worst]),
            "numeric": float(n[worst]),
        }
    return report
