"""The course's 3-layer network for project 1.2.39: provided, import it, do not edit it.

    X -> LINEAR -> RELU -> LINEAR -> RELU -> LINEAR -> SIGMOID -> cross-entropy cost

Shapes for ``n0`` inputs, hidden layers of ``n1`` and ``n2`` units, one output and a batch
of ``m`` examples (the project's data has n0 = 4, n1 = 5, n2 = 3, m = 3):

    X (n0, m)   W1 (n1, n0)  b1 (n1, 1)   W2 (n2, n1)  b2 (n2, 1)   W3 (1, n2)  b3 (1, 1)
    Y (1, m), each entry 0 or 1

Everything here is plain NumPy. The grader imports this same file, so your checker and
the grader's evaluate exactly the same cost.

Use it from your file with::

    from network import PARAMETER_NAMES, forward_propagation_n, gradient_check_data
"""

from __future__ import annotations

import numpy as np

# The order of the parameter vector theta, and of the gradient vector.
PARAMETER_NAMES: tuple[str, ...] = ("W1", "b1", "W2", "b2", "W3", "b3")

# The project's data comes from this seed. It was chosen so that the two bugs planted in
# the stub's backward_propagation_n give a relative difference of about 0.285 at
# epsilon = 1e-7 (the value learners of the classic assignment know), while the fixed
# backward pass stays below 2e-7.
DATA_SEED = 594
LAYER_SIZES: tuple[int, ...] = (4, 5, 3, 1)
EXAMPLES = 3


def relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(0, z)


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


def gradient_check_data(seed: int = DATA_SEED) -> tuple[np.ndarray, np.ndarray, dict]:
    """The project's data: ``(X, Y, parameters)``, the same on every call.

    ``parameters`` maps "W1", "b1", ..., "b3" to fresh arrays, so changing them in one
    experiment never leaks into the next.
    """
    rng = np.random.default_rng(seed)
    n0, n1, n2, n3 = LAYER_SIZES
    X = rng.standard_normal((n0, EXAMPLES))
    Y = np.array([[1.0, 1.0, 0.0]])
    parameters = {
        "W1": rng.standard_normal((n1, n0)),
        "b1": rng.standard_normal((n1, 1)),
        "W2": rng.standard_normal((n2, n1)),
        "b2": rng.standard_normal((n2, 1)),
        "W3": rng.standard_normal((n3, n2)),
        "b3": rng.standard_normal((n3, 1)),
    }
    return X, Y, parameters


def forward_propagation_n(X: np.ndarray, Y: np.ndarray, parameters: dict) -> tuple[float, tuple]:
    """The cost of the network on (X, Y), and the cache that backward propagation needs.

    Returns:
        cost: the mean cross-entropy, a float.
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

    # Cross-entropy, averaged over the m examples.
    log_probs = -Y * np.log(A3) - (1 - Y) * np.log(1 - A3)
    cost = float(np.sum(log_probs) / m)

    cache = (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)
    return cost, cache
