"""Wrong: stores the slopes in np.zeros_like(x), which is an integer array for integer x,
and steps an integer copy, so h is lost.

mistake: integer
"""

import numpy as np


def numeric_gradient(f, x, h=1e-5):
    gradient = np.zeros_like(x)
    flat_gradient = gradient.reshape(-1)
    for i in range(x.size):
        ahead = x.copy().reshape(-1)
        behind = x.copy().reshape(-1)
        ahead[i] += h
        behind[i] -= h
        flat_gradient[i] = (f(ahead.reshape(x.shape)) - f(behind.reshape(x.shape))) / (2 * h)
    return gradient
