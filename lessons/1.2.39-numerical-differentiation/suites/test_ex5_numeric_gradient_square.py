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
steps lost in an integer array, half steps, a fixed step, a step that grows with |x|, 2x
itself), computed here on the grader's side, so the first message names the mistake rather
than only the distance from 2x. Mistakes told apart only by rounding (their values at one
large x often coincide) are named only after the learner's function, called again at points
where they differ (``confirm``), follows one of them alone. Messages quote the value of the
statement's own formula, (square(x + h) - square(x - h)) / (2 * h) in float64.

A square written as a matrix product is named from its error (np.dot or @ of a (2, 3)
array, ERROR_ADVICE) or from its value: one number, the sum of the squares, for a 1-D
array (``sum_of_squares``), or x @ x.T for a (2, 3) one.

The checks on integers and on leaving x unchanged are scored only with a right result; when
only the result is wrong, their message says first that their own topic was met.
"""

import math

import numpy as np
import pytest

from grader.grading import checks
from grader.sandbox.workers import LearnerError

EPS = np.finfo(float).eps
# A learner's central difference may round differently from the grader's by a few units
# in the last place (a reciprocal multiplied instead of divided, forward and backward
# halves averaged): far below the round-off that separates it from 2x, which
# ``draw_far_from_two_x`` keeps above SEPARATION.
AGREEMENT = 1e-13  # relative
SEPARATION = 1e-11  # relative: 100 times AGREEMENT
FEW_ULPS = 16 * EPS  # relative: the same rounding, give or take a few last places

# square written as a matrix product (trial 1.2.39.5): a (2, 3) array cannot be multiplied
# by itself, rows times columns.
MATRIX_PRODUCT = (
    "is the matrix product (rows times columns), not a square: on a 2-D array it multiplies "
    "rows by columns (and fails unless x is square), and on a 1-D array it gives one number, "
    "the sum of the squares. square must square each entry on its own, elementwise (x * x "
    "or x ** 2), so that an array gives an array of x's shape."
)

# What a learner-code exception usually means in this exercise (see grader/grading/plugin.py).
ERROR_ADVICE = {
    "UFuncTypeError": "Here that is almost always x += h or x -= h (on x itself, or on a "
    "copy that kept x's integer dtype): with an integer input, the float x + h has "
    "nowhere to go. Make a float copy of x first and build x + h and x - h as new values "
    "(lesson section 'Central difference').",
    "AttributeError": "x can be a plain Python number, and a float or int has no .copy(), "
    ".shape or .astype. Turn every input into a float array first (np.asarray with "
    "dtype=float), and give back a float when x was a number.",
    "ValueError/not aligned": "np.dot(x, x) " + MATRIX_PRODUCT,
    "ValueError/matmul": "x @ x (np.matmul) " + MATRIX_PRODUCT,
    # Python's words when a function that takes one number gets an array (NumPy 2 says
    # "only 0-dimensional arrays", older NumPy "only length-1" or "only size-1"): float(),
    # int(), or the math module, math.pow(x, 2) in square (trial 1.2.39.5).
    **{
        f"{where}TypeError/only {words}": advice
        for words in ("0-dimensional", "length-1", "size-1")
        for where, advice in (
            (
                "square:",
                "square was given an array, and the math module's functions (math.pow, "
                "math.sqrt, math.exp, ...) take one number only, as float() and int() do. "
                "For an array use the operators (**, *) or NumPy's functions (np.square, "
                "np.power), which work entry by entry, and on a single number too.",
            ),
            (
                "",
                "A function that takes one number was given an array: float() and int() "
                "take a single number, and so do the math module's functions (math.pow, "
                "math.sqrt, math.exp, ...), here or in square, which this function calls. "
                "Python's line number shows which. For arrays use the operators (**, *) "
                "and NumPy's functions, which work entry by entry; return a float only "
                "when x was a number, and the array itself otherwise.",
            ),
        )
    },
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
SCALED = (
    "a central difference whose step grows with |x|, {step}, instead of {given}: another "
    "step than h. The statement steps exactly h to each side, and at large |x| the grader "
    "compares with the round-off of that step, which a larger step does not have. Use h as "
    "it is"
)
DEFAULT_H = 1e-5  # the statement's default: numeric_gradient_square(x, h=1e-5)
# Defaults a learner may have put in the def line instead of 1e-5 (misread, or a favourite
# step): tried only for calls that pass no h.
OTHER_DEFAULTS = {
    1e-6: "1e-06",
    1e-4: "1e-04",
    1e-8: "1e-08",
    1e-7: "1e-07",
    1e-3: "1e-03",
    1e-2: "1e-02",
    1e-9: "1e-09",
    1e-10: "1e-10",
    float(np.sqrt(EPS)): f"{np.sqrt(EPS):.3g} (the square root of machine epsilon)",
    float(np.cbrt(EPS)): f"{np.cbrt(EPS):.3g} (the cube root of machine epsilon)",
}
DEFAULT_WRONG = (
    "a central difference with the step {step} instead. The statement's default is "
    "h = 1e-5, as in numeric_gradient_square(x, h=1e-5); your function used the h it was "
    "given whenever one was passed, so the default in your def line is the one to check"
)
ALWAYS = (
    "a central difference with the step {step}, whatever h is given (also when h is "
    "passed): use the step passed in, and 1e-5 when none is"
)
FIXED = "a central difference with the step {step}, not {given}: use the step passed in"
# A check that passes h and one that passes none (the default 1e-5) differ only in this.
EXPLICIT_H = 1e-4
# Steps that grow with |x|, as lessons on the choice of h write them (with h as the scale).
SCALES = {
    "h * max(1, |x|)": lambda x: np.maximum(1.0, np.abs(x)),
    "h * (1 + |x|)": lambda x: 1.0 + np.abs(x),
}
PROBES = 2  # calls made to confirm a mistake seen at a number; an array is probed at once
PROBE_POINTS = 6


def statement_value(x, h: float) -> np.ndarray:
    """(square(x + h) - square(x - h)) / (2 * h) in float64 with square(a) = a * a: the
    statement's own formula, the value messages quote (``central_quotients`` holds it and
    the other honest roundings, which are accepted too)."""
    x = np.asarray(x, dtype=float)
    ahead, behind = x + h, x - h
    return (ahead * ahead - behind * behind) / (2 * h)


def _agrees(values: np.ndarray, got: np.ndarray) -> np.ndarray:
    """Entry by entry: ``got`` is one of the stacked ``values`` to AGREEMENT."""
    return (np.abs(values - got) <= AGREEMENT * np.abs(values)).any(axis=0)


def _apart(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Entry by entry: no value stacked in ``a`` agrees with one stacked in ``b``."""
    near = np.abs(a[:, None] - b[None, :]) <= AGREEMENT * np.abs(a[:, None])
    return ~near.any(axis=(0, 1))


def _one_sided(x: np.ndarray, h: float, sign: float) -> np.ndarray:
    """Every float64 value of a forward (sign 1) or backward (sign -1) difference of x**2,
    for each squaring of ``_squares``."""
    moved, here = _squares(x + sign * h), _squares(x)
    return np.stack([sign * (m - c) / h for m, c in zip(moved, here, strict=True)])


def given(h: float, default: bool) -> str:
    """How a message names the step of a call: the one passed, or the default."""
    return f"the default h = {h:g} (this call passed no h)" if default else f"the h = {h:g} given"


def float_mistakes(x: np.ndarray, h: float, default: bool = False) -> list[tuple]:
    """(every float64 value it gives at x, the words for it, its step) for each common
    mistake whose value differs from a central difference's only by rounding at large |x|,
    so that it is told apart by the floating-point value itself. The step is that of a
    central difference with another fixed step than h (None for other mistakes); with
    ``default`` (a call that passed no h) other default steps are tried too."""
    half = (
        f"a central difference with half steps, (f(x + h/2) - f(x - h/2)) / h: the step "
        f"taken to each side is h/2 = {h / 2:g}, not h. The statement's central difference "
        "steps a whole h to each side and divides by the distance 2h"
    )
    found = [
        (_one_sided(x, h, 1.0), FORWARD, None),
        (_one_sided(x, h, -1.0), BACKWARD, None),
        (central_quotients(x, h / 2), half, h / 2),
    ]
    if h not in (1e-5, 2e-5):  # else it is the step given, or the half step
        fixed = (
            f"a central difference with the step 1e-05 whatever h is given (here h = {h:g}): "
            "use the step passed in"
        )
        found.append((central_quotients(x, 1e-5), fixed, 1e-5))
    # Another fixed step: a wrong default when no h was passed (told apart from a step
    # taken whatever h is by ``default_or_always``), else a step taken instead of h.
    for step, written in OTHER_DEFAULTS.items():
        if step not in (h, h / 2):
            words = (DEFAULT_WRONG if default else FIXED).format(
                step=written, given=given(h, default)
            )
            found.append((central_quotients(x, step), words, step))
    for written, scale in SCALES.items():
        words = SCALED.format(step=written, given=given(h, default))
        found.append((central_quotients(x, h * scale(x)), words, None))
    return found


def _probe_points(
    count: int, h: float, whole: bool, mistakes: list[int], default: bool = False
) -> np.ndarray:
    """``count`` points at which each of the ``mistakes`` (indices into
    ``float_mistakes``) and the central difference with step h all differ from one
    another, drawn from magnitudes 0.1 (1 for whole numbers) to 1e5, deterministically so
    that a message repeats with the seed."""

    def values(x: np.ndarray) -> list[np.ndarray]:
        every = float_mistakes(x, h, default)
        return [central_quotients(x, h)] + [every[i][0] for i in mistakes]

    return _points_apart(count, whole, values)


def _points_apart(count: int, whole: bool, stacks) -> np.ndarray:
    """``count`` points at which the stacked values ``stacks(x)`` all differ from one
    another (see ``_probe_points``)."""
    rng = np.random.default_rng(1239)
    found: list[float] = []
    for _ in range(50):
        x = 10 ** rng.uniform(0 if whole else -1, 5, size=64) * rng.choice([-1.0, 1.0], 64)
        x = np.round(x) if whole else x
        with np.errstate(all="ignore"):
            values = stacks(x)
        keep = np.ones(x.shape, dtype=bool)
        for i, a in enumerate(values):
            for b in values[i + 1 :]:
                keep &= _apart(a, b)
        found += x[keep].tolist()
        if len(found) >= count:
            break
    return np.array(found[:count])


def confirm(candidates: list[int], h: float, probe) -> int | None:
    """The one of ``candidates`` (indices into ``float_mistakes``) that the learner's
    function follows at new points where they all differ, or None.

    A value matched by a mistake at a few points may be another mistake's value too (at a
    single large x the rounded quotients of two formulas coincide often), so a mistake is
    named only once the learner's own values, called afresh at points where the candidates
    and the central difference differ, follow it alone."""
    if probe is None:
        return None
    points = _probe_points(probe.count, h, probe.whole, candidates, probe.default)
    got = probe(points) if points.size else None
    if got is None:
        return None
    with np.errstate(all="ignore"):
        values = float_mistakes(points, h, probe.default)
    followed = [i for i in candidates if _agrees(values[i][0], got).all()]
    return followed[0] if len(followed) == 1 else None


def default_or_always(step: float, h: float, probe) -> str | None:
    """For a call that passed no h and followed a central difference with another ``step``:
    is the default of h wrong, or is ``step`` taken whatever h is? Called again with h =
    EXPLICIT_H passed, the learner's function takes that h (the default is wrong), the same
    ``step`` (always that step), or half of it (half steps): the words for it, else None."""
    half = EXPLICIT_H / 2
    ways = [(EXPLICIT_H, "default"), (step, "always"), (half, "half")]
    points = _points_apart(
        probe.count, probe.whole, lambda x: [central_quotients(x, s) for s, _ in ways]
    )
    got = probe(points, step=EXPLICIT_H) if points.size else None
    if got is None:
        return None
    with np.errstate(all="ignore"):
        followed = [w for s, w in ways if _agrees(central_quotients(points, s), got).all()]
    if len(followed) != 1:
        return None
    written = OTHER_DEFAULTS.get(step, f"{step:g}")
    if followed == ["default"]:
        return DEFAULT_WRONG.format(step=written)
    if followed == ["always"]:
        return ALWAYS.format(step=written)
    if step == h / 2:  # half steps with the default h, and with the h passed
        return (
            f"a central difference with half steps, (f(x + h/2) - f(x - h/2)) / h: the step "
            f"taken to each side is h/2 = {h / 2:g} for {given(h, True)}, not h. The "
            "statement's central difference steps a whole h to each side and divides by "
            "the distance 2h"
        )
    return None


class Probe:
    """Calls the learner's numeric_gradient_square afresh at new points, with the kind of
    x it was seen with (a Python int or float, one call each, or one array of x's dtype),
    to confirm a mistake; gives None when a call fails or returns something unusable."""

    def __init__(self, submission, x, h: float, default: bool = False):
        self.submission, self.h, self.default = submission, h, default
        self.array = isinstance(x, np.ndarray) and x.ndim > 0
        self.dtype = np.asarray(x).dtype
        self.whole = self.dtype.kind in "iub"
        self.count = PROBE_POINTS if self.array else PROBES

    def __call__(self, points: np.ndarray, step: float | None = None) -> np.ndarray | None:
        """The learner's values at ``points``, called as the check did (without h for a
        ``default`` call), or with h = ``step`` when one is given."""
        fn = self.submission.numeric_gradient_square
        h = {} if self.default and step is None else {"h": self.h if step is None else step}
        try:
            if self.array:
                values = np.asarray(fn(points.astype(self.dtype), **h), dtype=float)
                return values if values.shape == points.shape else None
            cast = int if self.whole else float
            return np.array([float(fn(cast(p), **h)) for p in points])
        except (LearnerError, TypeError, ValueError):
            return None


# Single or half precision (trial 1.2.39.5: np.array(x, dtype=np.float32), "to be safe
# with integers"): the same central difference with each step rounded to fewer digits.
LOW_PRECISION = {
    np.float32: ("single precision (float32)", "about 7"),
    np.float16: ("half precision (float16)", "about 3"),
}
CONVERT = "np.asarray(x, dtype=float), which turns integers into floats too"


def low_quotients(x, h: float, dtype) -> np.ndarray:
    """Every value of the central difference of x**2 computed in ``dtype``, as NumPy
    computes it once x is of that dtype (a Python float h then takes x's dtype), stacked
    along a first axis: the steppings of ``central_quotients``, each squaring, and the
    division in that dtype (by 2 * h, / 2 / h, times the reciprocal) or in float64 (a
    float64 denominator)."""
    a = np.asarray(x, dtype=float).astype(dtype)
    step, twice = dtype(h), dtype(2 * h)
    ahead, behind = a + step, a - step
    values = []
    for high, low in ((ahead, behind), (ahead, ahead - twice), (behind + twice, behind)):
        for difference in (high * high - low * low, np.power(high, 2) - np.power(low, 2)):
            values += [
                difference / twice,
                difference / dtype(2) / step,
                difference * dtype(1 / (2 * h)),
                difference.astype(float) / (2 * h),
            ]
    return np.stack(values).astype(float)


def precision_mistakes(x: np.ndarray, h: float) -> list[tuple[np.ndarray, str]]:
    """(every value it gives at x, the words for it) for a central difference computed in
    single or half precision: throughout, from x stored in that precision, or rounded to it
    at the end."""
    found = []
    for dtype, (name, digits) in LOW_PRECISION.items():
        with np.errstate(all="ignore"):
            stored = x.astype(dtype).astype(float)
            found += [
                (
                    low_quotients(x, h, dtype),
                    f"the same central difference computed in {name}, which keeps {digits} "
                    "significant digits where float64 keeps about 16: x + h, x - h and their "
                    "squares lose the digits that the slope is made of. Compute in float64 "
                    f"throughout: convert x to float64 with {CONVERT}",
                ),
                (
                    central_quotients(stored, h),
                    f"the central difference at x stored in {name}, which keeps {digits} "
                    "significant digits where float64 keeps about 16. Convert x to float64 "
                    f"instead, with {CONVERT}",
                ),
                (
                    central_quotients(x, h).astype(dtype).astype(float),
                    f"the central difference rounded to {name} at the end, which keeps "
                    f"{digits} significant digits where float64 keeps about 16. Compute and "
                    "return it in float64",
                ),
            ]
    return found


def _same(values: np.ndarray, got: np.ndarray) -> np.ndarray:
    """Entry by entry: ``got`` is one of the stacked ``values`` (an overflow to inf or nan
    in half precision included)."""
    return np.isclose(values, got, rtol=AGREEMENT, atol=0, equal_nan=True).any(axis=0)


def low_precision(x: np.ndarray, h: float, got: np.ndarray, probe) -> str:
    """Words for ``got`` when it is the central difference in single or half precision,
    confirmed by the learner's values at new points where those computations, each
    finite and not 0, differ from one another and from float64's; else ""."""
    seen = [i for i, (values, _) in enumerate(precision_mistakes(x, h)) if _same(values, got).all()]
    if not seen or probe is None:
        return ""
    rng = np.random.default_rng(1239)
    points: list[float] = []
    for _ in range(50):
        low = 0 if probe.whole else -3
        new = 10 ** rng.uniform(low, 3, size=64) * rng.choice([-1.0, 1.0], 64)
        new = np.round(new) if probe.whole else new
        every = precision_mistakes(new, h)
        stacks = [central_quotients(new, h)] + [every[i][0] for i in seen]
        keep = np.ones(new.shape, dtype=bool)
        for values in stacks[1:]:
            keep &= np.all(np.isfinite(values) & (values != 0), axis=0)
        with np.errstate(all="ignore"):  # inf - inf where half precision overflowed
            for i, a in enumerate(stacks):
                for b in stacks[i + 1 :]:
                    keep &= _apart(a, b)
        points += new[keep].tolist()
        if len(points) >= probe.count:
            break
    if len(points) < probe.count:
        return ""
    points_array = np.array(points[: probe.count])
    values = probe(points_array)
    if values is None:
        return ""
    every = precision_mistakes(points_array, h)
    followed = [i for i in seen if _same(every[i][0], values).all()]
    return every[followed[0]][1] if len(followed) == 1 else ""


def diagnose(x, h: float, got: np.ndarray, missed: np.ndarray, probe=None) -> str:
    """The common mistake that gives ``got`` at x with step h, in a learner's words, or "".

    ``missed`` marks the entries that failed. A mistake is named only when it gives the
    value at every entry, differs from a right answer where the check failed, and, for a
    mistake told apart by rounding alone, is confirmed by ``probe`` (see ``confirm``)."""
    integer = np.asarray(x).dtype.kind in "iub"
    x = np.asarray(x, dtype=float)
    if integer and np.all(got[missed] == 0) and np.all(x[missed] != 0):
        # Single precision cuts off the step at large |x| too: the learner's values say which.
        return low_precision(x, h, got, probe) or INTEGER
    # Computed in float64 as a learner would: a few units in the last place. (Near x = 0
    # the round-off of 2x is itself about AGREEMENT, so a value that failed the check
    # may still agree to AGREEMENT: another step's quotient, which is worth naming.)
    honest = central_quotients(x, h)
    if not (np.abs(honest - got) <= FEW_ULPS * np.abs(honest)).any(axis=0)[missed].all():
        default = probe is not None and probe.default
        with np.errstate(all="ignore"):
            mistakes = float_mistakes(x, h, default)
        seen = [i for i, (values, *_) in enumerate(mistakes) if _agrees(values, got).all()]
        found = confirm(seen, h, probe) if seen else None
        if found is not None:
            _, words, step = mistakes[found]
            if not default or step is None:
                return words
            # Without h, another step is a wrong default or a step taken whatever h is.
            if words := default_or_always(step, h, probe):
                return words
        if words := low_precision(x, h, got, probe):
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
    return rounded(x, h, got, missed)


def _significant(values: np.ndarray, digits: int) -> np.ndarray:
    """``values`` rounded to ``digits`` significant digits, as a format such as .6g does."""
    flat = [float(f"{v:.{digits}g}") for v in values.ravel().tolist()]
    return np.array(flat).reshape(values.shape)


def rounded(x: np.ndarray, h: float, got: np.ndarray, missed: np.ndarray) -> str:
    """Words for ``got`` when it is a central difference rounded to a number of decimals
    or of significant digits (the same for every entry), else "". 2*x itself, which a
    coarse rounding of the quotient may equal at large |x|, is not named so."""
    if not np.all(np.isfinite(got)) or np.any(
        np.abs(got - 2 * x)[missed] <= AGREEMENT * np.abs(2 * x[missed])
    ):
        return ""
    with np.errstate(all="ignore"):
        quotients = central_quotients(x, h)

    def rounds_to(values: np.ndarray) -> bool:
        near = np.abs(values - got) <= 4 * EPS * np.abs(got)
        return bool(near.any(axis=0).all())

    decimals = [k for k in range(16) if rounds_to(np.round(quotients, k))]
    digits = [k for k in range(1, 16) if rounds_to(_significant(quotients, k))]
    # Rounded to k places, a value is also the rounding to k + 1 when that digit is 0:
    # the fewest places that give it are named.
    ways = []
    if decimals:
        ways.append(f"{decimals[0]} decimal place{'s' if decimals[0] != 1 else ''}")
    if digits:
        ways.append(f"{digits[0]} significant digit{'s' if digits[0] != 1 else ''}")
    if not ways:
        return ""
    how = f"rounded to {' or '.join(ways)}"
    return (
        f"the central difference {how}. Rounding the result (round, np.round, a format) "
        "throws away the digits the grader checks: it compares the quotient down to its "
        "round-off, far below the last digit kept. Return the quotient as computed"
    )


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


def one_number(got) -> str:
    """What a single number the learner's code returned is, as a learner would say it."""
    if isinstance(got, np.ndarray):
        return f"a 0-d array of dtype {got.dtype}, one number"
    if isinstance(got, np.generic):
        return f"one number (a NumPy {got.dtype})"
    return f"one number (a Python {type(got).__name__})"


def sum_of_squares(submission, x) -> str:
    """Words for a learner's ``square`` that gives one number, the sum of the squares, for
    the 1-D array of x's entries (np.dot(x, x), x @ x), or "": called afresh to see it."""
    flat = np.asarray(x, dtype=float).ravel()[:6]
    try:
        got = submission.square(flat)
        value = float(got) if np.ndim(got) == 0 and not isinstance(got, (str, bytes)) else None
    except (LearnerError, TypeError, ValueError):
        return ""
    total = float(flat @ flat)
    if value is None or flat.size < 2 or not math.isclose(value, total, rel_tol=1e-12):
        return ""
    return (
        f"square(x) returned one number, the sum of the squares, for an array: "
        f"{submission.last_text} gave {value!r}. A dot product (np.dot(x, x), x @ x or "
        "np.inner(x, x) of a 1-D array), like a sum of the squares, adds the squares of the "
        "entries up. square must square each entry on its own, elementwise (x * x or "
        "x ** 2), so that an array gives an array of x's shape."
    )


def check_one_number_per_entry(submission, got, x) -> None:
    """Fail, saying truthfully what came back, when the learner's value for an array x is
    a single number; name a ``square`` that sums the squares when it does."""
    if not np.ndim(x) or got is None or np.ndim(got) or isinstance(got, (str, bytes)):
        return
    call = submission.last_text
    said = (
        f"{call} returned {one_number(got)}, {show_number(got)}, for an array x of shape "
        f"{np.shape(x)}; expected an array of that shape, one slope per entry of x."
    )
    if why := sum_of_squares(submission, x):
        checks.fail(f"{said} The cause: {why}")
    checks.fail(said)


def show_number(got) -> str:
    try:
        return repr(float(got))
    except (TypeError, ValueError):
        return checks.show(got)


def as_result(submission, got, x) -> np.ndarray:
    """The learner's value as a float array shaped like x (0-d for a number)."""
    check_one_number_per_entry(submission, got, x)
    call = submission.last_text
    if np.ndim(x):
        return checks.as_array(
            got, call, shape=np.shape(x), why_shape="one slope per entry of x, in x's own shape"
        )
    return np.asarray(checks.as_float(got, call, "a number"))


def _where(x, missed: np.ndarray) -> tuple[tuple, str]:
    """The first entry that ``missed`` and its words (" at index (0, 1)", or "")."""
    point = np.asarray(x, dtype=float)
    if not point.ndim:
        return (), ""
    where = np.unravel_index(int(np.argmax(missed)), point.shape)
    return where, f" at index {tuple(int(i) for i in where)}"


def fail_with(
    call: str, got: np.ndarray, x, missed: np.ndarray, words: str, h: float, default: bool
) -> None:
    """Fail naming ``words`` at the first entry that ``missed``, showing there what the
    statement's formula gives."""
    point = np.asarray(x, dtype=float)
    where, at = _where(x, missed)
    expected = float(statement_value(point, h)[where])
    step = f"the default h = {h:g} (this call passed no h)" if default else f"h = {h:g}"
    checks.fail(
        f"{call} gave {float(got[where])!r}{at}, for x = {float(point[where])!r}, where a "
        f"central difference gives {expected!r}, as (square(x + h) - square(x - h)) / (2 * h) "
        f"computes it in float64 with {step}: that is {words}."
    )


def check_near_two_x(
    submission, got, x, h: float, why: str = "", bound=None, *, default: bool = False
) -> None:
    """``got`` is 2x within ``bound`` (by default the round-off of a central difference);
    a miss that a common mistake explains is named. ``default``: the call passed no h, and
    h is the statement's default."""
    call = submission.last_text
    got = as_result(submission, got, x)
    point = np.asarray(x, dtype=float)
    bound = roundoff(point, h) if bound is None else bound
    missed = np.abs(got - 2 * point) > bound
    if not missed.any():
        return
    probe = Probe(submission, x, h, default)
    words = diagnose(x, h, got, missed, probe)
    if not words and (words := near_two_x(got, point, missed)) and default:
        # Near 2x, the steps cannot always be told apart: the default is still worth a look.
        words += (
            ". This call passed no h, so the step was your default: if your values are right "
            "whenever h is passed, the default in your def line is the one to check (the "
            "statement's is h = 1e-5)"
        )
    if words:
        fail_with(call, got, x, missed, words, h, default)
    checks.close(got, 2 * point, call, rtol=0, atol=bound, why=why)


def check_is_the_quotient(submission, got, x, h: float, *, default: bool = False) -> None:
    """``got`` is, entry by entry, one of the values of ``central_quotients(x, h)``: the
    central difference with the step h given (``default``: the call passed no h, and h is
    the statement's default), rounded as float64 rounds it."""
    call = submission.last_text
    got = as_result(submission, got, x)
    point = np.asarray(x, dtype=float)
    missed = ~_agrees(central_quotients(point, h), got)
    if not missed.any():
        return
    if words := diagnose(x, h, got, missed, Probe(submission, x, h, default)):
        fail_with(call, got, x, missed, words, h, default)
    step = given(h, default)
    where, at = _where(x, missed)
    value, at_x = float(got[where]), float(point[where])
    quotient, two_x = float(statement_value(point, h)[where]), 2 * at_x
    rounded = (
        f"With |x| that large and h = {h:g}, x + h and x - h are rounded in floating point, "
        f"so (square(x + h) - square(x - h)) / (2 * h) in float64 gives {quotient!r}: "
        f"2x = {two_x!r} plus the round-off of that step ({quotient - two_x:.3g}). The "
        "grader expects that value, round-off included."
    )
    if abs(value - two_x) <= AGREEMENT * abs(two_x):
        checks.fail(
            f"{call} gave {value!r}{at}, for x = {at_x!r}: that is 2*x itself, the derivative "
            f"written down rather than computed. {rounded} Compute the quotient from "
            "square(x + h) and square(x - h): the exercise is the numeric method, and the "
            "exact answer is only known here because f is x**2."
        )
    if abs(value - two_x) < abs(quotient - two_x) / 4:
        checks.fail(
            f"{call} gave {value!r}{at}, for x = {at_x!r}. {rounded} Your value is nearer "
            f"2x (off by {value - two_x:.3g}). A value that near is what a larger step than h "
            "gives, or a quotient not computed in float64: compute it from square(x + h) and "
            f"square(x - h) in float64, with exactly {step}."
        )
    checks.fail(
        f"{call} gave {value!r}{at}, for x = {at_x!r}. {rounded} Compute "
        f"(square(x + h) - square(x - h)) / (2 * h) in float64 with {step}."
    )


def check_unchanged(submission, what: str) -> None:
    checks.true(
        not submission.last.mutated,
        f"{submission.last_text} changed the {what} it was given. Compute x + h and "
        "x - h as new arrays instead of changing x in place.",
    )


def scored_with_the_result(topic: str, check, *args) -> None:
    """Run ``check(*args)`` (a result check); if it fails, say first that this check's own topic
    was met, so that a wrong result alone is not read as a problem with that topic."""
    try:
        check(*args)
    except checks.CheckFailed as failure:
        raise checks.CheckFailed(
            f"{topic}, but this check is scored only together with a right result, and that "
            f"failed here: {failure.message}",
            failure.section,
        ) from None


def integers_handled(submission, ints, h: float, got) -> bool:
    """The learner's value at the integers ``ints`` is, bit for bit, its value at the same
    x as floats: whatever is wrong with it is not about integers."""
    same = np.asarray(ints, dtype=float) if np.ndim(ints) else float(ints)
    try:
        again = submission.numeric_gradient_square(same, h=h)
        return np.array_equal(np.asarray(got, dtype=float), np.asarray(again, dtype=float))
    except (LearnerError, TypeError, ValueError):
        return False


def check_on_integers(submission, ints, h: float, check) -> None:
    """``check(got)`` on the learner's value at ``ints``; a failure that its value at the
    same x as floats shares is said not to be about integers."""
    got = submission.numeric_gradient_square(ints, h=h)
    try:
        check(got)
    except checks.CheckFailed as failure:
        if not integers_handled(submission, ints, h, got):
            raise
        raise checks.CheckFailed(
            "Integers are handled (the same values as for the same x as floats), but this "
            "check is scored only together with a right result, and that failed here, for "
            f"floats too: {failure.message}",
            failure.section,
        ) from None


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
    if np.ndim(got) == 0 and (why := sum_of_squares(submission, x)):
        checks.fail(why)
    if np.shape(got) in ((2, 2), (3, 3)):
        product = "x @ x.T (np.inner(x, x))" if np.shape(got) == (2, 2) else "x.T @ x"
        same = x @ x.T if np.shape(got) == (2, 2) else x.T @ x
        if np.allclose(np.asarray(got, dtype=float), same, rtol=1e-12, atol=0):
            checks.fail(
                f"{submission.last_text} returned an array of shape {np.shape(got)}, the "
                f"matrix product {product}: rows times columns, not the square of each "
                "entry. square must work elementwise (x * x or x ** 2), so that an array "
                "gives an array of x's shape."
            )
    checks.close(
        got,
        x * x,
        submission.last_text,
        rtol=1e-15,
        why="square(x) should return x**2 for every element.",
    )
    # A 1-D array too: np.dot(x, x) and x @ x give one number there, the sum of squares.
    vector = rng.normal(size=4) * 10
    got = submission.square(vector)
    if why := sum_of_squares(submission, vector):
        checks.fail(why)
    checks.close(
        got,
        vector * vector,
        submission.last_text,
        rtol=1e-15,
        why="square(x) should return x**2 for every element.",
    )
    value = float(rng.uniform(-5, 5))
    checks.close(submission.square(value), value * value, submission.last_text, rtol=1e-15)


@pytest.mark.points(3)
def test_equals_two_x_for_numbers(submission, rng):
    """For a number x: 2*x plus the round-off of the step h given, at small and large |x|."""
    for magnitude in (1e-3, 1.0, 1e2, 1e3):
        x = float(rng.uniform(0.5, 1.0) * magnitude * rng.choice([-1, 1]))
        got = submission.numeric_gradient_square(x)
        check_near_two_x(
            submission,
            got,
            x,
            1e-5,
            why="The central difference (f(x + h) - f(x - h)) / (2h) of x**2 is "
            "exactly 2x in exact arithmetic, so in float64 it differs from 2x only by "
            "round-off (this call passed no h: the default h = 1e-05).",
            default=True,
        )
    # Closeness to 2x earns the points only together with a computed quotient. Three
    # points: at one alone, another step's round-off may happen to match the default's.
    for x in draw_far_from_two_x(rng, 3, 1e-5).tolist():
        check_is_the_quotient(
            submission, submission.numeric_gradient_square(x), x, DEFAULT_H, default=True
        )


@pytest.mark.points(3)
def test_equals_two_x_for_arrays_of_any_shape(submission, rng):
    """For an array: its shape, and entry by entry 2*x plus the round-off of the step h given."""
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
    why = (
        "With an integer array, x + h has to be a float array, or a step of 1e-4 is lost "
        "(lesson section 'Central difference')."
    )
    ints = rng.integers(-50, 50, size=6)
    check_on_integers(
        submission, ints, 1e-4, lambda got: check_near_two_x(submission, got, ints, 1e-4, why)
    )
    check_unchanged(submission, "integer array")
    # Large integers: the steps are taken in floating point, and are the ones given.
    ints = draw_far_from_two_x(rng, 6, 1e-4, whole=True).astype(np.int64)
    check_on_integers(
        submission, ints, 1e-4, lambda got: check_is_the_quotient(submission, got, ints, 1e-4)
    )
    check_unchanged(submission, "integer array")
    number = int(rng.integers(1, 20))
    check_on_integers(
        submission, number, 1e-5, lambda got: check_near_two_x(submission, got, number, 1e-5)
    )


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
        check_unchanged(submission, "array x")
        # Leaving x alone earns the point only together with a computed answer.
        scored_with_the_result(
            "x was left unchanged", check_is_the_quotient, submission, got, x, 1e-5
        )


@pytest.mark.points(3)
def test_the_central_difference_is_computed(submission, rng):
    """At large |x| and a small h the result is the quotient's own rounded value, not 2x."""
    h = float(10 ** rng.uniform(-6, -5))
    number = float(draw_far_from_two_x(rng, 1, h)[0])
    check_is_the_quotient(submission, submission.numeric_gradient_square(number, h=h), number, h)
    whole = int(draw_far_from_two_x(rng, 1, h, whole=True)[0])  # crosses as a Python int
    check_is_the_quotient(submission, submission.numeric_gradient_square(whole, h=h), whole, h)
    default = float(draw_far_from_two_x(rng, 1, 1e-5)[0])  # the stub's default step
    check_is_the_quotient(
        submission, submission.numeric_gradient_square(default), default, 1e-5, default=True
    )
    shape = ((3, 4), (6,))[int(rng.integers(2))]
    array = draw_far_from_two_x(rng, math.prod(shape), h).reshape(shape)
    check_is_the_quotient(submission, submission.numeric_gradient_square(array, h=h), array, h)
