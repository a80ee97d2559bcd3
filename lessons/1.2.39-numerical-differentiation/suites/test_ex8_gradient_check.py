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

from grader.grading import checks
from grader.grading.inputs import lesson_inputs

get = lesson_inputs(__file__).get  # the lesson's trusted functions (inputs.py)

# What an error raised by the learner's code usually means in this exercise. ValueError
# is told by Python's words (plugin.explain, first matching key first): NumPy's norm
# refusing an ord (ord="fro" on a vector, ord=2 on a number), an if meeting a whole array,
# shapes that differ.
ERROR_ADVICE = {
    "ValueError/Invalid norm order 'fro'": "np.linalg.norm refuses ord='fro' for this "
    "input: ord='fro' exists only for 2-D matrices, so a vector fails (and a single number "
    "too). For vectors and numbers leave ord out: np.linalg.norm of the flattened array is "
    "the norm over all entries, which for a matrix is the same number as its Frobenius norm.",
    "ValueError/Invalid norm order": "np.linalg.norm refuses this ord for a vector: the "
    "matrix orders ('fro', 'nuc') exist only for 2-D matrices. Leave ord out: "
    "np.linalg.norm of the flattened array is the norm over all entries.",
    "ValueError/Improper number of dimensions": "np.linalg.norm refuses an ord for this "
    "input: with an ord it takes only vectors and matrices (ord='fro' only matrices), so a "
    "single number (or an array of 3 or more dimensions) fails; and for a matrix ord=2 is "
    "the largest singular value, not the norm of all entries. Leave ord out: np.linalg.norm "
    "of the flattened array is the norm over all entries.",
    "ValueError/truth value": "An if met a whole array where one number was needed: the "
    "value it tests (such as the denominator ||a|| + ||b||) came out as an array. A norm "
    "written by hand does that for a matrix: v.T @ v of a matrix is a matrix (every "
    "column times every column), not a number, and so is its square root. The norm "
    "of a matrix gradient is over ALL its entries, the sum of every squared entry, under "
    "one square root: np.linalg.norm of the flattened array gives it too.",
    "ValueError/could not be broadcast": "Two arrays whose shapes differ met in one "
    "operation: the numeric gradient must have the shape of x, like grad(x).",
    "ValueError": "Often two arrays whose shapes differ: the numeric gradient must have "
    "the shape of x, like grad(x).",
    "ZeroDivisionError": "Both gradients are zero, so ||a|| + ||b|| is 0: two zero "
    "gradients agree exactly, so return 0.0 in that case instead of dividing.",
    "TypeError": "Often arithmetic on Python lists (a - b is not defined for lists) or on a "
    "number and a list: turn both inputs into arrays first with np.asarray(..., "
    "dtype=float), which also accepts plain numbers.",
    "AttributeError": "Often a plain number or a list where an array was expected (a float "
    "has no .shape or .ravel()): np.asarray(value, dtype=float) accepts numbers, lists and "
    "arrays alike.",
    "IndexError": "Often a loop over x's rows instead of its entries: for a matrix x, step "
    "every entry, e.g. through a flat view x.reshape(-1) of a float copy, or np.ndindex.",
}


def _norms_of(a, b):
    a, b = np.ravel(np.asarray(a, dtype=float)), np.ravel(np.asarray(b, dtype=float))
    return a, b, np.linalg.norm(a - b), np.linalg.norm(a), np.linalg.norm(b)


def _spectral(a, b) -> float:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.ndim != 2:
        return float("nan")
    norm = np.linalg.norm
    return float(norm(a - b, 2) / (norm(a, 2) + norm(b, 2)))


DIFFERENCE_OF_NORMS = (
    "takes the difference of the norms, ||a|| - ||b||, where the formula takes the norm of "
    "the difference, ||a - b||. Norms measure size only: two gradients of equal size that "
    "point different ways give 0 that way, though they differ"
)

# Formulas a learner writes instead of ||a - b|| / (||a|| + ||b||), with what they did.
RELATIVE_SLIPS = [
    (
        lambda a, b: _norms_of(a, b)[2] / np.linalg.norm(_norms_of(a, b)[0] + _norms_of(a, b)[1]),
        "divides by the norm of the sum, ||a + b||, where the formula divides by the sum of "
        "the norms, ||a|| + ||b|| (they differ whenever a and b point different ways)",
    ),
    (
        lambda a, b: _norms_of(a, b)[2] / _norms_of(a, b)[4],
        "divides by one norm alone, ||b||, where the formula divides by the sum of both "
        "norms, ||a|| + ||b|| (that sum is what keeps the result between 0 and 1)",
    ),
    (
        lambda a, b: _norms_of(a, b)[2] / _norms_of(a, b)[3],
        "divides by one norm alone, ||a||, where the formula divides by the sum of both "
        "norms, ||a|| + ||b|| (that sum is what keeps the result between 0 and 1)",
    ),
    (
        lambda a, b: _norms_of(a, b)[2] / max(_norms_of(a, b)[3], _norms_of(a, b)[4]),
        "divides by the larger of the two norms, where the formula divides by their sum",
    ),
    (
        lambda a, b: _norms_of(a, b)[2],
        "is the plain distance ||a - b||, not divided by the sizes of the gradients: "
        "divide by ||a|| + ||b|| to make it relative",
    ),
    (
        lambda a, b: _norms_of(a, b)[2] ** 2 / (_norms_of(a, b)[3] ** 2 + _norms_of(a, b)[4] ** 2),
        "uses squared norms; the formula uses the norms themselves (square roots of the sums "
        "of squares)",
    ),
    (
        lambda a, b: (
            abs(_norms_of(a, b)[3] - _norms_of(a, b)[4]) / (_norms_of(a, b)[3] + _norms_of(a, b)[4])
        ),
        DIFFERENCE_OF_NORMS,
    ),
    (
        lambda a, b: (
            (_norms_of(a, b)[3] - _norms_of(a, b)[4]) / (_norms_of(a, b)[3] + _norms_of(a, b)[4])
        ),
        DIFFERENCE_OF_NORMS,
    ),
    (
        _spectral,
        "uses the matrix norm ord=2 (the largest singular value) for a matrix; the formula "
        "treats the matrix as one long vector: the norm of ALL its entries (np.linalg.norm "
        "without ord, or of the flattened matrix)",
    ),
    (
        lambda a, b: formula(np.abs(a), np.abs(b)) if np.ndim(a) else float("nan"),
        "compares absolute values entry by entry; a sign error is exactly what a gradient "
        "check must see, so compare a and b themselves",
    ),
]


def check_relative(submission, a, b, rtol: float, why: str = "") -> None:
    """relative_difference(a, b) equals the formula; else the first message names the
    formula that the value matches."""
    value = submission.relative_difference(a, b)
    call = submission.last_text
    if isinstance(value, np.ndarray) and value.ndim > 0:
        checks.fail(
            f"{call} returned an array of shape {value.shape}: the result is ONE number, the "
            "norm of the difference over all entries divided by the sum of the two norms, "
            "not a ratio entry by entry."
        )
    expected = formula(a, b)
    got = checks.as_float(value, call, "a relative difference (a float)")
    if abs(got - expected) <= rtol * abs(expected):
        return
    for slip, meaning in RELATIVE_SLIPS:
        with np.errstate(all="ignore"):
            candidate = float(slip(a, b))
        # inf too: one norm alone is inf when that norm is 0
        same = got == candidate or (
            np.isfinite(candidate) and abs(got - candidate) <= 1e-9 * max(1.0, abs(candidate))
        )
        if same:
            checks.fail(
                f"{call} returned {checks.show(got)}, where ||a - b|| / (||a|| + ||b||) is "
                f"{checks.show(expected)}: your formula {meaning}."
            )
    norms = (
        np.linalg.norm(np.ravel(np.asarray(a, float))),
        np.linalg.norm(np.ravel(np.asarray(b, float))),
    )
    if got == 0.0 and (norms[0] == 0) != (norms[1] == 0):
        zero = "b" if norms[1] == 0 else "a"
        checks.fail(
            f"{call} returned 0.0 for two gradients of which only {zero} is zero, as if they "
            f"agreed; ||a - b|| / (||a|| + ||b||) is {checks.show(expected)} there. Only two "
            "zero gradients agree: return 0.0 when BOTH norms are 0 (their sum is 0), "
            "whichever of a and b is the zero one."
        )
    checks.close(got, expected, call, rtol=rtol, why=why)


def central(f, x, epsilon: float, divisor: float = 2.0) -> np.ndarray:
    """Central differences of a trusted f at x, computed in the grader."""
    point = np.array(x, dtype=float)
    flat, out = point.reshape(-1), np.empty(point.size)
    for i in range(flat.size):
        saved = flat[i]
        flat[i] = saved + epsilon
        ahead = f(point)
        flat[i] = saved - epsilon
        behind = f(point)
        flat[i] = saved
        out[i] = (ahead - behind) / (divisor * epsilon)
    return out.reshape(point.shape)


def one_sided(f, x, epsilon: float) -> np.ndarray:
    """The forward difference of a trusted f at x, computed in the grader."""
    point = np.array(x, dtype=float)
    flat, out, here = point.reshape(-1), np.empty(point.size), f(point)
    for i in range(flat.size):
        saved = flat[i]
        flat[i] = saved + epsilon
        out[i] = (f(point) - here) / epsilon
        flat[i] = saved
    return out.reshape(point.shape)


def diagnose_check(f, grad, x, epsilon: float, got: float) -> str:
    """What a wrong gradient_check value is, if it matches a common slip computed from the
    same trusted f and grad in the grader ("the value of a one-sided difference ..."): a
    one-sided difference, a missing 2, another epsilon. '' if nothing matches, and then no
    claim is made about the code."""
    analytic = grad(np.array(x, dtype=float))
    suspects = [
        (
            one_sided(f, x, epsilon),
            "the value of a one-sided (forward) difference (f(x + eps e_i) - f(x)) / eps. "
            "Its error is of order eps, large next to a correct gradient's round-off; the "
            "check uses the central difference (f(x + eps e_i) - f(x - eps e_i)) / (2 eps)",
        ),
        (
            one_sided(f, x, -epsilon),
            "the value of a one-sided (backward) difference (f(x) - f(x - eps e_i)) / eps. "
            "Its error is of order eps; the check uses the central difference "
            "(f(x + eps e_i) - f(x - eps e_i)) / (2 eps)",
        ),
        (
            central(f, x, epsilon, divisor=1.0),
            "the value of central differences divided by eps instead of 2 eps: the points "
            "x + eps e_i and x - eps e_i are 2 eps apart, so each estimate came out twice "
            "too large",
        ),
    ]
    for step in (1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8):
        if not np.isclose(step, epsilon, rtol=1e-9, atol=0):
            suspects.append(
                (
                    central(f, x, step),
                    f"the value of central differences with a step of {step:g}, not the "
                    f"epsilon given ({epsilon:.3g}): use the epsilon you are given",
                )
            )
    for numeric, meaning in suspects:
        candidate = formula(numeric, analytic)
        if abs(got - candidate) <= 1e-3 * abs(candidate) + 1e-15:
            return meaning
    # The right numeric gradient, compared by another formula. Where several slips give
    # this value (a flipped sign gives 2 both over one norm and with squared norms), all
    # are named, as the alternatives they are.
    numeric = central(f, x, epsilon)
    found = []
    for slip, meaning in CHECK_SLIPS:
        for pair in ((numeric, analytic), (analytic, numeric)):
            with np.errstate(all="ignore"):
                candidate = float(slip(*pair))
            close = abs(got - candidate) <= 1e-3 * abs(candidate) + 1e-15
            if np.isfinite(candidate) and close and meaning not in found:
                found.append(meaning)
    if found:
        return (
            "the value that the right numeric gradient and grad(x) give with a formula that "
            + ", or with one that ".join(found)
            + " (relative_difference is tested on its own in the first checks)"
        )
    return ""


ONE_NORM = (
    "divides ||a - b|| by the norm of one gradient alone, where ||a - b|| / (||a|| + ||b||) "
    "divides by the sum of both norms"
)
SQUARED = "uses squared norms, ||a - b||**2 / (||a||**2 + ||b||**2)"
# Formulas a gradient check may compare the two gradients with instead of the right one.
CHECK_SLIPS = [
    (RELATIVE_SLIPS[0][0], RELATIVE_SLIPS[0][1]),
    (RELATIVE_SLIPS[1][0], ONE_NORM),
    (RELATIVE_SLIPS[3][0], ONE_NORM),
    (RELATIVE_SLIPS[4][0], RELATIVE_SLIPS[4][1]),
    (RELATIVE_SLIPS[5][0], SQUARED),
    (
        lambda a, b: above_roundoff(RELATIVE_SLIPS[6][0](a, b)),
        "takes the difference of the norms, ||a|| - ||b||, not the norm of the difference, "
        "||a - b||",
    ),
]


def above_roundoff(value: float) -> float:
    """``value``, or nan where it is round-off (a flipped or transposed gradient keeps its
    norm, so the difference of the norms is round-off there, and a round-off value matched
    would prove nothing)."""
    return value if abs(value) > 1e-6 else float("nan")


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
    """A correct gradient scores below 1e-7; a miss names what the value matches."""
    got = check(submission, f, grad, x)
    if 0.0 <= got < 1e-7:
        return
    found = diagnose_check(f, grad, x, 1e-7, got)
    found = (
        f"That is {found}."
        if found
        else (
            "Estimate each partial derivative with the central difference "
            "(f(x + eps e_i) - f(x - eps e_i)) / (2 eps), one entry at a time, and compare the "
            "result with grad(x) through relative_difference."
        )
    )
    checks.fail(
        f"{submission.last_text} returned {got:.3g} for a CORRECT gradient ({what}); a "
        f"correct one scores below 1e-7 (round-off only). {found}"
    )


def check_known(
    submission, f, grad, x, expected: float, why: str, rtol=0.0, atol=1e-6, **kwargs
) -> None:
    """A gradient with a planted bug (or a known case) scores its known difference; a miss
    names what the value matches."""
    got = check(submission, f, grad, x, **kwargs)
    if abs(got - expected) <= atol + rtol * abs(expected):
        return
    found = diagnose_check(f, grad, x, kwargs.get("epsilon", 1e-7), got)
    if found:
        checks.fail(
            f"{submission.last_text} returned {checks.show(got)}, {found}. Expected "
            f"{checks.show(expected)}."
        )
    checks.close(got, expected, submission.last_text, rtol=rtol, atol=atol, why=why)


def also_needs(prefix: str, check_function, *args, **kwargs) -> None:
    """``check_function(*args, **kwargs)``, whose failure is told after ``prefix``: what
    the check is about passed, and this part is what it also needs."""
    try:
        check_function(*args, **kwargs)
    except checks.CheckFailed as failure:
        checks.fail(prefix + failure.message)


SIGN = "The numeric gradient g and the analytic -g differ by ||2g|| / (2||g||) = 1."
FACTOR = "The numeric gradient g and the analytic 2g differ by ||g|| / (3||g||) = 1/3."


@pytest.mark.points(2)
@pytest.mark.section("relative-difference")
def test_relative_difference_formula(submission, rng):
    """relative_difference is ||a - b|| / (||a|| + ||b||) on vectors, numbers and lists."""
    a, b = rng.normal(size=6), rng.normal(size=6)
    check_relative(submission, a, b, rtol=1e-12)
    near = a * (1 + 1e-6 * rng.normal(size=6))
    check_relative(submission, a, near, rtol=1e-6)
    p, q = float(rng.uniform(1, 5)), float(-rng.uniform(1, 5))
    check_relative(
        submission,
        p,
        q,
        rtol=1e-12,
        why="Two numbers work too: |p - q| / (|p| + |q|), which is 1 for opposite signs.",
    )
    as_lists = rng.normal(size=3).tolist(), rng.normal(size=3).tolist()
    check_relative(
        submission,
        *as_lists,
        rtol=1e-12,
        why="Lists work too: np.asarray(a, dtype=float) turns them into arrays.",
    )


@pytest.mark.points(1)
@pytest.mark.section("relative-difference")
def test_relative_difference_of_matrices_uses_all_entries(submission, rng):
    """For matrices too, the norm is over all entries, as for a vector (its Frobenius norm).

    Not a matrix norm such as ord=2; and ord="fro" is for matrices only, so the same code
    must also serve vectors and numbers (the first check)."""
    a, b = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    check_relative(
        submission,
        a,
        b,
        rtol=1e-12,
        why="Treat a matrix gradient as one long vector: the norm of all its entries.",
    )


@pytest.mark.points(1)
@pytest.mark.section("relative-difference")
def test_relative_difference_of_zeros_is_zero(submission, rng):
    """Two zero gradients differ by 0.0 (not nan); zero against non-zero gives 1."""
    shape = (int(rng.integers(2, 5)),)
    zeros = np.zeros(shape)
    for a, b in ((zeros, zeros.copy()), (0.0, 0.0)):
        value = submission.relative_difference(a, b)
        if isinstance(value, float | np.floating) and np.isnan(value):
            checks.fail(
                f"{submission.last_text} returned nan: both norms are 0, so "
                "||a - b|| / (||a|| + ||b||) is 0/0. Two zero gradients agree exactly: "
                "when the denominator is 0, return 0.0 instead of dividing."
            )
        checks.close(value, 0.0, submission.last_text, atol=0.0)
    other = rng.normal(size=shape)
    # Both orders: a formula that treats a and b differently is right in one of them only.
    check_relative(submission, zeros, other, rtol=1e-12)
    check_relative(submission, other, zeros.copy(), rtol=1e-12)


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
    check_known(
        submission,
        get("sum_of_squares"),
        gradient("sum_of_squares", {}),
        np.zeros(n),
        0.0,
        atol=1e-12,
        why="At x = 0 the analytic gradient of sum(x**2) is zero, and so is its "
        "central difference (f(eps) - f(-eps)) / (2 eps); for two zero vectors "
        "relative_difference returns 0.0 instead of 0/0.",
    )
    # Away from the minimum the same function and a flipped gradient differ by 1.
    x = rng.normal(size=n)
    also_needs(
        "Not yet: this check also needs a flipped sign to give 1 away from the minimum, and "
        "it did not (a check that always returns 0 sees no bug; at x = 0 your 0 was right): ",
        check_known,
        submission,
        get("sum_of_squares"),
        gradient("sum_of_squares", {}, "sign"),
        x,
        1.0,
        SIGN,
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
    check_known(
        submission,
        form,
        gradient("quadratic_form", params),
        x,
        formula(numeric, exact),
        rtol=1e-6,
        atol=0.0,
        epsilon=epsilon,
        why=f"With epsilon = {epsilon:.3g}, central differences with that step give "
        "this exact difference: use the epsilon you are given, on both sides of x.",
    )


@pytest.mark.points(1)
def test_the_input_is_not_changed(submission, rng):
    """The caller's x is exactly the same after the check, and the check still right."""
    x = rng.normal(size=8) * 10.0 ** rng.uniform(-1, 2, size=8)
    changed = (
        "changed the array x it was given. Step the entries of a copy of x instead: adding "
        "epsilon and subtracting it again does not always give back the same float, and the "
        "caller's x is not yours to move."
    )
    # Leaving x alone earns the point only together with a right answer.
    try:
        check_known(
            submission,
            get("sum_of_squares"),
            gradient("sum_of_squares", {}, "sign"),
            x,
            1.0,
            SIGN,
            epsilon=1e-3,
        )
    except checks.CheckFailed as failure:
        call = submission.last_text
        checks.true(not submission.last.mutated, f"{call} {changed}")
        rest = failure.message.removeprefix(call).lstrip(": ").removeprefix("it ")
        checks.fail(
            f"Not yet: this check also needs a right value, and {call} did not return one: "
            f"it {rest} (It left the caller's x exactly as it was: that part is right.)"
        )
    checks.true(not submission.last.mutated, f"{submission.last_text} {changed}")


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
    wrong = []
    for difference, label in cases:
        got = submission.verdict(difference)
        if not (isinstance(got, str) and got == label):
            wrong.append((difference, label, got, submission.last_text))
    if not wrong:
        return
    said = "; ".join(f"{call} returned {checks.show(got)}" for _, _, got, call in wrong[:3])
    rule = (
        "The rule: difference < 1e-7 is 'correct', else difference < 1e-3 is 'inspect', "
        "everything else is 'bug'."
    )
    labels = {got for _, _, got, _ in wrong}
    at_threshold = {d for d, _, _, _ in wrong if d in (1e-7, 1e-3)}
    is_nan = any(d != d for d, _, _, _ in wrong)
    if not labels <= {"correct", "inspect", "bug"}:
        advice = (
            "verdict returns exactly one of the three texts 'correct', 'inspect' and 'bug' "
            "(lower case, no other words)."
        )
    elif at_threshold and len(at_threshold) + is_nan == len(wrong):
        advice = (
            "At exactly a threshold the difference is NOT below it: 1e-7 is 'inspect' and "
            "1e-3 is 'bug'. Compare with a strict < where the code uses <= (or turn > into >=)."
        )
        if is_nan:
            advice += " And nan is below nothing, so it must fall through to 'bug'."
    elif is_nan and len(wrong) == 1:
        advice = (
            "nan compares False with every number, so it passes any test written as "
            "'not above' (such as difference > 1e-3 being False). Test 'below' with < from "
            "the smallest threshold up, so that a nan fails every test and ends as 'bug'."
        )
    else:
        advice = "Compare the labels with the rule, from the smallest threshold up."
    expected = (
        f"expected {checks.show(wrong[0][1])}"
        if len(wrong) == 1
        else "expected "
        + ", ".join(checks.show(label) for _, label, _, _ in wrong[:3])
        + " in turn"
    )
    checks.fail(f"{said}; {expected}. {advice} {rule}")
