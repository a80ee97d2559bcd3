"""Wrong: evaluates f(x) again for every entry (to watch the loss), 3n calls in all.

mistake: 3 per entry
"""

import numpy as np


def numeric_gradient(f, x, h=1e-5):
    point = np.array(x, dtype=float)
    flat = point.reshape(-1)
    gradient = np.empty_like(flat)
    for i in range(flat.size):
        saved = flat[i]
        _loss = f(point)
        flat[i] = saved + h
        ahead = f(point)
        flat[i] = saved - h
        behind = f(point)
        flat[i] = saved
        gradient[i] = (ahead - behind) / (2 * h)
    return gradient.reshape(point.shape)
