"""Project 1.2.40's network, given by the course: import from it, leave it as it is.

It is the network of project 1.2.39, with the same data, so the gradient checker you
wrote there applies here unchanged:

    X -> LINEAR -> RELU -> LINEAR -> RELU -> LINEAR -> SIGMOID -> cross-entropy cost

With ``n0`` input features, hidden layers of ``n1`` and ``n2`` units, one output unit and
``m`` examples stored as columns (the project's data: n0 = 4, n1 = 5, n2 = 3, m = 3):

    X (n0, m)   W1 (n1, n0)  b1 (n1, 1)   W2 (n2, n1)  b2 (n2, 1)   W3 (1, n2)  b3 (1, 1)
    Y (1, m), every entry 0 or 1

This file works on plain NumPy arrays only. Its ``relu`` and ``sigmoid`` take and return
arrays; the Tensor operations of your project file with the same names are your own.
The grader loads this very file, so your cost and the grader's are the same numbers.

Import what you need from it::

    from network import PARAMETER_NAMES, forward_propagation_n, gradient_check_data
"""

from __future__ import annotations

import numpy as np

# The parameters in the order of the parameter vector theta (and of any gradient vector).
PARAMETER_NAMES: tuple[str, ...] = ("W1", "b1", "W2", "b2", "W3", "b3")

# The same seed, sizes and batch as project 1.2.39, so gradient_check_data() gives the
# very arrays the learner already checked there.
DATA_SEED = 594
LAYER_SIZES: tuple[int, ...] = (4, 5, 3, 1)
EXAMPLES = 3


def relu(z: np.ndarray) -> np.ndarray:
    """max(0, z) entry by entry, on an array."""
    return np.maximum(0, z)


def sigmoid(z: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-z)) entry by entry, on an array."""
    return 1 / (1 + np.exp(-z))


def gradient_check_data(seed: int = DATA_SEED) -> tuple[np.ndarray, np.ndarray, dict]:
    """The project's data ``(X, Y, parameters)``: identical on every call.

    Each call builds new arrays, so an experiment that changes them cannot spoil the next
    one.
    """
    rng = np.random.default_rng(seed)
    n0, n1, n2, n3 = LAYER_SIZES
    X = rng.standard_normal((n0, EXAMPLES))
    Y = np.array([[1.0, 1.0, 0.0]])
    # Drawn in this order, as in 1.2.39: the arrays come out the same.
    parameters = {}
    for index, (rows, columns) in enumerate(((n1, n0), (n2, n1), (n3, n2)), start=1):
        parameters[f"W{index}"] = rng.standard_normal((rows, columns))
        parameters[f"b{index}"] = rng.standard_normal((rows, 1))
    return X, Y, parameters


def forward_propagation_n(X: np.ndarray, Y: np.ndarray, parameters: dict) -> tuple[float, tuple]:
    """The network's cost on (X, Y) and the values a hand-written backward pass needs.

    Returns:
        cost: the cross-entropy averaged over the m examples, a float.
        cache: the tuple (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3).
    """
    m = X.shape[1]
    W1, b1 = parameters["W1"], parameters["b1"]
    W2, b2 = parameters["W2"], parameters["b2"]
    W3, b3 = parameters["W3"], parameters["b3"]

    Z1 = W1 @ X + b1
    A1 = relu(Z1)
    Z2 = W2 @ A1 + b2
    A2 = relu(Z2)
    Z3 = W3 @ A2 + b3
    A3 = sigmoid(Z3)

    # The mean over the examples of -(y log a + (1 - y) log(1 - a)).
    losses = -Y * np.log(A3) - (1 - Y) * np.log(1 - A3)
    cost = float(np.sum(losses) / m)

    cache = (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)
    return cost, cache
