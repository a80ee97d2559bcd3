"""Hidden checks for 1.2.39.4: central_difference(f, x, h) and
observed_order(method, f, dfdx, x, steps).

Expected values are analytic (exactness on quadratics, the error a*h**2 on cubics, orders
1 and 2) or computed at grade time from their definition (the least-squares slope of the
errors of a trusted method). The methods passed to observed_order are trusted forward,
backward and central differences, so the orders are judged independently of the
learner's own central_difference.
"""

import numpy as np
import pytest

from grader import checks
from grader.functions import get

EPS = np.finfo(float).eps


def roundoff(f_size, h) -> float:
    """A generous bound on the round-off of a difference quotient: a few eps*|f| / |h|."""
    return 16 * EPS * (1.0 + np.max(np.abs(f_size))) / abs(h)


def cubic(rng: np.random.Generator):
    """Coefficients [d, c, b, a] of a*x**3 + b*x**2 + c*x + d, drawn at grade time."""
    a = float(rng.uniform(0.5, 3.0) * rng.choice([-1, 1]))
    b, c, d = (float(v) for v in rng.uniform(-2, 2, size=3))
    return a, b, c, d


def smooth(rng: np.random.Generator):
    """A smooth f with f'' and f''' far from 0 at x: sin(s*x) with s*x in [0.4, 1.2], or
    exp(s*x). Returns (f, dfdx, x)."""
    s = float(rng.uniform(0.5, 2.0))
    name = "sin" if rng.random() < 0.5 else "exp"
    x = float(rng.uniform(0.4, 1.2) / s) if name == "sin" else float(rng.uniform(-1, 1))
    return get("ufunc", name=name, scale=s), get("ufunc_derivative", name=name, scale=s), x


def least_squares_slope(method, f, dfdx, x, steps) -> float:
    """The slope of the least-squares line through (log h, log |method(f, x, h) - f'(x)|)."""
    h = np.asarray(steps, dtype=float)
    errors = np.array([abs(method(f, x, step) - dfdx(x)) for step in h])
    u, v = np.log(h), np.log(errors)
    return float(np.sum((u - u.mean()) * (v - v.mean())) / np.sum((u - u.mean()) ** 2))


def order(submission, method, f, dfdx, x, steps) -> float:
    return checks.as_float(
        submission.observed_order(method, f, dfdx, x, steps),
        submission.last_text,
        "the order, a number such as 1.0 or 2.0",
    )


@pytest.mark.points(2)
def test_exact_for_quadratics(submission, rng):
    """For a*x**2 + b*x + c the central difference is exact, however large h is."""
    for _ in range(3):
        a, b, c = (float(v) for v in rng.uniform(-3, 3, size=3))
        x, h = float(rng.uniform(-2, 2)), float(rng.uniform(0.1, 1.0))
        got = submission.central_difference(get("poly", coeffs=[c, b, a]), x, h)
        checks.close(
            got,
            2 * a * x + b,
            submission.last_text,
            rtol=0,
            atol=roundoff(abs(a) * (abs(x) + h) ** 2 + 4 * abs(b) + abs(c), h),
            why="In (f(x + h) - f(x - h)) / (2h) the h*f''(x)/2 terms of the two steps "
            "cancel, and a quadratic has nothing beyond them: the result is exactly "
            "2*a*x + b. A forward difference, or dividing by h instead of 2h, is not.",
        )


@pytest.mark.points(2)
@pytest.mark.section("truncation-error")
def test_cubic_error_is_a_h_squared(submission, rng):
    """For a*x**3 + b*x**2 + c*x + d the error is exactly a*h**2."""
    for _ in range(3):
        a, b, c, d = cubic(rng)
        x, h = float(rng.uniform(-2, 2)), float(rng.uniform(0.05, 0.5))
        got = submission.central_difference(get("poly", coeffs=[d, c, b, a]), x, h)
        exact = 3 * a * x * x + 2 * b * x + c
        checks.close(
            got,
            exact + a * h * h,
            submission.last_text,
            rtol=0,
            atol=roundoff(abs(a) * (abs(x) + h) ** 3 + 4 * abs(b) + 2 * abs(c) + abs(d), h),
            why=f"The true derivative is {exact:.6g}; the central difference of a cubic "
            f"errs by exactly h**2/6 * f'''(x) = a*h**2 = {a * h * h:.6g}, the second-order "
            "truncation error.",
        )


@pytest.mark.points(1)
def test_negative_step_gives_the_same_value(submission, rng):
    """A negative h gives the same value as h: the formula is symmetric."""
    a, b, c, d = cubic(rng)
    x, h = float(rng.uniform(-2, 2)), float(rng.uniform(0.05, 0.5))
    got = submission.central_difference(get("poly", coeffs=[d, c, b, a]), x, -h)
    checks.close(
        got,
        3 * a * x * x + 2 * b * x + c + a * h * h,
        submission.last_text,
        rtol=0,
        atol=roundoff(abs(a) * (abs(x) + h) ** 3 + 4 * abs(b) + 2 * abs(c) + abs(d), h),
        why="With -h the formula reads (f(x - h) - f(x + h)) / (-2h), the same number. "
        "Use h as given: no abs(h), and no rejecting negative steps.",
    )


@pytest.mark.points(1)
def test_arrays_keep_their_shape(submission, rng):
    """An array of points gives an array of estimates of the same shape."""
    x = rng.uniform(-3, 3, size=(2, 3))
    h = 1e-3
    got = submission.central_difference(get("ufunc", name="sin"), x, h)
    checks.close(
        got,
        np.cos(x),
        submission.last_text,
        rtol=0,
        atol=h * h / 6 + roundoff(1.0, h),  # truncation h**2/6 * |f'''| <= h**2/6
        why="Apply the formula to the whole array at once; NumPy works elementwise.",
    )
    checks.true(
        not submission.last.mutated,
        f"{submission.last_text} changed the array x it was given. Build x + h and x - h "
        "as new arrays instead of changing x in place.",
    )


@pytest.mark.points(3)
@pytest.mark.section("observed-order")
def test_orders_of_forward_backward_and_central(submission, rng):
    """On smooth functions forward and backward have order ~1, central order ~2.

    The steps lie where truncation dominates, so the errors fall like h**p."""
    cases = [
        ("forward", 1, np.logspace(-1, -4, 7)),
        ("backward", 1, np.logspace(-1, -4, 7)),
        ("central", 2, np.logspace(-1, -3, 5)),
    ]
    for kind, expected, steps in cases:
        f, dfdx, x = smooth(rng)
        method = get("difference_method", kind=kind)
        got = order(submission, method, f, dfdx, x, [float(h) for h in steps])
        checks.true(
            abs(got - expected) <= 0.2,
            f"{submission.last_text} returned {got:.4g}; expected about {expected} (within "
            f"0.2). For steps from {steps[0]:g} down to {steps[-1]:g} truncation dominates "
            f"and the {kind} difference's error falls like h**{expected}. Call "
            "method(f, x, h) for each step, take abs(estimate - dfdx(x)), and fit "
            "log(error) against log(h).",
        )


@pytest.mark.points(2)
@pytest.mark.section("observed-order")
def test_exact_power_laws_give_exact_orders(submission, rng):
    """Where the error is exactly C*h**p the order is exactly p.

    Forward differences of a quadratic give 1, central differences of a cubic give 2."""
    a, b, c, d = cubic(rng)
    x = float(rng.uniform(-1, 1))
    steps = [float(h) for h in 10.0 ** rng.uniform(-2, 0, size=5)]
    cases = [
        (
            "forward",
            1,
            get("poly", coeffs=[c, b, a]),
            get("poly", coeffs=[b, 2 * a]),
            f"|a|*h with a = {a:.4g}",
        ),
        (
            "central",
            2,
            get("poly", coeffs=[d, c, b, a]),
            get("poly", coeffs=[c, 2 * b, 3 * a]),
            f"|a|*h**2 with a = {a:.4g}",
        ),
    ]
    for kind, expected, f, dfdx, law in cases:
        got = order(submission, get("difference_method", kind=kind), f, dfdx, x, steps)
        checks.close(
            got,
            expected,
            submission.last_text,
            rtol=0,
            atol=1e-6,
            why=f"Here every error of the {kind} difference is exactly {law}, so the points "
            f"(log h, log error) lie on one line of slope {expected}. Fit "
            "log(abs(error)) against log(h) (in that order: log h is the x of the fit).",
        )


@pytest.mark.points(2)
@pytest.mark.section("observed-order")
def test_least_squares_slope_over_all_steps(submission, rng):
    """The order is the least-squares slope over all the steps, in any order."""
    for kind in ("forward", "central"):
        f, dfdx, x = smooth(rng)
        method = get("difference_method", kind=kind)
        # unevenly spaced and unsorted, with large steps where higher Taylor terms bend
        # the line: the slope then depends on how it is fitted
        steps = 10.0 ** rng.uniform(-3, -0.3, size=6)
        got = order(submission, method, f, dfdx, x, steps)
        checks.true(
            not submission.last.mutated,
            f"{submission.last_text} changed the steps array it was given. Sort or convert "
            "a copy if you need to.",
        )
        expected = least_squares_slope(method, f, dfdx, x, steps)
        checks.close(
            got,
            expected,
            submission.last_text,
            rtol=0,
            atol=1e-6,
            why="These errors are not an exact power of h, so the slope depends on the fit. "
            "Use all the points: slope = sum((u - mean u)(v - mean v)) / sum((u - mean u)**2) "
            "with u = log h and v = log error, or np.polyfit(u, v, 1)[0]. A slope through "
            "the first and last step only, or an average of pairwise slopes, differs.",
        )
