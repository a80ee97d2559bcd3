"""Hostile: writes a file of gigabytes before answering.

expect: fail
message: file-size limit
"""


def _fill():
    with open("ballast.bin", "wb") as handle:
        block = b"\0" * (16 << 20)
        for _ in range(256):
            handle.write(block)


def square(x):
    _fill()
    return x * x


def numeric_gradient_square(x, h=1e-5):
    _fill()
    return 2 * x
