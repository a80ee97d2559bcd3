"""Wrong: makes the step array with np.zeros_like(x), an integer array for an integer x,
so step[index] = h stores 0 and both calls are at x (a float x works).

mistake: the step was stored in integers
"""

import numpy as np


def numeric_gradient(f, x, h=1e-5):
    gradient = np.zeros(np.shape(x))
    for index in np.ndindex(np.shape(x)):
        step = np.zeros_like(x)
        step[index] = h
        gradient[index] = (f(x + step) - f(x - step)) / (2 * h)
    return gradient
