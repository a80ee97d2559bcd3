"""Wrong: a forward difference per entry, whose error h/2 * f'' is far above round-off.

mistake: forward difference
"""

import numpy as np


def numeric_gradient(f, x, h=1e-5):
    point = np.array(x, dtype=float)
    flat = point.reshape(-1)
    base = f(point)
    gradient = np.empty_like(flat)
    for i in range(flat.size):
        saved = flat[i]
        flat[i] = saved + h
        gradient[i] = (f(point) - base) / h
        flat[i] = saved
    return gradient.reshape(point.shape)
