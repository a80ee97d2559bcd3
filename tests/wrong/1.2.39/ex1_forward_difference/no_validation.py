"""Wrong: never checks h, so h == 0 gives nan or a ZeroDivisionError, not ValueError."""


def forward_difference(f, x, h):
    return (f(x + h) - f(x)) / h
