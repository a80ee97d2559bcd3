"""Correct: Part 1 names its numerator and denominator, guards the zero denominator with
an early return, and returns the quotient as a float (the value named difference); the
report unravels a flat argmax per parameter."""

import numpy as np
from network import PARAMETER_NAMES, forward_propagation_n, gradient_check_data  # noqa: F401


# Part 1
def forward_propagation(x: float, theta: float) -> float:
    return theta * x


def backward_propagation(x: float, theta: float) -> float:
    return x


def gradient_check(x: float, theta: float, epsilon: float = 1e-7) -> float:
    J_plus = forward_propagation(x, theta + epsilon)
    J_minus = forward_propagation(x, theta - epsilon)
    numeric = (J_plus - J_minus) / (2 * epsilon)
    analytic = backward_propagation(x, theta)
    numerator = abs(analytic - numeric)
    denominator = abs(analytic) + abs(numeric)
    if denominator == 0:
        return 0.0
    difference = numerator / denominator
    return float(difference)


# Part 2
def dictionary_to_vector(parameters: dict) -> tuple[np.ndarray, list[str]]:
    pieces = []
    keys = []
    for name in PARAMETER_NAMES:
        arr = np.asarray(parameters[name], dtype=float)
        pieces.append(arr.reshape(-1, 1))
        keys += [name] * arr.size
    return np.concatenate(pieces, axis=0), keys


def vector_to_dictionary(theta: np.ndarray, shapes: dict) -> dict:
    theta = np.asarray(theta).reshape(-1)
    out = {}
    start = 0
    for name, shape in shapes.items():
        size = int(np.prod(shape))
        out[name] = theta[start : start + size].reshape(shape).copy()
        start += size
    return out


def gradients_to_vector(gradients: dict) -> np.ndarray:
    pieces = [
        np.asarray(gradients["d" + name], dtype=float).reshape(-1, 1) for name in PARAMETER_NAMES
    ]
    return np.concatenate(pieces, axis=0)


def _shapes(parameters):
    return {name: np.shape(parameters[name]) for name in PARAMETER_NAMES}


def _numeric_vector(parameters, X, Y, epsilon):
    theta, _ = dictionary_to_vector(parameters)
    shapes = _shapes(parameters)
    n = theta.shape[0]
    numeric = np.zeros((n, 1))
    for i in range(n):
        tp = theta.copy()
        tp[i, 0] += epsilon
        jp, _ = forward_propagation_n(X, Y, vector_to_dictionary(tp, shapes))
        tm = theta.copy()
        tm[i, 0] -= epsilon
        jm, _ = forward_propagation_n(X, Y, vector_to_dictionary(tm, shapes))
        numeric[i, 0] = (jp - jm) / (2 * epsilon)
    return numeric


def _rel(a, b):
    num = np.linalg.norm(a - b)
    den = np.linalg.norm(a) + np.linalg.norm(b)
    if den == 0:
        return 0.0
    return float(num / den)


def gradient_check_n(
    parameters: dict, gradients: dict, X: np.ndarray, Y: np.ndarray, epsilon: float = 1e-7
) -> float:
    numeric = _numeric_vector(parameters, X, Y, epsilon)
    analytic = gradients_to_vector(gradients)
    return _rel(analytic, numeric)


# Part 3 (fixed)
def backward_propagation_n(X: np.ndarray, Y: np.ndarray, cache: tuple) -> dict:
    m = X.shape[1]
    (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3) = cache

    dZ3 = A3 - Y
    dW3 = 1 / m * (dZ3 @ A2.T)
    db3 = 1 / m * np.sum(dZ3, axis=1, keepdims=True)

    dA2 = W3.T @ dZ3
    dZ2 = dA2 * (A2 > 0)
    dW2 = 1 / m * (dZ2 @ A1.T)
    db2 = 1 / m * np.sum(dZ2, axis=1, keepdims=True)

    dA1 = W2.T @ dZ2
    dZ1 = dA1 * (A1 > 0)
    dW1 = 1 / m * (dZ1 @ X.T)
    db1 = 1 / m * np.sum(dZ1, axis=1, keepdims=True)

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


# Part 4
def gradient_report(
    parameters: dict, gradients: dict, X: np.ndarray, Y: np.ndarray, epsilon: float = 1e-7
) -> dict:
    numeric = _numeric_vector(parameters, X, Y, epsilon).reshape(-1)
    report = {}
    start = 0
    for name in PARAMETER_NAMES:
        shape = np.shape(parameters[name])
        size = int(np.prod(shape))
        num = numeric[start : start + size]
        ana = np.asarray(gradients["d" + name], dtype=float).reshape(-1)
        start += size
        k = int(np.argmax(np.abs(ana - num)))
        idx = tuple(int(i) for i in np.unravel_index(k, shape))
        report[name] = {
            "difference": _rel(ana, num),
            "index": idx,
            "analytic": float(ana[k]),
            "numeric": float(num[k]),
        }
    return report
