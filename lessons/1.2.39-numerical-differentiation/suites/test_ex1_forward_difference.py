"""Hidden checks for 1.2.39.1, forward_difference(f, x, h).

Inputs are drawn at grade time; expected values come from analytic truths (the exact
slope of a line, the exact truncation error a*h of a quadratic), never from a reference run.

When a value is wrong, the suite first asks which common mistake gives exactly that value
(the central or backward difference, no division by h, a step of its own, f(h) for f(x),
a division by x, ...), computed here from the same f, x and h, and names it when the values
point to it alone. A value no mistake explains is shown beside what the forward difference
gives at the same inputs (with the values of f it uses), and no cause is guessed.
"""

import math

import numpy as np
import pytest

from grader.grading import checks
from grader.grading.checks import CheckFailed
from grader.grading.inputs import lesson_inputs
from grader.sandbox.workers import LearnerError

get = lesson_inputs(__file__).get  # the lesson's trusted functions (inputs.py)

EPS = np.finfo(float).eps
SECTION = "forward-difference"

# What an error raised by learner code usually means in this exercise (grader/grading/plugin.py
# appends it to "forward_difference(...) raised X (your file, line N): ...").
ERROR_ADVICE = {
    "ZeroDivisionError": "A step h of 0 reached the division. Check h before computing "
    "anything, and raise ValueError when it is 0, infinite or nan.",
    "TypeError": "x may be a float or a NumPy array, and f works on both: compute with x as "
    "it comes, without float(...) of an array or math functions that take one number.",
    "IndexError": "No loop or indexing is needed: f works elementwise, so one formula "
    "handles a float and an array of any shape alike.",
    "AttributeError": "x may be a plain float: call NumPy functions (np.asarray(x), "
    "np.ndim(x)) rather than methods such as x.shape that a float does not have.",
}

# Steps a learner may have written into the function instead of using the h passed in.
OWN_STEPS = (1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-10)
OWN_STEP = "This is the forward difference with a step of"
TINY = 1e-8  # below this, a ValueError for a usable step is a refusal of tiny steps


def roundoff(f_size: float, h: float) -> float:
    """A generous bound on the round-off of a difference quotient: a few eps*|f| / |h|."""
    return 16 * EPS * (1.0 + f_size) / abs(h)


def call(submission, f, x, h):
    """The learner's forward_difference(f, x, h) for a usable step h; a ValueError or a
    float() of an array is named as the mistake it usually is."""
    try:
        return submission.forward_difference(f, x, h)
    except LearnerError as error:
        said = str(error.error.get("message", ""))
        where = f" (your file, line {error.error['line']})" if error.error.get("line") else ""
        text = getattr(error, "call_text", "forward_difference(...)")
        if error.is_a("ValueError") and "truth value of an array" in said:
            checks.fail(
                f"{text} raised ValueError{where}: {said}. An if on a whole array, such as "
                "`if x == 0`, has no single answer; only the step h needs checking, and h is "
                "one number.",
                SECTION,
            )
        if error.is_a("ValueError"):
            sign = (
                " A negative step is allowed: it gives the backward difference, so refuse "
                "only h == 0 and a non-finite h (not h < 0)."
                if h < 0 and abs(h) >= TINY
                else ""
            )
            if abs(h) < TINY:
                sign = (
                    " A tiny step is still a valid step: refuse only h == 0 and a non-finite "
                    "h, not a small |h|. Its slope may be inaccurate (round-off grows as h "
                    "shrinks, which is this lesson's point), but it is a slope."
                )
            checks.fail(
                f"{text} raised ValueError{where} for the usable step h = {h:.6g}.{sign} "
                "Raise ValueError only when h is 0, infinite or nan; any other step gives "
                "its slope.",
                SECTION,
            )
        if error.is_a("TypeError") and "arrays" in said and "scalar" in said:
            checks.fail(
                f"{text} raised TypeError{where}: {said}. float(...) (or math.*) was applied "
                "to an array: when x is an array, return the array of slopes as it is, one "
                "per element.",
                SECTION,
            )
        raise


def mistakes(f, x, h: float) -> list[tuple[np.ndarray, float, str]]:
    """(value, tolerance, what the mistake is) for the common wrong formulas at f, x, h,
    computed here from the same trusted f."""
    x = np.asarray(x, dtype=float)
    fx, up, down = (np.asarray(f(v), dtype=float) for v in (x, x + h, x - h))
    size = float(np.max(np.abs(fx))) + 1.0
    rise = up - fx
    found = []
    if h < 0:
        found.append(
            (
                (f(x - h) - fx) / -h,
                roundoff(size, h),
                "This is the slope of the step to the right, to x + |h|, although h is "
                "negative: the sign of h was dropped (as abs(h) does) or the formula steps "
                "the other way. With h < 0, (f(x + h) - f(x)) / h as written steps left and "
                "gives the backward difference.",
            )
        )
    else:  # for h < 0 this is the value above, whose words say more
        found.append(
            (
                (fx - down) / h,
                roundoff(size, h),
                "This is the backward difference (f(x) - f(x - h)) / h: it steps back to "
                "x - h. The forward difference uses f(x + h) and f(x).",
            )
        )
    found += [
        (
            (up - down) / (2 * h),
            roundoff(size, h),
            "This is the central difference (f(x + h) - f(x - h)) / (2h). The forward "
            "difference steps only forward, from x to x + h, and for a quadratic it is off "
            "by exactly a*h.",
        ),
        (
            rise,
            16 * EPS * size,
            "This is the rise f(x + h) - f(x), not divided by h: the slope is rise over run, "
            "so divide by the step h.",
        ),
        (
            -rise / h,
            roundoff(size, h),
            "This is the slope with its sign flipped: the subtraction is the wrong way "
            "round. Subtract f(x) from f(x + h).",
        ),
        (
            rise / (2 * h),
            roundoff(size, h),
            "This is half the forward difference, as if the rise were divided by 2*h: the "
            "forward difference divides by h, the length of its one step (2*h belongs to "
            "the central difference).",
        ),
        (
            up - fx / h,
            16 * EPS * size / min(abs(h), 1.0),
            "This is f(x + h) - f(x) / h: without parentheses only f(x) is divided by h. "
            "Put the whole difference in parentheses before dividing.",
        ),
        (
            rise * h,
            16 * EPS * size,
            "This is the rise multiplied by h: the slope divides the rise by the step.",
        ),
        (
            rise / (h * h),
            roundoff(size, h) / abs(h),
            "This is the rise divided by h twice: divide by the step h once.",
        ),
    ]
    # Slips of one name for another: the values show which name stands where.
    at_h = np.asarray(f(np.full_like(x, h)), dtype=float)
    spread = max(size, float(np.max(np.abs(at_h))) + 1.0)
    found += [
        (
            (up - at_h) / h,
            roundoff(spread, h),
            "This is (f(x + h) - f(h)) / h: f was called at h where f(x) belongs, so the "
            "quotient subtracts f(h), the value at the point h, instead of f(x), the value "
            "at x. The forward difference subtracts f at x itself.",
        ),
        (
            (at_h - fx) / h,
            roundoff(spread, h),
            "This is (f(h) - f(x)) / h: f was called at h where f(x + h) belongs. The step "
            "goes from x to x + h, so the first value is f at x + h.",
        ),
        (
            (up - x) / h,
            roundoff(size + float(np.max(np.abs(x))), h),
            "This is (f(x + h) - x) / h: it subtracts x itself where the value f(x) belongs. "
            "The rise is between two values of f.",
        ),
        (
            (fx + h - fx) / h,
            roundoff(size, h),
            "This is (f(x) + h - f(x)) / h, which is 1 whatever f is: h was added to the "
            "value f(x) instead of to the point x. The step moves x: f(x + h).",
        ),
        (
            (up - down) / h,
            roundoff(size, h),
            "This is (f(x + h) - f(x - h)) / h: the rise from x - h to x + h, two steps "
            "long, divided by one step. The forward difference goes from x to x + h only: "
            "(f(x + h) - f(x)) / h.",
        ),
    ]
    with np.errstate(all="ignore"):  # x may be 0 here; a slip's inf or nan matches nothing
        found += [
            (
                rise / x,
                16 * EPS * size / np.maximum(np.abs(x), 1e-300),
                "This is the rise f(x + h) - f(x) divided by x: the run of the step is h, "
                "the distance from x to x + h, not the point x itself.",
            ),
            (
                rise / (x + h),
                16 * EPS * size / np.maximum(np.abs(x + h), 1e-300),
                "This is the rise f(x + h) - f(x) divided by x + h, the point it stepped to: "
                "the run of the step is h, the distance from x to x + h.",
            ),
        ]
    for own in OWN_STEPS:
        if not 0.5 <= abs(h / own) <= 2:
            found.append(
                (
                    (np.asarray(f(x + own), dtype=float) - fx) / own,
                    roundoff(size, own) + 1e-9 * size,
                    f"{OWN_STEP} {own:g}, not the h = {h:.6g} it was given: the function "
                    "ignores its h and uses a step of its own. Use the h passed in.",
                )
            )
    return found


def diagnose(f, x, h: float, got, want, atol: float) -> str:
    """What common mistake gives exactly ``got`` for f, x, h; "" if none does. A mistake
    whose value cannot be told from the right one here (the central difference of a line)
    is never named: the values would not show it. Where several fit, one is named only if
    it is far closer than the others (a formula reproduced to round-off, say, where a tiny
    step of its own fits only within that step's wide round-off); fitting own steps are
    named together; else none is."""
    try:
        value = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return ""
    want = np.asarray(want, dtype=float)
    with np.errstate(all="ignore"):
        found = mistakes(f, x, h)
    fits = {}  # what -> (distance from the value, tolerance)
    for candidate, tolerance, what in found:
        candidate = np.asarray(candidate, dtype=float)
        if value.shape != candidate.shape or not np.all(np.isfinite(candidate)):
            continue
        bound = tolerance + 1e-9 * np.abs(candidate)
        apart = np.abs(candidate - want) > 10 * (bound + atol + 1e-9 * np.abs(want))
        miss = np.abs(value - candidate)
        if np.all(miss <= bound) and np.any(apart) and what not in fits:
            fits[what] = (float(np.max(miss)), float(np.max(tolerance)))
    if len(fits) <= 1:
        return next(iter(fits), "")
    ranked = sorted(fits.items(), key=lambda item: item[1][0])
    (best, (miss, tolerance)), (_, (runner_up, _)) = ranked[0], ranked[1]
    if 100 * max(miss, tolerance) < runner_up:
        return best
    if all(what.startswith(OWN_STEP) for what in fits):
        sizes = sorted(float(what[len(OWN_STEP) :].split(",")[0]) for what in fits)
        listed = " or ".join(f"{own:g}" for own in sizes)
        return (
            f"This is the forward difference with a tiny step of its own (a step of {listed} "
            f"fits these values), not the h = {h:.6g} it was given: the function ignores its "
            "h. Use the h passed in."
        )
    return ""  # explanations the values cannot tell apart: name none


def forward_at(f, x, h: float, got) -> str:
    """What the forward difference gives at these inputs, from the values of f it uses, for
    a value no known mistake explains: where it differs from ``got`` (the entry that differs
    most, for an array)."""
    x = np.asarray(x, dtype=float)
    fx, up = np.asarray(f(x), dtype=float), np.asarray(f(x + h), dtype=float)
    right = (up - fx) / h
    value = np.asarray(got, dtype=float)
    if right.ndim:
        index = np.unravel_index(int(np.argmax(np.abs(value - right))), right.shape)
        where = tuple(int(i) for i in index)
        return (
            f"at index {where} it gave {checks.show(value[index])}; there x = "
            f"{checks.show(x[index])}, f(x) = {checks.show(fx[index])} and f(x + h) = "
            f"{checks.show(up[index])}, so the forward difference (f(x + h) - f(x)) / h is "
            f"{checks.show(right[index])}"
        )
    return (
        f"it gave {checks.show(value[()])}; here f(x) = {checks.show(fx[()])} and f(x + h) = "
        f"{checks.show(up[()])}, so the forward difference (f(x + h) - f(x)) / h is "
        f"{checks.show(right[()])}"
    )


def close_or_named(submission, got, want, f, x, h, *, atol: float, rtol: float = 0.0, why=""):
    """``got`` equals ``want``; if not, the first message names the mistake that gives
    ``got``, when exactly one does. A value no known mistake gives is shown beside what the
    forward difference gives at the same inputs, with no guess at the cause; ``why``, which
    explains the expected value, is kept for a near miss, where it is the point."""
    text = submission.last_text
    try:
        checks.close(got, want, text, rtol=rtol, atol=atol, why=why, section=SECTION)
    except CheckFailed as failed:
        what = diagnose(f, x, h, got, want, atol)
        if not what:
            try:  # a value of the right shape and finite: compare it with the formula
                value = np.asarray(got, dtype=float)
                usable = (
                    not isinstance(got, (bool, np.bool_))
                    and value.shape == np.shape(want)
                    and bool(np.all(np.isfinite(value)))
                )
            except (TypeError, ValueError):
                usable = False
            if usable:
                off = float(np.max(np.abs(value - np.asarray(want, dtype=float))))
                usable = off > 1e-3 * (float(np.max(np.abs(want))) + 1.0)
            if not usable:
                raise  # None, a wrong shape, nan or a near miss: checks.close said it
            checks.fail(
                f"{text}: {forward_at(f, x, h, got)}. Work through your formula by hand "
                "with these numbers to find the term that differs.",
                SECTION,
            )
        want_array, got_array = np.asarray(want, dtype=float), np.asarray(got, dtype=float)
        if want_array.ndim:
            index = np.unravel_index(
                int(np.argmax(np.abs(got_array - want_array))), want_array.shape
            )
            said = (
                f"at index {tuple(int(i) for i in index)} it gave {checks.show(got_array[index])}"
                f" where {checks.show(want_array[index])} was expected"
            )
        else:
            said = f"it gave {checks.show(got_array[()])}; expected {checks.show(want_array[()])}"
        checks.fail(f"{text}: {said}. {what}", SECTION)
        raise AssertionError from failed  # not reached: fail raised


@pytest.mark.points(2)
def test_error_of_a_quadratic_is_a_times_h(submission, rng):
    """A quadratic: the error is exactly a*h, the forward difference's truncation error."""
    for _ in range(3):
        a, b, c = rng.uniform(0.5, 3, size=3) * rng.choice([-1, 1], size=3)
        x, h = rng.uniform(-2, 2), rng.uniform(0.05, 0.5)
        f = get("poly", coeffs=[c, b, a])
        got = call(submission, f, x, h)
        exact = 2 * a * x + b
        close_or_named(
            submission,
            got,
            exact + a * h,
            f,
            x,
            h,
            atol=roundoff(20, h),
            why=f"The true derivative is {exact:.6g}; the forward difference overshoots it by "
            f"a*h = {a * h:.6g} for a*x**2 + b*x + c (see the truncation error of the "
            "forward difference).",
        )


@pytest.mark.points(2)
def test_exact_for_a_straight_line(submission, rng):
    """A straight line: the forward difference is its exact slope."""
    for _ in range(3):
        a, b = rng.uniform(-5, 5, size=2)
        x, h = rng.uniform(-3, 3), 10.0 ** rng.uniform(-4, -1)
        f = get("poly", coeffs=[b, a])
        got = call(submission, f, x, h)
        close_or_named(
            submission,
            got,
            a,
            f,
            x,
            h,
            atol=roundoff(abs(a * x) + 10, h),
            why="For f(x) = a*x + b every difference quotient equals a exactly.",
        )


@pytest.mark.points(2)
def test_arrays_keep_their_shape(submission, rng):
    """An array of points gives an array of slopes of the same shape."""
    x = rng.uniform(-3, 3, size=(3, 4))
    h = 1e-6
    f = get("ufunc", name="sin")
    got = call(submission, f, x, h)
    # First: a changed x explains every wrong value that follows from it.
    checks.true(
        not submission.last.mutated,
        f"{submission.last_text} changed the array x it was given: an in-place update such "
        "as x += h (or xh = x; xh += h, which is the same array) moves x itself. Build "
        "x + h as a new array.",
        SECTION,
    )
    if isinstance(got, list):
        flat = " (a flat one: the shape of x is lost)" if len(got) == x.size else ""
        checks.fail(
            f"{submission.last_text} returned a Python list of {len(got)} items{flat}; "
            f"expected a NumPy array of shape {x.shape}, one slope per element of x. f works "
            "elementwise, so the formula applied to the whole array gives that array.",
            SECTION,
        )
    # truncation h/2*|f''| <= h/2, plus round-off
    close_or_named(
        submission,
        got,
        np.cos(x),
        f,
        x,
        h,
        atol=h / 2 + roundoff(1, h),
        why="Each entry should be the forward difference of sin at that entry's point of x, "
        "which is within h/2 of cos there.",
    )
    checks.true(
        isinstance(got, np.ndarray),
        f"{submission.last_text} returned {type(got).__name__}; expected a NumPy array shaped "
        "like x, as the statement says.",
        SECTION,
    )


@pytest.mark.points(1)
def test_scalar_input_gives_a_number(submission, rng):
    """A float x gives a single number close to the derivative."""
    x = float(rng.uniform(0.5, 2.0))
    f = get("ufunc", name="exp")
    got = call(submission, f, x, 1e-7)
    close_or_named(
        submission,
        got,
        np.exp(x),
        f,
        x,
        1e-7,
        atol=0.0,
        rtol=1e-6,
        why="With h = 1e-7 the forward difference of exp is accurate to about 1e-7.",
    )


@pytest.mark.points(2)
def test_negative_step_is_a_backward_difference(submission, rng):
    """A negative h gives the backward difference; its error a*h has the sign of h."""
    a, b = rng.uniform(1, 3), rng.uniform(-1, 1)
    x, h = rng.uniform(-1, 1), -rng.uniform(0.05, 0.5)
    f = get("poly", coeffs=[0.0, b, a])
    got = call(submission, f, x, h)
    close_or_named(
        submission,
        got,
        2 * a * x + b + a * h,
        f,
        x,
        h,
        atol=roundoff(20, h),
        why="With h < 0 the same formula (f(x + h) - f(x)) / h looks backwards, and its "
        "error a*h is negative.",
    )


# Why each unusable step must be refused, in the learner's terms.
BAD_STEPS = {
    0.0: "A step of 0 has no slope (it divides 0 by 0): raise ValueError when h == 0.",
    math.inf: "An infinite step lets the function return nan or 0 as a slope: raise "
    "ValueError when h is infinite too (math.isfinite(h) is False for inf and nan).",
    math.nan: "nan is unequal to everything, itself included, so a test like "
    "h == float('nan') never catches it: raise ValueError when math.isfinite(h) is False "
    "(or math.isnan(h)).",
    -math.inf: "A step of -inf is infinite too: a test like h == math.inf catches only "
    "+inf, and -inf too gives nan or 0 as a slope. Raise ValueError for both infinities "
    "(math.isinf(h) is True, and math.isfinite(h) False, for +inf and -inf alike).",
}


@pytest.mark.points(2)
def test_zero_or_non_finite_step_raises_value_error(submission, rng):
    """h == 0, inf, -inf or nan has no slope: the function raises ValueError; other steps do not."""
    f = get("ufunc", name="sin")
    x = float(rng.uniform(-1, 1))
    for bad, why in BAD_STEPS.items():
        checks.raises(submission.forward_difference, "ValueError", f, x, bad, why=why)
    # ... and only then: a usable step still gives its slope.
    h = float(10 ** rng.uniform(-4, -2))
    close_or_named(
        submission,
        call(submission, f, x, h),
        (f(x + h) - f(x)) / h,
        f,
        x,
        h,
        atol=1e-9,
        why="A usable step, once the check of h lets it through, gives the forward difference.",
    )
    # Tiny steps, of either sign, are valid too: only 0 and non-finite steps are refused.
    for tiny in (1e-13, -1e-300):
        checks.close(
            call(submission, f, x, tiny),
            (f(x + tiny) - f(x)) / tiny,
            submission.last_text,
            rtol=1e-9,
            atol=1e-9,
            why="A tiny step is valid: its slope is (f(x + h) - f(x)) / h like any other, "
            "however inaccurate round-off makes it.",
            section=SECTION,
        )
