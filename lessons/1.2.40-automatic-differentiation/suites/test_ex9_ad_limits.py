"""Hidden checks for 1.2.40.9: ad_abs_at_zero(), branch_derivative(x) and
babylonian_sqrt_derivative(a, iterations).

Each answer is what the stub's Dual gives when the stub's program runs on it: AD follows
the branch taken and the loop that ran. The expected values are computed here, never from
the reference: 1.0 for |x| at 0 (the branch x >= 0 returns x), 2x below 1 and 0.0 from 1
on for ``clipped``, and for the Babylonian loop the recurrence of its dual numbers,

    x' = (x + a / x) / 2,    dx' = (dx + (1 * x - a * dx) / x**2) / 2,

from x = 1.0, dx = 0.0 (``loop_derivative``), which the stub's Dual follows operation by
operation, so a learner's value must agree to round-off. The same recurrence started
otherwise gives the common mistakes (the starting guess seeded instead of a, one
iteration too many or too few), and the value part and the calculus answer 1/(2 sqrt(a))
are two more: ``diagnose_loop`` names whichever the learner's value is.
"""

import math

import numpy as np
import pytest

from grader.grading import checks
from grader.sandbox.workers import LearnerError

LOOP_RTOL = 1e-11  # the learner's Dual follows the same operations: round-off only

NOT_A_DUAL = (
    "clipped returns the plain number 1.0 from x = 1 on, not a Dual: a float has no "
    ".derivative. A plain number that comes back is a constant, so its derivative is 0.0; "
    "check what came back before reading its derivative part."
)

ERROR_ADVICE = {
    "branch_derivative:AttributeError/derivative": NOT_A_DUAL,
    "branch_derivative:AttributeError/value": NOT_A_DUAL,
    "AttributeError/derivative": "A plain number came back where your code expected a "
    "Dual: a float has no .derivative. A plain number is a constant, derivative 0.0.",
    "TypeError/not supported between": "A comparison met a Dual: the given Dual compares "
    "with <, <=, > and >= (on its value part), so keep the stub's Dual and functions as "
    "they are.",
}


def call_learner(function, *args):
    """The learner's value, or a failure that says what they raised."""
    try:
        return function(*args)
    except LearnerError as error:
        if error.type_name == "NotImplementedError" or not error.error.get("own_raise"):
            raise
        said = error.error.get("message", "").strip()
        checks.fail(
            f"{function.last_call_text()} raised {error.type_name}"
            + (f' ("{said}")' if said else "")
            + ". Calculus may call a derivative undefined here, but AD always gives a number: "
            "run the given function on a Dual and return the derivative part it computes."
        )


def as_number(got, call: str) -> float:
    if isinstance(got, float) and math.isnan(got):
        checks.fail(
            f"{call} returned nan. Calculus may leave a derivative undefined at a kink, but "
            "AD always computes one: run the given function on a Dual and return its "
            "derivative part."
        )
    return checks.as_float(got, call, "a number, the derivative part")


# --- |x| at 0 ---------------------------------------------------------------------------


@pytest.mark.points(2)
def test_abs_at_zero_follows_the_branch_taken(submission):
    """ad_abs_at_zero() is the derivative of the branch dual_abs takes at 0."""
    got = call_learner(submission.ad_abs_at_zero)
    call = submission.last_text
    value = as_number(got, call)
    if value == 1.0:
        return
    if value == 0.0:
        checks.fail(
            f"{call} returned 0.0. That is the value part of dual_abs at 0 (|0| = 0), or "
            "the calculus answer at the kink (the middle of the slopes -1 and 1), but AD "
            "knows neither: at x = 0 the test x >= 0 is true, so dual_abs returns x itself, "
            "and the derivative part it carries is the seed. Run dual_abs on Dual(0.0, 1.0) "
            "and read the derivative part."
        )
    if value == -1.0:
        checks.fail(
            f"{call} returned -1.0, the derivative of the other branch, -x. At x = 0 the "
            "test x >= 0 is true, so the branch taken is the one that returns x."
        )
    checks.fail(
        f"{call} returned {value!r}; the derivative part of dual_abs(Dual(0.0, 1.0)) is "
        "the derivative of the branch that ran at 0."
    )


# --- the branch of clipped --------------------------------------------------------------


def branch_words(x: float, value: float) -> str:
    """What a wrong derivative of clipped at x is, where its value says so, or ""."""
    below = x < 1
    if below and value == x * x and x * x != 2 * x:
        return "the value part, clipped(x) = x * x itself: return the derivative part of the result"
    if below and value == 0.0:
        return (
            "0.0 where clipped computes x * x: the input was not seeded. Give it the "
            "derivative part 1.0, as in Dual(x, 1.0), so that its slope is carried through"
        )
    if not below and abs(value - 2 * x) <= 1e-12 * abs(2 * x):
        if x == 1.0:
            return (
                "2x, the slope of the branch x * x, at exactly x = 1.0. There the test "
                "x < 1 is false, so clipped returns the constant 1.0, whose derivative is "
                "0.0: the branch taken decides, not the slope from the left (a test such "
                "as x <= 1 takes the wrong branch at 1)"
            )
        return (
            "2x, the slope of the branch x * x, where clipped returns the constant 1.0: "
            "from x = 1 on, the derivative is 0.0"
        )
    if not below and value == 1.0:
        if x == 1.0:
            return (
                "1.0: the value part of clipped(1.0), or the average of the slopes on the "
                "two sides (2 and 0). AD gives neither: at x = 1.0 the test x < 1 is "
                "false, the constant 1.0 is returned, and a constant's derivative is 0.0"
            )
        return (
            "1.0, the value part of the result (the constant 1.0): a constant's derivative is 0.0"
        )
    return ""


def check_branch(submission, x: float) -> None:
    got = call_learner(submission.branch_derivative, x)
    call = submission.last_text
    value = as_number(got, call)
    expected = 2 * x if x < 1 else 0.0
    if abs(value - expected) <= 1e-12 * abs(expected):
        return
    if words := branch_words(x, value):
        checks.fail(f"{call} returned {value!r}: that is {words}.")
    checks.fail(
        f"{call} returned {value!r}; expected {expected!r}: "
        + (
            "below 1, clipped computes x * x, whose derivative is 2x."
            if x < 1
            else "from 1 on, clipped returns the constant 1.0, whose derivative is 0.0."
        )
    )


@pytest.mark.points(2)
def test_branch_below_one_gives_two_x(submission, rng):
    """branch_derivative(x) is 2x below 1, where clipped computes x * x."""
    points = rng.uniform(-3.0, 1.0, size=4).tolist() + [float(np.nextafter(1.0, 0.0))]
    for x in points:
        check_branch(submission, float(x))


@pytest.mark.points(2)
def test_branch_from_one_on_gives_zero(submission, rng):
    """branch_derivative(x) at exactly 1.0 and above follows the branch clipped takes."""
    for x in [1.0, *rng.uniform(1.0, 5.0, size=3).tolist()]:
        check_branch(submission, float(x))


# --- the Babylonian loop ----------------------------------------------------------------


def loop_derivative(a: float, iterations: int, start_slope: float = 0.0, slope_a: float = 1.0):
    """(x, dx) after ``iterations`` steps of x' = (x + a / x) / 2 on dual numbers, from
    x = 1.0 with derivative ``start_slope``, a carrying the derivative ``slope_a``."""
    x, dx = 1.0, start_slope
    for _ in range(iterations):
        quotient = (slope_a * x - a * dx) / x**2
        x, dx = (x + a / x) / 2, (dx + quotient) / 2
    return x, dx


def agrees(value: float, expected: float, rtol: float = LOOP_RTOL) -> bool:
    return abs(value - expected) <= rtol * abs(expected)


def diagnose_loop(a: float, iterations: int, value: float) -> str:
    """What the learner's derivative of the loop is, where its value says so, or ""."""
    calculus = 1 / (2 * math.sqrt(a))
    x, dx = loop_derivative(a, iterations)
    if agrees(value, x):
        return "the value part, the loop's estimate of sqrt(a): return the derivative part"
    if value == 0.0:
        return (
            "0.0: a was not seeded. Give a the derivative part 1.0, as in Dual(a, 1.0), "
            "and pass that Dual to the loop"
        )
    if agrees(value, loop_derivative(a, iterations, start_slope=1.0, slope_a=0.0)[1]):
        return (
            "the derivative with respect to the starting guess: the seed 1.0 was put on "
            "the start x = 1.0 and a stayed a plain number. The derivative asked for is "
            "with respect to a: seed a, and leave the start a plain 1.0"
        )
    if agrees(value, loop_derivative(a, iterations, start_slope=1.0)[1]):
        return (
            "the derivative with both a and the starting guess seeded: the start x = 1.0 "
            "is a constant, so it carries the derivative 0; seed a alone"
        )
    if agrees(value, calculus, 1e-12) and not agrees(dx, calculus, 1e-12):
        return (
            f"1/(2 sqrt(a)) = {calculus!r}, the calculus derivative of sqrt(a). The loop is "
            f"not sqrt: after {iterations} iteration(s) it is a function of its own, and AD "
            f"differentiates that function, whose derivative here is {dx!r}. Run the loop "
            "on a Dual and return what it computes"
        )
    for other in (iterations - 1, iterations + 1, iterations - 2, iterations + 2):
        if other >= 0 and agrees(value, loop_derivative(a, other)[1]) and other != iterations:
            many = "too few" if other < iterations else "too many"
            count = abs(other - iterations)
            return (
                f"the derivative after {other} iteration(s) instead of {iterations}: "
                f"{'one iteration' if count == 1 else f'{count} iterations'} {many}, an "
                "off-by-one in the loop's count. Run exactly the given number of iterations"
            )
    if agrees(value, dx, 1e-4):
        return (
            f"near the loop's derivative ({dx!r}) but not equal to it up to round-off: an "
            "estimate, such as a finite difference, carries a step's error. AD has none: "
            "run the loop on a Dual and return its derivative part"
        )
    return ""


def check_loop(submission, a: float, iterations: int, why: str = "") -> float:
    got = call_learner(submission.babylonian_sqrt_derivative, a, iterations)
    call = submission.last_text
    value = as_number(got, call)
    _, expected = loop_derivative(a, iterations)
    if agrees(value, expected):
        return value
    if words := diagnose_loop(a, iterations, value):
        checks.fail(f"{call} returned {value!r}: that is {words}.")
    checks.fail(
        f"{call} returned {value!r}; the dual-number derivative of "
        f"babylonian_sqrt(a, {iterations}) with respect to a is {expected!r}. {why}".strip()
    )
    return value


def draw_a(rng, low: float, high: float) -> float:
    return float(np.exp(rng.uniform(np.log(low), np.log(high))))


@pytest.mark.points(2)
def test_babylonian_derivative_is_the_loops_own(submission, rng):
    """babylonian_sqrt_derivative is the derivative of the loop that ran, at drawn a."""
    pairs = []
    # First where the loop is far from converged (so that it is plainly not sqrt, and one
    # iteration more or less is told apart from 1/(2 sqrt(a))), then anywhere.
    while len(pairs) < 4:
        a, iterations = draw_a(rng, 0.2, 200.0), int(rng.integers(2, 6))
        if not agrees(loop_derivative(a, iterations)[1], 1 / (2 * math.sqrt(a)), 1e-3):
            pairs.append((a, iterations))
    pairs.append((draw_a(rng, 0.2, 200.0), int(rng.integers(2, 9))))
    for a, iterations in pairs:
        check_loop(submission, a, iterations)


@pytest.mark.points(1)
def test_one_iteration_gives_one_half(submission, rng):
    """After 1 iteration the derivative is that iteration's own, far from 1/(2 sqrt(a))."""
    for a in (draw_a(rng, 9.0, 400.0), 9.0 + float(rng.uniform(0, 1))):
        value = check_loop(
            submission,
            a,
            1,
            why="One iteration computes (1.0 + a / 1.0) / 2, whose derivative is 0.5.",
        )
        calculus = 1 / (2 * math.sqrt(a))
        checks.true(
            abs(value - calculus) > 0.25 * calculus,
            f"babylonian_sqrt_derivative({a!r}, 1) returned {value!r}, within 25% of "
            f"1/(2 sqrt(a)) = {calculus!r}: after one iteration the loop computes "
            "(1.0 + a) / 2, whose derivative is 0.5.",
        )


@pytest.mark.points(1)
def test_derivative_approaches_the_calculus_one(submission, rng):
    """As the iterations grow, the derivative approaches 1/(2 sqrt(a))."""
    a = draw_a(rng, 0.05, 1000.0)
    calculus = 1 / (2 * math.sqrt(a))
    values = {n: check_loop(submission, a, n) for n in (1, 2, 4, 8, 16, 40)}
    checks.true(
        abs(values[40] - calculus) <= 1e-12 * calculus,
        f"babylonian_sqrt_derivative({a!r}, 40) returned {values[40]!r}, where the loop "
        f"has converged and its derivative is 1/(2 sqrt(a)) = {calculus!r}.",
    )
