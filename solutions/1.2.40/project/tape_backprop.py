"""Project 1.2.40: backpropagation by a tape, checked by your gradient checker.

In project 1.2.39 you checked a backward pass written by hand. Here the backward pass is
not written at all: a small reverse-mode engine records the forward pass of the same
network on a tape and runs the chain rule back along it, and the gradient checker of
1.2.39 confirms that what comes out is right. The project page walks through every part:
lessons/1.2.40-automatic-differentiation/project.md

Grade your work at any time with ``course grade 1.2.40.project``; each part earns its
own share of the points.

``network.py`` next to this file is the network of 1.2.39 with the same data (provided:
import from it, do not edit it): ``forward_propagation_n(X, Y, parameters)`` returns
``(cost, cache)``, ``gradient_check_data()`` returns the project's ``(X, Y, parameters)``
and ``PARAMETER_NAMES`` is the order ("W1", "b1", "W2", "b2", "W3", "b3"). Its ``relu``
and ``sigmoid`` work on arrays: this file's operations of the same names work on Tensors,
so import only the three names below. Try everything on the project's data as you go::

    X, Y, parameters = gradient_check_data()
    gradients = backward_propagation_ad(X, Y, parameters)
    print(check_with_numeric(X, Y, parameters))

Part 1: ``Tensor`` and the operations ``matmul``, ``add``, ``relu``, ``sigmoid``,
    ``cross_entropy``: a reverse-mode engine over NumPy arrays.
Part 2: ``backward_propagation_ad``, the network's gradients from one ``backward()``.
Part 3: ``check_with_numeric``, your gradient checker of 1.2.39 on those gradients.
Part 4: ``gradient_cost_table``, what a numeric check costs next to the tape.

Rules that hold everywhere:
- Never change the arrays you are given.
- Read sizes from the arrays: the grader also uses networks of other sizes.

What the grader checks (``course grade 1.2.40.project``):

- Part 1: ``Tensor(value)`` keeps a float array and a zero grad; each operation's grads
  match central differences on shapes the grader draws (it builds small computations
  from your own operations, ending in one number, and calls ``backward()``); a (k, 1)
  bias in ``add`` gets a (k, 1) grad; ``relu``'s derivative is 0 at exactly 0; a Tensor
  used twice gets both grads added; a Tensor used by two others passes its grad on only
  when it is complete; ``backward()`` works on one element and raises ValueError on more.
- Part 2: the gradients equal backpropagation derived by hand within 1e-10 (relative),
  on the project's data and on networks of other sizes and batches; the parameters
  dictionary may list its keys in any order.
- Part 3: below 2e-7 at the default epsilon; below 1e-8 on the project's data at
  epsilon = 1e-4 (a one-sided difference does not get there); the grader's own value
  at epsilon = 1e-3; parameters left unchanged.
- Part 4: the exact counts for each width, in the order given.
"""

import numpy as np
from network import PARAMETER_NAMES, forward_propagation_n, gradient_check_data  # noqa: F401

# ======================================================================================
# Part 1: a reverse-mode engine over NumPy arrays
# Read: lessons/1.2.40-automatic-differentiation/index.md#vector-jacobian-products
# ======================================================================================


class Tensor:
    """A NumPy array that remembers how it was computed.

    ``Tensor(value)`` wraps an array (or a number, or a list of numbers): ``value`` is a
    float ndarray and ``grad`` an array of zeros of the same shape until ``backward()``
    runs. A Tensor made by one of the operations below also remembers its inputs and how
    to turn its own ``grad`` into theirs (a vector-Jacobian product).

    ``backward()``, called on a Tensor that holds one element (shape (1, 1), (1,) or ()),
    sets its own grad to 1 and then gives every Tensor it depends on, directly or not,
    the derivative of it with respect to that Tensor. Each Tensor passes its grad on only
    once that grad is complete: a Tensor used twice receives a grad from both uses, and
    the two add up. On a Tensor with more than one element, ``backward()`` raises
    ValueError (its derivative is a Jacobian, not a gradient).
    """

    def __init__(self, value, parents=(), backward_rule=None):
        self.value = np.array(value, dtype=float)
        self.grad = np.zeros_like(self.value)
        self._parents = tuple(parents)
        self._backward_rule = backward_rule  # own grad -> one grad per parent

    def backward(self):
        if self.value.size != 1:
            raise ValueError(
                f"backward() needs a Tensor of one element, not shape {self.value.shape}"
            )
        # A topological order by an explicit stack: every Tensor comes after its inputs.
        order, visited = [], set()
        stack = [(self, False)]
        while stack:
            node, inputs_done = stack.pop()
            if inputs_done:
                order.append(node)
                continue
            if id(node) in visited:
                continue
            visited.add(id(node))
            stack.append((node, True))
            stack.extend((parent, False) for parent in node._parents)
        self.grad = np.ones_like(self.value)
        for node in reversed(order):
            if node._backward_rule is None:
                continue
            for parent, grad in zip(node._parents, node._backward_rule(node.grad), strict=True):
                parent.grad = parent.grad + grad


def _sum_to_shape(grad, shape):
    """Undo broadcasting: add up the entries that one entry of an array of ``shape`` fed."""
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    for axis, size in enumerate(shape):
        if size == 1 and grad.shape[axis] != 1:
            grad = grad.sum(axis=axis, keepdims=True)
    return grad


def matmul(a, b):
    """The matrix product a.value @ b.value, as a Tensor."""
    return Tensor(
        a.value @ b.value,
        (a, b),
        lambda grad: (grad @ b.value.T, a.value.T @ grad),
    )


def add(a, b):
    """a.value + b.value, as a Tensor; b may be a (k, 1) column added to each column of a
    (k, m), and then its grad is summed back to shape (k, 1)."""
    return Tensor(
        a.value + b.value,
        (a, b),
        lambda grad: (_sum_to_shape(grad, a.value.shape), _sum_to_shape(grad, b.value.shape)),
    )


def relu(a):
    """max(0, a) entry by entry, as a Tensor; its derivative is 0 where a <= 0 (also at
    exactly 0, as in 1.2.39's backward pass) and 1 where a > 0."""
    active = a.value > 0
    return Tensor(np.where(active, a.value, 0.0), (a,), lambda grad: (grad * active,))


def sigmoid(a):
    """1 / (1 + exp(-a)) entry by entry, as a Tensor."""
    s = 1 / (1 + np.exp(-a.value))
    return Tensor(s, (a,), lambda grad: (grad * s * (1 - s),))


def cross_entropy(a, y):
    """The cost -(1/m) sum(y log a + (1 - y) log(1 - a)) over the m columns, as a Tensor
    of one element.

    ``a`` is a Tensor of shape (1, m) holding probabilities (the network's output);
    ``y`` is a plain array of the same shape holding 0s and 1s.
    """
    y = np.asarray(y, dtype=float)
    p = a.value
    m = p.shape[1]
    cost = -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)) / m
    return Tensor(cost, (a,), lambda grad: (grad * ((1 - y) / (1 - p) - y / p) / m,))


# ======================================================================================
# Part 2: the network's gradients from the tape
# Read: lessons/1.2.40-automatic-differentiation/index.md#reverse-mode
# ======================================================================================


def backward_propagation_ad(X: np.ndarray, Y: np.ndarray, parameters: dict) -> dict:
    """The gradients of the network's cost, by your Tensors.

    Build the forward pass of ``network.forward_propagation_n`` from your operations
    (LINEAR -> RELU -> LINEAR -> RELU -> LINEAR -> SIGMOID, then the cross-entropy with
    Y), call ``backward()`` once on the cost, and read the parameters' grads.

    Returns:
        A dictionary with the keys "dW1", "db1", "dW2", "db2", "dW3", "db3", each a float
        array shaped like its parameter (dW1 like W1, ...).
    """
    tensors = {name: Tensor(parameters[name]) for name in PARAMETER_NAMES}
    activation = Tensor(X)
    for layer in (1, 2, 3):
        z = add(matmul(tensors[f"W{layer}"], activation), tensors[f"b{layer}"])
        activation = relu(z) if layer < 3 else sigmoid(z)
    cost = cross_entropy(activation, Y)
    cost.backward()
    return {"d" + name: tensors[name].grad for name in PARAMETER_NAMES}


# ======================================================================================
# Part 3: your gradient checker on the tape's gradients
# Read: lessons/1.2.40-automatic-differentiation/index.md#ad-vs-finite-differences
# ======================================================================================


def check_with_numeric(
    X: np.ndarray, Y: np.ndarray, parameters: dict, epsilon: float = 1e-7
) -> float:
    """The relative difference between backward_propagation_ad's gradients and central
    differences of the cost, over the whole parameter vector.

    This is gradient_check_n of 1.2.39 (write it again or paste yours: this file must
    stand alone): stack the parameters into theta in PARAMETER_NAMES order; for each
    entry i, compute the cost with entry i raised by epsilon and lowered by epsilon, and
    divide the difference by 2 * epsilon; stack backward_propagation_ad's gradients in
    the same order; return ||a - b|| / (||a|| + ||b||) as a float.

    Use the epsilon you are given, and do not change ``parameters``.
    """
    shapes = {name: np.shape(parameters[name]) for name in PARAMETER_NAMES}
    theta = np.concatenate([np.ravel(parameters[name]) for name in PARAMETER_NAMES])

    def cost(vector):
        pieces, start = {}, 0
        for name, shape in shapes.items():
            size = int(np.prod(shape))
            pieces[name] = vector[start : start + size].reshape(shape)
            start += size
        return forward_propagation_n(X, Y, pieces)[0]

    numeric = np.empty_like(theta, dtype=float)
    for i in range(theta.size):
        plus, minus = theta.astype(float), theta.astype(float)
        plus[i] += epsilon
        minus[i] -= epsilon
        numeric[i] = (cost(plus) - cost(minus)) / (2 * epsilon)

    gradients = backward_propagation_ad(X, Y, parameters)
    analytic = np.concatenate([np.ravel(gradients["d" + name]) for name in PARAMETER_NAMES])
    denominator = np.linalg.norm(analytic) + np.linalg.norm(numeric)
    if denominator == 0:
        return 0.0
    return float(np.linalg.norm(analytic - numeric) / denominator)


# ======================================================================================
# Part 4: the cost of a numeric check next to the tape
# Read: lessons/1.2.40-automatic-differentiation/index.md#cost-of-each-mode
# ======================================================================================


def gradient_cost_table(sizes) -> list[dict]:
    """One row per hidden width h in ``sizes``, in order, for the network 4 -> h -> h -> 1.

    Each row is a dictionary with:
        "width": h;
        "parameters": how many numbers W1, b1, W2, b2, W3, b3 hold together;
        "numeric_evaluations": how many evaluations of the cost a full central-difference
            check of every parameter needs;
        "tape_passes": how many passes over the network the tape needs for the whole
            gradient (a forward pass that records, and one backward pass).
    """
    table = []
    for h in sizes:
        h = int(h)
        count = (4 * h + h) + (h * h + h) + (h + 1)
        table.append(
            {
                "width": h,
                "parameters": count,
                "numeric_evaluations": 2 * count,
                "tape_passes": 2,
            }
        )
    return table
