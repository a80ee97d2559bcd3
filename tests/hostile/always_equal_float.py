"""Hostile: returns a float subclass whose comparisons always succeed.

expect: fail
message: could not be sent back
"""


class Agreeable(float):
    def __eq__(self, other):
        return True

    def __lt__(self, other):
        return True

    def __le__(self, other):
        return True

    __hash__ = float.__hash__


def square(x):
    return Agreeable(0.0)


def numeric_gradient_square(x, h=1e-5):
    return Agreeable(0.0)
