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

Before a check asserts, ``diagnose`` compares a wrong value with what the common mistakes
give at the same x and h (a forward or backward difference, / h for / (2 * h), ``/ 2 * h``,
steps lost in an integer array, a fixed step, 2x itself), computed here on the grader's
side, so the first message names the mistake rather than only the distance from 2x.
"""

import math

import numpy as np
import pytest

from grader.grading import checks

EPS = np.finfo(float).eps
# A learner's central difference may round differently from the grader's by a few units
# in the last place (a reciprocal multiplied instead of divided, forward and backward
# halves averaged): far below the round-off that separates it from 2x, which
# ``draw_far_from_two_x`` keeps above SEPARATION.
AGREEMENT = 1e-13  # relative
SEPARATION = 1e-11  # relative: 100 times AGREEMENT

# What a learner-code exception usually means in this exercise (see grader/grading/plugin.py).
ERROR_ADVICE = {
    "UFuncTypeError": "Here that is almost always x += h or x -= h (on x itself, or on a "
    "copy that kept x's integer dtype): with an integer input, the float x + h has "
    "nowhere to go. Make a float copy of x first and build x + h and x - h as new values "
    "(lesson section 'Central difference').",
    "AttributeError": "x can be a plain Python number, and a float or int has no .copy(), "
    ".shape or .astype. Turn every input into a float array first (np.asarray with "
    "dtype=float), and give back a float when x was a number.",
    "TypeError": "If Python says only 0-dimensional (or length-1) arrays can be converted, "
    "float() was applied to an array result: return a float only when x was a number, "
    "and the array itself otherwise.",
}


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


# --- recognising the common mistakes ----------------------------------------------------

FORWARD = (
    "a forward difference, (f(x + h) - f(x)) / h, whose error for x**2 is exactly h. "
    "The central difference steps to both sides of x, and for x**2 its error cancels"
)
BACKWARD = (
    "a backward difference, (f(x) - f(x - h)) / h, whose error for x**2 is exactly -h. "
    "The central difference steps to both sides of x, and for x**2 its error cancels"
)
OVER_H = (
    "twice the slope: the difference was divided by h instead of 2h. The points x - h and "
    "x + h are 2h apart"
)
SIGN = "the slope with its sign flipped: subtract f(x - h) from f(x + h), in that order"
PRECEDENCE = (
    "the difference divided by 2 and then multiplied by h: Python reads a / 2 * h as "
    "(a / 2) * h. Put the whole denominator, 2 * h, in parentheses"
)
NO_STEP = "the difference divided by 2 only: the division by h is missing"
NO_DIVISION = (
    "the difference f(x + h) - f(x - h) itself: it still has to be divided by the distance "
    "between the two points, 2h"
)
INTEGER = (
    "0 although x is not 0: x is an integer, and x + h was kept as an integer, so the step "
    "was cut off and f(x + h) - f(x - h) is 0. Step from a float copy of x, so that x + h "
    "keeps the small step"
)


def _agrees(values: np.ndarray, got: np.ndarray) -> np.ndarray:
    """Entry by entry: ``got`` is one of the stacked ``values`` to AGREEMENT."""
    return (np.abs(values - got) <= AGREEMENT * np.abs(values)).any(axis=0)


def _one_sided(x: np.ndarray, h: float, sign: float) -> np.ndarray:
    """Every float64 value of a forward (sign 1) or backward (sign -1) difference of x**2,
    for each squaring of ``_squares``."""
    moved, here = _squares(x + sign * h), _squares(x)
    return np.stack([sign * (m - c) / h for m, c in zip(moved, here, strict=True)])


def diagnose(x, h: float, got: np.ndarray, missed: np.ndarray) -> str:
    """The common mistake that gives ``got`` at x with step h, in a learner's words, or "".

    ``missed`` marks the entries that failed. A mistake is named only when it gives the
    value at every entry and differs from a right answer where the check failed."""
    integer = np.asarray(x).dtype.kind in "iub"
    x = np.asarray(x, dtype=float)
    if integer and np.all(got[missed] == 0) and np.all(x[missed] != 0):
        return INTEGER
    # Computed in float64 as a learner would: they agree to far better than round-off.
    computed = [(_one_sided(x, h, 1.0), FORWARD), (_one_sided(x, h, -1.0), BACKWARD)]
    half = (
        f"a central difference with half steps, (f(x + h/2) - f(x - h/2)) / h: the step "
        f"taken to each side is h/2 = {h / 2:g}, not h. The statement's central difference "
        "steps a whole h to each side and divides by the distance 2h"
    )
    computed.append((central_quotients(x, h / 2), half))
    if h != 1e-5:
        fixed = (
            f"a central difference with the step 1e-05 whatever h is given (here h = {h:g}): "
            "use the step passed in"
        )
        computed.append((central_quotients(x, 1e-5), fixed))
    for values, words in computed:
        if _agrees(values, got).all() and not _agrees(central_quotients(x, h), got)[missed].all():
            return words
    # In exact arithmetic, within round-off, where the mistake is larger than round-off.
    two_x, bound = 2 * x, 4 * roundoff(x, h)
    formulas = [
        (two_x + h, FORWARD),
        (two_x - h, BACKWARD),
        (2 * two_x, OVER_H),
        (-two_x, SIGN),
        (two_x * h * h, PRECEDENCE),
        (two_x * h, NO_STEP),
        (2 * two_x * h, NO_DIVISION),
    ]
    for value, words in formulas:
        tolerance = bound + 1e-12 * np.abs(value)
        if np.all(np.abs(got - value) <= tolerance) and np.all(
            np.abs(value - two_x)[missed] > tolerance[missed]
        ):
            return words
    return ""


def near_two_x(got: np.ndarray, x: np.ndarray, missed: np.ndarray) -> str:
    """Words for a value within a relative 1e-9 of 2x that no central difference gives."""
    two_x = 2 * x
    relative = np.abs(got - two_x)[missed] / np.maximum(np.abs(two_x[missed]), 1e-300)
    if relative.size and np.all(relative <= 1e-9):
        return (
            f"2*x changed by a relative {float(relative.max()):.1g}: more than round-off, and "
            "no central difference of x**2 computed in float64 gives it. Compute the quotient "
            "from square(x + h) and square(x - h)"
        )
    return ""


def as_result(submission, got, x) -> np.ndarray:
    """The learner's value as a float array shaped like x (0-d for a number)."""
    call = submission.last_text
    if np.ndim(x):
        return checks.as_array(
            got, call, shape=np.shape(x), why_shape="one slope per entry of x, in x's own shape"
        )
    return np.asarray(checks.as_float(got, call, "a number"))


def fail_with(call: str, got: np.ndarray, x, missed: np.ndarray, words: str, expected) -> None:
    """Fail naming ``words`` at the first entry that ``missed``; ``expected`` is shown there."""
    point = np.asarray(x, dtype=float)
    where = np.unravel_index(int(np.argmax(missed)), point.shape) if point.ndim else ()
    at = f" at index {tuple(int(i) for i in where)}" if point.ndim else ""
    checks.fail(
        f"{call} gave {float(got[where])!r}{at}, for x = {float(point[where])!r}, where a central "
        f"difference gives {float(np.asarray(expected)[where])!r}: that is {words}."
    )


def check_near_two_x(submission, got, x, h: float, why: str = "", bound=None) -> None:
    """``got`` is 2x within ``bound`` (by default the round-off of a central difference);
    a miss that a common mistake explains is named."""
    call = submission.last_text
    got = as_result(submission, got, x)
    point = np.asarray(x, dtype=float)
    bound = roundoff(point, h) if bound is None else bound
    missed = np.abs(got - 2 * point) > bound
    if not missed.any():
        return
    words = diagnose(x, h, got, missed) or near_two_x(got, point, missed)
    if words:
        fail_with(call, got, x, missed, words, 2 * point)
    checks.close(got, 2 * point, call, rtol=0, atol=bound, why=why)


def check_is_the_quotient(submission, got, x, h: float) -> None:
    """``got`` is, entry by entry, one of the values of ``central_quotients(x, h)``."""
    call = submission.last_text
    got = as_result(submission, got, x)
    point = np.asarray(x, dtype=float)
    quotients = central_quotients(point, h)
    missed = ~_agrees(quotients, got)
    if not missed.any():
        return
    nearest = np.take_along_axis(quotients, np.abs(quotients - got).argmin(axis=0)[None], 0)[0]
    if words := diagnose(x, h, got, missed):
        fail_with(call, got, x, missed, words, nearest)
    where = np.unravel_index(int(np.argmax(missed)), point.shape) if point.ndim else ()
    value, at_x, quotient = float(got[where]), float(point[where]), float(nearest[where])
    at = f" at index {tuple(int(i) for i in where)}" if point.ndim else ""
    rounded = (
        f"With |x| that large and h = {h:g}, x + h and x - h are rounded, so a central "
        f"difference computed in floating point gives {quotient!r}, which differs from "
        f"2x = {2 * at_x!r} by round-off ({abs(quotient - 2 * at_x):.3g})."
    )
    if abs(value - 2 * at_x) <= AGREEMENT * abs(2 * at_x):
        checks.fail(
            f"{call} gave {value!r}{at}, for x = {at_x!r}: that is 2*x itself, the derivative "
            f"written down rather than computed. {rounded} Compute the quotient from "
            "square(x + h) and square(x - h): the exercise is the numeric method, and the "
            "exact answer is only known here because f is x**2."
        )
    checks.fail(
        f"{call} gave {value!r}{at}, for x = {at_x!r}. {rounded} Compute "
        "(square(x + h) - square(x - h)) / (2 * h) in float64 with the h you are given."
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
    got = submission.square(x)
    if np.shape(got) == x.shape and np.allclose(np.asarray(got, dtype=float), 2 * x):
        checks.fail(
            f"{submission.last_text} returned 2*x, the derivative of x**2. square is the "
            "function itself, x**2; numeric_gradient_square then finds its derivative."
        )
    checks.close(
        got,
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
        check_near_two_x(
            submission,
            got,
            x,
            1e-5,
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
        check_near_two_x(
            submission,
            got,
            x,
            h,
            why="The central difference of x**2 is 2x in exact arithmetic, entry by entry.",
        )
    x = draw_far_from_two_x(rng, 6, 1e-5).reshape(2, 3)
    check_is_the_quotient(submission, submission.numeric_gradient_square(x, h=1e-5), x, 1e-5)


@pytest.mark.points(2)
def test_integer_input_works(submission, rng):
    """Integers, alone or in an array, work and are not truncated."""
    ints = rng.integers(-50, 50, size=6)
    got = submission.numeric_gradient_square(ints, h=1e-4)
    check_near_two_x(
        submission,
        got,
        ints,
        1e-4,
        why="With an integer array, x + h has to be a float array, or a step of 1e-4 "
        "is lost (lesson section 'Central difference').",
    )
    check_unchanged(submission, "integer array")
    # Large integers: the steps are taken in floating point, and are the ones given.
    ints = draw_far_from_two_x(rng, 6, 1e-4, whole=True).astype(np.int64)
    check_is_the_quotient(submission, submission.numeric_gradient_square(ints, h=1e-4), ints, 1e-4)
    check_unchanged(submission, "integer array")
    number = int(rng.integers(1, 20))
    got = submission.numeric_gradient_square(number)
    check_near_two_x(submission, got, number, 1e-5)


@pytest.mark.points(1)
def test_step_size_is_used(submission, rng):
    """The step h given is the one used: a huge h still gives 2x, a tiny one its round-off."""
    x = float(rng.uniform(1, 3))
    got = submission.numeric_gradient_square(x, h=0.5)
    check_near_two_x(
        submission,
        got,
        x,
        0.5,
        why="With h = 0.5 only the central difference is still exact for x**2.",
        bound=1e-12 * abs(2 * x),
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
