"""Hidden checks for 1.2.40.3, derivative_errors(f, dfdx, x, steps) -> (ad_error, fd_errors).

f crosses to the worker as source text (a WorkerCode) that calls the learner file's own
sin, cos, exp, log and sqrt, so it runs on the learner's Duals and floats alike; dfdx is
the exact derivative written with math. The grader evaluates the very same texts on its
side with the math module's functions, and from them computes, in float64, every number a
check compares with: dfdx(x), and (f(x + h) - f(x - h)) / (2 * h) per step. The learner's
file computes f with the same math functions for a float, so an honest central difference
agrees with the grader's to the last bit or, written another way (h + h, / h / 2, entry by
entry through NumPy), to a few units of its round-off: ``tolerance`` allows that much.

Points are drawn at grade time, and only where the grader's own errors show the V of
lesson 1.2.39 clearly (``draw_point``) and |f'(x)| is far from 1 and from 0, so that an
absolute error, a relative one and an error of nothing at all cannot look alike.

Before a check asserts, ``diagnose`` compares the learner's values with what the common
mistakes give at the same x and steps (a forward or backward difference, a division by h
instead of 2h, signed or relative errors, the estimates themselves, one step for all, the
steps sorted; for AD: a seed of 0, the value part instead of the derivative part, a signed
error), so that the first message names the mistake.
"""

import math

import numpy as np
import pytest

from grader.grading import checks
from grader.sandbox.worker_code import WorkerCode

SECTION = "ad-vs-finite-differences"
EPS = np.finfo(float).eps
CBRT_EPS = float(np.cbrt(EPS))  # about 6.1e-6: the best step of a central difference
DECADES = [10.0**-k for k in range(1, 13)]  # 1e-1 ... 1e-12, the steps of the V
NEAR_BEST = (6e-8, 6e-4)  # within two decades of cbrt(eps)
ELEMENTARY = ("sin", "cos", "exp", "log", "sqrt")

# (f as text over the file's own functions, its derivative with math, where x is drawn)
FUNCTIONS = [
    ("sin(exp(x))", "math.cos(math.exp(x)) * math.exp(x)", (-1.0, 1.5)),
    ("log(1 + x * x)", "2 * x / (1 + x * x)", (3.8, 7.0)),
    (
        "sqrt(sin(x) ** 2 + 1)",
        "math.sin(x) * math.cos(x) / math.sqrt(math.sin(x) ** 2 + 1)",
        (-2.0, 2.0),
    ),
    ("cos(x) / (2 + sin(x))", "-(1 + 2 * math.sin(x)) / (2 + math.sin(x)) ** 2", (-3.0, 3.0)),
    ("x ** 3 * exp(-x / 2)", "(3 * x ** 2 - x ** 3 / 2) * math.exp(-x / 2)", (0.5, 4.0)),
    ("exp(sin(x)) * x ** 2", "math.exp(math.sin(x)) * (math.cos(x) * x ** 2 + 2 * x)", (-2.0, 2.0)),
]

# What a learner-code exception usually means in this exercise (see grader/grading/plugin.py).
ERROR_ADVICE = {
    "TypeError/must be real number": "A Dual reached a function of the math module: "
    "dfdx is written with math, so it takes a plain float only. Call dfdx with the float "
    "x, and call f (which uses this file's sin, cos, exp, log, sqrt) with the Dual.",
    "TypeError/abs()": "abs() was given a Dual: a difference in which a Dual was left. "
    "f of a Dual is a Dual, and the number to compare is its derivative part "
    "(.derivative); and dfdx takes a plain float only: call it as dfdx(x) with the float "
    "x, never with the Dual. Take abs of the difference of two floats.",
    "TypeError/'list'": "steps may be a Python list, and a list does no arithmetic entry by "
    "entry (x + steps fails). Convert it first with np.asarray(steps, dtype=float), or "
    "loop over the steps one at a time.",
    "TypeError/'Dual'": "A Dual went where a float belongs (an entry of a float array, or "
    "float()). Keep the number you need from it, .derivative for the dual-number derivative; "
    "the central differences need no Dual at all: call f with plain floats there.",
    "AttributeError/derivative": "f of a plain float is a plain float, with no .derivative. "
    "The derivative part exists only when f is called with a Dual, seeded as Dual(x, 1.0).",
}


# --- the grader's own numbers ---------------------------------------------------------


class Case:
    """One function of FUNCTIONS: its WorkerCode texts, and the grader's own f and dfdx."""

    def __init__(self, index: int):
        self.index = index
        text, derivative, self.interval = FUNCTIONS[index]
        self.text, self.derivative_text = text, derivative
        scope = {name: getattr(math, name) for name in ELEMENTARY}
        self.f = eval(f"lambda x: {text}", scope)  # noqa: S307 - the suite's own text
        self.dfdx = eval(f"lambda x: {derivative}", {"math": math})  # noqa: S307 - as above

    def codes(self) -> tuple[WorkerCode, WorkerCode]:
        """Fresh WorkerCodes for f and dfdx (their call counts start at 0)."""
        used = tuple(name for name in ELEMENTARY if f"{name}(" in self.text)
        f = WorkerCode(f"lambda x: {self.text}", names=used, description=f"f(x) = {self.text}")
        dfdx = WorkerCode(
            f"lambda x: {self.derivative_text}",
            description=f"dfdx(x) = {self.derivative_text}",
        )
        return f, dfdx

    def central(self, x: float, h: float) -> float:
        return (self.f(x + h) - self.f(x - h)) / (2 * h)

    def errors(self, x: float, steps) -> np.ndarray:
        exact = self.dfdx(x)
        return np.array([abs(self.central(x, h) - exact) for h in steps])

    def tolerance(self, x: float, steps) -> np.ndarray:
        """Per step: how far an honest central difference may round away from the
        grader's, a few units of its own round-off (f known to a few eps*|f|, the points
        x +- h rounded by eps*|x|, the quotient by eps*|c|)."""
        bounds = []
        for h in steps:
            ahead, behind = abs(self.f(x + h)), abs(self.f(x - h))
            c = abs(self.central(x, h))
            bounds.append(8 * EPS * ((ahead + behind) / (2 * h) + c * (1 + abs(x) / h)))
        return np.array(bounds)


def v_is_clear(errors: np.ndarray, steps) -> bool:
    """The grader's own errors at DECADES: every step within a factor 4 of the smallest
    error lies within two decades of cbrt(eps), and both ends are 10 times above it."""
    low = errors.min()
    near = [h for h, e in zip(steps, errors, strict=True) if e <= 4 * low]
    return (
        all(NEAR_BEST[0] <= h <= NEAR_BEST[1] for h in near)
        and errors[0] > 10 * low
        and errors[-1] > 10 * low
    )


def draw_point(rng, case: Case) -> float:
    """A point where the V of the central difference is clear and |f'(x)| is at least 0.05
    and at least a factor 2 away from 1 (absolute and relative errors then differ)."""
    low, high = case.interval
    for _ in range(10_000):
        x = float(rng.uniform(low, high))
        slope = abs(case.dfdx(x))
        if slope < 0.05 or 0.5 < slope < 2.0:
            continue
        if v_is_clear(case.errors(x, DECADES), DECADES):
            return x
    raise RuntimeError(f"no point found for {case.text}")  # never at any seed tried


def draw_case(rng, exclude: tuple[int, ...] = ()) -> Case:
    choices = [i for i in range(len(FUNCTIONS)) if i not in exclude]
    return Case(int(rng.choice(choices)))


# --- recognising the common mistakes --------------------------------------------------

FD_MISTAKES = {
    "forward": (
        "the error of a forward difference, (f(x + h) - f(x)) / h, at each step, not of the "
        "central difference (f(x + h) - f(x - h)) / (2h). Its truncation error shrinks only "
        "like h, so its best step is near the square root of eps (1.5e-8), not the cube root"
    ),
    "backward": (
        "the error of a backward difference, (f(x) - f(x - h)) / h, at each step, not of the "
        "central difference (f(x + h) - f(x - h)) / (2h)"
    ),
    "over_h": (
        "the error of the difference f(x + h) - f(x - h) divided by h instead of 2h: that "
        "estimate is twice the slope, so each error is about |f'(x)| and there is no V. The "
        "points x - h and x + h are 2h apart"
    ),
    "signed": (
        "signed errors, c(h) - dfdx(x) without the absolute value: some are negative. "
        "The exercise asks for absolute errors |c(h) - dfdx(x)|, as a log-scale plot needs"
    ),
    "signed_reversed": (
        "signed errors, dfdx(x) - c(h) without the absolute value: some are negative. "
        "The exercise asks for absolute errors |c(h) - dfdx(x)|"
    ),
    "relative": (
        "relative errors, |c(h) - dfdx(x)| / |dfdx(x)|: each one divided by |f'(x)|. The "
        "exercise asks for absolute errors, |c(h) - dfdx(x)| with no division"
    ),
    "estimates": (
        "the central differences c(h) themselves, not their errors: subtract dfdx(x) "
        "and take the absolute value, |c(h) - dfdx(x)|"
    ),
    "first_step": (
        "the error at the first step only, repeated for every step: the fd errors were "
        "computed at one step only. Compute one central difference per step h of steps"
    ),
    "last_step": (
        "the error at the last step only, repeated for every step: the fd errors were "
        "computed at one step only (a variable h left over from a loop?). Compute one "
        "central difference per step h of steps, and store each"
    ),
    "sorted": (
        "the right errors, but in sorted order of the steps, not in the order the steps "
        "were given: keep one error per step, at that step's position in steps"
    ),
    "sorted_down": (
        "the right errors, but in sorted order of the steps (largest first), not in the "
        "order the steps were given: keep one error per step, at that step's position in "
        "steps"
    ),
    "reversed": (
        "the right errors, but in reverse order of the steps: keep one error per step, at "
        "that step's position in steps"
    ),
}


def fd_candidates(case: Case, x: float, steps) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """What each mistake of FD_MISTAKES gives at x and steps, with how far it may round."""
    f, exact = case.f, case.dfdx(x)
    here = f(x)
    central = np.array([case.central(x, h) for h in steps])
    forward = np.array([(f(x + h) - here) / h for h in steps])
    backward = np.array([(here - f(x - h)) / h for h in steps])
    right = np.abs(central - exact)
    tol = case.tolerance(x, steps)
    order = np.argsort(np.asarray(steps, dtype=float), kind="stable")
    return {
        "forward": (np.abs(forward - exact), 2 * tol),
        "backward": (np.abs(backward - exact), 2 * tol),
        "over_h": (np.abs(2 * central - exact), 2 * tol),
        "signed": (central - exact, tol),
        "signed_reversed": (exact - central, tol),
        "relative": (right / abs(exact), tol / abs(exact)),
        "estimates": (central, tol),
        # Reorderings before one step repeated: the error at the smallest step has a wide
        # round-off bound, which a sorted list's first entry can fall within.
        "sorted": (right[order], tol[order]),
        "sorted_down": (right[order[::-1]], tol[order[::-1]]),
        "reversed": (right[::-1], tol[::-1]),
        "first_step": (np.full(len(steps), right[0]), np.full(len(steps), tol[0])),
        "last_step": (np.full(len(steps), right[-1]), np.full(len(steps), tol[-1])),
    }


def diagnose_fd(case: Case, x: float, steps, got: np.ndarray) -> str:
    """Words for the first mistake of FD_MISTAKES that ``got`` follows at every step (the
    right errors excepted), or ""."""
    right = case.errors(x, steps)
    tol = case.tolerance(x, steps)
    if np.all(np.abs(got - right) <= tol):
        return ""
    for name, (values, bound) in fd_candidates(case, x, steps).items():
        if np.all(np.abs(got - values) <= bound) and not np.all(np.abs(values - right) <= tol):
            return FD_MISTAKES[name]
    return ""


def diagnose_ad(case: Case, x: float, got: float) -> str:
    """Words for an ad_error that a common mistake explains, or ""."""
    exact = case.dfdx(x)
    value = case.f(x)
    near = 1e-12 * max(1.0, abs(exact), abs(value))
    if exact < 0 and abs(got - exact) <= near:
        return (
            "f'(x) itself: the dual-number derivative was returned in place of its error. "
            "ad_error is |d - dfdx(x)|, with d the derivative part of f(Dual(x, 1.0))"
        )
    if got < 0:
        return (
            "negative, a signed error: the AD derivative minus dfdx(x) (or the reverse) "
            "without the absolute value. ad_error is |d - dfdx(x)|, never below 0"
        )
    if abs(got - abs(exact)) <= near:
        also = (
            ". Returning the AD derivative itself in place of its error would give this "
            "value too, as f'(x) > 0 here"
            if exact > 0
            else ""
        )
        return (
            "|f'(x)| itself: what an AD derivative of 0 gives. A Dual seeded as Dual(x, 0.0) "
            "(or Dual(x), whose derivative defaults to 0) carries derivative part 0 through "
            f"every operation: seed the input with derivative 1, Dual(x, 1.0){also}"
        )
    if abs(got - abs(value - exact)) <= near:
        return (
            "|f(x) - f'(x)|: the value part of f(Dual(x, 1.0)) was compared with dfdx(x), "
            "not the derivative part. The value part is f(x); the derivative part "
            "(.derivative) is the dual-number derivative"
        )
    return ""


# --- calling and checking -------------------------------------------------------------


def describe(case: Case, x: float) -> str:
    return f"for f(x) = {case.text} at x = {x!r}"


def call(submission, case: Case, x: float, steps):
    """derivative_errors by the learner, split into (ad_error, fd_errors) after checking
    the pair's shape: a number, then a float array with one entry per step."""
    f, dfdx = case.codes()
    result = submission.derivative_errors(f, dfdx, x, steps)
    said = submission.last_text
    n = len(steps)
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        checks.fail(
            f"{said} returned {checks.show(result)}; expected a pair (ad_error, fd_errors): "
            "return ad_error, fd_errors."
        )
    ad_error, fd_errors = result
    if np.ndim(ad_error) and not np.ndim(fd_errors):
        checks.fail(
            f"{said} returned an array first and a number second: the pair is in the order "
            "(ad_error, fd_errors), the AD error first."
        )
    ad = checks.as_float(ad_error, said, "ad_error as a number, first in the pair")
    if not np.ndim(fd_errors) or np.size(fd_errors) == 1 < n:
        checks.fail(
            f"{said} returned {checks.show(fd_errors)} as fd_errors, one value where steps "
            f"holds {n}: the fd errors were computed at one step only. Compute one central "
            "difference per step h, and return all the errors as an array, in the order of "
            "steps."
        )
    fd = checks.as_array(
        fd_errors,
        said,
        shape=(n,),
        what="fd_errors as an array",
        why_shape=f"one error per step ({n} steps were given)",
    )
    return ad, fd, fd_errors


def check_ad(submission, case: Case, x: float, ad: float) -> None:
    exact = case.dfdx(x)
    bound = 1e-14 * max(1.0, abs(exact))
    if abs(ad) <= bound and ad >= 0:
        return
    words = diagnose_ad(case, x, ad)
    said = (
        f"{submission.last_text} gave ad_error = {ad!r} {describe(case, x)}, where "
        f"dfdx(x) = {exact!r}"
    )
    if words:
        checks.fail(f"{said}: that is {words}.")
    checks.fail(
        f"{said}. Dual numbers differentiate exactly up to round-off, so |d - dfdx(x)| should "
        f"be at most {bound:.3g} (1e-14 * max(1, |f'(x)|)), with d the derivative part of "
        "f(Dual(x, 1.0))."
    )


def check_fd(submission, case: Case, x: float, steps, fd: np.ndarray) -> None:
    want = case.errors(x, steps)
    tol = case.tolerance(x, steps)
    missed = np.abs(fd - want) > tol
    if (fd < 0).any():  # at tiny steps the tolerance is as large as the error: look at signs
        missed = fd < 0
    if not missed.any():
        return
    i = int(np.argmax(missed))
    h = float(steps[i])
    said = (
        f"{submission.last_text} gave fd_errors[{i}] = {float(fd[i])!r} {describe(case, x)} "
        f"and the step h = {h:.3g}, where the central difference "
        f"(f(x + h) - f(x - h)) / (2 * h) computed in float64 is off from dfdx(x) by "
        f"{float(want[i])!r}"
    )
    if words := diagnose_fd(case, x, steps, fd):
        checks.fail(f"{said}: your values are {words}.")
    if fd[i] < 0:
        checks.fail(f"{said}: your values are {FD_MISTAKES['signed']}.")
    checks.fail(
        f"{said}. Each entry is |c(h) - dfdx(x)| for the step at the same position in steps, "
        "with c(h) the central difference computed with plain floats."
    )


def check_pair(submission, case: Case, x: float, steps) -> tuple[float, np.ndarray]:
    """The learner's pair at (case, x, steps), checked in full; returns it."""
    ad, fd, _ = call(submission, case, x, steps)
    if submission.last.mutated:
        checks.fail(
            f"{submission.last_text} changed the steps it was given (sorted or overwrote "
            "them in place): read steps, and put the errors into a new array."
        )
    check_ad(submission, case, x, ad)
    check_fd(submission, case, x, steps, fd)
    return ad, fd


def drawn_steps(rng, count: int) -> list[float]:
    """``count`` steps from 1e-9 to 1e-1, log-uniform, in no particular order."""
    return (10.0 ** rng.uniform(-9, -1, size=count)).tolist()


# --- checks ---------------------------------------------------------------------------


@pytest.mark.points(1)
def test_returns_a_number_and_one_error_per_step(submission, rng):
    """The pair (ad_error, fd_errors): a number, then a float NumPy array, one entry per step."""
    case = draw_case(rng)
    x = draw_point(rng, case)
    steps = drawn_steps(rng, 5)
    _, _, raw = call(submission, case, x, steps)
    said = submission.last_text
    if not isinstance(raw, np.ndarray):
        checks.fail(
            f"{said} returned fd_errors as {type(raw).__name__} {checks.show(raw)}; expected a "
            "NumPy array of floats (np.array(..., dtype=float)), which can be plotted and "
            "computed with as a whole."
        )
    checks.true(
        raw.dtype.kind == "f",
        f"{said} returned fd_errors of dtype {raw.dtype}; expected a float array.",
    )


@pytest.mark.points(2)
def test_ad_error_is_round_off_only(submission, rng):
    """ad_error <= 1e-14 * max(1, |f'(x)|) for three smooth functions at drawn points."""
    for index in rng.choice(len(FUNCTIONS), size=3, replace=False).tolist():
        case = Case(index)
        x = draw_point(rng, case)
        ad, _, _ = call(submission, case, x, [1e-3, 1e-6])
        check_ad(submission, case, x, ad)


@pytest.mark.points(3)
def test_fd_errors_are_the_central_difference_errors_per_step(submission, rng):
    """Each fd_errors entry is |central difference - dfdx(x)| at that step, in the given order."""
    first = draw_case(rng)
    x = draw_point(rng, first)
    shuffled = list(DECADES[:9])
    rng.shuffle(shuffled)
    check_pair(submission, first, x, shuffled)  # a list, in no order
    second = draw_case(rng, exclude=(first.index,))
    x = draw_point(rng, second)
    check_pair(submission, second, x, np.array(drawn_steps(rng, 7)))  # an array


@pytest.mark.points(2)
def test_fd_errors_form_the_v_of_lesson_1_2_39(submission, rng):
    """Across steps 1e-1 ... 1e-12 the errors fall, then rise: smallest near cbrt(eps)."""
    case = draw_case(rng)
    x = draw_point(rng, case)
    _, fd = check_pair(submission, case, x, DECADES)
    best = DECADES[int(np.argmin(fd))]
    checks.true(
        NEAR_BEST[0] <= best <= NEAR_BEST[1],
        f"{submission.last_text}: the smallest fd error is at h = {best:.0e}, "
        f"{describe(case, x)}; the central difference's best step is near the cube root of "
        f"eps, {CBRT_EPS:.2g}.",
    )


@pytest.mark.points(2)
def test_ad_error_is_below_every_fd_error(submission, rng):
    """AD has no step to choose: its error is below the best central difference's."""
    case = draw_case(rng)
    x = draw_point(rng, case)
    ad, fd = check_pair(submission, case, x, DECADES)
    checks.true(
        ad < fd.min(),
        f"{submission.last_text}: ad_error = {ad!r} is not below the smallest fd error "
        f"{float(fd.min())!r} {describe(case, x)}.",
    )
