"""Wrong: subtracts the wrong way round, (y[i] - y[i+1]) / dx, flipping every sign.

mistake: sign flipped | wrong way round
"""

import numpy as np


def sampled_derivative(y, dx):
    if dx <= 0 or len(y) < 2:
        raise ValueError("need dx > 0 and at least 2 samples")
    y = np.asarray(y, dtype=float)
    return (y[:-1] - y[1:]) / dx
