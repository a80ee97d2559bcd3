"""Wrong: 2*x nudged by a fixed relative amount, to look like a rounded difference quotient.

mistake: 2*x changed by a relative
"""

import numpy as np


def square(x):
    return x * x


def numeric_gradient_square(x, h=1e-5):
    slope = 2.0 * np.asarray(x, dtype=float) * (1.0 + 1e-12)
    return slope if slope.ndim else float(slope)
