"""Wrong: a copy-paste slip moves the +h copy by +h and then by -h (xp where xm was
meant), so both calls are at x itself and every entry is 0.

mistake: at one and the same point
"""

import numpy as np


def numeric_gradient(f, x, h=1e-5):
    xf = np.asarray(x, dtype=float)
    grad = np.zeros(xf.size)
    for i in range(xf.size):
        xp = xf.copy().reshape(-1)
        xm = xf.copy().reshape(-1)
        xp[i] += h
        xp[i] -= h
        grad[i] = (f(xp.reshape(xf.shape)) - f(xm.reshape(xf.shape))) / (2 * h)
    return grad.reshape(xf.shape)
