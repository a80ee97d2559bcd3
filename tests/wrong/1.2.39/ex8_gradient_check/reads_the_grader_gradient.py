"""Wrong: never evaluates f. It asks the grader's own module for the exact gradient of f,
by the name and parameters f carried into the worker (where a function still arrives that
way), so its numbers are right while no numeric gradient is ever computed.

Where f arrives as an opaque function of the grader, it has neither, and this falls back
to comparing grad with itself.
"""

import numpy as np


def relative_difference(a, b):
    a, b = np.ravel(np.asarray(a, dtype=float)), np.ravel(np.asarray(b, dtype=float))
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if scale == 0 else float(np.linalg.norm(a - b) / scale)


def verdict(difference):
    if difference < 1e-7:
        return "correct"
    if difference < 1e-3:
        return "inspect"
    return "bug"


def exact_gradient(f, x):
    from grader.functions import _exact_gradient

    return _exact_gradient(f.name, f.params)(x.reshape(-1)).reshape(x.shape)


def gradient_check(f, grad, x, epsilon=1e-7):
    x = np.array(x, dtype=float)
    analytic = grad(x.copy())
    try:
        numeric = exact_gradient(f, x)
    except Exception:
        numeric = analytic
    return relative_difference(numeric, analytic)
