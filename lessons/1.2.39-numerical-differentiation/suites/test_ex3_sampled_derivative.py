"""Hidden checks for 1.2.39.3, sampled_derivative(y, dx).

Samples are drawn at grade time from lines, quadratics and sin; expected values are
analytic: the slope of a line, the forward difference's exact error a*dx on a quadratic,
the truncation bound dx/2 for sin and its first-order convergence.

Every answer is first compared with the common mistakes computed here from the same
samples (np.gradient, central differences, no division by dx, a pair missing, slopes
shifted by one, an integer output, ...): a value one of them explains is named as that
mistake before any comparison with the expected values.
"""

import numpy as np
import pytest

from grader.grading import checks
from grader.sandbox.workers import LearnerError

EPS = np.finfo(float).eps
SECTION = "sampled-data"

# What an error raised by learner code usually means in this exercise (grader/grading/plugin.py
# appends it to "sampled_derivative(...) raised X (your file, line N): ...").
ERROR_ADVICE = {
    "UFuncTypeError": "A float slope was stored into an integer array, here most likely "
    "integer samples divided in place (d /= dx) or written into an array made like y. "
    "Integer samples need a float result: convert y to floats first.",
    "ZeroDivisionError": "A spacing of 0 reached the division: check dx first and raise "
    "ValueError when dx <= 0.",
    "TypeError": "y may be a Python list, and lists do not subtract or divide elementwise: "
    "convert y to a NumPy array of floats first.",
    "AttributeError": "y may be a Python list, which has no NumPy attributes such as .size "
    "or .shape: convert it to a NumPy array first (len(y) works for both).",
    "IndexError": "An index past the end of y: n samples have n - 1 neighbouring pairs, the "
    "last one being (y[n-2], y[n-1]).",
}


def roundoff(y: np.ndarray, dx: float) -> float:
    """A generous bound on the round-off in (y[i+1] - y[i]) / dx: a few eps*|y| / dx."""
    return 8 * EPS * (1.0 + float(np.max(np.abs(y)))) / dx


def grid(rng: np.random.Generator, n: int, dx: float) -> np.ndarray:
    return float(rng.uniform(-3, 3)) + dx * np.arange(n)


def call(submission, y, dx):
    """The learner's sampled_derivative(y, dx) for good samples; an error that usually hides
    a common mistake is named as that mistake."""
    try:
        return submission.sampled_derivative(y, dx)
    except LearnerError as error:
        said = str(error.error.get("message", "")).strip().rstrip(".")
        where = f" (your file, line {error.error['line']})" if error.error.get("line") else ""
        text = f"{getattr(error, 'call_text', 'sampled_derivative(...)')} raised "
        n = len(y)
        if error.is_a("ValueError") and "truth value of an array" in said:
            checks.fail(
                f"{text}ValueError{where}: {said}. A test such as `if not y` has no single "
                "answer for a NumPy array of samples: count the samples with len(y) instead.",
                SECTION,
            )
        if error.is_a("ValueError") and "broadcast" in said:
            checks.fail(
                f"{text}ValueError{where}: {said}. The two slices subtracted must have the "
                f"same length: the later samples and the earlier ones, {n - 1} of each.",
                SECTION,
            )
        if error.is_a("ValueError"):
            checks.fail(
                f"{text}ValueError{where} for {n} samples spaced dx = {dx:.6g}: these are "
                "good input. Raise ValueError only when dx <= 0 or there are fewer than 2 "
                "samples.",
                SECTION,
            )
        if error.is_a("IndexError"):
            checks.fail(
                f"{text}IndexError{where}: {said}. An index ran past the last sample, "
                f"y[{n - 1}]: {n} samples have {n - 1} pairs, the last one (y[{n - 2}], "
                f"y[{n - 1}]), so a loop over the pairs ends at i = {n - 2}.",
                SECTION,
            )
        if error.is_a("TypeError") and type(y) is list and "list" in said:
            checks.fail(
                f"{text}TypeError{where}: {said}. The samples came as a Python list, and "
                "lists do not subtract or divide elementwise: convert y to a NumPy array "
                "of floats first.",
                SECTION,
            )
        raise


def _mistakes(y: np.ndarray, dx: float) -> list[tuple[np.ndarray, str]]:
    """(value, what the mistake is) for the common wrong answers for samples y."""
    d = np.diff(y) / dx
    n = len(y)
    single = np.asarray(y, dtype=np.float32)
    found = [
        (
            (np.diff(single) / np.float32(dx)).astype(float),
            "These slopes were computed in float32 (single precision, about 7 digits): "
            "subtracting neighbouring samples cancels most of those digits. Keep the samples "
            "in float64, the default of np.asarray(y, dtype=float).",
        ),
        (np.append((y[0] - y[-1]) / dx, d[:-1]), SHIFTED),
        ((y[1:] - y[0]) / dx, AGAINST_FIRST),
        ((y[1:] - y[-1]) / dx, AGAINST_LAST),
        (
            -d,
            "Every slope has its sign flipped: the subtraction is the wrong way round. "
            "Subtract the earlier sample from the later one.",
        ),
        (
            np.diff(y),
            "These are the differences y[i+1] - y[i], not divided by dx: a slope is "
            "rise over run, and the run between neighbours is dx.",
        ),
        (
            d / 2,
            "Every slope is half the forward difference, as if divided by 2*dx: "
            "neighbours are one dx apart (2*dx belongs to central differences).",
        ),
        (
            np.diff(y) * dx,
            "The differences are multiplied by dx: a slope divides the rise by the run dx.",
        ),
        (np.trunc(d), TRUNCATED),
        (np.floor(d), FLOORED),
        (
            y[1:] - y[:-1] / dx,
            "These are y[i+1] - y[i] / dx: without parentheses only the "
            "earlier sample is divided by dx. Put the difference in parentheses first.",
        ),
        (
            np.gradient(y, dx),
            f"These are the {n} values np.gradient returns: central "
            "differences inside and one-sided ones at the ends. The exercise asks for the "
            f"{n - 1} forward differences, one per neighbouring pair (y[i], y[i+1]).",
        ),
        (
            np.gradient(y),
            f"These are the {n} values np.gradient(y) returns, with spacing 1 "
            f"and central differences inside. The exercise asks for the {n - 1} forward "
            "differences (y[i+1] - y[i]) / dx, one per neighbouring pair.",
        ),
    ]
    if n >= 3:
        found += [
            (
                np.gradient(y, dx)[:-1],
                "These are np.gradient's values without the last one: "
                "inside the array np.gradient takes central differences, (y[i+1] - y[i-1]) / "
                "(2*dx). The exercise asks for forward differences (y[i+1] - y[i]) / dx.",
            ),
            (
                np.gradient(y, dx)[1:],
                "These are np.gradient's values without the first one: "
                "inside the array np.gradient takes central differences, (y[i+1] - y[i-1]) / "
                "(2*dx). The exercise asks for forward differences (y[i+1] - y[i]) / dx.",
            ),
            (
                (y[2:] - y[:-2]) / (2 * dx),
                f"These are the {n - 2} central differences "
                "(y[i+1] - y[i-1]) / (2*dx) of the inner samples. The exercise asks for the "
                f"{n - 1} forward differences, one per neighbouring pair (y[i], y[i+1]).",
            ),
            (
                d[:-1],
                f"Only {n - 2} slopes: the last pair (y[{n - 2}], y[{n - 1}]) is "
                f"missing, so the loop stops one pair early. {n} samples have {n - 1} pairs.",
            ),
            (
                d[1:],
                f"Only {n - 2} slopes: the first pair (y[0], y[1]) is missing. {n} "
                f"samples have {n - 1} pairs, starting at i = 0.",
            ),
        ]
    if n > 2:
        found.append(
            (
                np.append(d[:-1], 0.0),
                f"All slopes right but the last, which is 0: the last pair (y[{n - 2}], "
                f"y[{n - 1}]) was never computed, so the loop stops one pair early. {n} samples "
                f"have {n - 1} pairs: the loop runs over i = 0, ..., {n - 2}.",
            )
        )
    found += [
        (
            np.append(d, 0.0),
            f"{n} values, the last one 0: one more than the {n - 1} pairs, as "
            "if the output had one slot per sample. Make it one per neighbouring pair.",
        ),
        (
            np.append(0.0, d),
            f"{n} values, the first one 0: one more than the {n - 1} pairs, as "
            "if the output had one slot per sample. Make it one per neighbouring pair.",
        ),
    ]
    return found


TRUNCATED = (
    "The slopes lost their fractional part: they were stored in an integer array (an "
    "output made like integer samples is one). Integer samples need float slopes."
)
FLOORED = (
    "The slopes were rounded down, as floor division // does: divide with / to keep the fractions."
)
# Where no slope is a negative fraction, cutting and rounding down agree: both are said.
WHOLE = (
    "The slopes lost their fractional part: whole numbers where fractions belong, as an "
    "integer array for the output (one made like integer samples is) or floor division "
    "// gives. Integer samples need float slopes, divided with /."
)

# y[1:] - y[:1] (a typo for y[:-1]): the one-sample slice y[:1] is stretched over every
# sample, so slope i is (y[i+1] - y[0]) / dx. Slope 0 is right; the others grow with i.
AGAINST_FIRST = (
    "Every slope is taken against the first sample y[0]: slope i came out as "
    "(y[i+1] - y[0]) / dx instead of (y[i+1] - y[i]) / dx. A slice like y[:1] holds the "
    "first sample only, and NumPy subtracts that one value from every later sample. The "
    "earlier samples of the pairs are all the samples but the last."
)
AGAINST_LAST = (
    "Every slope is taken against the last sample y[-1]: slope i came out as "
    "(y[i+1] - y[-1]) / dx instead of (y[i+1] - y[i]) / dx. A slice like y[-1:] holds the "
    "last sample only, and NumPy subtracts that one value from every sample. The earlier "
    "samples of the pairs are all the samples but the last."
)

SHIFTED = (
    "Each slope belongs to the pair before: slope i used samples i-1 and i, and slope 0 "
    "used y[-1], which Python reads as the last sample. Slope i pairs sample i with the "
    "next one, i+1."
)


def _shifted(value: np.ndarray, d: np.ndarray, bound: float) -> bool:
    """Slope i is the slope of pair i-1 (with anything at i = 0)."""
    return (
        value.shape == d.shape
        and len(d) >= 3
        and np.all(np.abs(value[1:] - d[:-1]) <= bound)
        and np.any(np.abs(d[1:] - d[:-1]) > 10 * bound)
    )


def diagnose(y, dx: float, got) -> str:
    """What common mistake gives exactly ``got`` for samples y; "" if none does (and always
    "" for the right forward differences)."""
    try:
        value = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return ""
    y = np.asarray(y, dtype=float)
    d = np.diff(y) / dx
    bound = 4 * roundoff(y, dx) + 1e-12
    if value.shape == d.shape and np.all(np.abs(value - d) <= bound):
        return ""
    if _shifted(value, d, bound):
        return SHIFTED
    if (
        value.ndim == 0
        and len(y) > 2
        and abs(value - (y[-1] - y[0]) / ((len(y) - 1) * dx)) <= bound
    ):
        return (
            "This is one number, the average slope from the first sample to the last: "
            f"return all {len(y) - 1} slopes, one per neighbouring pair."
        )
    matches = []
    for candidate, what in _mistakes(y, dx):
        apart = candidate.shape != d.shape or np.any(np.abs(candidate - d) > 10 * bound)
        if value.shape == candidate.shape and apart and np.all(np.abs(value - candidate) <= bound):
            matches.append(what)
    # On a line several mistakes give the same values (a pair missing, central
    # differences, ...): the values cannot tell them apart, so none is named.
    if set(matches) == {TRUNCATED, FLOORED}:
        return WHOLE  # one finding, whole numbers, whichever of the two made them
    return matches[0] if len(set(matches)) == 1 else ""


def check_slopes(
    submission, y, dx, want, *, atol: float, rtol: float = 0.0, why: str
) -> np.ndarray:
    """sampled_derivative(y, dx) returns the n - 1 slopes ``want`` as a NumPy array, and
    leaves y as it was. A value a common mistake explains is named first."""
    n = len(y)
    got = call(submission, y, dx)
    text = submission.last_text
    # First: a changed y explains every wrong value that follows from it.
    checks.true(
        not submission.last.mutated,
        f"{text} changed the array of samples y it was given: the slopes were written into "
        "y itself (or into a name for the same array). Build the slopes as a new array.",
        SECTION,
    )
    what = diagnose(y, dx, got)
    if what:
        checks.fail(f"{text}{_what_came_back(y, dx, got)}. {what}", SECTION)
    array = checks.as_array(got, text, what=f"an array of the {n - 1} slopes")
    checks.true(
        array.shape == (n - 1,),
        f"{text} returned {_described(got)}; expected shape ({n - 1},): {n} samples have "
        f"{n - 1} neighbouring pairs, so one slope fewer than samples.",
        SECTION,
    )
    checks.close(array, want, text, rtol=rtol, atol=atol, why=why, section=SECTION)
    checks.true(
        isinstance(got, np.ndarray),
        f"{text} returned a Python {type(got).__name__} with the right slopes; the statement "
        "asks for a NumPy array. Compute with NumPy on an array of the samples (or turn "
        "your result into one) before returning it.",
        SECTION,
    )
    return array


def _what_came_back(y, dx: float, got) -> str:
    """ " returned 19 values" when the count is wrong; when it is right, the count is no
    news: ": slope 3 is G where (y[4] - y[3]) / dx is W", at the first slope that differs."""
    y = np.asarray(y, dtype=float)
    d = np.diff(y) / dx
    value = np.asarray(got, dtype=float)
    if value.shape != d.shape:
        return f" returned {_described(got)}"
    i = int(np.argmax(np.abs(value - d) > 4 * roundoff(y, dx) + 1e-12))
    return (
        f": slope {i} is {checks.show(value[i])} where (y[{i + 1}] - y[{i}]) / dx is "
        f"{checks.show(d[i])}"
    )


def _described(got) -> str:
    if isinstance(got, np.ndarray):
        if got.ndim == 1:
            return f"{got.size} values"
        return f"an array of shape {got.shape}" if got.ndim else "a single number"
    if isinstance(got, (list, tuple)):
        return f"a {type(got).__name__} of {len(got)} values"
    return checks.show(got)


@pytest.mark.points(2)
def test_quadratic_samples_carry_the_forward_error(submission, rng):
    """Samples of a*x**2 + b*x + c give 2*a*x_i + b + a*dx, the forward error a*dx.

    Slope i pairs samples i and i+1 and estimates f'(x_i) at the left sample."""
    a = float(rng.uniform(0.5, 3.0) * rng.choice([-1, 1]))
    b, c = rng.uniform(-2, 2, size=2)
    n, dx = int(rng.integers(8, 30)), float(rng.uniform(0.05, 0.3))
    x = grid(rng, n, dx)
    y = a * x * x + b * x + c
    check_slopes(
        submission,
        y,
        dx,
        2 * a * x[:-1] + b + a * dx,
        atol=roundoff(y, dx),
        why="Slope i is (y[i+1] - y[i]) / dx; on samples of a*x**2 + b*x + c that is "
        "2*a*x_i + b + a*dx, the derivative at the left sample plus the forward "
        "difference's error a*dx.",
    )


@pytest.mark.points(2)
def test_straight_line_gives_its_slope(submission, rng):
    """Samples of a straight line a + b*x give b for every pair."""
    for _ in range(3):
        n, dx = int(rng.integers(5, 40)), float(10.0 ** rng.uniform(-3, 0))
        a, b = rng.uniform(-5, 5, size=2)
        y = a + b * grid(rng, n, dx)
        check_slopes(
            submission,
            y,
            dx,
            np.full(n - 1, b),
            atol=roundoff(y, dx),
            why="Between any two samples of a line the slope is the line's own b: each "
            "slope is the difference of neighbours divided by their spacing dx.",
        )


@pytest.mark.points(2)
def test_sin_samples_approximate_cos(submission, rng):
    """Samples of sin give cos within dx/2, and halving dx halves the error."""
    dx = float(rng.uniform(0.005, 0.05))
    n = int(np.ceil(3.0 / dx)) + 1  # about three units of x
    x = grid(rng, n, dx)
    # forward difference: error dx/2 * |f''| <= dx/2 for sin, plus round-off
    got = check_slopes(
        submission,
        np.sin(x),
        dx,
        np.cos(x[:-1]),
        atol=dx / 2 + roundoff(np.ones(1), dx),
        why="Slope i estimates the derivative cos(x_i) at the left sample of the pair, "
        "with a truncation error of at most dx/2 * max|sin| = dx/2.",
    )
    coarse = float(np.max(np.abs(got - np.cos(x[:-1]))))
    fine_x = x[0] + dx / 2 * np.arange(2 * n - 1)  # the same stretch of x, twice as dense
    fine = check_slopes(
        submission,
        np.sin(fine_x),
        dx / 2,
        np.cos(fine_x[:-1]),
        atol=dx / 4 + roundoff(np.ones(1), dx / 2),
        why="Slope i estimates cos(x_i) within dx/2.",
    )
    finer = float(np.max(np.abs(fine - np.cos(fine_x[:-1]))))
    checks.true(
        1.6 <= coarse / finer <= 2.4,
        f"With spacing {dx:.4g} the largest error against cos was {coarse:.3e}; with "
        f"spacing {dx / 2:.4g} it was {finer:.3e}, a ratio of {coarse / finer:.2f}. A "
        "forward difference is first order: half the spacing, half the error (ratio ~2).",
        section="truncation-error",
    )


@pytest.mark.points(2)
def test_lists_integers_and_two_samples(submission, rng):
    """Lists and integer samples work and give float slopes; 2 samples give 1 slope."""
    y = [int(v) for v in rng.integers(-20, 20, size=7)]
    dx = 4.0
    check_slopes(
        submission,
        y,
        dx,
        np.diff(np.asarray(y, dtype=float)) / dx,
        atol=0.0,
        rtol=1e-12,
        why="Samples given as a Python list of integers have the same slopes as an array.",
    )
    ints = rng.integers(-20, 20, size=6)
    check_slopes(
        submission,
        ints,
        3,
        np.diff(ints.astype(float)) / 3,
        atol=0.0,
        rtol=1e-12,
        why="Integer samples must give fractional slopes.",
    )
    pair = [float(v) for v in rng.uniform(-5, 5, size=2)]
    dx = float(rng.uniform(0.1, 1.0))
    check_slopes(
        submission,
        pair,
        dx,
        np.array([(pair[1] - pair[0]) / dx]),
        atol=0.0,
        rtol=1e-12,
        why="Two samples give exactly one slope, returned as an array of length 1.",
    )


@pytest.mark.points(2)
def test_bad_input_raises_value_error(submission, rng):
    """dx <= 0, or fewer than 2 samples, raises ValueError; good samples do not."""
    y = rng.uniform(-1, 1, size=5)
    dx = float(rng.uniform(0.1, 1.0))
    bad_spacings = {
        0.0: "A spacing of 0 puts every sample at the same place, so there is no slope: "
        "raise ValueError when dx <= 0.",
        -dx: "A negative spacing has no meaning for samples taken one after another: raise "
        "ValueError when dx <= 0 (a test for dx == 0 alone lets a negative spacing "
        "through).",
    }
    for bad, why in bad_spacings.items():
        checks.raises(submission.sampled_derivative, "ValueError", y, bad, why=why)
    for few in ([float(y[0])], []):
        checks.raises(
            submission.sampled_derivative,
            "ValueError",
            few,
            dx,
            why=f"{len(few)} sample{'s' if len(few) != 1 else ''} cannot make a pair, so no "
            "slope exists: raise ValueError when there are fewer than 2 samples, rather "
            "than returning an empty array.",
        )
    # ... and only then: the same samples with a positive spacing give their slopes.
    check_slopes(
        submission,
        y,
        dx,
        np.diff(y) / dx,
        atol=1e-12,
        rtol=1e-12,
        why="Raise ValueError only for dx <= 0 or fewer than 2 samples; otherwise return "
        "the slopes.",
    )
