"""Wrong: returns the derivative's formula 2*x instead of computing a central difference.

Right to round-off everywhere, but nothing numeric happens: at large |x| and a small h
the floating-point central difference differs from 2x, and this does not.

mistake: 2*x itself
"""

import numpy as np


def square(x):
    return x * x


def numeric_gradient_square(x, h=1e-5):
    slope = 2.0 * np.asarray(x, dtype=float)
    return slope if slope.ndim else float(slope)
