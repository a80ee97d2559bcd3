"""Correct: gradient_report does the work and gradient_check_n reuses its numeric vector;
theta stepped through a dictionary comprehension of copies, vector_to_dictionary with an
explicit offset, and the relative difference computed with np.sqrt(np.sum(...))."""

import numpy as np
from network import PARAMETER_NAMES, forward_propagation_n


def forward_propagation(x, theta):
    return float(theta) * float(x)


def backward_propagation(x, theta):
    return float(x)


def relative_difference(a, b):
    a = np.asarray(a, dtype=float).ravel()
    b = np.asarray(b, dtype=float).ravel()
    bottom = np.sqrt(np.sum(a**2)) + np.sqrt(np.sum(b**2))
    if bottom == 0:
        return 0.0
    return float(np.sqrt(np.sum((a - b) ** 2)) / bottom)


def gradient_check(x, theta, epsilon=1e-7):
    numeric = (
        forward_propagation(x, theta + epsilon) - forward_propagation(x, theta - epsilon)
    ) / (2 * epsilon)
    return relative_difference(backward_propagation(x, theta), numeric)


def dictionary_to_vector(parameters):
    theta = np.concatenate([np.ravel(parameters[n]) for n in PARAMETER_NAMES])[:, None]
    keys = []
    for n in PARAMETER_NAMES:
        keys += [n] * np.size(parameters[n])
    return theta, keys


def vector_to_dictionary(theta, shapes):
    out, offset = {}, 0
    for name, shape in shapes.items():
        count = 1
        for k in shape:
            count *= k
        out[name] = np.reshape(theta[offset : offset + count], shape)
        offset += count
    return out


def gradients_to_vector(gradients):
    return np.concatenate([np.ravel(gradients[f"d{n}"]) for n in PARAMETER_NAMES])[:, None]


def numeric_vector(parameters, X, Y, epsilon):
    theta, _ = dictionary_to_vector(parameters)
    shapes = {n: np.shape(parameters[n]) for n in PARAMETER_NAMES}
    result = np.zeros(theta.shape)
    for i in range(len(theta)):
        costs = []
        for sign in (1, -1):
            stepped = theta.copy()
            stepped[i, 0] += sign * epsilon
            costs.append(forward_propagation_n(X, Y, vector_to_dictionary(stepped, shapes))[0])
        result[i, 0] = (costs[0] - costs[1]) / (2 * epsilon)
    return result


def backward_propagation_n(X, Y, cache):
    m = X.shape[1]
    (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3) = cache
    dZ3 = A3 - Y
    dW3 = (dZ3 @ A2.T) / m
    db3 = np.mean(dZ3, axis=1, keepdims=True)
    dA2 = W3.T @ dZ3
    dZ2 = dA2 * (A2 > 0)
    dW2 = (dZ2 @ A1.T) / m
    db2 = np.mean(dZ2, axis=1, keepdims=True)
    dA1 = W2.T @ dZ2
    dZ1 = dA1 * (A1 > 0)
    dW1 = (dZ1 @ X.T) / m
    db1 = np.mean(dZ1, axis=1, keepdims=True)
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


def _report(parameters, gradients, numeric):
    analytic = gradients_to_vector(gradients)
    report, offset = {}, 0
    for n in PARAMETER_NAMES:
        shape = np.shape(parameters[n])
        size = int(np.prod(shape))
        a = analytic[offset : offset + size].reshape(shape)
        b = numeric[offset : offset + size].reshape(shape)
        offset += size
        flat = int(np.argmax(np.abs(a - b)))
        index = tuple(int(k) for k in np.unravel_index(flat, shape))
        report[n] = {
            "difference": relative_difference(a, b),
            "index": index,
            "analytic": float(a[index]),
            "numeric": float(b[index]),
        }
    return report


def gradient_report(parameters, gradients, X, Y, epsilon=1e-7):
    return _report(parameters, gradients, numeric_vector(parameters, X, Y, epsilon))


def gradient_check_n(parameters, gradients, X, Y, epsilon=1e-7):
    numeric = numeric_vector(parameters, X, Y, epsilon)
    return relative_difference(gradients_to_vector(gradients), numeric)
