"""Hostile: returns 10**100000, an integer of 100,001 digits, which the grader would
spend its own time converting and comparing. It is refused where it is sent.

expect: fail
message: an integer of more than 100,000 digits
"""


def square(x):
    return 10**100_000


def numeric_gradient_square(x, h=1e-5):
    return 10**100_000
