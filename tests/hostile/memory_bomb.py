"""Hostile: allocates memory until none is left.

expect: fail
message: memory
"""

hoard = []


def square(x):
    while True:
        hoard.append(bytearray(64 * 1024 * 1024))


def numeric_gradient_square(x, h=1e-5):
    return square(x)
