"""Hidden checks for 1.2.39.7, numeric_gradient(f, x, h=1e-5).

Expected gradients are analytic (2x; Rosenbrock's; S vec(X) + cos(vec(X)) for the
quadratic form with S the symmetric part of A). The central difference is exact for the
quadratic parts, and for sin it gives cos(v) * sin(h)/h exactly, so the tolerances are
round-off bounds plus, for Rosenbrock, its h**2 truncation term. Inputs are drawn at
grade time; f is a trusted function, so the worker can count its calls.
"""

import numpy as np
import pytest

from grader import checks
from grader.functions import get

EPS = np.finfo(float).eps


def roundoff(f_size: float, x: np.ndarray, gradient: np.ndarray, h: float) -> np.ndarray:
    """A generous per-entry bound on the round-off of a central difference: f is known to
    a few eps*|f| and the step x_i + h is itself rounded by up to eps*|x_i|."""
    return 64 * EPS * (1.0 + f_size + np.abs(x) * np.abs(gradient)) / h


def quadratic_form(rng, shape: tuple[int, ...]):
    """A trusted f(X) = 0.5 vec(X)^T A vec(X) + sum(sin(X)) and its parts."""
    n = int(np.prod(shape))
    a = rng.normal(size=(n, n)) / np.sqrt(n)
    f = get("quadratic_form", matrix=a.tolist(), shape=list(shape))
    symmetric = 0.5 * (a + a.T)
    return f, symmetric


@pytest.mark.points(3)
def test_gradient_of_x_squared_plus_y_squared(submission, rng):
    """f(x, y) = x**2 + y**2: the gradient is (2x, 2y), to round-off."""
    f = get("sum_of_squares")
    for scale in (1.0, 100.0):
        point = rng.normal(size=2) * scale
        got = submission.numeric_gradient(f, point)
        bound = roundoff(float(point @ point), point, 2 * point, 1e-5)
        checks.close(
            got,
            2 * point,
            submission.last_text,
            rtol=0,
            atol=bound,
            why="Move one coordinate at a time by +h and -h and divide the change "
            "in f by 2h; for squares the central difference is exact.",
        )


@pytest.mark.points(2)
def test_gradient_of_rosenbrock(submission, rng):
    """The Rosenbrock function of 3 to 6 variables: its analytic gradient, within h**2."""
    n = int(rng.integers(3, 7))
    a, b = float(rng.uniform(0.5, 2.0)), float(rng.uniform(10.0, 100.0))
    point = rng.uniform(-1.5, 1.5, size=n)
    f = get("rosenbrock", a=a, b=b)
    exact = get("gradient", of="rosenbrock", params={"a": a, "b": b})(point)
    h = 1e-5
    got = submission.numeric_gradient(f, point, h=h)
    # truncation h**2/6 * f''' with f''' = 24 b v_i for the b*v_i**4 part, plus round-off
    bound = 5 * b * (np.abs(point) + 0.1) * h**2 + roundoff(f(point), point, exact, h)
    checks.close(
        got,
        exact,
        submission.last_text,
        rtol=0,
        atol=bound,
        why="Each entry i needs its own pair f(x + h e_i), f(x - h e_i), where e_i "
        "is 1 at entry i and 0 elsewhere.",
    )


@pytest.mark.points(2)
def test_function_of_a_matrix(submission, rng):
    """f of a (3, 4) matrix: a (3, 4) gradient whose entries match the analytic ones."""
    shape = (3, 4)
    f, symmetric = quadratic_form(rng, shape)
    point = rng.normal(size=shape)
    v = point.reshape(-1)
    exact = (symmetric @ v + np.cos(v)).reshape(shape)
    got = submission.numeric_gradient(f, point)
    bound = 1e-10 + roundoff(abs(f(point)) + v @ v, point, exact, 1e-5)
    checks.close(
        got,
        exact,
        submission.last_text,
        rtol=0,
        atol=bound,
        why="Return the gradient in x's own shape: entry [i, j] holds df/dX[i, j].",
    )


@pytest.mark.points(1)
def test_other_shapes_including_a_single_entry(submission, rng):
    """Arrays of shape (1,) and (2, 2, 3) work and keep their shape."""
    f = get("sum_of_squares")
    for shape in ((1,), (2, 2, 3)):
        point = rng.normal(size=shape) * 3
        got = submission.numeric_gradient(f, point)
        bound = roundoff(float(np.sum(point**2)), point, 2 * point, 1e-5)
        checks.close(
            got,
            2 * point,
            submission.last_text,
            rtol=0,
            atol=bound,
            why="Loop over every entry whatever the number of dimensions, e.g. over "
            "range(x.size) on a flattened copy, and reshape the result at the end.",
        )


@pytest.mark.points(2)
def test_the_given_step_is_used_with_central_differences(submission, rng):
    """With a large h the result is exactly the central difference for that h."""
    shape = (2, 3)
    f, symmetric = quadratic_form(rng, shape)
    point = rng.normal(size=shape)
    v = point.reshape(-1)
    h = float(rng.uniform(0.1, 0.5))
    # central differences are exact on the quadratic part; on sin they give cos*sin(h)/h
    expected = (symmetric @ v + np.cos(v) * np.sin(h) / h).reshape(shape)
    got = submission.numeric_gradient(f, point, h=h)
    checks.close(
        got,
        expected,
        submission.last_text,
        rtol=1e-9,
        atol=1e-12,
        why=f"With h = {h:.4g} only (f(x + h e_i) - f(x - h e_i)) / (2h) gives this "
        "value: use the h you are given (not a fixed 1e-5), on both sides of x.",
    )


@pytest.mark.points(2)
def test_integer_input_gives_a_float_array(submission, rng):
    """An integer x gives a float array of the same shape, with the right values."""
    f = get("sum_of_squares")
    point = rng.integers(-9, 10, size=(2, 3))
    got = submission.numeric_gradient(f, point)
    dtype = np.asarray(got).dtype if got is not None else None
    checks.true(
        dtype is not None and dtype.kind == "f",
        f"{submission.last_text} returned values of dtype {dtype}; expected a float array. "
        "An array made with np.zeros_like(x) copies x's integer dtype and truncates every "
        "slope: make it from a float copy, np.asarray(x, dtype=float).",
    )
    bound = roundoff(float(np.sum(point**2)), point, 2 * point, 1e-5)
    checks.close(
        got,
        2.0 * point,
        submission.last_text,
        rtol=0,
        atol=bound,
        why="Convert x to floats before stepping: an integer entry plus 1e-5, stored "
        "back into an integer array, is rounded back to the same integer.",
    )
    checks.true(
        not submission.last.mutated,
        f"{submission.last_text} changed the integer array it was given.",
    )


@pytest.mark.points(1)
def test_the_input_is_not_changed(submission, rng):
    """The caller's x is exactly the same after the call, and the gradient still right."""
    f = get("sum_of_squares")
    point = rng.normal(size=8) * 10.0 ** rng.uniform(-1, 2, size=8)
    got = submission.numeric_gradient(f, point, h=1e-3)
    # Leaving x alone earns the point only together with a right answer.
    checks.close(
        got,
        2 * point,
        submission.last_text,
        rtol=0,
        atol=roundoff(float(point @ point), point, 2 * point, 1e-3),
    )
    checks.true(
        not submission.last.mutated,
        f"{submission.last_text} changed the array x it was given. Work on a copy "
        "(np.array(x, dtype=float)); adding h and subtracting it again does not always "
        "give back the same float.",
    )


@pytest.mark.points(1)
def test_at_most_two_calls_of_f_per_entry(submission, rng):
    """f is called at most 2n + 1 times for an x with n entries (and the answer is right)."""
    shape = (3, 4)
    f, symmetric = quadratic_form(rng, shape)
    point = rng.normal(size=shape)
    got = submission.numeric_gradient(f, point)
    calls = submission.last.fn_calls[0] if submission.last.fn_calls else 0
    n = point.size
    checks.true(
        calls <= 2 * n + 1,
        f"{submission.last_text} called f {calls} times for an x with {n} entries; central "
        f"differences need two calls per entry ({2 * n}), plus at most one more. On a model "
        "with millions of weights every extra call costs a full forward pass.",
    )
    # Few calls earn the point only with a gradient that was computed from them.
    checks.true(
        calls >= n + 1,
        f"{submission.last_text} called f {calls} time{'s' if calls != 1 else ''} for an "
        f"x with {n} entries: a numeric gradient evaluates f at x + h e_i and x - h e_i "
        "for every entry i.",
    )
    v = point.reshape(-1)
    exact = (symmetric @ v + np.cos(v)).reshape(shape)
    bound = 1e-10 + roundoff(abs(f(point)) + v @ v, point, exact, 1e-5)
    checks.close(got, exact, submission.last_text, rtol=0, atol=bound)
