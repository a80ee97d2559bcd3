"""Wrong: a central difference, but always with h = 1e-5, whatever step it is given.

mistake: step 1e-05 whatever h is given | use the step passed in
"""

import numpy as np


def square(x):
    return x * x


def numeric_gradient_square(x, h=1e-5):
    step = 1e-5
    x = np.asarray(x, dtype=float)
    slope = (square(x + step) - square(x - step)) / (2 * step)
    return slope if slope.ndim else float(slope)
