"""Wrong: never checks h, so h == 0 gives nan or a ZeroDivisionError, not ValueError.

mistake: step of 0 | h == 0
"""


def forward_difference(f, x, h):
    return (f(x + h) - f(x)) / h
