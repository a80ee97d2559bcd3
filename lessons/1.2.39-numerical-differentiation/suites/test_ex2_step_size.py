"""Hidden checks for 1.2.39.2: forward_errors, best_step and the two constants.

Expected values are analytic: the error |a|*h of a quadratic, the Taylor estimate
h/2 * |f''(x)| for smooth functions, the V of truncation against round-off, and a best
step near sqrt(eps). Functions, points and steps are drawn at grade time.

Before a check asserts, it diagnoses: a wrong value is compared with what the common
slips compute from the same trusted f (the central or backward difference, signed or
relative errors, the estimates themselves, the errors in sorted order; for best_step the
index, the smallest step, the largest error, ...), and the message names the slip the
values show. A message says nothing about the code that the values do not show.
"""

from dataclasses import dataclass

import numpy as np
import pytest

from grader.grading import checks
from grader.grading.inputs import lesson_inputs
from grader.sandbox.trusted import TrustedFunction

get = lesson_inputs(__file__).get  # the lesson's trusted functions (inputs.py)

EPS = np.finfo(float).eps

# What an exception from learner code usually means in this exercise (grader/grading/plugin.py).
ERROR_ADVICE = {
    # float(), int() and the math module take one number: an array of steps or errors
    # makes them say so (NumPy 2: "only 0-dimensional"; older NumPy: length-1, size-1).
    **dict.fromkeys(
        [f"TypeError/only {words}" for words in ("0-dimensional", "length-1", "size-1")],
        "A function that takes one number was given an array: the math module's functions "
        "(math.fabs, math.pow, math.sqrt, math.exp, math.log, ...), float() and int() each "
        "take a single number. Python's line number shows which one. For an array of steps "
        "or errors use the operators (-, /, **) and NumPy's functions (np.abs, np.exp, ...), "
        "which work entry by entry, or loop over the steps one at a time.",
    ),
    "TypeError": "steps may come as a Python list, and a list does no arithmetic: "
    "x + [0.1, 0.01] fails. Make an array of it first, or loop over the steps one by "
    "one. The math module (math.fabs, math.log) also takes one number, not an array.",
    "AttributeError": "Lists and NumPy arrays have different methods: an array has no "
    ".index, a list has no .argmin or .shape. NumPy's own functions, such as "
    "np.argmin(values), work on both.",
    "ValueError": "Often an if, and, or or applied to a whole array of errors at once "
    "(the truth value of an array is ambiguous): compare one error at a time in a loop, "
    "or let NumPy find the smallest.",
    "IndexError": "An index past the end of the steps: check the loop's range against "
    "len(steps), and that the position you use comes from the same list of steps.",
}
GRID = [10.0**-k for k in range(1, 16)]  # 1e-1, 1e-2, ..., 1e-15


@dataclass
class Smooth:
    """A smooth trusted f with its derivative, at a point x where f'' is far from 0."""

    f: TrustedFunction
    dfdx: TrustedFunction
    x: float
    value: float  # |f(x)|
    slope: float  # f'(x)
    curvature: float  # f''(x)
    third: float  # a bound on |f'''| over [x, x + 0.1]


def smooth(rng: np.random.Generator) -> Smooth:
    """sin(s*x) with s*x in [0.5, 2.5] (so f'' < 0) or exp(s*x), drawn at grade time."""
    s = float(rng.uniform(0.5, 2.0))
    if rng.random() < 0.5:
        x = float(rng.uniform(0.5, 2.5)) / s
        sin, cos = np.sin(s * x), np.cos(s * x)
        f = get("ufunc", name="sin", scale=s)
        dfdx = get("ufunc_derivative", name="sin", scale=s)
        return Smooth(f, dfdx, x, abs(sin), s * cos, -s * s * sin, s**3)
    x = float(rng.uniform(-1.0, 1.0))
    exp = np.exp(s * x)
    f = get("ufunc", name="exp", scale=s)
    dfdx = get("ufunc_derivative", name="exp", scale=s)
    return Smooth(f, dfdx, x, exp, s * exp, s * s * exp, s**3 * np.exp(s * (x + 0.1)))


def roundoff(value: float, x: float, slope: float, h) -> np.ndarray:
    """A generous bound on the round-off in (f(x + h) - f(x)) / h: the rounding of f's
    two values and of x + h, each a few eps, divided by h."""
    return 8 * EPS * (1.0 + value + abs(x * slope)) / np.abs(np.asarray(h, dtype=float))


def shuffled_steps(rng: np.random.Generator) -> np.ndarray:
    """Twelve steps from 1e-1 to 1e-10 in an order that is not sorted by error.

    The first step is a large one (where truncation rules and errors are far from the
    best), and the second is larger still, with a larger error: a search that stops at the
    first rise in error returns the first step, which is clearly not the best."""
    large = 10.0 ** -rng.uniform(1, 4, size=4)  # truncation side, errors >> the minimum
    small = 10.0 ** -rng.uniform(4, 10, size=8)
    large.sort()
    first = int(rng.integers(0, 3))
    second = int(rng.integers(first + 1, 4))  # a larger step, so a larger error
    head = [large[first], large[second]]
    tail = rng.permutation(np.concatenate([np.delete(large, [first, second]), small]))
    return np.concatenate([head, tail])


def error_slips(f, dfdx, x: float, steps) -> list[tuple[np.ndarray, str]]:
    """What common slips in forward_errors compute for these inputs, each with what the
    learner reads when their values match it."""
    h = np.asarray(steps, dtype=float)
    here, ahead, behind = f(x), np.asarray(f(x + h)), np.asarray(f(x - h))
    exact = float(dfdx(x))
    forward = (ahead - here) / h
    errors = np.abs(forward - exact)
    rising, falling = np.argsort(h), np.argsort(h)[::-1]
    return [
        (
            np.abs((ahead - behind) / (2 * h) - exact),
            "These are the errors of the central difference (f(x + h) - f(x - h)) / (2h). "
            "This exercise measures the forward difference (f(x + h) - f(x)) / h, whose "
            "truncation error h/2 * |f''(x)| draws the V.",
        ),
        (
            np.abs((here - behind) / h - exact),
            "These are the errors of the backward difference (f(x) - f(x - h)) / h. This "
            "exercise measures the forward difference (f(x + h) - f(x)) / h.",
        ),
        (
            forward - exact,
            "Where the estimate falls below dfdx(x) the error came out negative: the sign "
            "was kept. An error is a distance, the absolute value of "
            "estimate - dfdx(x), so that the best step is the one closest to the truth.",
        ),
        (
            errors / abs(exact),
            "These are relative errors, divided by |dfdx(x)|. The exercise asks for the "
            "absolute error |estimate - dfdx(x)|, with no division.",
        ),
        (
            errors**2,
            "Each value is the square of the right error, (estimate - dfdx(x)) ** 2: a "
            "squared error, as in a squared loss. The exercise asks for the absolute error "
            "|estimate - dfdx(x)| itself, not its square: an error of 0.01 is 0.01, not "
            "0.0001.",
        ),
        (
            np.abs(forward),
            "These are the estimates of f'(x) themselves. The error of each is its distance "
            "from the exact derivative dfdx(x).",
        ),
        (
            forward,
            "These are the estimates of f'(x) themselves. The error of each is its distance "
            "from the exact derivative dfdx(x).",
        ),
        (
            np.abs(ahead - here) / h - exact,
            "These are |f(x + h) - f(x)| / h - dfdx(x): the absolute value wraps only the "
            "numerator, the rise f(x + h) - f(x), so where f falls over the step the "
            "estimate loses its sign{negative}. The absolute value must wrap the whole "
            "difference estimate - dfdx(x), not only the numerator.",
        ),
        (
            np.abs(ahead - here / h - exact),
            "Only f(x) was divided by h: Python divides before it subtracts (operator "
            "precedence), so f(x + h) - f(x) / h is f(x + h) - (f(x) / h). The whole "
            "difference needs parentheses before it is divided by h.",
        ),
        (
            errors[rising],
            "These are the right errors, but in order of increasing h, not in the order "
            "the steps were given. Entry i of the result belongs to steps[i].",
        ),
        (
            errors[falling],
            "These are the right errors, but in order of decreasing h, not in the order "
            "the steps were given. Entry i of the result belongs to steps[i].",
        ),
    ]


def diagnose_errors(got: np.ndarray, f, dfdx, x: float, steps, call: str) -> None:
    """If ``got`` is not the forward difference's errors but matches a common slip, fail
    naming the slip."""
    h = np.asarray(steps, dtype=float)
    value, slope = abs(float(f(x))), float(dfdx(x))
    tolerance = roundoff(value, x, slope, h)
    right = np.abs((np.asarray(f(x + h)) - f(x)) / h - slope)
    if np.all(np.abs(got - right) <= tolerance):
        return
    matches = []
    with np.errstate(all="ignore"):  # a slip may divide by 0 where the right code does not
        slips = error_slips(f, dfdx, x, h)
    for slip, why in slips:
        allowed = tolerance + 1e-9 * np.abs(slip)
        if np.any(np.abs(slip - right) > allowed) and np.all(np.abs(got - slip) <= allowed):
            matches.append(why)
    below = np.flatnonzero(got < -tolerance)  # negative beyond any round-off
    negative = (
        f", and {len(below)} of the errors came out negative (entry {below[0]}: "
        f"{checks.show(float(got[below[0]]))})"
        if below.size
        else ""
    )
    if len(set(matches)) == 1:  # name a slip only when the values point to one
        why = matches[0].replace("{negative}", negative)
        checks.fail(f"{call} returned {checks.show(got)}. {why}", "step-size")
    if below.size:  # no one slip, but a negative error is a sure sign on its own
        checks.fail(
            f"{call} returned {checks.show(got)}: entry {below[0]}, the error for the step "
            f"{h[below[0]]:.6g}, came out negative ({checks.show(float(got[below[0]]))}). "
            "An error is a distance, never negative: the absolute value "
            "|estimate - dfdx(x)| must be the last thing computed, around the whole "
            "difference.",
            "step-size",
        )


def stopped_after_the_first_step(returned, got: np.ndarray, f, dfdx, x, steps, call) -> None:
    """One value where there are several steps, and it is the first step's error (right, or
    as a common slip computes it): the loop ended after its first step, as a return inside
    the loop does. Fail saying so. ``returned`` is what came back, ``got`` it as an array."""
    if got.size != 1 or got.ndim > 1 or len(steps) < 2:
        return
    h = np.asarray(steps, dtype=float)
    value, slope = abs(float(f(x))), float(dfdx(x))
    tolerance = roundoff(value, x, slope, h[:1])[0]
    right = abs((float(f(x + h[0])) - f(x)) / h[0] - slope)
    with np.errstate(all="ignore"):
        firsts = [right] + [float(slip[0]) for slip, _ in error_slips(f, dfdx, x, h[:1])]
    one = float(got.ravel()[0])
    bounds = [
        tolerance + 1e-9 * abs(v) for v in firsts if abs(one - v) <= tolerance + 1e-9 * abs(v)
    ]
    if not bounds:
        return
    bound = min(bounds)
    # ... unless the error of another step is about as close: then it proves nothing.
    others = np.abs((np.asarray(f(x + h[1:])) - f(x)) / h[1:] - slope)
    if np.any(np.abs(one - others) <= 100 * bound):
        return
    if got.ndim == 0:
        kind = "one number"
    elif isinstance(returned, np.ndarray):
        kind = f"an array of shape {got.shape}"
    else:
        kind = f"a {type(returned).__name__} of one value"
    checks.fail(
        f"{call} returned {kind}, {checks.show(one)}, where {len(h)} steps need {len(h)} "
        f"errors. That one value belongs to the first step, steps[0] = {h[0]:.6g}: the "
        "function stopped after the first step, as a return inside the loop does (a return "
        "indented under the for). Return once the loop has gone through every step.",
        "step-size",
    )


def learner_errors(submission, f, dfdx, x, steps) -> np.ndarray:
    got = submission.forward_errors(f, dfdx, x, steps)
    checks.true(
        not submission.last.mutated,
        f"{submission.last_text} changed the steps it was given. Leave the caller's steps "
        "as they were: if you want them sorted or converted, work on a copy.",
    )
    array = checks.as_array(got, submission.last_text, what="an array of errors")
    stopped_after_the_first_step(got, array, f, dfdx, x, steps, submission.last_text)
    checks.true(
        array.shape == (len(steps),),
        f"{submission.last_text} returned an array of shape {array.shape}; expected shape "
        f"({len(steps)},): one error per step, in the order of the steps.",
    )
    diagnose_errors(array, f, dfdx, x, steps, submission.last_text)
    if not isinstance(got, np.ndarray):  # right values in a list: say so once they are right
        h = np.asarray(steps, dtype=float)
        right = np.abs((np.asarray(f(x + h)) - f(x)) / h - float(dfdx(x)))
        checks.true(
            not np.allclose(array, right, rtol=1e-6, atol=0),
            f"{submission.last_text} returned a Python {type(got).__name__} with the right "
            "errors; the statement asks for a NumPy array. Compute the errors with NumPy "
            "on an array of the steps (or turn your result into one) before returning it.",
        )
    return array


def diagnose_best(got: float, f, dfdx, x: float, steps, call: str) -> None:
    """If best_step's answer is not the best step but what a common slip returns, fail
    naming the slip."""
    h = np.asarray(steps, dtype=float)
    here, exact = f(x), float(dfdx(x))
    errors = np.abs((np.asarray(f(x + h)) - here) / h - exact)
    # The same formula rounded in another order moves each error by a few eps*|f|/h.
    noise = 4 * EPS * ((abs(here) + np.abs(np.asarray(f(x + h)))) / h + abs(exact))
    best = int(np.argmin(errors))

    def worse(i: int) -> bool:
        return errors[i] > errors[best] + noise[i] + noise[best]

    def near(a: float, b: float) -> bool:
        return bool(np.isclose(a, b, rtol=1e-9, atol=0))

    if float(got).is_integer() and 0 <= got < len(h) and not any(near(got, v) for v in h):
        checks.fail(
            f"{call} returned {got:g}, which is not one of the steps given but is the "
            f"position of one in the list (steps[{int(got)}] = {h[int(got)]:.3g}). Return "
            "the step itself, not its index.",
            "step-size",
        )
    if not any(near(got, v) for v in h) and any(near(got, e) for e in errors):
        checks.fail(
            f"{call} returned {got:.3e}, which is not one of the steps but one of their "
            "errors. best_step returns the step whose error is smallest, not that error.",
            "step-size",
        )
    walk = best  # a walk down sorted steps is fine; only unsorted ones can mislead it
    for i in range(1, len(h) if np.any(np.diff(h) > 0) else 0):
        if errors[i] > errors[i - 1]:
            walk = i - 1
            break
    order = np.argsort(h)
    candidates = [
        (
            int(np.argmin(h)),
            "the smallest of the steps. A smaller step is not always better: below about "
            "1e-8 the round-off error, about eps * |f(x)| / h, grows as h shrinks.",
        ),
        (
            int(np.argmax(errors)),
            "the step with the largest error. The best step is the one whose error is smallest.",
        ),
        (
            int(order[best]),
            "the step at the best error's position in the steps sorted by size, but the "
            "errors were in the order the steps were given. Take the step and its error "
            "from the same order.",
        ),
        (
            int(order[::-1][best]),
            "the step at the best error's position in the steps sorted by size, but the "
            "errors were in the order the steps were given. Take the step and its error "
            "from the same order.",
        ),
        (
            walk,
            "the step just before the first step whose error grows. The steps are not "
            "sorted, so the first rise in error says nothing about the rest: compare "
            "every error with every other.",
        ),
    ]
    matches = {why: i for i, why in candidates if near(got, h[i]) and worse(i)}
    if len(matches) == 1:  # name a slip only when the answer points to one
        why, i = next(iter(matches.items()))
        checks.fail(
            f"{call} returned {got:.3e}, where the forward difference errs by "
            f"{errors[i]:.2e}; the step {h[best]:.3e} errs by only {errors[best]:.2e}. "
            f"{got:.3e} is {why}",
            "step-size",
        )


def learner_best(submission, f, dfdx, x, steps) -> float:
    got = checks.as_float(
        submission.best_step(f, dfdx, x, steps),
        submission.last_text,
        "one of the steps (a number)",
    )
    diagnose_best(got, f, dfdx, x, steps, submission.last_text)
    return got


@pytest.mark.points(2)
@pytest.mark.section("forward-difference")
def test_quadratic_errors_are_a_times_h(submission, rng):
    """For a*x**2 + b*x + c the error at step h is exactly |a|*h."""
    for sign in (1.0, -1.0):
        a = sign * float(rng.uniform(0.5, 3.0))
        b, c = rng.uniform(-2, 2, size=2)
        x = float(rng.uniform(-2, 2))
        steps = [float(h) for h in 10.0 ** rng.uniform(-4, 0, size=6)]
        f = get("poly", coeffs=[float(c), float(b), a])
        dfdx = get("poly", coeffs=[float(b), 2 * a], derivative=True)
        got = learner_errors(submission, f, dfdx, x, steps)
        value, slope = abs(a * x * x + b * x + c), 2 * a * x + b
        checks.close(
            got,
            np.abs(a) * np.asarray(steps),
            submission.last_text,
            rtol=0,
            atol=roundoff(value, x, slope, steps),
            why="The forward difference of a*x**2 + b*x + c overshoots f'(x) by "
            "exactly a*h, so the absolute error is |a|*h. Compute "
            "|(f(x + h) - f(x)) / h - dfdx(x)| for each h, in the order given.",
        )


@pytest.mark.points(1)
@pytest.mark.section("step-size")
def test_errors_are_absolute_values(submission, rng):
    """Errors are absolute values: never negative, even where the estimate is too low."""
    s = smooth(rng)
    while s.curvature > 0:  # a concave f: every forward difference falls short of f'(x)
        s = smooth(rng)
    got = learner_errors(submission, s.f, s.dfdx, s.x, GRID[:6])
    checks.true(
        np.all(got >= 0),
        f"{submission.last_text} returned {checks.show(got)}, with negative entries. "
        "An error is a distance, the absolute value of estimate - dfdx(x), so that the "
        "best step is the one closest to the truth, not the one most below it.",
    )


@pytest.mark.points(2)
@pytest.mark.section("truncation-error")
def test_errors_match_the_taylor_estimate(submission, rng):
    """For smooth f and h from 1e-1 to 1e-6 the error is h/2 * |f''(x)|, up to O(h**2)."""
    for _ in range(2):
        s = smooth(rng)
        steps = np.logspace(-1, -6, 6)
        got = learner_errors(submission, s.f, s.dfdx, s.x, steps)
        # Taylor: error = h/2 f''(x) + h**2/6 f'''(xi) for some xi in [x, x + h]
        expected = steps / 2 * abs(s.curvature)
        slack = steps**2 / 6 * s.third + roundoff(s.value, s.x, s.slope, steps)
        checks.close(
            got,
            expected,
            submission.last_text,
            rtol=0,
            atol=slack,
            why="For a smooth f the error of the forward difference is about "
            "h/2 * |f''(x)|: it falls ten times with every tenfold smaller step.",
        )


@pytest.mark.points(2)
@pytest.mark.section("total-error")
def test_errors_draw_a_v(submission, rng):
    """Over 1e-1 ... 1e-15 the errors fall (truncation), bottom out, then rise (round-off)."""
    s = smooth(rng)
    got = learner_errors(submission, s.f, s.dfdx, s.x, list(GRID))
    table = ", ".join(f"h=1e-{k + 1}: {e:.1e}" for k, e in enumerate(got))
    falling = np.all(np.diff(got[:5]) < 0)
    checks.true(
        falling,
        f"{submission.last_text} gave errors {table}. On the large-step side (h from "
        "1e-1 to 1e-5) each error should be smaller than the one before: there the "
        "truncation error h/2 * |f''(x)| dominates, and it shrinks with h.",
    )
    low = float(np.min(got))
    bottom = int(np.argmin(got))
    rises = np.max(got[-3:]) >= 30 * low and got[0] >= 30 * low and 0 < bottom < len(GRID) - 1
    checks.true(
        rises,
        f"{submission.last_text} gave errors {table}. They should draw a V: the "
        "smallest error somewhere in the middle (near h = 1e-8), and on the tiny-step "
        "side (h = 1e-13 to 1e-15) errors far larger again, because round-off, about "
        "eps * |f(x)| / h, grows as h shrinks. Compute the errors in float64 with the "
        "forward difference itself, nothing rounded or clipped.",
    )


@pytest.mark.points(2)
@pytest.mark.section("step-size")
def test_best_step_is_near_sqrt_eps(submission, rng):
    """The best of 1e-1 ... 1e-15 is near sqrt(eps) ~ 1e-8, and smaller if f curves sharply."""
    found = []
    tiny_worst = []  # at each point: has the smallest step 1e-15 the largest error too?
    for _ in range(5):
        s = smooth(rng)
        h = np.asarray(GRID)
        errors = np.abs((np.asarray(s.f(s.x + h)) - s.f(s.x)) / h - s.dfdx(s.x))
        tiny_worst.append(int(np.argmax(errors)) == len(GRID) - 1)
        got = learner_best(submission, s.f, s.dfdx, s.x, list(GRID))
        checks.true(
            any(np.isclose(got, h, rtol=1e-9, atol=0) for h in GRID),
            f"{submission.last_text} returned {checks.show(got)}, which is not one "
            "of the steps given. Return the step itself, steps[i], not its index i "
            "or its error.",
        )
        found.append(got)
    # One unlucky point may land a decade further out; the typical one may not.
    typical = float(np.median(found))
    # Where 1e-15 has the largest error as well, the answer cannot tell "the smallest
    # step" from "the largest error": both are said, neither is claimed.
    checks.true(
        not all(h == min(GRID) for h in found) or not all(tiny_worst),
        "best_step over the steps 1e-1, ..., 1e-15 returned 1e-15 at all five points. "
        "At each of them 1e-15 is both the smallest of the steps and the step with the "
        "largest error: round-off, about eps * |f(x)| / h, swamps the derivative there. "
        "The best step is the one whose error is smallest, near 1e-8 here.",
    )
    checks.true(
        not all(h == min(GRID) for h in found),
        "best_step over the steps 1e-1, ..., 1e-15 returned 1e-15, the smallest of the "
        "steps, at all five points. A smaller step is not always better: below about 1e-8 "
        "the round-off error, about eps * |f(x)| / h, grows as h shrinks, and at 1e-15 "
        "it swamps the derivative. The best step is the one whose error is smallest.",
    )
    checks.true(
        1e-9 * 0.99 <= typical <= 1e-7 * 1.01,
        f"best_step over the steps 1e-1, ..., 1e-15 at five points gave "
        f"{', '.join(f'{h:.0e}' for h in found)}. For smooth functions in float64 "
        "the best forward-difference step is about sqrt(eps) ~ 1.5e-8, so most "
        "answers should be 1e-7, 1e-8 or 1e-9: the step whose absolute error is the "
        "smallest.",
    )
    # The same search where f curves s**2 times more: the truncation error h/2 * |f''|
    # grows s**2 times faster, so the best step is about 2 * sqrt(eps) / s, near 1e-10.
    # A step that is always about 1e-8 was never searched for.
    found = []
    for _ in range(5):
        scale = float(rng.uniform(50, 200))
        x = float(rng.uniform(-2.0, 2.0)) / scale
        f = get("ufunc", name="exp", scale=scale)
        dfdx = get("ufunc_derivative", name="exp", scale=scale)
        got = learner_best(submission, f, dfdx, x, list(GRID))
        found.append(got)
    typical = float(np.median(found))
    checks.true(
        1e-11 * 0.99 <= typical <= 1e-9 * 1.01,
        f"best_step over the steps 1e-1, ..., 1e-15 for f(x) = exp(s*x) with s between 50 "
        f"and 200 gave {', '.join(f'{h:.0e}' for h in found)}. There f'' is s**2 times f, "
        "so truncation grows much faster with h and the best step is about "
        "2 * sqrt(eps) / s, near 1e-10: the best step depends on f. Compute the error of "
        "every step and return the step with the smallest one.",
    )


@pytest.mark.points(2)
@pytest.mark.section("step-size")
def test_best_step_has_the_smallest_error(submission, rng):
    """best_step returns the step with the smallest error, whatever the order of steps."""
    for _ in range(2):
        s = smooth(rng)
        h = shuffled_steps(rng)
        steps = [float(v) for v in h]
        got = learner_best(submission, s.f, s.dfdx, s.x, steps)
        call = submission.last_text
        checks.true(
            any(np.isclose(got, v, rtol=1e-9, atol=0) for v in steps),
            f"{call} returned {checks.show(got)}, which is not one of the steps "
            "given. Return the step itself, steps[i], not its index i or its error.",
        )
        f_step, f_x, exact = np.asarray(s.f(s.x + h)), s.f(s.x), s.dfdx(s.x)
        errors = np.abs((f_step - f_x) / h - exact)
        best, mine = int(np.argmin(errors)), int(np.argmin(np.abs(h - got)))
        # The same formula rounded in another order, f(x + h)/h - f(x)/h say, moves each
        # error by a few eps * |f| / h, and near the best step that can change the winner.
        noise = 4 * EPS * ((abs(f_x) + np.abs(f_step)) / h + abs(exact))
        if errors[mine] <= errors[best] + noise[mine] + noise[best]:
            continue
        checks.fail(
            f"{call} returned {got:.3e}, where the forward difference errs by "
            f"{errors[mine]:.2e}; the step {h[best]:.3e} errs by only {errors[best]:.2e}. "
            "The steps here are not sorted: compute the error of every step, then return "
            "the step whose error is smallest.",
            "step-size",
        )

    # A quadratic has truncation only: the smallest of these (not tiny) steps wins.
    a, b = float(rng.uniform(0.5, 2.0)), float(rng.uniform(-1, 1))
    steps = rng.permutation(10.0 ** -np.arange(0, 6, dtype=float)) * rng.uniform(1, 2)
    if np.all(np.diff(steps) > 0):  # drawn sorted: sorting them in place would change nothing
        steps = steps[::-1].copy()
    got = learner_best(
        submission,
        get("poly", coeffs=[0.0, b, a]),
        get("poly", coeffs=[b, 2 * a], derivative=True),
        float(rng.uniform(-1, 1)),
        steps,
    )
    checks.true(
        not submission.last.mutated,
        f"{submission.last_text} changed the steps array it was given. Leave the "
        "caller's array as it was: if you want the steps sorted, sort a copy.",
    )
    checks.close(
        got,
        steps.min(),
        submission.last_text,
        rtol=1e-12,
        why="For a quadratic the error is |a|*h, so among steps from 1 down to 1e-5 "
        "the smallest is best.",
    )


def _normalise(answer) -> str | None:
    if not isinstance(answer, str):
        return None
    text = answer.strip().lower().replace("_", "-").replace(" ", "-")
    return "round-off" if text in ("round-off", "roundoff") else text


@pytest.mark.points(2)
@pytest.mark.section("total-error")
def test_constants_name_the_dominant_errors(submission):
    """LARGE_STEP_ERROR is "truncation" and TINY_STEP_ERROR is "round-off"."""
    answers = {name: submission.constant(name) for name in ("LARGE_STEP_ERROR", "TINY_STEP_ERROR")}
    for name, answer in answers.items():
        checks.true(
            answer is not None,
            f'{name} is still None: replace it with "truncation" or "round-off".',
        )
        checks.true(
            _normalise(answer) in ("truncation", "round-off"),
            f"{name} is {checks.show(answer)}; it should be one of the two texts "
            '"truncation" or "round-off".',
        )
    large, tiny = (_normalise(answers[n]) for n in ("LARGE_STEP_ERROR", "TINY_STEP_ERROR"))
    checks.true(
        (large, tiny) != ("round-off", "truncation"),
        f"LARGE_STEP_ERROR is {answers['LARGE_STEP_ERROR']!r} and TINY_STEP_ERROR is "
        f"{answers['TINY_STEP_ERROR']!r}: the two are swapped. A large step such as 0.1 "
        "keeps plenty of digits but the formula drops the Taylor terms h/2 * f''(x) + ..., "
        "which grow with h; a tiny step such as 1e-14 cancels most digits of "
        "f(x + h) - f(x), and dividing by h magnifies the loss.",
    )
    checks.true(
        large == "truncation",
        f"LARGE_STEP_ERROR is {answers['LARGE_STEP_ERROR']!r}. With a large step such "
        "as h = 0.1 the digits are plentiful; what goes wrong is the formula itself: "
        "it drops the Taylor terms h/2 * f''(x) + ..., which grow with h.",
    )
    checks.true(
        tiny == "round-off",
        f"TINY_STEP_ERROR is {answers['TINY_STEP_ERROR']!r}. With h = 1e-14, f(x + h) "
        "and f(x) agree in almost all of their 16 digits, so their difference keeps "
        "only one or two correct digits; dividing by h magnifies that loss. That is "
        "round-off, eps * |f(x)| / h.",
        section="round-off",
    )
