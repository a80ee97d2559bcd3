"""Hidden checks for 1.2.39.4: central_difference(f, x, h) and
observed_order(method, f, dfdx, x, steps).

Expected values are analytic (exactness on quadratics, the error a*h**2 on cubics, orders
1 and 2) or computed at grade time from their definition (the least-squares slope of the
errors of a trusted method). The methods passed to observed_order are trusted forward,
backward and central differences, so the orders are judged independently of the
learner's own central_difference.

Before a check asserts, it diagnoses: a wrong value is compared with what the common
slips compute from the same trusted f (a forward difference, `/ 2 * h`, abs(h), a fit
through two points, swapped axes, ...), and the message names the slip the values show.
A message says nothing about the code that the values do not show.
"""

import numpy as np
import pytest

from grader.grading import checks
from grader.grading.inputs import lesson_inputs
from grader.sandbox.workers import LearnerError

get = lesson_inputs(__file__).get  # the lesson's trusted functions (inputs.py)

EPS = np.finfo(float).eps

# What an exception from learner code usually means in this exercise (grader/grading/plugin.py).
ERROR_ADVICE = {
    "TypeError": "Compare what the function was given (shown above) with what the code "
    "assumes: x may be an array of points, steps a list or an array, and method and dfdx "
    "are functions to call, as method(f, x, h) and dfdx(x).",
    "ValueError/math domain error": "In observed_order that is usually math.log of an "
    "error that is 0 or negative: an error is a distance, the absolute value of "
    "estimate - dfdx(x).",
    "LinAlgError": "The least-squares fit got points it cannot use: a log(error) that is "
    "nan or -inf, which comes from an error that is negative (keep the distance, not the "
    "signed difference) or exactly zero.",
    "AttributeError": "Often a Python float where an array method was used (x.shape, "
    ".reshape), or a list of steps used as an array: np.asarray makes an array of either.",
}


def where(error: LearnerError) -> str:
    """ " (your file, line N)" for an exception from learner code, as the plugin writes it."""
    line = error.error.get("line")
    return f" (your file, line {line})" if line else ""


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


# --- central_difference: what the common slips compute -------------------------------

CENTRAL_SECTION = "central-difference"


def slips(f, x, h) -> list[tuple[np.ndarray, str]]:
    """What common slips in writing (f(x + h) - f(x - h)) / (2h) compute, each with what
    the learner reads when their values match it."""
    x = np.asarray(x, dtype=float)
    ahead, behind, here = (np.asarray(f(p), dtype=float) for p in (x + h, x - h, x))
    half = np.asarray(f(x + h / 2), dtype=float) - np.asarray(f(x - h / 2), dtype=float)
    found = [
        (
            (ahead - here) / h,
            "That is the forward difference (f(x + h) - f(x)) / h, which looks to one side "
            "of x only. The central difference takes the two points on both sides of x, "
            "x + h and x - h.",
        ),
        (
            (here - behind) / h,
            "That is the backward difference (f(x) - f(x - h)) / h, which looks to one "
            "side of x only. The central difference takes the two points on both sides of "
            "x, x + h and x - h.",
        ),
        (
            (ahead - behind) / h,
            "That is exactly twice the central difference: the difference was divided by h. "
            "The points x - h and x + h are 2h apart, and the slope divides by that "
            "distance, 2h.",
        ),
        (
            (ahead - behind) / 2 * h,
            "That is (f(x + h) - f(x - h)) / 2 multiplied by h, not divided by it: Python "
            "reads `/ 2 * h` from left to right, as (... / 2) * h (operator precedence). "
            "The whole denominator 2h needs parentheses of its own.",
        ),
        (
            ahead - behind / (2 * h),
            "That is f(x + h) - (f(x - h) / (2h)): Python divides before it subtracts "
            "(operator precedence), so only f(x - h) was divided. The whole difference "
            "f(x + h) - f(x - h) needs parentheses before it is divided by 2h.",
        ),
        (
            half / h,
            "That is the central difference with the half step h/2, from f(x + h/2) and "
            "f(x - h/2). Its error is a quarter of the one asked for: use the points "
            "x + h and x - h.",
        ),
    ]
    if np.all(np.asarray(h) < 0):
        found.append(
            (
                (ahead - behind) / (2 * abs(h)),
                "That is the right number with its sign flipped, which is what abs(h) in the "
                "formula gives for a negative h. The formula is symmetric: with -h it "
                "reads (f(x - h) - f(x + h)) / (-2h), the same number, so use h as given.",
            )
        )
    else:
        found.append(
            (
                (behind - ahead) / (2 * h),
                "That is the right number with its sign flipped: the difference was taken "
                "the other way round. The slope goes from x - h to x + h: "
                "f(x + h) - f(x - h), over 2h.",
            )
        )
    return found


def diagnose_central(got, f, x, h, want, atol, call: str) -> None:
    """If ``got`` misses ``want`` but matches a common slip, fail naming the slip."""
    try:
        value = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return  # not numbers: checks.close says so
    want = np.asarray(want, dtype=float)
    if value.shape != want.shape or np.all(np.abs(value - want) <= atol):
        return
    matches = set()
    for slip, why in slips(f, x, h):
        slip = np.broadcast_to(slip, want.shape)
        distinct = np.any(np.abs(slip - want) > atol)
        if distinct and np.all(np.abs(value - slip) <= atol + 1e-9 * np.abs(slip)):
            matches.add(why)
    if len(matches) == 1:  # name a slip only when the values point to one
        checks.fail(
            f"{call} gave {checks.show(got)} where the central difference is "
            f"{checks.show(want if want.ndim else float(want))}. {matches.pop()}",
            CENTRAL_SECTION,
        )


def central(submission, f, x, h, want, atol):
    """The learner's central_difference(f, x, h), diagnosed against ``want``."""
    got = submission.central_difference(f, x, h)
    diagnose_central(got, f, x, h, want, atol, submission.last_text)
    return got


@pytest.mark.points(2)
@pytest.mark.section(CENTRAL_SECTION)
def test_exact_for_quadratics(submission, rng):
    """For a*x**2 + b*x + c the central difference is exact, however large h is."""
    for _ in range(3):
        a, b, c = (float(v) for v in rng.uniform(-3, 3, size=3))
        x, h = float(rng.uniform(-2, 2)), float(rng.uniform(0.1, 1.0))
        f = get("poly", coeffs=[c, b, a])
        atol = roundoff(abs(a) * (abs(x) + h) ** 2 + 4 * abs(b) + abs(c), h)
        got = central(submission, f, x, h, 2 * a * x + b, atol)
        checks.close(
            got,
            2 * a * x + b,
            submission.last_text,
            rtol=0,
            atol=atol,
            why="In (f(x + h) - f(x - h)) / (2h) the h*f''(x)/2 terms of the two steps "
            "cancel, and a quadratic has nothing beyond them: the result is exactly "
            "2*a*x + b, whatever h is.",
        )


@pytest.mark.points(2)
@pytest.mark.section("truncation-error")
def test_cubic_error_is_a_h_squared(submission, rng):
    """For a*x**3 + b*x**2 + c*x + d the error is exactly a*h**2."""
    for _ in range(3):
        a, b, c, d = cubic(rng)
        x, h = float(rng.uniform(-2, 2)), float(rng.uniform(0.05, 0.5))
        f = get("poly", coeffs=[d, c, b, a])
        exact = 3 * a * x * x + 2 * b * x + c
        atol = roundoff(abs(a) * (abs(x) + h) ** 3 + 4 * abs(b) + 2 * abs(c) + abs(d), h)
        got = central(submission, f, x, h, exact + a * h * h, atol)
        checks.close(
            got,
            exact + a * h * h,
            submission.last_text,
            rtol=0,
            atol=atol,
            why=f"The true derivative is {exact:.6g}; the central difference of a cubic "
            f"errs by exactly h**2/6 * f'''(x) = a*h**2 = {a * h * h:.6g}, the second-order "
            "truncation error.",
        )


@pytest.mark.points(1)
@pytest.mark.section(CENTRAL_SECTION)
def test_negative_step_gives_the_same_value(submission, rng):
    """A negative h gives the same value as h: the formula is symmetric."""
    a, b, c, d = cubic(rng)
    x, h = float(rng.uniform(-2, 2)), float(rng.uniform(0.05, 0.5))
    f = get("poly", coeffs=[d, c, b, a])
    want = 3 * a * x * x + 2 * b * x + c + a * h * h
    atol = roundoff(abs(a) * (abs(x) + h) ** 3 + 4 * abs(b) + 2 * abs(c) + abs(d), h)
    try:
        got = central(submission, f, x, -h, want, atol)
    except LearnerError as error:
        if not error.is_a("ValueError"):
            raise
        checks.fail(
            f"{error.call_text} raised ValueError for the negative step {-h:.6g}. A "
            "negative h is a valid step here: with -h the formula reads "
            "(f(x - h) - f(x + h)) / (-2h), the same number as with h.",
            CENTRAL_SECTION,
        )
    checks.close(
        got,
        want,
        submission.last_text,
        rtol=0,
        atol=atol,
        why="With -h the formula reads (f(x - h) - f(x + h)) / (-2h), the same number as with h.",
    )


@pytest.mark.points(1)
@pytest.mark.section(CENTRAL_SECTION)
def test_arrays_keep_their_shape(submission, rng):
    """An array of points gives an array of estimates of the same shape."""
    x = rng.uniform(-3, 3, size=(2, 3))
    h = 1e-3
    f = get("ufunc", name="sin")
    atol = h * h / 6 + roundoff(1.0, h)  # truncation h**2/6 * |f'''| <= h**2/6
    try:
        got = central(submission, f, x, h, np.cos(x), atol)
    except LearnerError as error:
        if not error.is_a("TypeError"):
            raise
        checks.fail(
            f"{error.call_text} raised TypeError{where(error)}: "
            f"{error.error.get('message', '')}. Here x is an array of points of shape "
            f"{x.shape}, and something in the function wants a single number: float(x), a "
            "function from the math module, or an if on x do. Arithmetic and f itself work "
            "on a whole array, one entry at a time.",
            CENTRAL_SECTION,
        )
    checks.close(
        got,
        np.cos(x),
        submission.last_text,
        rtol=0,
        atol=atol,
        why="Here x is an array of points, and each entry of the result is the central "
        "difference at that entry of x, in an array of x's shape.",
    )
    checks.true(
        not submission.last.mutated,
        f"{submission.last_text} changed the array x it was given. Build x + h and x - h "
        "as new arrays instead of changing x in place.",
    )


# --- observed_order: what the common slips compute -----------------------------------


def slope(u, v) -> float:
    """The least-squares slope of the points (u_i, v_i)."""
    u, v = np.asarray(u, dtype=float), np.asarray(v, dtype=float)
    return float(np.sum((u - u.mean()) * (v - v.mean())) / np.sum((u - u.mean()) ** 2))


def signed_errors(method, f, dfdx, x, steps) -> np.ndarray:
    return np.array([float(method(f, x, step)) - float(dfdx(x)) for step in steps])


def least_squares_slope(method, f, dfdx, x, steps) -> float:
    """The slope of the least-squares line through (log h, log |method(f, x, h) - f'(x)|)."""
    h = np.asarray(steps, dtype=float)
    return slope(np.log(h), np.log(np.abs(signed_errors(method, f, dfdx, x, h))))


def fitting_slips(kind, f, dfdx, x, steps) -> list[tuple[float, str]]:
    """What common slips in observed_order return for these inputs, each with what the
    learner reads when their value matches it."""
    h = np.asarray(steps, dtype=float)
    errors = np.abs(signed_errors(get("difference_method", kind=kind), f, dfdx, x, h))
    u, v = np.log(h), np.log(errors)
    order = np.argsort(h)
    found = [
        (
            (v[-1] - v[0]) / (u[-1] - u[0]),
            "That is the slope of the line through the first and the last point only. "
            "The order is the least-squares slope over all the points (log h, log error).",
        ),
        (
            slope(u, v / np.log(10)),
            "That is the slope with the logarithms in two bases: log10 of the errors fitted "
            "against the natural log of h (or the other way round) scales the slope by "
            "1/ln(10) = 0.434. Take the same logarithm of both.",
        ),
        (
            slope(u / np.log(10), v),
            "That is the slope with the logarithms in two bases: the natural log of the errors "
            "fitted against log10 of h scales the slope by ln(10) = 2.303. Take the same "
            "logarithm of both.",
        ),
        (
            slope(v, u),
            "That is the slope with the axes swapped: log h fitted against log error, "
            "which gives about 1/p. In error ~ C*h**p the order p multiplies log h, so log h "
            "is the x of the fit and log error the y.",
        ),
        (
            float(np.polyfit(u, v, 1)[1]),
            "That is the intercept of the fitted line, log C. The order p is its slope, "
            "the first of the two numbers the fit gives.",
        ),
        (
            float(np.mean(np.diff(v) / np.diff(u))),
            "That is the average of the slopes between neighbouring points. The order is "
            "the least-squares slope over all the points (log h, log error).",
        ),
        (
            float(np.mean(np.diff(v[order]) / np.diff(u[order]))),
            "That is the average of the slopes between neighbouring points (in order of "
            "h). The order is the least-squares slope over all the points "
            "(log h, log error).",
        ),
        (
            float(np.sum(u * v) / np.sum(u * u)),
            "That is the slope of a line forced through the origin, sum(u*v) / sum(u*u) "
            "with u = log h and v = log error: a fit with no constant term (a design "
            "matrix of log h alone, or MATLAB's u \\ v) makes the line pass through (0, 0). "
            "The line log error = log C + p*log h needs its intercept log C too: fit "
            "v = p*u + c (a column of ones beside log h), or use the slope formula with "
            "the means.",
        ),
        (
            slope(h, errors),
            "That is the slope of the errors against h themselves, with no logarithms. "
            "A power law error ~ C*h**p becomes a straight line only on log-log axes: fit "
            "log(error) against log(h).",
        ),
        (
            float(np.mean(v / u)),
            "That is the average of log(error) / log(h), which ignores the constant C in "
            "error ~ C*h**p. The order is the slope of the line through the points "
            "(log h, log error), fitted by least squares.",
        ),
    ]
    for other in ("forward", "central"):
        if other != kind:
            found.append(
                (
                    least_squares_slope(get("difference_method", kind=other), f, dfdx, x, h),
                    f"That is the order of the {other} difference, but the method passed in "
                    f"here is the {kind} difference. Measure the method you are given: "
                    "each estimate comes from calling method(f, x, h).",
                )
            )
    return found


def order(submission, kind, f, dfdx, x, steps) -> float:
    """The learner's observed_order for the trusted ``kind`` of difference, diagnosed:
    a value that misses the least-squares slope but matches a common slip fails naming it."""
    method = get("difference_method", kind=kind)
    signed = signed_errors(method, f, dfdx, x, steps)
    try:
        raw = submission.observed_order(method, f, dfdx, x, steps)
    except LearnerError as error:
        if error.is_a("ValueError") and "domain" in error.error.get("message", ""):
            if np.any(signed < 0):
                checks.fail(
                    f"{error.call_text} raised ValueError{where(error)}: math domain error, "
                    "from the log of a number that is not positive. For these steps some "
                    "differences method(f, x, h) - dfdx(x) are negative: an error is a "
                    "distance, the absolute value of that difference.",
                    "observed-order",
                )
        said = error.error.get("message", "")
        if error.is_a("TypeError") and "Function'" in said and "operand" in said:
            checks.fail(
                f"{error.call_text} raised TypeError{where(error)}: {said}. A function was "
                "used as a number in arithmetic: f and dfdx are functions, and the exact "
                "derivative at the point is the value dfdx(x).",
                "observed-order",
            )
        if error.is_a("TypeError") and "function given by the grader" in said:
            checks.fail(
                f"{error.call_text} raised TypeError{where(error)}: {said}. A function the "
                "grader passed in was called with arguments it cannot take. The method is "
                "called as method(f, x, h): f first, then the point, then one step; f and "
                "dfdx each take a point.",
                "observed-order",
            )
        raise
    call = submission.last_text
    want = least_squares_slope(method, f, dfdx, x, steps)
    if isinstance(raw, np.ndarray) and raw.shape == (2,) and abs(raw[0] - want) <= 1e-6:
        checks.fail(
            f"{call} returned {checks.show(raw)}: both numbers of the fitted line, its slope "
            "and its intercept. The order is the slope alone, one float.",
            "observed-order",
        )
    number = np.nan
    if isinstance(raw, (int, float, np.integer, np.floating)) and not isinstance(raw, bool):
        number = float(raw)
    elif isinstance(raw, np.ndarray) and raw.ndim == 0 and raw.dtype.kind in "iuf":
        number = float(raw)
    if np.isnan(number) and isinstance(raw, (float, np.floating, np.ndarray)):
        if np.any(signed < 0):
            checks.fail(
                f"{call} returned nan. For these steps some differences "
                "method(f, x, h) - dfdx(x) are negative, and the log of a negative number "
                "is nan: an error is a distance, the absolute value of that difference.",
                "observed-order",
            )
    if np.isfinite(number) and abs(number - want) > 1e-6:
        with np.errstate(all="ignore"):  # a slip may divide by 0 where the right code does not
            found = fitting_slips(kind, f, dfdx, x, steps)
        matches = {
            why
            for value, why in found
            if abs(value - want) > 1e-6 and abs(number - value) <= 1e-6 * max(1, abs(value))
        }
        if len(matches) == 1:  # name a slip only when the value points to one
            checks.fail(
                f"{call} returned {number:.6g}; the least-squares slope of log(error) "
                f"against log(h) is {want:.6g}. {matches.pop()}",
                "observed-order",
            )
    return checks.as_float(raw, call, "the order, a number such as 1.0 or 2.0")


@pytest.mark.points(3)
@pytest.mark.section("observed-order")
def test_orders_of_forward_backward_and_central(submission, rng):
    """On smooth functions forward and backward have order ~1, central order ~2.

    The steps lie where truncation dominates, so the errors fall like h**p. Forward and
    backward share one function: their errors, about f''(x)*h/2 and -f''(x)*h/2, then have
    opposite signs, so one of the two always has negative differences to take |.| of."""
    one_sided = smooth(rng)
    cases = [
        ("forward", 1, np.logspace(-1, -4, 7), one_sided),
        ("backward", 1, np.logspace(-1, -4, 7), one_sided),
        ("central", 2, np.logspace(-1, -3, 5), smooth(rng)),
    ]
    for kind, expected, steps, (f, dfdx, x) in cases:
        got = order(submission, kind, f, dfdx, x, [float(h) for h in steps])
        checks.true(
            abs(got - expected) <= 0.2,
            f"{submission.last_text} returned {got:.4g}; expected about {expected} (within "
            f"0.2). For steps from {steps[0]:g} down to {steps[-1]:g} truncation dominates "
            f"and the {kind} difference's error falls like h**{expected}: the points "
            "(log h, log error) lie close to a line of that slope.",
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
            get("poly", coeffs=[b, 2 * a], derivative=True),
            f"|a|*h with a = {a:.4g}",
        ),
        (
            "central",
            2,
            get("poly", coeffs=[d, c, b, a]),
            get("poly", coeffs=[c, 2 * b, 3 * a], derivative=True),
            f"|a|*h**2 with a = {a:.4g}",
        ),
    ]
    for kind, expected, f, dfdx, law in cases:
        got = order(submission, kind, f, dfdx, x, steps)
        checks.true(
            abs(got - expected) <= 1e-6,
            f"{submission.last_text} returned {got:.6g}; expected {expected}. Here every "
            f"error of the {kind} difference is exactly {law}, so the points "
            f"(log h, log error) lie on one line of slope {expected}.",
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
        got = order(submission, kind, f, dfdx, x, steps)
        checks.true(
            not submission.last.mutated,
            f"{submission.last_text} changed the steps array it was given. Sort or convert "
            "a copy if you need to.",
        )
        expected = least_squares_slope(method, f, dfdx, x, steps)
        checks.true(
            abs(got - expected) <= 1e-6,
            f"{submission.last_text} returned {got:.6g}; the least-squares slope of "
            f"log(error) against log(h) over these six steps is {expected:.6g}. These "
            "errors are not an exact power of h, so the slope depends on the fit: use "
            "every point, with the least-squares slope the statement gives.",
        )
