"""Wrong: rejects h == 0 but lets an infinite or nan step through.

mistake: infinite
"""


def forward_difference(f, x, h):
    if h == 0:
        raise ValueError("h must not be zero")
    return (f(x + h) - f(x)) / h
