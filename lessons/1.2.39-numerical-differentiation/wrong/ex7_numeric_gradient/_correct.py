"""Correct: central differences entry by entry that the mutations beside it edit."""

import numpy as np


def numeric_gradient(f, x, h=1e-5):
    point = np.array(x, dtype=float)
    flat = point.reshape(-1)
    gradient = np.zeros(flat.size)
    for i in range(flat.size):
        saved = flat[i]
        flat[i] = saved + h
        ahead = f(point)
        flat[i] = saved - h
        behind = f(point)
        flat[i] = saved
        gradient[i] = (ahead - behind) / (2 * h)
    return gradient.reshape(point.shape)
