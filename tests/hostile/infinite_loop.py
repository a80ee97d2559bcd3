"""Hostile: every call loops forever.

expect: fail
message: Timed out
"""


def square(x):
    while True:
        pass


def numeric_gradient_square(x, h=1e-5):
    while True:
        pass
