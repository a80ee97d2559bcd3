"""Hidden checks for 1.2.40.4, gradient_forward(f, x).

f crosses to the worker as source text (a WorkerCode) that indexes the array it is given
(x[0], x[1], ...) and sums with +, so it runs on the learner's Duals; its text holds only
the function (its coefficients are inputs drawn here), never an expected value. Expected
gradients are analytic, computed here in float64: 2x for a sum of squares, Rosenbrock's,
(A + A^T) x for a quadratic form x^T A x written out term by term. Forward mode is exact
up to round-off, so the tolerance is that of 1.2.40.6: rtol 1e-12, atol 1e-12 * max |grad|.

The worker counts the calls of f (``submission.last.fn_calls``) and reports whether x was
changed in place (``submission.last.mutated``). Before a check asserts, ``diagnose``
compares a wrong result with what the common mistakes give on the same f and x (every
input seeded at once: the sum of the gradient in every entry; seeds left over from earlier
passes: running sums; the value parts; one entry left out at either end; entry 0 seeded in
every pass) and uses the call count to tell them apart, so the first message names the
mistake.
"""

import numpy as np
import pytest

from grader.grading import checks
from grader.sandbox.worker_code import WorkerCode
from grader.sandbox.workers import LearnerError

SECTION = "forward-mode"
RTOL = 1e-12

# What a learner-code exception usually means in this exercise (see grader/grading/plugin.py).
ERROR_ADVICE = {
    "TypeError/'Dual'": "A Dual was written into a float array: x (and any array made "
    "from it with np.zeros_like, np.copy or astype(float)) holds floats only, so an entry "
    "cannot become a Dual. Build each pass's input as a new array of dtype object "
    "(np.empty(n, dtype=object), then fill it), and never write into the caller's x.",
    "AttributeError/derivative": "Something without a .derivative was read as a Dual: f "
    "gives a Dual only when its inputs are Duals. Call f with the seeded array of Duals, "
    "not with x itself.",
    "IndexError": "f reads x[0], x[1], ... up to x[n - 1]: the array you give it needs all "
    "n entries, one Dual per entry of x.",
}


# --- the functions and their gradients ------------------------------------------------


def sum_of_squares(n: int):
    text = " + ".join(f"x[{i}] * x[{i}]" for i in range(n))
    shown = (
        " + ".join(f"x[{i}]**2" for i in range(n)) if n <= 3 else f"x[0]**2 + ... + x[{n - 1}]**2"
    )
    return text, f"f(x) = {shown}", lambda x: 2 * x, lambda x: float(x @ x)


def rosenbrock(n: int, a: float, b: float):
    terms = [
        f"{b!r} * (x[{i + 1}] - x[{i}] ** 2) ** 2 + ({a!r} - x[{i}]) ** 2" for i in range(n - 1)
    ]

    def gradient(x):
        g = np.zeros(n)
        inner = x[1:] - x[:-1] ** 2
        g[:-1] += -4 * b * x[:-1] * inner - 2 * (a - x[:-1])
        g[1:] += 2 * b * inner
        return g

    def value(x):
        return float(np.sum(b * (x[1:] - x[:-1] ** 2) ** 2 + (a - x[:-1]) ** 2))

    described = f"the Rosenbrock function of {n} variables with a = {a!r}, b = {b!r}"
    return " + ".join(terms), f"f(x) = {described}", gradient, value


def quadratic_form(matrix: np.ndarray):
    n = len(matrix)
    terms = [f"{matrix[i, j]!r} * x[{i}] * x[{j}]" for i in range(n) for j in range(n)]
    rows = "; ".join(", ".join(f"{v:g}" for v in row) for row in matrix)
    return (
        " + ".join(terms),
        f"f(x) = x^T A x with A = [{rows}]",
        lambda x: (matrix + matrix.T) @ x,
        lambda x: float(x @ matrix @ x),
    )


def code(text: str, description: str) -> WorkerCode:
    return WorkerCode(f"lambda x: {text}", description=description)


# --- recognising the common mistakes --------------------------------------------------


def diagnose(got: np.ndarray, grad: np.ndarray, value: float, calls: int, n: int) -> str:
    """Words for a wrong gradient that a common mistake explains, or ""."""
    tol = 1e-10 * max(1.0, float(np.max(np.abs(grad))), abs(value))

    def like(expected) -> bool:
        return bool(np.all(np.abs(got - expected) <= tol))

    total = float(np.sum(grad))
    passes = f"{calls} pass{'es' if calls != 1 else ''}"
    if like(np.full(n, total)):
        return (
            f"the sum of the gradient's entries ({total!r}) in every entry, in {passes}: the "
            "slope along the direction (1, 1, ..., 1). That is what seeding every input "
            "with derivative 1 at once gives. Each pass seeds 1 on entry i only and 0 on "
            "all the others"
        )
    if like(np.cumsum(grad)):
        return (
            "running sums of the gradient: entry i holds df/dx_0 + ... + df/dx_i, so the "
            "seeds of earlier passes were left over (entries seeded with 1 in pass i stayed "
            "1 in the passes after it). Build each pass's input afresh, with 1 on entry i "
            "and 0 on every other entry"
        )
    if like(np.full(n, value)):
        return (
            f"f(x) = {float(value)!r} in every entry: the value parts, not the derivative parts. "
            "The partial derivative is the .derivative of what f returns"
        )
    if n > 1 and like(np.full(n, grad[0])):
        return (
            "df/dx_0 in every entry: every pass seeded entry 0. Pass i seeds entry i with 1 "
            "(and all the others with 0)"
        )
    if n > 1 and calls == 1 and like(np.append(grad[0], np.zeros(n - 1))):
        return (
            "df/dx_0 and zeros: one pass only, seeded on entry 0. Forward mode needs one "
            "pass per input: n passes, pass i seeded on entry i"
        )
    if n > 1 and like(np.append(grad[:-1], 0.0)):
        return (
            f"right up to the last entry, which is 0, in {passes} for n = {n}: the loop is off "
            "by one and never reaches i = n - 1. range(n) visits every entry"
        )
    if n > 1 and like(np.append(0.0, grad[1:])):
        return (
            f"right except entry 0, which is 0, in {passes} for n = {n}: the loop is off by one "
            "and starts at 1. range(n) starts at 0"
        )
    return ""


# --- calling and checking -------------------------------------------------------------


def call(submission, f: WorkerCode, x: np.ndarray):
    """gradient_forward(f, x) by the learner; an object array it could not send back, or
    a change to x, fails here with the cause."""
    try:
        got = submission.gradient_forward(f, x)
    except LearnerError as error:
        if error.type_name == "Unsendable" and "object" in error.error.get("message", ""):
            checks.fail(
                f"{getattr(error, 'call_text', 'gradient_forward')} returned an array of dtype "
                "object, which holds Python objects rather than numbers. If its entries are "
                "Duals, keep the derivative part of each; if they are floats, make the array "
                "a float array (np.empty(n) or np.zeros(n), or dtype=float)."
            )
        raise
    if submission.last.mutated:
        checks.fail(
            f"{submission.last_text} changed the array x it was given. np.asarray(x) and "
            "x.reshape(...) give back x itself (or a view of it): writing into them writes "
            "into the caller's x. Read x only, and put the gradient and each pass's Duals "
            "in new arrays."
        )
    return got


def check_gradient(submission, f: WorkerCode, x: np.ndarray, grad, value) -> None:
    """The learner's gradient of f at x is ``grad(x)`` to round-off."""
    got = call(submission, f, x)
    said = submission.last_text
    n = len(x)
    calls = submission.last.fn_calls[0] if submission.last.fn_calls else 0
    if not np.ndim(got) and not isinstance(got, (list, tuple)):
        checks.fail(
            f"{said} returned {checks.show(got)}, one number, after {calls} call"
            f"{'s' if calls != 1 else ''} of f; expected an array of {n} partial derivatives, "
            "one per entry of x, from one pass per entry."
        )
    array = checks.as_array(
        got, said, shape=(n,), what="an array", why_shape="one partial derivative per entry of x"
    )
    want = grad(x)
    bound = RTOL * np.abs(want) + RTOL * float(np.max(np.abs(want)))
    missed = np.abs(array - want) > bound
    if not missed.any():
        return
    if words := diagnose(array, want, value(x), calls, n):
        i = int(np.argmax(missed))
        checks.fail(
            f"{said} gave {float(array[i])!r} at index {i}, where df/dx_{i} = "
            f"{float(want[i])!r}, for {f.description} at x = {checks.show(x)}: your values are "
            f"{words}."
        )
    checks.close(
        array,
        want,
        said,
        rtol=RTOL,
        atol=RTOL * float(np.max(np.abs(want))),
        why="Entry i is the derivative part of f on the input seeded with 1 on entry i and 0 "
        "on the others.",
    )


def draw_rosenbrock(rng):
    n = int(rng.integers(3, 7))
    a = round(float(rng.uniform(0.5, 2.0)), 3)
    b = round(float(rng.uniform(10.0, 100.0)), 2)
    return rosenbrock(n, a, b), rng.uniform(-1.5, 1.5, size=n)


def draw_quadratic(rng):
    n = int(rng.integers(2, 6))
    matrix = np.round(rng.normal(size=(n, n)), 3)
    return quadratic_form(matrix), rng.normal(size=n) * 2


# --- checks ---------------------------------------------------------------------------


@pytest.mark.points(2)
def test_gradient_of_a_sum_of_squares(submission, rng):
    """f(x) = x[0]**2 + ... + x[n-1]**2: the gradient is 2x, to round-off."""
    for n in (int(rng.integers(3, 7)), 2):
        text, described, grad, value = sum_of_squares(n)
        x = rng.normal(size=n) * 3
        check_gradient(submission, code(text, described), x, grad, value)


@pytest.mark.points(2)
def test_gradient_of_rosenbrock(submission, rng):
    """The Rosenbrock function of 3 to 6 variables: its analytic gradient, to round-off."""
    (text, described, grad, value), x = draw_rosenbrock(rng)
    check_gradient(submission, code(text, described), x, grad, value)


@pytest.mark.points(2)
def test_gradient_of_a_quadratic_form(submission, rng):
    """x^T A x for a drawn A (not symmetric): the gradient (A + A^T) x, to round-off."""
    (text, described, grad, value), x = draw_quadratic(rng)
    check_gradient(submission, code(text, described), x, grad, value)


@pytest.mark.points(2)
def test_exactly_one_pass_per_input(submission, rng):
    """f is called exactly n times for an x of n entries (and the gradient is right)."""
    (text, described, grad, value), x = draw_rosenbrock(rng)
    f = code(text, described)
    got = call(submission, f, x)
    n = len(x)
    calls = submission.last.fn_calls[0] if submission.last.fn_calls else 0
    if calls != n:
        more = (
            " One call more than n is usually f(x) called for its value, which the gradient "
            "does not need (or a pass that seeds nothing)."
            if calls == n + 1
            else ""
        )
        checks.fail(
            f"{submission.last_text} called f {calls} time{'s' if calls != 1 else ''} for an x "
            f"of {n} entries; forward mode needs exactly one pass per input, {n} here: pass i "
            f"seeds entry i and gives df/dx_i.{more}"
        )
    del got
    check_gradient(submission, code(text, described), x, grad, value)


@pytest.mark.points(1)
def test_x_is_left_unchanged(submission, rng):
    """The caller's x is exactly the same after the call (and the gradient is right)."""
    (text, described, grad, value), x = draw_quadratic(rng)
    check_gradient(submission, code(text, described), x, grad, value)


@pytest.mark.points(1)
def test_the_result_is_a_float_array_of_shape_n(submission, rng):
    """The result is a NumPy array of floats of shape (n,)."""
    n = int(rng.integers(3, 7))
    text, described, grad, value = sum_of_squares(n)
    x = rng.normal(size=n)
    got = call(submission, code(text, described), x)
    said = submission.last_text
    if not isinstance(got, np.ndarray):
        checks.fail(
            f"{said} returned a {type(got).__name__}, {checks.show(got)}; expected a NumPy "
            "array of floats of shape (n,), such as np.empty(n) filled entry by entry."
        )
    checks.true(
        got.dtype.kind == "f" and got.shape == (n,),
        f"{said} returned an array of dtype {got.dtype} and shape {got.shape}; expected a "
        f"float array of shape ({n},).",
    )
    check_gradient(submission, code(text, described), x, grad, value)
