"""Hidden checks for 1.2.40.6, gradient_reverse(f, x).

Each f is a WorkerCode: a lambda that indexes x and sums with + (a sum of squares, the
Rosenbrock function, a quadratic form written out term by term), compiled in the worker
so that it runs on the learner's Vars. Its constants are drawn at grade time and written
into its text as Python reads them; the expected gradient is the analytic one, computed
here from the same constants, and never crosses to the worker. The worker counts the
calls of f, and reports whether x was changed.

Before a wrong gradient is reported, ``diagnose`` compares it with what the common
mistakes give: the values of x read instead of the grads (.value for .grad), all ones
(backward() called on each input, whose own grad is 1), all zeros (backward() never
reached the inputs), the same number in every entry (one Var shared by every entry), and
k times the gradient (backward() run k times on the same Vars, which add up).
"""

import numpy as np
import pytest

from grader.grading import checks
from grader.sandbox.worker_code import WorkerCode
from grader.sandbox.workers import LearnerError

SECTION = "reverse-mode"
RTOL = 1e-12

ONLY = "only {}-dimensional"  # NumPy's words when float() gets a whole array
WHOLE_ARRAY = (
    "A Var holds one number, and here it was given a whole array (float() of an array of "
    "several numbers fails): wrap each entry of x in a Var of its own, [Var(v) for v in x], "
    "and give f an array of those Vars."
)

# What a learner-code exception usually means in this exercise (see grader/grading/plugin.py).
ERROR_ADVICE = {
    "TypeError/not subscriptable": "f indexes what it is given (x[0], x[1], ...): give it "
    "an array (or a list) holding one Var per entry of x, not a single Var.",
    **{f"TypeError/only {words}": WHOLE_ARRAY for words in ("0-dimensional", "length-1", "size-1")},
    "AttributeError/'backward'": "What f returned has no backward(): f was given plain "
    "numbers (the entries of x themselves), so it computed a plain number and recorded "
    "nothing. Give f an array of Vars, one per entry of x; then it returns a Var.",
    "AttributeError/'grad'": "Something that is not a Var was asked for its grad: read grad "
    "from the Vars you made from x (keep them in a list), not from x's own numbers.",
    "TypeError/unsupported operand": "f combines entries of what it was given with + - * "
    "/ **: every entry must be a Var (or a number), not a list or an array.",
}


# --- the functions ------------------------------------------------------------------------


def number(value: float) -> str:
    """A float as Python reads it back exactly, in parentheses if negative."""
    text = repr(float(value))
    return f"({text})" if value < 0 else text


def sum_of_squares(n: int):
    text = " + ".join(f"x[{i}] * x[{i}]" for i in range(n))
    shown = text if n <= 2 else f"x[0] * x[0] + ... + x[{n - 1}] * x[{n - 1}]"
    f = WorkerCode(f"lambda x: {text}", description=f"f(x) = {shown}")
    return f, lambda x: 2 * x


def rosenbrock(n: int, a: float, b: float):
    """sum over i < n - 1 of (a - x_i)**2 + b (x_{i+1} - x_i**2)**2, and its gradient."""
    terms = [
        f"({number(a)} - x[{i}]) ** 2 + {number(b)} * (x[{i + 1}] - x[{i}] ** 2) ** 2"
        for i in range(n - 1)
    ]
    text = " + ".join(terms)
    shown = f"the Rosenbrock function of {n} variables with a = {a:g}, b = {b:g}"
    f = WorkerCode(f"lambda x: {text}", description=f"f(x) = {shown}")

    def gradient(x: np.ndarray) -> np.ndarray:
        g = np.zeros(n)
        inner = x[1:] - x[:-1] ** 2
        g[:-1] += -2 * (a - x[:-1]) - 4 * b * x[:-1] * inner
        g[1:] += 2 * b * inner
        return g

    return f, gradient


def quadratic_form(matrix: np.ndarray, c: np.ndarray):
    """sum over i, j of A_ij x_i x_j + sum over i of c_i x_i, written out term by term;
    its gradient is (A + A^T) x + c."""
    n = len(c)
    terms = [f"{number(matrix[i, j])} * x[{i}] * x[{j}]" for i in range(n) for j in range(n)]
    terms += [f"{number(c[i])} * x[{i}]" for i in range(n)]
    text = " + ".join(terms)
    shown = f"sum of A[i, j] * x[i] * x[j] + sum of c[i] * x[i] (n = {n})"
    f = WorkerCode(f"lambda x: {text}", description=f"f(x) = {shown}")
    return f, lambda x: (matrix + matrix.T) @ x + c


# --- calling and judging --------------------------------------------------------------------


def call(submission, f, x: np.ndarray):
    """gradient_reverse(f, x); an array that cannot cross (an object array, Vars) is told
    in the exercise's words."""
    try:
        return submission.gradient_reverse(f, x)
    except LearnerError as error:
        if error.type_name != "Unsendable":
            raise
        said = error.error.get("message", "")
        if "dtype object" in said:
            checks.fail(
                f"{submission.last_text} returned an array of dtype object: each entry is "
                "a number, but the array is still a box of Python objects. Return a NumPy "
                "float array, np.array(..., dtype=float), of the grads.",
                SECTION,
            )
        checks.fail(
            f"{submission.last_text} returned something the grader cannot read as numbers "
            f"({said}). Return the grads (plain floats) in a NumPy float array, not the "
            "Vars themselves.",
            SECTION,
        )


def calls_of_f(submission) -> int:
    counts = submission.last.fn_calls if submission.last else []
    return counts[0] if counts else 0


def diagnose(x: np.ndarray, got: np.ndarray, want: np.ndarray, calls: int) -> str:
    """The common mistake ``got`` shows for the gradient ``want`` at x, or ""."""
    n = len(x)
    scale = max(1.0, float(np.max(np.abs(want))))

    def same(a, b) -> bool:
        return bool(np.all(np.abs(np.asarray(a) - b) <= 1e-9 * scale))

    if same(got, x) and not same(want, x):
        return (
            "the entries of x themselves: that is each input Var's .value, the number it "
            "holds. After backward(), the partial derivative is in its .grad"
        )
    if same(got, np.zeros(n)):
        return (
            "zeros: the grads of the input Vars were read while still 0.0. Call backward() "
            "on the Var that f returned before reading them, and read them from the same "
            "Vars that f was given"
        )
    if same(got, np.ones(n)) and not same(want, np.ones(n)):
        return (
            "1.0 in every entry: that is what backward() called on each input gives (an "
            "input's grad with respect to itself is 1). Call backward() once, on the Var "
            "that f returned, and then read each input's grad"
        )
    if n > 1 and np.ptp(got) <= 1e-9 * scale and np.ptp(want) > 1e-6 * scale:
        return (
            "the same number in every entry: every entry of f's argument was one and the "
            "same Var (one Var reused, or its value changed in a loop), so f saw one input "
            "used n times, and all of its uses landed in one grad. Make a new Var for each "
            "entry of x"
        )
    if n > 1 and same(got, np.arange(1, n + 1) * want):
        return (
            "entry i holds i + 1 times its partial derivative: f and backward() ran once "
            "per entry on the same input Vars, and each backward() added into their grads, "
            "so the later entries were read after more passes. One call of f and one "
            "backward() give the whole gradient"
        )
    for k in range(2, n + 2):
        if same(got, k * want):
            runs = f"f was called {calls} times, and " if calls == k else ""
            return (
                f"{k} times the gradient: {runs}backward() ran {k} times on the same input "
                "Vars, and each run added its grads to theirs. One call of f and one "
                "backward() give the whole gradient"
            )
    return ""


def check_gradient(submission, f, x: np.ndarray, got, want: np.ndarray, why: str = "") -> None:
    """``got`` is the gradient ``want`` within rtol 1e-12 and atol 1e-12 * max |want|."""
    call_text = submission.last_text
    array = checks.as_array(
        got,
        call_text,
        shape=want.shape,
        what="the gradient",
        why_shape="one partial derivative per entry of x",
    )
    atol = RTOL * float(np.max(np.abs(want)))
    if np.all(np.abs(array - want) <= atol + RTOL * np.abs(want)):
        return
    if words := diagnose(x, array, want, calls_of_f(submission)):
        checks.fail(
            f"{call_text} returned {checks.show(array)}; expected {checks.show(want)}. "
            f"That is {words}.",
            SECTION,
        )
    checks.close(array, want, call_text, rtol=RTOL, atol=atol, why=why, section=SECTION)


def point(rng, n: int) -> np.ndarray:
    return rng.uniform(-1.5, 1.5, size=n)


# --- the checks ---------------------------------------------------------------------------


@pytest.mark.points(2)
def test_gradient_of_a_sum_of_squares(submission, rng):
    """f(x) = x[0]*x[0] + ... + x[n-1]*x[n-1] for drawn n: the gradient is 2x."""
    for n in (int(rng.integers(2, 7)), 1):
        f, gradient = sum_of_squares(n)
        x = point(rng, n) * 3
        got = call(submission, f, x)
        check_gradient(
            submission,
            f,
            x,
            got,
            gradient(x),
            why="Each input Var's grad after one backward() on f's output is df/dx_i.",
        )


@pytest.mark.points(2)
def test_gradient_of_rosenbrock(submission, rng):
    """The Rosenbrock function of 2 to 6 variables with drawn a and b."""
    n = int(rng.integers(2, 7))
    a = round(float(rng.uniform(0.5, 2.0)), 3)
    b = round(float(rng.uniform(10.0, 100.0)), 3)
    f, gradient = rosenbrock(n, a, b)
    x = point(rng, n)
    got = call(submission, f, x)
    check_gradient(
        submission,
        f,
        x,
        got,
        gradient(x),
        why="Reverse mode is exact up to round-off: no step, no truncation. A larger "
        "error points at the way the grads were collected.",
    )


@pytest.mark.points(2)
def test_gradient_of_a_quadratic_form(submission, rng):
    """sum A[i, j] x[i] x[j] + sum c[i] x[i], written out: the gradient (A + A^T) x + c."""
    n = int(rng.integers(2, 6))
    matrix = np.round(rng.normal(size=(n, n)), 3)
    c = np.round(rng.normal(size=n), 3)
    f, gradient = quadratic_form(matrix, c)
    x = point(rng, n)
    got = call(submission, f, x)
    check_gradient(
        submission,
        f,
        x,
        got,
        gradient(x),
        why="x[i] appears in many terms: its grad adds up the share of every term.",
    )


@pytest.mark.points(2)
def test_f_is_called_exactly_once(submission, rng):
    """One call of f and one backward() give the whole gradient (and it is right)."""
    n = int(rng.integers(3, 7))
    f, gradient = rosenbrock(n, 1.0, 100.0)
    x = point(rng, n)
    got = call(submission, f, x)
    calls = calls_of_f(submission)
    if calls != 1:
        per_input = (
            ". One call per input is forward mode's way (exercise 1.2.40.4); reverse mode "
            "records one pass of f and gets every partial derivative from a single "
            "backward()"
            if calls == n
            else ""
        )
        checks.fail(
            f"{submission.last_text} called f {calls} times for an x with {n} entries; "
            f"expected exactly one call{per_input}. Wrap all the entries of x in Vars, "
            "call f once on them, and call backward() once on its result.",
            SECTION,
        )
    check_gradient(submission, f, x, got, gradient(x))


@pytest.mark.points(1)
def test_x_is_left_unchanged(submission, rng):
    """The caller's x is exactly the same after the call (and the gradient is right)."""
    n = int(rng.integers(2, 6))
    matrix = np.round(rng.normal(size=(n, n)), 3)
    c = np.round(rng.normal(size=n), 3)
    f, gradient = quadratic_form(matrix, c)
    x = point(rng, n)
    got = call(submission, f, x)
    checks.true(
        not submission.last.mutated,
        f"{submission.last_text} changed the array x it was given. Keep the caller's x as "
        "it was: make the Vars from its entries and put them, and the gradient, in new "
        "arrays of your own.",
        SECTION,
    )
    check_gradient(submission, f, x, got, gradient(x))


@pytest.mark.points(1)
def test_returns_a_float_array_of_shape_n(submission, rng):
    """The result is a NumPy float array of shape (n,)."""
    n = int(rng.integers(2, 6))
    f, gradient = sum_of_squares(n)
    x = point(rng, n)
    got = call(submission, f, x)
    kind = type(got).__name__
    checks.true(
        isinstance(got, np.ndarray),
        f"{submission.last_text} returned a {kind} ({checks.show(got)}); expected a NumPy "
        "float array: np.array(..., dtype=float) of the grads.",
        SECTION,
    )
    checks.true(
        got.dtype.kind == "f" and got.shape == (n,),
        f"{submission.last_text} returned an array of dtype {got.dtype} and shape "
        f"{got.shape}; expected a float array of shape ({n},), one partial derivative per "
        "entry of x.",
        SECTION,
    )
    check_gradient(submission, f, x, got, gradient(x))
