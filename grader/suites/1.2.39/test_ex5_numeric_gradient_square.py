"""Hidden checks for 1.2.39.5, square(x) and numeric_gradient_square(x, h=1e-5).

For x**2 the central difference is exact in exact arithmetic, so the only error left is
round-off, bounded by a few eps * (x**2 + h**2) / h. Inputs are drawn at grade time.
"""

import numpy as np
import pytest

from grader import checks

EPS = np.finfo(float).eps


def roundoff(x, h):
    """Round-off of ((x + h)**2 - (x - h)**2) / (2h): x + h is rounded, then squared."""
    x = np.abs(np.asarray(x, dtype=float))
    return 8 * EPS * (x * x + x * h + h * h) / h + 4 * EPS * x


@pytest.mark.points(1)
def test_square_squares(submission, rng):
    """square(x) is x**2, for numbers and elementwise for arrays."""
    x = rng.normal(size=(2, 3)) * 10
    checks.close(
        submission.square(x),
        x * x,
        submission.last_text,
        rtol=1e-15,
        why="square(x) should return x**2 for every element.",
    )
    value = float(rng.uniform(-5, 5))
    checks.close(submission.square(value), value * value, submission.last_text, rtol=1e-15)


@pytest.mark.points(3)
def test_equals_two_x_for_numbers(submission, rng):
    """For a number x the result is 2*x, up to round-off, at small and large magnitudes."""
    for magnitude in (1e-3, 1.0, 1e2, 1e3):
        x = float(rng.uniform(0.5, 1.0) * magnitude * rng.choice([-1, 1]))
        got = submission.numeric_gradient_square(x)
        checks.close(
            got,
            2 * x,
            submission.last_text,
            rtol=0,
            atol=roundoff(x, 1e-5),
            why="The central difference (f(x + h) - f(x - h)) / (2h) of x**2 is "
            "exactly 2x in exact arithmetic; a larger error means another formula.",
        )


@pytest.mark.points(3)
def test_equals_two_x_for_arrays_of_any_shape(submission, rng):
    """For an array the result has the same shape and equals 2*x elementwise."""
    for shape in ((5,), (3, 4), (2, 2, 3)):
        x = rng.normal(size=shape) * 10.0 ** rng.uniform(-1, 2, size=shape)
        h = float(10.0 ** rng.uniform(-6, -3))
        got = submission.numeric_gradient_square(x, h=h)
        checks.close(
            got,
            2 * x,
            submission.last_text,
            rtol=0,
            atol=roundoff(x, h),
            why="Compute the difference for the whole array at once.",
        )


@pytest.mark.points(2)
def test_integer_input_works(submission, rng):
    """Integers, alone or in an array, work and are not truncated."""
    ints = rng.integers(-50, 50, size=6)
    got = submission.numeric_gradient_square(ints, h=1e-4)
    checks.close(
        got,
        2.0 * ints,
        submission.last_text,
        rtol=0,
        atol=roundoff(ints, 1e-4),
        why="With an integer array, x + h must become a float array: convert with "
        "np.asarray(x, dtype=float) before stepping, or steps of 1e-4 are lost.",
    )
    checks.true(
        not submission.last.mutated,
        f"{submission.last_text} changed the integer array it was given.",
    )
    number = int(rng.integers(1, 20))
    got = submission.numeric_gradient_square(number)
    checks.close(got, 2.0 * number, submission.last_text, rtol=0, atol=roundoff(number, 1e-5))


@pytest.mark.points(1)
def test_step_size_is_used(submission, rng):
    """The step h given is the one used: a huge h still gives 2x for x**2."""
    x = float(rng.uniform(1, 3))
    got = submission.numeric_gradient_square(x, h=0.5)
    checks.close(
        got,
        2 * x,
        submission.last_text,
        rtol=1e-12,
        why="With h = 0.5 only the central difference is still exact for x**2; a "
        "forward difference would be off by h = 0.5.",
    )


@pytest.mark.points(1)
def test_the_callers_array_is_left_unchanged(submission, rng):
    """The caller's x is left unchanged, and the result is still right."""
    for shape in ((4,), (2, 3)):
        x = rng.normal(size=shape) * 10
        got = submission.numeric_gradient_square(x, h=1e-3)
        # Leaving x alone earns the point only together with a right answer.
        checks.close(got, 2 * x, submission.last_text, rtol=0, atol=roundoff(x, 1e-3))
        checks.true(
            not submission.last.mutated,
            f"{submission.last_text} changed the array x it was given. Compute "
            "x + h and x - h as new arrays instead of changing x in place.",
        )
