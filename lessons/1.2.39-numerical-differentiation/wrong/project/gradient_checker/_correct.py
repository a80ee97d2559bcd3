"""Not a wrong file: a plain, correct solution of the project, as a learner might write it.

Each ``*.mutation.toml`` next to it is this file with one bug put in by text replacement;
the content gates apply each one and grade the result (tests/support.py, ``materialize``).
"""

import numpy as np
from network import PARAMETER_NAMES, forward_propagation_n


def forward_propagation(x, theta):
    return theta * x


def backward_propagation(x, theta):
    return x


def gradient_check(x, theta, epsilon=1e-7):
    j_plus = forward_propagation(x, theta + epsilon)
    j_minus = forward_propagation(x, theta - epsilon)
    numeric = (j_plus - j_minus) / (2 * epsilon)
    analytic = backward_propagation(x, theta)
    denominator = abs(analytic) + abs(numeric)
    return abs(analytic - numeric) / denominator if denominator else 0.0


def dictionary_to_vector(parameters):
    theta = np.concatenate([parameters[n].reshape(-1, 1) for n in PARAMETER_NAMES])
    keys = [n for n in PARAMETER_NAMES for _ in range(parameters[n].size)]
    return theta, keys


def vector_to_dictionary(theta, shapes):
    result, start = {}, 0
    for name, shape in shapes.items():
        size = int(np.prod(shape))
        result[name] = theta[start : start + size].reshape(shape)
        start += size
    return result


def gradients_to_vector(gradients):
    return np.concatenate([gradients["d" + n].reshape(-1, 1) for n in PARAMETER_NAMES])


def numeric_gradient(parameters, X, Y, epsilon):
    theta, _ = dictionary_to_vector(parameters)
    shapes = {n: parameters[n].shape for n in PARAMETER_NAMES}
    numeric = np.zeros_like(theta)
    for i in range(theta.shape[0]):
        plus = theta.copy()
        plus[i] += epsilon
        minus = theta.copy()
        minus[i] -= epsilon
        j_plus, _ = forward_propagation_n(X, Y, vector_to_dictionary(plus, shapes))
        j_minus, _ = forward_propagation_n(X, Y, vector_to_dictionary(minus, shapes))
        numeric[i] = (j_plus - j_minus) / (2 * epsilon)
    return numeric


def relative_difference(a, b):
    denominator = np.linalg.norm(a) + np.linalg.norm(b)
    return float(np.linalg.norm(a - b) / denominator) if denominator else 0.0


def gradient_check_n(parameters, gradients, X, Y, epsilon=1e-7):
    numeric = numeric_gradient(parameters, X, Y, epsilon)
    return relative_difference(gradients_to_vector(gradients), numeric)


def backward_propagation_n(X, Y, cache):
    m = X.shape[1]
    (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3) = cache
    dZ3 = A3 - Y
    dW3 = dZ3 @ A2.T / m
    db3 = np.sum(dZ3, axis=1, keepdims=True) / m
    dA2 = W3.T @ dZ3
    dZ2 = dA2 * (A2 > 0)
    dW2 = dZ2 @ A1.T / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    dA1 = W2.T @ dZ2
    dZ1 = dA1 * (A1 > 0)
    dW1 = dZ1 @ X.T / m
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m
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
    numeric = numeric_gradient(parameters, X, Y, epsilon).ravel()
    analytic = gradients_to_vector(gradients).ravel()
    _, keys = dictionary_to_vector(parameters)
    keys = np.array(keys)
    report = {}
    for name in PARAMETER_NAMES:
        mine = keys == name
        a, n = analytic[mine], numeric[mine]
        worst = int(np.argmax(np.abs(a - n)))
        index = np.unravel_index(worst, parameters[name].shape)
        report[name] = {
            "difference": relative_difference(a, n),
            "index": tuple(int(i) for i in index),
            "analytic": float(a[worst]),
            "numeric": float(n[worst]),
        }
    return report
