"""Wrong: loops over range(len(x)) and steps x[i], which for a matrix is a whole row, so
the gradient gets one slope per row.

mistake: whole row
"""

import numpy as np


def numeric_gradient(f, x, h=1e-5):
    x = np.asarray(x, dtype=float)
    gradient = np.zeros_like(x)
    for i in range(len(x)):
        ahead, behind = x.copy(), x.copy()
        ahead[i] += h
        behind[i] -= h
        gradient[i] = (f(ahead) - f(behind)) / (2 * h)
    return gradient
