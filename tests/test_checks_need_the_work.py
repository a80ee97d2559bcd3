"""A check that something was computed cannot be passed without computing it, and every
honest way of computing it passes (issue 13, classes 4 and 5).

- 1.2.39.5: the closed form 2*x, 2*x nudged by a fixed relative amount and 4*x*h/(2*h)
  fail every check that asks for the floating-point central difference, while central
  differences written in several honest styles get full marks.
- 1.2.39.8: a gradient_check that returns a constant, uses its own gradient, reads the
  grader's or evaluates f once earns nothing from the checks that call it, and is told
  that f was not evaluated.
- Project: checkers that return constants score 0 on every check that calls them; Part 1
  written in several honest styles gets full marks.
- 1.2.39.9 and the trusted functions: values passed in behave like the ones a learner
  tests with (NumPy types, NumPy scalars).

Everything runs through the real ``course grade`` command, in a subprocess.
"""

from pathlib import Path

import numpy as np
import pytest

from grader.grading.inputs import load as load_inputs
from tests.support import CORRECT, ROOT, course, known_wrong, materialize

LESSON = ROOT / "lessons" / "1.2.39-numerical-differentiation"
get = load_inputs(LESSON).get  # the lesson's trusted functions

WRONG = LESSON / "wrong"


def grade(exercise: str, path: Path, seed: int = 7) -> dict:
    run = course("grade", exercise, "--submission", str(path), "--json", "--seed", str(seed))
    return run.json()


def failed(result: dict) -> dict[str, str]:
    return {c["name"]: c["message"] for c in result["checks"] if not c["passed"]}


def full_marks(result: dict) -> bool:
    return result["passed"] and result["score"] == result["max_score"]


# --- 1.2.39.5 -----------------------------------------------------------------------------

SQUARE = "import math\n\nimport numpy as np\n\n\ndef square(x):\n    return x * x\n\n\n"
HONEST_EX5 = {
    "python_floats_in_a_loop": """
def numeric_gradient_square(x, h=1e-5):
    if np.ndim(x) == 0:
        x = float(x)
        return ((x + h) ** 2 - (x - h) ** 2) / 2 / h
    out = np.empty(np.shape(x))
    for i, v in np.ndenumerate(np.asarray(x, dtype=float)):
        out[i] = ((float(v) + h) ** 2 - (float(v) - h) ** 2) / 2 / h
    return out
""",
    "representable_step": """
def numeric_gradient_square(x, h=1e-5):
    x = np.asarray(x, dtype=float)
    t = x + h
    h = t - x
    g = (square(x + h) - square(x - h)) / (2 * h)
    return g if g.ndim else g.item()
""",
    "reciprocal_times_half": """
def numeric_gradient_square(x, h=1e-5):
    x = np.array(x, dtype=np.float64)
    g = (square(x + h) - square(x - h)) * (0.5 / h)
    return g[()] if g.ndim == 0 else g
""",
    "forward_and_backward_averaged": """
def numeric_gradient_square(x, h=1e-5):
    x = np.asarray(x, dtype=float)
    g = 0.5 * ((square(x + h) - square(x)) / h + (square(x) - square(x - h)) / h)
    return g if g.ndim else float(g)
""",
    "stepped_copy_in_place": """
def numeric_gradient_square(x, h=1e-5):
    p = np.array(x, dtype=float)
    p += h
    ahead = square(p)
    p -= 2 * h
    g = (ahead - square(p)) / (2 * h)
    return g if g.ndim else float(g)
""",
    "numpy_scalars_and_power": """
def numeric_gradient_square(x, h=1e-5):
    if isinstance(x, np.ndarray):
        x = x.astype(float)
    else:
        x = np.float64(x)
    return (np.power(x + h, 2) - np.power(x - h, 2)) / (2 * h)
""",
}
COMPUTED_EX5 = {
    "the_central_difference_is_computed",
    "step_size_is_used",
    "integer_input_works",
    "the_callers_array_is_left_unchanged",
}


@pytest.mark.parametrize("style", sorted(HONEST_EX5))
def test_ex5_honest_central_differences_get_full_marks(style, tmp_path):
    path = tmp_path / f"{style}.py"
    path.write_text(SQUARE + HONEST_EX5[style].lstrip(), encoding="utf-8")
    for seed in (3, 11):
        result = grade("1.2.39.5", path, seed)
        assert full_marks(result), (style, seed, failed(result))


@pytest.mark.parametrize("name", ["closed_form", "closed_form_nudged", "simplified_by_hand"])
def test_ex5_the_closed_form_fails_every_check_of_computation(name, tmp_path):
    result = grade("1.2.39.5", known_wrong(WRONG / "ex5_numeric_gradient_square", name, tmp_path))
    assert COMPUTED_EX5 <= set(failed(result)), failed(result)
    message = failed(result)["the_central_difference_is_computed"]
    assert "floating point" in message and "square(x + h)" in message


# --- 1.2.39.8 -----------------------------------------------------------------------------

CALLS_F = {
    "correct_gradients_pass",
    "a_sign_bug_is_caught",
    "a_factor_bug_is_caught",
    "a_transpose_bug_is_caught",
    "a_zero_gradient_gives_zero",
    "the_given_epsilon_is_used",
    "the_input_is_not_changed",
}


@pytest.mark.parametrize(
    "name", ["returns_constant", "hard_coded_gradient", "reads_the_grader_gradient", "calls_f_once"]
)
def test_ex8_a_check_that_does_not_evaluate_f_earns_nothing(name, tmp_path):
    mutation = WRONG / "ex8_gradient_check" / f"{name}.mutation.toml"
    result = grade("1.2.39.8", materialize(mutation, tmp_path))
    wrong = failed(result)
    assert CALLS_F <= set(wrong), wrong
    assert all("evaluated f" in wrong[check] for check in CALLS_F), wrong
    assert not result["passed"]


# --- the project --------------------------------------------------------------------------

PART1 = {"part1_gradient_check_passes_a_correct_derivative", "part1_two_zero_gradients_agree"}
PART2_CHECK_N = {
    "part2_gradient_check_n_scores_the_planted_bugs",
    "part2_gradient_check_n_passes_correct_gradients",
    "part2_gradient_check_n_uses_central_differences_with_epsilon",
    "part2_gradient_check_n_measures_injected_bugs",
    "part3_your_checker_passes_your_backward",
}
PART4 = {
    "part4_report_of_correct_gradients",
    "part4_report_uses_central_differences_with_epsilon",
    "part4_report_names_the_planted_bugs",
    "part4_report_finds_a_transpose",
    "part4_report_finds_a_missing_one_over_m",
    "part4_report_finds_a_wrong_relu_derivative",
    "part4_report_finds_one_wrong_entry",
}
CONSTANTS = {
    "part1_returns_zero": PART1,
    "check_n_returns_zero": PART2_CHECK_N,
    "check_n_returns_the_known_number": PART2_CHECK_N,
    "report_differences_zero": PART4,
}
CHECKER = WRONG / "project" / "gradient_checker"


@pytest.mark.parametrize("name", sorted(CONSTANTS))
def test_project_a_constant_checker_scores_nothing_where_it_is_called(name, tmp_path):
    path = materialize(CHECKER / f"{name}.mutation.toml", tmp_path)
    result = grade("1.2.39.project", path)
    assert CONSTANTS[name] <= set(failed(result)), failed(result)
    assert not result["passed"]


HONEST_PART1 = {
    "reciprocal": """
def gradient_check(x, theta, epsilon=1e-7):
    gradapprox = (forward_propagation(x, theta + epsilon) - forward_propagation(
        x, theta - epsilon)) * (1.0 / (2.0 * epsilon))
    grad = backward_propagation(x, theta)
    return abs(grad - gradapprox) / (abs(grad) + abs(gradapprox)) if grad or gradapprox else 0.0
""",
    "classic_with_norms": """
def gradient_check(x, theta, epsilon=1e-7):
    J_plus = np.dot(theta + epsilon, x)
    J_minus = np.dot(x, theta - epsilon)
    gradapprox = (J_plus - J_minus) / (2 * epsilon)
    grad = backward_propagation(x, theta)
    denominator = np.linalg.norm(grad) + np.linalg.norm(gradapprox)
    return 0.0 if denominator == 0 else np.linalg.norm(grad - gradapprox) / denominator
""",
    "stepped_copy": """
def gradient_check(x, theta, epsilon=1e-7):
    th = np.array([theta], dtype=float)
    th += epsilon
    j_plus = forward_propagation(x, th)
    th -= 2 * epsilon
    gradapprox = ((j_plus - forward_propagation(x, th)) / (2 * epsilon))[0]
    grad = backward_propagation(x, theta)
    den = abs(grad) + abs(gradapprox)
    return 0.0 if den == 0 else float(abs(grad - gradapprox) / den)
""",
}


@pytest.mark.parametrize("style", sorted(HONEST_PART1))
def test_project_part1_in_honest_styles_gets_full_marks(style, tmp_path):
    text = (CHECKER / CORRECT).read_text(encoding="utf-8")
    start = text.index("def gradient_check(")
    end = text.index("def dictionary_to_vector")
    path = tmp_path / "gradient_checker.py"
    path.write_text(text[:start] + HONEST_PART1[style].lstrip() + "\n\n" + text[end:])
    result = grade("1.2.39.project", path)
    assert full_marks(result), failed(result)


# --- the other exercises: no check is earned by a constant or a blanket refusal -----------


@pytest.mark.parametrize(
    "exercise,path",
    [
        ("1.2.39.1", "ex1_forward_difference/always_raises"),
        ("1.2.39.3", "ex3_sampled_derivative/always_raises"),
        ("1.2.39.7", "ex7_numeric_gradient/returns_zeros"),
    ],
)
def test_a_file_that_computes_nothing_scores_zero(exercise, path, tmp_path):
    folder, name = path.split("/")
    result = grade(exercise, known_wrong(WRONG / folder, name, tmp_path))
    assert result["score"] == 0, [c["name"] for c in result["checks"] if c["passed"]]


def test_ex2_a_best_step_that_is_always_sqrt_eps_fails(tmp_path):
    result = grade("1.2.39.2", known_wrong(WRONG / "ex2_step_size", "always_sqrt_eps", tmp_path))
    assert "best_step_is_near_sqrt_eps" in failed(result), failed(result)


# --- values that behave like a learner's (class 5) ----------------------------------------


def test_trusted_functions_return_what_numpy_returns():
    sine = get("ufunc", name="sin")
    assert type(sine(1.0)) is np.float64 and sine(1.0) == np.sin(1.0)
    assert type(sine(np.float32(1.0))) is np.float32  # as np.sin keeps float32
    assert sine(np.arange(3.0)).shape == (3,)
    assert np.iscomplexobj(sine(1.0 + 1e-20j))  # a complex step works
    assert type(get("poly", coeffs=[1, 0, 3])(2)) is np.float64
    assert type(get("sum_of_squares")(np.ones(3))) is np.float64
    assert type(get("difference_method", kind="central")(sine, 1.0, 1e-5)) is np.float64


def test_ex1_code_that_relies_on_numpy_scalars_gets_full_marks(tmp_path):
    """``d.ndim`` works on what np.sin returns; it failed when f returned a Python float."""
    path = tmp_path / "forward.py"
    path.write_text(
        "import numpy as np\n\n\n"
        "def forward_difference(f, x, h):\n"
        "    if h == 0 or not np.isfinite(h):\n"
        '        raise ValueError("h must be finite and non-zero")\n'
        "    d = (f(x + h) - f(x)) / h\n"
        "    return d if d.ndim else float(d)\n",
        encoding="utf-8",
    )
    result = grade("1.2.39.1", path)
    assert full_marks(result), failed(result)


def test_ex9_code_that_calls_the_dtype_gets_full_marks(tmp_path):
    """The grader passes np.float32 itself, so ``dtype(1)`` is a float32 one."""
    path = tmp_path / "floating.py"
    path.write_text(
        "import math\n\nimport numpy as np\n\n\n"
        "def machine_epsilon(dtype=np.float64):\n"
        "    one, two, eps = dtype(1), dtype(2), dtype(1)\n"
        "    while one + eps / two != one:\n"
        "        eps = eps / two\n"
        "    return eps\n\n\n"
        "def optimal_step(method, x=1.0, dtype=np.float64):\n"
        "    root = {'forward': 2, 'central': 3}.get(method)\n"
        "    if root is None:\n"
        "        raise ValueError(method)\n"
        "    return float(np.finfo(dtype).eps) ** (1 / root) * max(1.0, abs(x))\n\n\n"
        "def digits_lost(a, b):\n"
        "    a, b = float(a), float(b)\n"
        "    if a == b:\n"
        "        return math.inf\n"
        "    return max(0.0, math.log10(max(abs(a), abs(b)) / abs(a - b)))\n",
        encoding="utf-8",
    )
    result = grade("1.2.39.9", path)
    assert full_marks(result), failed(result)
