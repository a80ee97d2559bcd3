"""Correct: the classic assignment's style. theta_plus and theta_minus are fresh copies
for every i, numpy.float64 results, np.linalg.norm for the numerator and denominator,
and a report index from np.unravel_index (a tuple of NumPy integers)."""

import numpy as np
from network import PARAMETER_NAMES, forward_propagation_n


def forward_propagation(x, theta):
    J = np.dot(theta, x)
    return J


def backward_propagation(x, theta):
    dtheta = x
    return dtheta


def gradient_check(x, theta, epsilon=1e-7):
    theta_plus = theta + epsilon
    theta_minus = theta - epsilon
    J_plus = forward_propagation(x, theta_plus)
    J_minus = forward_propagation(x, theta_minus)
    gradapprox = (J_plus - J_minus) / (2 * epsilon)
    grad = backward_propagation(x, theta)
    numerator = np.linalg.norm(grad - gradapprox)
    denominator = np.linalg.norm(grad) + np.linalg.norm(gradapprox)
    if denominator == 0:
        return 0.0
    return numerator / denominator


def dictionary_to_vector(parameters):
    keys = []
    count = 0
    for key in PARAMETER_NAMES:
        new_vector = np.reshape(parameters[key], (-1, 1))
        keys = keys + [key] * new_vector.shape[0]
        if count == 0:
            theta = new_vector
        else:
            theta = np.concatenate((theta, new_vector), axis=0)
        count = count + 1
    return theta, keys


def vector_to_dictionary(theta, shapes):
    parameters = {}
    start = 0
    for key in shapes:
        size = int(np.prod(shapes[key]))
        parameters[key] = theta[start : start + size].reshape(shapes[key])
        start = start + size
    return parameters


def gradients_to_vector(gradients):
    count = 0
    for key in PARAMETER_NAMES:
        new_vector = np.reshape(gradients["d" + key], (-1, 1))
        if count == 0:
            theta = new_vector
        else:
            theta = np.concatenate((theta, new_vector), axis=0)
        count = count + 1
    return theta


def _gradapprox(parameters, X, Y, epsilon):
    parameters_values, _ = dictionary_to_vector(parameters)
    shapes = {key: parameters[key].shape for key in PARAMETER_NAMES}
    num_parameters = parameters_values.shape[0]
    J_plus = np.zeros((num_parameters, 1))
    J_minus = np.zeros((num_parameters, 1))
    for i in range(num_parameters):
        theta_plus = np.copy(parameters_values)
        theta_plus[i][0] = theta_plus[i][0] + epsilon
        J_plus[i], _ = forward_propagation_n(X, Y, vector_to_dictionary(theta_plus, shapes))
        theta_minus = np.copy(parameters_values)
        theta_minus[i][0] = theta_minus[i][0] - epsilon
        J_minus[i], _ = forward_propagation_n(X, Y, vector_to_dictionary(theta_minus, shapes))
    return (J_plus - J_minus) / (2 * epsilon)


def gradient_check_n(parameters, gradients, X, Y, epsilon=1e-7):
    grad = gradients_to_vector(gradients)
    gradapprox = _gradapprox(parameters, X, Y, epsilon)
    numerator = np.linalg.norm(grad - gradapprox)
    denominator = np.linalg.norm(grad) + np.linalg.norm(gradapprox)
    return numerator / denominator


def backward_propagation_n(X, Y, cache):
    m = X.shape[1]
    (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3) = cache
    dZ3 = A3 - Y
    dW3 = 1.0 / m * np.dot(dZ3, A2.T)
    db3 = 1.0 / m * np.sum(dZ3, axis=1, keepdims=True)
    dA2 = np.dot(W3.T, dZ3)
    dZ2 = np.multiply(dA2, np.int64(A2 > 0))
    dW2 = 1.0 / m * np.dot(dZ2, A1.T)
    db2 = 1.0 / m * np.sum(dZ2, axis=1, keepdims=True)
    dA1 = np.dot(W2.T, dZ2)
    dZ1 = np.multiply(dA1, np.int64(A1 > 0))
    dW1 = 1.0 / m * np.dot(dZ1, X.T)
    db1 = 1.0 / m * np.sum(dZ1, axis=1, keepdims=True)
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
    gradapprox = _gradapprox(parameters, X, Y, epsilon)
    grad = gradients_to_vector(gradients)
    report = {}
    start = 0
    for key in PARAMETER_NAMES:
        shape = parameters[key].shape
        size = parameters[key].size
        a = grad[start : start + size].reshape(shape)
        n = gradapprox[start : start + size].reshape(shape)
        start = start + size
        denominator = np.linalg.norm(a) + np.linalg.norm(n)
        difference = np.linalg.norm(a - n) / denominator if denominator > 0 else 0.0
        index = np.unravel_index(np.argmax(np.abs(a - n)), shape)
        report[key] = {
            "difference": difference,
            "index": index,
            "analytic": a[index],
            "numeric": n[index],
        }
    return report
