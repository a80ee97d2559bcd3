"""Hidden checks for 1.2.39.1, forward_difference(f, x, h).

Inputs are drawn at grade time; expected values come from analytic truths (the exact
slope of a line, the exact truncation error a*h of a quadratic), never from a reference run.
"""

import numpy as np
import pytest

from grader import checks
from grader.functions import get

EPS = np.finfo(float).eps


def roundoff(f_size: float, h: float) -> float:
    """A generous bound on the round-off of a difference quotient: a few eps*|f| / |h|."""
    return 16 * EPS * (1.0 + f_size) / abs(h)


@pytest.mark.points(2)
def test_exact_for_a_straight_line(submission, rng):
    """A straight line: the forward difference is its exact slope."""
    for _ in range(3):
        a, b = rng.uniform(-5, 5, size=2)
        x, h = rng.uniform(-3, 3), 10.0 ** rng.uniform(-4, -1)
        got = submission.forward_difference(get("poly", coeffs=[b, a]), x, h)
        checks.close(
            got,
            a,
            submission.last_text,
            rtol=0,
            atol=roundoff(abs(a * x) + 10, h),
            why="For f(x) = a*x + b every difference quotient equals a exactly.",
        )


@pytest.mark.points(2)
def test_error_of_a_quadratic_is_a_times_h(submission, rng):
    """A quadratic: the error is exactly a*h, the forward difference's truncation error."""
    for _ in range(3):
        a, b, c = rng.uniform(0.5, 3, size=3) * rng.choice([-1, 1], size=3)
        x, h = rng.uniform(-2, 2), rng.uniform(0.05, 0.5)
        got = submission.forward_difference(get("poly", coeffs=[c, b, a]), x, h)
        exact = 2 * a * x + b
        checks.close(
            got,
            exact + a * h,
            submission.last_text,
            rtol=0,
            atol=roundoff(20, h),
            why=f"The true derivative is {exact:.6g}; the forward difference overshoots it by "
            f"a*h = {a * h:.6g} for a*x**2 + b*x + c. Use (f(x + h) - f(x)) / h exactly: "
            "a central or backward difference gives a different error.",
        )


@pytest.mark.points(2)
def test_arrays_keep_their_shape(submission, rng):
    """An array of points gives an array of slopes of the same shape."""
    x = rng.uniform(-3, 3, size=(3, 4))
    h = 1e-6
    got = submission.forward_difference(get("ufunc", name="sin"), x, h)
    # truncation h/2*|f''| <= h/2, plus round-off
    checks.close(
        got,
        np.cos(x),
        submission.last_text,
        rtol=0,
        atol=h / 2 + roundoff(1, h),
        why="Apply the formula to the whole array at once; NumPy works elementwise.",
    )
    checks.true(
        not submission.last.mutated,
        f"{submission.last_text} changed the array x it was given. Build x + h as a "
        "new array instead of adding to x in place.",
    )


@pytest.mark.points(1)
def test_scalar_input_gives_a_number(submission, rng):
    """A float x gives a single number close to the derivative."""
    x = float(rng.uniform(0.5, 2.0))
    got = submission.forward_difference(get("ufunc", name="exp"), x, 1e-7)
    checks.close(
        got,
        np.exp(x),
        submission.last_text,
        rtol=1e-6,
        why="With h = 1e-7 the forward difference of exp is accurate to about 1e-7.",
    )


@pytest.mark.points(2)
def test_negative_step_is_a_backward_difference(submission, rng):
    """A negative h gives the backward difference; its error a*h has the sign of h."""
    a, b = rng.uniform(1, 3), rng.uniform(-1, 1)
    x, h = rng.uniform(-1, 1), -rng.uniform(0.05, 0.5)
    got = submission.forward_difference(get("poly", coeffs=[0.0, b, a]), x, h)
    checks.close(
        got,
        2 * a * x + b + a * h,
        submission.last_text,
        rtol=0,
        atol=roundoff(20, h),
        why="With h < 0 the same formula (f(x + h) - f(x)) / h looks backwards; "
        "keep the sign of h (no abs) so that the error is a*h < 0.",
    )


@pytest.mark.points(2)
def test_zero_or_non_finite_step_raises_value_error(submission, rng):
    """h == 0, inf or nan has no slope: the function raises ValueError; other steps do not."""
    f = get("ufunc", name="sin")
    x = float(rng.uniform(-1, 1))
    for bad in (0.0, float("inf"), float("nan")):
        checks.raises(
            submission.forward_difference,
            "ValueError",
            f,
            x,
            bad,
            why="Check h first and raise ValueError('...') when it is 0 or not "
            "finite (math.isfinite helps).",
        )
    # ... and only then: a usable step still gives its slope.
    h = float(10 ** rng.uniform(-4, -2))
    checks.close(
        submission.forward_difference(f, x, h),
        (f(x + h) - f(x)) / h,
        submission.last_text,
        rtol=0,
        atol=1e-9,
        why="Raise ValueError only for h == 0 or a non-finite h; any other step gives "
        "the forward difference.",
    )
