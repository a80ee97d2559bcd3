"""Wrong: loops with math on Python floats and returns a flat list for arrays.

mistake: shape
"""


def square(x):
    return x**2


def numeric_gradient_square(x, h=1e-5):
    if isinstance(x, (int, float)):
        return (square(x + h) - square(x - h)) / (2 * h)
    return [(square(float(v) + h) - square(float(v) - h)) / (2 * h) for v in x.ravel()]
