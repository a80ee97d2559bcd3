"""Wrong: returns the gradient as a flat vector instead of in x's shape.

mistake: x's own shape
"""

import numpy as np


def numeric_gradient(f, x, h=1e-5):
    point = np.array(x, dtype=float).ravel()
    gradient = []
    for i in range(point.size):
        step = np.zeros_like(point)
        step[i] = h
        shape = np.shape(x)
        gradient.append(
            (f((point + step).reshape(shape)) - f((point - step).reshape(shape))) / (2 * h)
        )
    return np.array(gradient)
