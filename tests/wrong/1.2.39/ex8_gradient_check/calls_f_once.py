"""Wrong: evaluates f once, at x, and takes the gradient from somewhere else: the grader's
own exact gradient where f carries its name and parameters, else grad(x) itself. One
evaluation cannot estimate n partial derivatives."""

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


def gradient_check(f, grad, x, epsilon=1e-7):
    x = np.array(x, dtype=float)
    if not np.isfinite(f(x.copy())):
        return float("nan")
    analytic = grad(x.copy())
    try:
        from grader.functions import _exact_gradient

        numeric = _exact_gradient(f.name, f.params)(x.reshape(-1)).reshape(x.shape)
    except Exception:
        numeric = analytic
    return relative_difference(numeric, analytic)
