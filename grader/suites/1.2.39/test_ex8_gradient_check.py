"""Hidden checks for 1.2.39.8, relative_difference, gradient_check and verdict.

relative_difference is checked against its formula on drawn inputs. gradient_check gets
trusted functions and trusted gradients, some with a planted bug whose exact relative
difference is known in closed form (a flipped sign gives 1, a doubled gradient 1/3, a
transposed one ||G - G.T|| / (2 ||G||)); the numeric gradient differs from the exact one
by round-off only, far below the tolerances used. With a large epsilon on the quadratic
form, central differences are known exactly (cos(v) * sin(e)/e on the sin part), which
shows the epsilon given is the one used.

A gradient check is worth something only if it evaluates f, so no value can pass without
the work:

- every call of gradient_check must evaluate f at least n + 1 times for an x of n entries
  (a central difference needs 2n) and call grad; the grader counts the calls of the
  functions it passes in (``submission.last.fn_calls``, in argument order);
- every check that expects a small difference also expects a large, known one on the same
  function, and the other way round, so that no constant passes either.
"""

import numpy as np
import pytest

from grader import checks
from grader.functions import get


def formula(a, b) -> float:
    a, b = np.ravel(np.asarray(a, dtype=float)), np.ravel(np.asarray(b, dtype=float))
    return float(np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b)))


def quadratic_form(rng, shape: tuple[int, ...]):
    """f(X) = 0.5 vec(X)^T A vec(X) + sum(sin(X)), its parameters and its exact gradient."""
    n = int(np.prod(shape))
    params = {"matrix": (rng.normal(size=(n, n)) / np.sqrt(n)).tolist(), "shape": list(shape)}
    return get("quadratic_form", **params), params


def gradient(of: str, params: dict, bug: str = "none"):
    return get("gradient", of=of, params=params, bug=bug)


def rosenbrock(rng):
    params = {"a": float(rng.uniform(0.5, 2)), "b": float(rng.uniform(1, 10))}
    return get("rosenbrock", **params), params


def check(submission, f, grad, x, **kwargs) -> float:
    """Call gradient_check(f, grad, x, ...), check that it evaluated f and grad, and give
    its value as a float."""
    got = checks.as_float(
        submission.gradient_check(f, grad, x, **kwargs),
        submission.last_text,
        "a relative difference (a float)",
    )
    counts = list(submission.last.fn_calls) + [0, 0]  # [calls of f, calls of grad]
    n = int(np.size(x))
    checks.true(
        counts[0] >= n + 1,
        f"{submission.last_text} evaluated f {counts[0]} time{'s' if counts[0] != 1 else ''} "
        f"for an x of {n} entries. A gradient check estimates every partial derivative "
        f"from f itself: f(x + eps e_i) and f(x - eps e_i) for each entry i, {2 * n} "
        "evaluations here. A value found any other way does not check grad.",
    )
    checks.true(
        counts[1] >= 1,
        f"{submission.last_text} never called grad: the check compares the numeric "
        "gradient with grad(x), the gradient under test.",
    )
    return got


def check_correct(submission, f, grad, x, what: str) -> None:
    """A correct gradient scores below 1e-7."""
    got = check(submission, f, grad, x)
    checks.true(
        0.0 <= got < 1e-7,
        f"{submission.last_text} returned {got:.3g} for a CORRECT gradient ({what}); a "
        "correct one scores below 1e-7 (round-off only). Use central differences "
        "(f(x + eps e_i) - f(x - eps e_i)) / (2 eps), one entry at a time, and compare "
        "them with grad(x) through relative_difference.",
    )


def check_known(submission, f, grad, x, expected: float, why: str, **kwargs) -> None:
    """A gradient with a planted bug scores its known difference."""
    got = check(submission, f, grad, x, **kwargs)
    checks.close(got, expected, submission.last_text, rtol=0, atol=1e-6, why=why)


SIGN = "The numeric gradient g and the analytic -g differ by ||2g|| / (2||g||) = 1."
FACTOR = "The numeric gradient g and the analytic 2g differ by ||g|| / (3||g||) = 1/3."


@pytest.mark.points(2)
@pytest.mark.section("relative-difference")
def test_relative_difference_formula(submission, rng):
    """relative_difference is ||a - b|| / (||a|| + ||b||) on vectors, numbers and lists."""
    a, b = rng.normal(size=6), rng.normal(size=6)
    checks.close(
        submission.relative_difference(a, b),
        formula(a, b),
        submission.last_text,
        rtol=1e-12,
        why="Divide the norm of the difference by the SUM of the two "
        "norms (not the norm of the sum, not one norm alone).",
    )
    near = a * (1 + 1e-6 * rng.normal(size=6))
    checks.close(
        submission.relative_difference(a, near), formula(a, near), submission.last_text, rtol=1e-6
    )
    p, q = float(rng.uniform(1, 5)), float(-rng.uniform(1, 5))
    checks.close(
        submission.relative_difference(p, q),
        1.0,
        submission.last_text,
        rtol=1e-12,
        why="Two numbers work too: |p - q| / (|p| + |q|), which is 1 for opposite signs.",
    )
    as_lists = rng.normal(size=3).tolist(), rng.normal(size=3).tolist()
    checks.close(
        submission.relative_difference(*as_lists),
        formula(*as_lists),
        submission.last_text,
        rtol=1e-12,
        why="Lists work too: np.asarray(a, dtype=float) turns them into arrays.",
    )


@pytest.mark.points(1)
@pytest.mark.section("relative-difference")
def test_relative_difference_of_matrices_uses_all_entries(submission, rng):
    """For matrices, the norm is over all entries (Frobenius), not a matrix norm."""
    a, b = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    checks.close(
        submission.relative_difference(a, b),
        formula(a, b),
        submission.last_text,
        rtol=1e-12,
        why="Treat a matrix gradient as one long vector: flatten it, or "
        "use np.linalg.norm(m) without ord (ord=2 is the largest singular value).",
    )


@pytest.mark.points(1)
@pytest.mark.section("relative-difference")
def test_relative_difference_of_zeros_is_zero(submission, rng):
    """Two zero gradients differ by 0.0 (not nan); zero against non-zero gives 1."""
    shape = (int(rng.integers(2, 5)),)
    zeros = np.zeros(shape)
    checks.close(
        submission.relative_difference(zeros, zeros.copy()),
        0.0,
        submission.last_text,
        atol=0.0,
        why="0/0 is nan: check for a zero denominator first and return 0.0, since "
        "two zero gradients agree exactly.",
    )
    checks.close(submission.relative_difference(0.0, 0.0), 0.0, submission.last_text, atol=0.0)
    other = rng.normal(size=shape)
    checks.close(
        submission.relative_difference(zeros, other), 1.0, submission.last_text, rtol=1e-12
    )


@pytest.mark.points(3)
def test_correct_gradients_pass(submission, rng):
    """Correct gradients of three functions score below 1e-7, and a doubled one 1/3."""
    n = int(rng.integers(3, 7))
    banana, banana_params = rosenbrock(rng)
    form, form_params = quadratic_form(rng, (3, 4))
    cases = [
        (get("sum_of_squares"), "sum_of_squares", {}, rng.normal(size=4)),
        (banana, "rosenbrock", banana_params, rng.uniform(-1.5, 1.5, size=n)),
        (form, "quadratic_form", form_params, rng.normal(size=(3, 4))),
    ]
    for f, name, params, x in cases:
        check_correct(submission, f, gradient(name, params), x, f"the gradient of {f!r}")
        # The same check must see a bug: a value that is always small is no check.
        check_known(submission, f, gradient(name, params, "factor"), x, 1 / 3, FACTOR)


@pytest.mark.points(2)
def test_a_sign_bug_is_caught(submission, rng):
    """A gradient with its sign flipped differs by exactly 1; the right one by round-off."""
    f, params = rosenbrock(rng)
    x = rng.uniform(-1.5, 1.5, size=int(rng.integers(3, 7)))
    check_known(
        submission,
        f,
        gradient("rosenbrock", params, "sign"),
        x,
        1.0,
        SIGN + " It is the largest value a relative difference can take.",
    )
    check_correct(submission, f, gradient("rosenbrock", params), x, "the same function")


@pytest.mark.points(1.5)
def test_a_factor_bug_is_caught(submission, rng):
    """A gradient multiplied by 2 differs by exactly 1/3; the right one by round-off."""
    form, params = quadratic_form(rng, (2, 3))
    x = rng.normal(size=(2, 3))
    check_known(submission, form, gradient("quadratic_form", params, "factor"), x, 1 / 3, FACTOR)
    check_correct(submission, form, gradient("quadratic_form", params), x, "the same function")


@pytest.mark.points(1.5)
def test_a_transpose_bug_is_caught(submission, rng):
    """A square-matrix gradient returned transposed differs by ||G - G.T|| / (2 ||G||)."""
    shape = (4, 4)
    form, params = quadratic_form(rng, shape)
    x = rng.normal(size=shape)
    exact = gradient("quadratic_form", params)(x)
    check_known(
        submission,
        form,
        gradient("quadratic_form", params, "transpose"),
        x,
        formula(exact, exact.T),
        "A transposed gradient has the right shape and the right entries in the "
        "wrong places: only an entry-by-entry comparison finds it.",
    )
    check_correct(submission, form, gradient("quadratic_form", params), x, "the same function")


@pytest.mark.points(1)
def test_a_zero_gradient_gives_zero(submission, rng):
    """At a minimum (gradient exactly zero) the difference is 0, not nan."""
    n = int(rng.integers(2, 6))
    got = check(submission, get("sum_of_squares"), gradient("sum_of_squares", {}), np.zeros(n))
    checks.close(
        got,
        0.0,
        submission.last_text,
        rtol=0,
        atol=1e-12,
        why="At x = 0 the analytic gradient of sum(x**2) is zero, and so is its "
        "central difference (f(eps) - f(-eps)) / (2 eps); for two zero vectors "
        "relative_difference returns 0.0 instead of 0/0.",
    )
    # Away from the minimum the same function and a flipped gradient differ by 1.
    x = rng.normal(size=n)
    check_known(
        submission, get("sum_of_squares"), gradient("sum_of_squares", {}, "sign"), x, 1.0, SIGN
    )


@pytest.mark.points(1.5)
def test_the_given_epsilon_is_used(submission, rng):
    """With a large epsilon the difference is that of exact central differences."""
    form, params = quadratic_form(rng, (2, 3))
    x = rng.normal(size=(2, 3))
    epsilon = float(rng.uniform(0.2, 0.6))
    exact = gradient("quadratic_form", params)(x)
    v = x.reshape(-1)
    # Central differences are exact on the quadratic part and give cos*sin(e)/e on sin.
    numeric = exact + (np.cos(v) * (np.sin(epsilon) / epsilon - 1)).reshape(x.shape)
    got = check(submission, form, gradient("quadratic_form", params), x, epsilon=epsilon)
    checks.close(
        got,
        formula(numeric, exact),
        submission.last_text,
        rtol=1e-6,
        why=f"With epsilon = {epsilon:.3g}, central differences with that step give "
        "this exact difference: use the epsilon you are given, on both sides of x.",
    )


@pytest.mark.points(1)
def test_the_input_is_not_changed(submission, rng):
    """The caller's x is exactly the same after the check, and the check still right."""
    x = rng.normal(size=8) * 10.0 ** rng.uniform(-1, 2, size=8)
    # Leaving x alone earns the point only together with a right answer.
    check_known(
        submission,
        get("sum_of_squares"),
        gradient("sum_of_squares", {}, "sign"),
        x,
        1.0,
        SIGN,
        epsilon=1e-3,
    )
    checks.true(
        not submission.last.mutated,
        f"{submission.last_text} changed the array x it was given. Step a copy "
        "(np.array(x, dtype=float)): adding epsilon and subtracting it again does not "
        "always give back the same float.",
    )


@pytest.mark.points(2)
@pytest.mark.section("thresholds")
def test_verdict_labels_and_thresholds(submission, rng):
    """verdict: "correct" below 1e-7, "inspect" below 1e-3, "bug" from 1e-3 (nan too)."""
    cases = [
        (0.0, "correct"),
        (float(10 ** rng.uniform(-12, -7.05)), "correct"),
        (1e-7, "inspect"),
        (float(10 ** rng.uniform(-6.95, -3.05)), "inspect"),
        (1e-3, "bug"),
        (float(10 ** rng.uniform(-2.95, 0)), "bug"),
        (float("nan"), "bug"),
    ]
    for difference, label in cases:
        got = submission.verdict(difference)
        checks.true(
            isinstance(got, str) and got == label,
            f"{submission.last_text} returned {checks.show(got)}; expected {label!r}. The "
            "rule: difference < 1e-7 is 'correct', else difference < 1e-3 is 'inspect', "
            "everything else is 'bug' (strict comparisons, and nan is below nothing).",
        )
