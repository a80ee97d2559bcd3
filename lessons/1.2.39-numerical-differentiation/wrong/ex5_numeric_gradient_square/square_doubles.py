"""Wrong: square returns 2*x, confusing the function with its derivative.

mistake: the derivative of x**2
"""

import numpy as np


def square(x):
    return 2 * x


def numeric_gradient_square(x, h=1e-5):
    x = np.asarray(x, dtype=float)
    return 2 * x
