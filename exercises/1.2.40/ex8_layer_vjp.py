"""Exercise 1.2.40.8: Vector-Jacobian products for a layer.

Reverse mode never builds a Jacobian. Each operation receives ``upstream``, the gradient
of a scalar loss L with respect to its output, and passes back the gradient of L with
respect to each of its inputs: a *vector-Jacobian product*. Write the three that a layer
of a network needs.

1. ``linear_vjp(W, x, b, upstream)`` for y = W @ x + b, where W has shape (k, n), x has
   shape (n, m) (m examples, one per column), b has shape (k, 1) (added to every column)
   and ``upstream`` is dL/dy, of y's shape (k, m). Return the tuple ``(dW, dx, db)``:
   dL/dW of shape (k, n), dL/dx of shape (n, m) and dL/db of shape (k, 1).
2. ``relu_vjp(z, upstream)`` for y = relu(z) = max(z, 0), elementwise: dL/dz, of z's
   shape. Use the derivative 0 where z is exactly 0.
3. ``sigmoid_vjp(z, upstream)`` for y = sigmoid(z) = 1 / (1 + exp(-z)), elementwise:
   dL/dz, of z's shape.

``upstream`` is dL/dy as it is: whatever averaging the loss does (such as a mean over the
m examples) is already in it, so do not divide by m here. All inputs are float NumPy
arrays; return new float arrays and change none of the inputs.

What the grader checks (``course grade 1.2.40.8``):

- every gradient matches the central-difference gradient of L = sum(upstream * y), on
  drawn shapes (relative difference below 1e-7), and the exact one;
- each gradient has the shape of what it is the gradient of: db is a (k, 1) column;
- relu_vjp gives 0 where z is exactly 0;
- none of the arrays given is changed.

Read: lessons/1.2.40-automatic-differentiation/index.md#vector-jacobian-products
"""

import numpy as np  # noqa: F401 - here for you to use


def linear_vjp(W, x, b, upstream):
    """The gradients of L with respect to W, x and b, for y = W @ x + b.

    Args:
        W: the weights, shape (k, n).
        x: the inputs, shape (n, m), one example per column.
        b: the bias, shape (k, 1).
        upstream: dL/dy, shape (k, m).

    Returns:
        The tuple (dW, dx, db), of shapes (k, n), (n, m) and (k, 1).
    """
    raise NotImplementedError("Write linear_vjp, then run: course grade 1.2.40.8")


def relu_vjp(z, upstream):
    """dL/dz for y = relu(z), given upstream = dL/dy of z's shape; 0 where z == 0."""
    raise NotImplementedError("Write relu_vjp, then run: course grade 1.2.40.8")


def sigmoid_vjp(z, upstream):
    """dL/dz for y = sigmoid(z), given upstream = dL/dy of z's shape."""
    raise NotImplementedError("Write sigmoid_vjp, then run: course grade 1.2.40.8")
