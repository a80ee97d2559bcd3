"""Project 1.2.39: a gradient checker.

A backward pass that is slightly wrong still trains, only worse, and nothing crashes to
tell you. A gradient checker catches such bugs: it compares the gradient your code
computes (the *analytic* gradient) with a *numeric* one from central differences,

    dJ/dtheta_i  ~  (J(theta + eps e_i) - J(theta - eps e_i)) / (2 eps),

and measures how far apart they are with the relative difference

    difference = ||analytic - numeric|| / (||analytic|| + ||numeric||).

Below 1e-7 the gradient is almost surely right; above 1e-3 there is a bug (lesson,
"Relative difference" and "Thresholds"). The project page walks through every part:
lessons/1.2.39-numerical-differentiation/project.md

Grade your work at any time with ``course grade 1.2.39.project``; each part earns its
own share of the points.

The network you check lives in ``network.py`` next to this file. It is provided: import
from it, do not edit it. ``forward_propagation_n(X, Y, parameters)`` returns
``(cost, cache)`` for LINEAR -> RELU -> LINEAR -> RELU -> LINEAR -> SIGMOID with a
cross-entropy cost, and ``gradient_check_data()`` returns the project's ``(X, Y,
parameters)``. Try everything on it as you go::

    X, Y, parameters = gradient_check_data()
    cost, cache = forward_propagation_n(X, Y, parameters)
    gradients = backward_propagation_n(X, Y, cache)
    print(gradient_check_n(parameters, gradients, X, Y))

Part 1 (1-D): ``forward_propagation``, ``backward_propagation``, ``gradient_check``.
Part 2 (N-D): ``dictionary_to_vector``, ``vector_to_dictionary``,
    ``gradients_to_vector``, ``gradient_check_n``.
Part 3: ``backward_propagation_n`` has two planted bugs. Find and fix them.
Part 4: ``gradient_report``, which says *which* parameter is wrong.

Rules that hold everywhere:
- Never change the arrays you are given: copy before you perturb.
- Read layer sizes from the arrays, never write them into your code: the grader also
  checks networks with other sizes.
- Return plain numbers (float) for differences and NumPy arrays for vectors.
"""

import numpy as np
from network import PARAMETER_NAMES, forward_propagation_n, gradient_check_data  # noqa: F401

# ======================================================================================
# Part 1: the 1-D check, J(theta) = theta * x
# Read: lessons/1.2.39-numerical-differentiation/index.md#gradient-checking
# ======================================================================================


def forward_propagation(x: float, theta: float) -> float:
    """Return the cost J(theta) = theta * x."""
    raise NotImplementedError("Part 1: write forward_propagation")


def backward_propagation(x: float, theta: float) -> float:
    """Return the derivative dJ/dtheta of J(theta) = theta * x, worked out by hand."""
    raise NotImplementedError("Part 1: write backward_propagation")


def gradient_check(x: float, theta: float, epsilon: float = 1e-7) -> float:
    """Check backward_propagation against a central difference of forward_propagation.

    1. numeric = (J(theta + epsilon) - J(theta - epsilon)) / (2 * epsilon), with J
       computed by forward_propagation.
    2. analytic = backward_propagation(x, theta).
    3. Return |analytic - numeric| / (|analytic| + |numeric|) as a float, or 0.0 when
       both are zero (0/0 has no meaning here, and two zero gradients agree).

    For a correct backward_propagation the result is tiny, far below 1e-7.
    """
    raise NotImplementedError("Part 1: write gradient_check")


# ======================================================================================
# Part 2: the N-D check of the course's network
# Read: lessons/1.2.39-numerical-differentiation/index.md#gradient-checking and #relative-difference
# ======================================================================================


def dictionary_to_vector(parameters: dict) -> tuple[np.ndarray, list[str]]:
    """Flatten the parameters into one column vector theta.

    Args:
        parameters: maps "W1", "b1", "W2", "b2", "W3", "b3" to arrays. The dictionary's
            own order may be anything.

    Returns:
        (theta, keys): theta, a float array of shape (n, 1) holding W1, b1, W2, b2, W3, b3
        in this order (PARAMETER_NAMES), each flattened row by row (``reshape(-1, 1)``);
        keys, a list of n names, keys[i] being the parameter that theta[i] comes from.
    """
    raise NotImplementedError("Part 2: write dictionary_to_vector")


def vector_to_dictionary(theta: np.ndarray, shapes: dict) -> dict:
    """Undo dictionary_to_vector: cut theta back into arrays.

    Args:
        theta: a column vector of shape (n, 1).
        shapes: maps each name to the shape of its array, in the order the names appear
            in theta, e.g. {"W1": (5, 4), "b1": (5, 1), ...}. Use it, whatever it holds:
            the grader also passes other names and shapes.

    Returns:
        A dictionary name -> array of that shape, with the names in the order of
        ``shapes``. vector_to_dictionary(dictionary_to_vector(p)[0], shapes) must give
        back exactly the arrays of p.
    """
    raise NotImplementedError("Part 2: write vector_to_dictionary")


def gradients_to_vector(gradients: dict) -> np.ndarray:
    """Flatten dW1, db1, dW2, db2, dW3, db3 into one (n, 1) column.

    ``gradients`` is what backward_propagation_n returns: it also holds dZ3, dA2 and other
    entries, in an order of its own. Take only the six parameter gradients, in the same
    order as dictionary_to_vector, so that entry i of both vectors is about the same
    parameter.
    """
    raise NotImplementedError("Part 2: write gradients_to_vector")


def gradient_check_n(
    parameters: dict, gradients: dict, X: np.ndarray, Y: np.ndarray, epsilon: float = 1e-7
) -> float:
    """The relative difference between ``gradients`` and central differences of the cost.

    For each i of theta (from dictionary_to_vector): copy theta, add epsilon to entry i,
    turn the copy back into a dictionary (vector_to_dictionary) and compute the cost with
    forward_propagation_n; do the same with -epsilon; the numeric derivative is the
    difference of the two costs divided by 2 * epsilon. Then compare the numeric vector
    with gradients_to_vector(gradients) and return the relative difference as a float.

    Use the epsilon you are given, and do not change ``parameters``. Both dictionaries
    may list their keys in any order: follow PARAMETER_NAMES, never their own order.
    """
    raise NotImplementedError("Part 2: write gradient_check_n")


# ======================================================================================
# Part 3: find and fix the two bugs planted in this backward pass
# Read: lessons/1.2.39-numerical-differentiation/index.md#gradient-checking
# ======================================================================================


def backward_propagation_n(X: np.ndarray, Y: np.ndarray, cache: tuple) -> dict:
    """The gradients of the network's cost, for the cache of forward_propagation_n.

    This function runs, but two of its lines are wrong. Do not hunt for them by reading:
    run gradient_check_n (Part 2) and gradient_report (Part 4) on the project's data,
    let them tell you which gradients are wrong, then fix those lines.

    Returns:
        A dictionary with dW1, db1, dW2, db2, dW3, db3 (shaped like W1, ..., b3) and the
        intermediate dZ3, dA2, dZ2, dA1, dZ1.
    """
    m = X.shape[1]
    (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3) = cache

    dZ3 = A3 - Y
    dW3 = 1 / m * (dZ3 @ A2.T)
    db3 = 1 / m * np.sum(dZ3, axis=1, keepdims=True)

    dA2 = W3.T @ dZ3
    dZ2 = dA2 * (A2 > 0)  # ReLU passes the gradient only where it was active
    dW2 = 2 / m * (dZ2 @ A1.T)
    db2 = 1 / m * np.sum(dZ2, axis=1, keepdims=True)

    dA1 = W2.T @ dZ2
    dZ1 = dA1 * (A1 > 0)
    dW1 = 1 / m * (dZ1 @ X.T)
    db1 = 4 / m * np.sum(dZ1, axis=1, keepdims=True)

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


# ======================================================================================
# Part 4: a report per parameter, so that a bug is named, not just detected
# Read: lessons/1.2.39-numerical-differentiation/index.md#relative-difference and #thresholds
# ======================================================================================


def gradient_report(
    parameters: dict, gradients: dict, X: np.ndarray, Y: np.ndarray, epsilon: float = 1e-7
) -> dict:
    """Check each parameter on its own and say where it disagrees most.

    One number for the whole network says *that* something is wrong; this report says
    *what*. Compute the numeric gradient as in gradient_check_n, then, for each name in
    "W1", "b1", "W2", "b2", "W3", "b3", compare the entries of that parameter only.

    Returns:
        A dictionary from parameter name to a dictionary with four entries:
        - "difference": the relative difference over this parameter's entries, a float
          (0.0 if its analytic and numeric gradients are both zero);
        - "index": the position of the entry where |analytic - numeric| is largest, as a
          tuple in the parameter's own shape, e.g. (2, 0) for parameters["b1"][2, 0];
        - "analytic": the analytic gradient at that index (from gradients["d" + name]);
        - "numeric": the numeric gradient at that index.

    With the planted bugs, the report should point at two parameters and leave the four
    others near 1e-7 or below.
    """
    raise NotImplementedError("Part 4: write gradient_report")
