"""Wrong: ignores the h it is given and always steps by 1e-5.

mistake: step 1e-05 whatever h is given
"""

import numpy as np


def numeric_gradient(f, x, h=1e-5):
    point = np.array(x, dtype=float)
    flat = point.reshape(-1)
    gradient = np.empty_like(flat)
    for i in range(flat.size):
        saved = flat[i]
        flat[i] = saved + 1e-5
        ahead = f(point)
        flat[i] = saved - 1e-5
        behind = f(point)
        flat[i] = saved
        gradient[i] = (ahead - behind) / 2e-5
    return gradient.reshape(point.shape)
