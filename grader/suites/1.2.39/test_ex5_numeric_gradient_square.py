"""Hidden checks for 1.2.39.5, square(x) and numeric_gradient_square(x, h=1e-5).

For x**2 the central difference is exact in exact arithmetic, so the only error left is
round-off, bounded by a few eps * (x**2 + h**2) / h. Inputs are drawn at grade time.

That makes the closed form 2*x a right answer everywhere the bound is the test. One check
therefore tells them apart: at large |x| and small h, x + h and x - h are rounded and so
are their squares, and the quotient computed in float64 differs from 2x by a round-off
of about |x| * eps / h. The grader computes that quotient itself, in every way an honest
central difference can be written (see ``central_quotients``), and the learner's value
must be one of them to far better than that round-off: 2*x, or 2*x nudged by a fixed
amount, is not.
"""

import math

import numpy as np
import pytest

from grader import checks

EPS = np.finfo(float).eps
# A learner's central difference may round differently from the grader's by a few units
# in the last place (a reciprocal multiplied instead of divided, forward and backward
# halves averaged): far below the round-off that separates it from 2x, which
# ``draw_far_from_two_x`` keeps above SEPARATION.
AGREEMENT = 1e-13  # relative
SEPARATION = 1e-11  # relative: 100 times AGREEMENT


def roundoff(x, h):
    """Round-off of ((x + h)**2 - (x - h)**2) / (2h): x + h is rounded, then squared."""
    x = np.abs(np.asarray(x, dtype=float))
    return 8 * EPS * (x * x + x * h + h * h) / h + 4 * EPS * x


# --- the value of a floating-point central difference ------------------------------------


def _squares(a: np.ndarray) -> list[np.ndarray]:
    """a**2 as learners compute it: a * a (also np.square and array ** 2), np.power, and
    per element with Python floats or NumPy scalars, whose ** 2 calls the C library's pow.
    On most machines these agree; where pow or a vectorised power rounds differently, each
    is a squaring a learner may have used."""
    flat = a.ravel()
    per_element = [
        [v**2 for v in flat.tolist()],  # Python float ** 2
        [math.pow(v, 2) for v in flat.tolist()],
        [v**2 for v in flat],  # np.float64 ** 2
    ]
    found = [a * a, np.power(a, 2.0), np.power(a, 2)]
    found += [np.array(values, dtype=float).reshape(a.shape) for values in per_element]
    return found


def central_quotients(x, h: float) -> np.ndarray:
    """Every value an honest float64 central difference of x**2 takes at x with step h,
    stacked along a first axis: for each squaring (``_squares``), each way of stepping
    and each way of dividing.

    Stepping: x + h and x - h, divided by 2 * h (or / 2 / h, * 0.5 / h: the same, as 2 * h
    is exact); one point stepped from the other on a copy, (x + h) - 2h or (x - h) + 2h;
    the representable step t = (x + h) - x, stepping x +- t and dividing by 2 * t; or
    dividing by the distance actually stepped, (x + h) - (x - h). Dividing: by the
    denominator, or multiplying by its reciprocal."""
    x = np.asarray(x, dtype=float)
    twice = np.full_like(x, 2.0 * h)
    t = (x + h) - x
    steps = [
        (x + h, x - h, twice),
        (x + h, (x + h) - 2.0 * h, twice),
        ((x - h) + 2.0 * h, x - h, twice),
        (x + t, x - t, 2.0 * t),
        (x + h, x - h, (x + h) - (x - h)),
    ]
    values = []
    for ahead, behind, denominator in steps:
        for high, low in zip(_squares(ahead), _squares(behind), strict=True):
            difference = high - low
            values += [difference / denominator, difference * (1.0 / denominator)]
    return np.stack(values)


def draw_far_from_two_x(rng, count: int, h: float, *, whole: bool = False) -> np.ndarray:
    """``count`` points of magnitude 1e3 to 1e5, of either sign (whole numbers if
    ``whole``), at which every honest central difference with step ``h`` differs from 2x
    by more than SEPARATION: there round-off shows, and no rounding of 2x can pass for
    the quotient."""
    found: list[float] = []
    while len(found) < count:
        x = rng.uniform(1e3, 1e5, size=2 * count) * rng.choice([-1.0, 1.0], size=2 * count)
        x = np.round(x) if whole else x
        apart = np.abs(central_quotients(x, h) - 2 * x).min(axis=0) / np.abs(2 * x)
        found += x[apart > SEPARATION].tolist()
    return np.array(found[:count])


def check_is_the_quotient(submission, got, x, h: float) -> None:
    """``got`` is, entry by entry, one of the values of ``central_quotients(x, h)``."""
    x = np.asarray(x, dtype=float)
    call = submission.last_text
    if x.ndim:
        got = checks.as_array(got, call, shape=x.shape, what="an array shaped like x")
    else:
        got = np.asarray(checks.as_float(got, call, "a number"))
    quotients = central_quotients(x, h)
    agrees = (np.abs(quotients - got) <= AGREEMENT * np.abs(quotients)).any(axis=0)
    if agrees.all():
        return
    where = np.unravel_index(int(np.argmin(agrees)), x.shape) if x.ndim else ()
    value, point = float(got[where]), float(x[where])
    nearest = quotients[(slice(None), *where)]
    quotient = float(nearest[np.argmin(np.abs(nearest - value))])
    at = f" at index {tuple(int(i) for i in where)}" if x.ndim else ""
    rounded = (
        f"With |x| that large and h = {h:g}, x + h and x - h are rounded, so a central "
        f"difference computed in floating point gives {quotient!r}, which differs from "
        f"2x = {2 * point!r} by round-off ({abs(quotient - 2 * point):.3g})."
    )
    if abs(value - 2 * point) <= AGREEMENT * abs(2 * point):
        checks.fail(
            f"{call} gave {value!r}{at}, for x = {point!r}: that is 2*x itself. {rounded} "
            "Compute the quotient from square(x + h) and square(x - h) instead of writing "
            "the derivative 2*x: the exercise is the numeric method, and the exact answer "
            "is only known here because f is x**2."
        )
    checks.fail(
        f"{call} gave {value!r}{at}, for x = {point!r}. {rounded} Compute "
        "(square(x + h) - square(x - h)) / (2 * h) in float64, with the h you are given "
        "and nothing added."
    )


def check_unchanged(submission, what: str) -> None:
    checks.true(
        not submission.last.mutated,
        f"{submission.last_text} changed the {what} it was given. Compute x + h and "
        "x - h as new arrays instead of changing x in place.",
    )


# --- checks ---------------------------------------------------------------------------


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
    # Closeness to 2x earns the points only together with a computed quotient.
    x = float(draw_far_from_two_x(rng, 1, 1e-5)[0])
    check_is_the_quotient(submission, submission.numeric_gradient_square(x), x, 1e-5)


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
    x = draw_far_from_two_x(rng, 6, 1e-5).reshape(2, 3)
    check_is_the_quotient(submission, submission.numeric_gradient_square(x, h=1e-5), x, 1e-5)


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
    check_unchanged(submission, "integer array")
    # Large integers: the steps are taken in floating point, and are the ones given.
    ints = draw_far_from_two_x(rng, 6, 1e-4, whole=True).astype(np.int64)
    check_is_the_quotient(submission, submission.numeric_gradient_square(ints, h=1e-4), ints, 1e-4)
    check_unchanged(submission, "integer array")
    number = int(rng.integers(1, 20))
    got = submission.numeric_gradient_square(number)
    checks.close(got, 2.0 * number, submission.last_text, rtol=0, atol=roundoff(number, 1e-5))


@pytest.mark.points(1)
def test_step_size_is_used(submission, rng):
    """The step h given is the one used: a huge h still gives 2x, a tiny one its round-off."""
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
    # Where round-off shows, it is that of the step given: another step rounds otherwise.
    h = float(10 ** rng.uniform(-7, -6))
    x = float(draw_far_from_two_x(rng, 1, h)[0])
    check_is_the_quotient(submission, submission.numeric_gradient_square(x, h=h), x, h)


@pytest.mark.points(1)
def test_the_callers_array_is_left_unchanged(submission, rng):
    """The caller's x is left unchanged, and the result is still right."""
    for shape in ((4,), (2, 3)):
        x = draw_far_from_two_x(rng, math.prod(shape), 1e-5).reshape(shape)
        got = submission.numeric_gradient_square(x, h=1e-5)
        # Leaving x alone earns the point only together with a computed answer.
        check_is_the_quotient(submission, got, x, 1e-5)
        check_unchanged(submission, "array x")


@pytest.mark.points(3)
def test_the_central_difference_is_computed(submission, rng):
    """At large |x| and a small h the result is the quotient's own rounded value, not 2x."""
    h = float(10 ** rng.uniform(-6, -5))
    number = float(draw_far_from_two_x(rng, 1, h)[0])
    check_is_the_quotient(submission, submission.numeric_gradient_square(number, h=h), number, h)
    whole = int(draw_far_from_two_x(rng, 1, h, whole=True)[0])  # crosses as a Python int
    check_is_the_quotient(submission, submission.numeric_gradient_square(whole, h=h), whole, h)
    default = float(draw_far_from_two_x(rng, 1, 1e-5)[0])  # the stub's default step
    check_is_the_quotient(submission, submission.numeric_gradient_square(default), default, 1e-5)
    shape = ((3, 4), (6,))[int(rng.integers(2))]
    array = draw_far_from_two_x(rng, math.prod(shape), h).reshape(shape)
    check_is_the_quotient(submission, submission.numeric_gradient_square(array, h=h), array, h)
