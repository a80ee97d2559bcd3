"""Wrong: moves the caller's own x by +h and -h and restores it by arithmetic, which
leaves x changed by round-off.

mistake: changed the array x
"""

import numpy as np


def numeric_gradient(f, x, h=1e-5):
    if x.dtype.kind != "f":
        x = x.astype(float)
    flat = x.reshape(-1)
    gradient = np.zeros(flat.size)
    for i in range(flat.size):
        flat[i] += h
        ahead = f(x)
        flat[i] -= 2 * h
        behind = f(x)
        flat[i] += h
        gradient[i] = (ahead - behind) / (2 * h)
    return gradient.reshape(x.shape)
