"""Wrong: reads h as the whole width of the stencil, so it steps h/2 to each side and
divides by h: (square(x + h/2) - square(x - h/2)) / h. Symmetric, and 2x in exact
arithmetic; at a single large x its rounded value often equals a backward difference's
too, so only new points where the two differ tell which mistake it is.

mistake: half steps
"""

import numpy as np


def square(x):
    return x**2


def numeric_gradient_square(x, h=1e-5):
    xf = np.asarray(x, dtype=float)
    result = (square(xf + h / 2) - square(xf - h / 2)) / h
    if np.ndim(x) == 0:
        return float(result)
    return result
