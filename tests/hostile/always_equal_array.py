"""Hostile: returns an ndarray subclass whose comparisons always succeed.

expect: fail
message: could not be sent back
"""

import numpy as np


class Agreeable(np.ndarray):
    def __eq__(self, other):
        return np.ones(self.shape, dtype=bool)

    def __le__(self, other):
        return np.ones(self.shape, dtype=bool)

    __array_priority__ = 1000


def square(x):
    return np.zeros(np.shape(x)).view(Agreeable)


def numeric_gradient_square(x, h=1e-5):
    return np.zeros(np.shape(x)).view(Agreeable)
