"""Wrong: the quotient simplified on paper, 4*x*h / (2*h), which is 2*x in disguise.

square is never evaluated at x + h or x - h, so the result keeps none of their round-off.

mistake: 2*x itself
"""

import numpy as np


def square(x):
    return x * x


def numeric_gradient_square(x, h=1e-5):
    x = np.asarray(x, dtype=float)
    slope = 4 * x * h / (2 * h)
    return slope if slope.ndim else float(slope)
