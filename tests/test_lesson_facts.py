"""The lesson page's numbers, placeholders, figure and build.

Lesson 1.2.39's page (lessons/1.2.39-numerical-differentiation/index.md) types in no
measured number: ``grader/site/placeholders.py`` fills placeholders from the facts module
the lesson's ``facts.py`` and from the manifest at build time. These tests check

- that the facts say what the prose claims about them (if a change in the code moved a
  number across a claim, the prose must change too);
- that every placeholder of every lesson page resolves, and that a wrong one stops the
  build with a message saying which;
- that the page has exactly the section anchors the manifests and suites point at, with
  each exercise in (or under) the section its manifest entry names;
- that a strict build succeeds and its lesson page holds no placeholder.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.site_support import run_build
from tests.support import ROOT

LESSON = ROOT / "lessons" / "1.2.39-numerical-differentiation"
PAGE = LESSON / "index.md"
FACTS = ROOT / "lessons" / "1.2.39-numerical-differentiation" / "facts.py"
ANCHORS = [
    "questions", "objectives", "core-ideas", "forward-difference", "step-size", "round-off",
    "total-error", "sampled-data", "central-difference", "truncation-error", "observed-order",
    "gradients", "gradient-checking", "relative-difference", "thresholds", "floating-point",
    "machine-epsilon", "cancellation", "going-further", "complex-step", "richardson",
    "key-takeaways", "resources", "next-lesson", "homework",
]  # fmt: skip


def _load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def hook():
    """The placeholder module the site's generation step uses."""
    from grader.site import placeholders

    return placeholders


@pytest.fixture(scope="module")
def module():
    return _load(FACTS, "lesson_1_2_39_facts_under_test")


@pytest.fixture(scope="module")
def facts(module):
    return module.facts()


@pytest.fixture(scope="module")
def context(hook):
    return hook.lesson_context(ROOT, LESSON / "lesson.toml")


# -- The facts say what the prose says ------------------------------------------------------


def test_machine_epsilon_is_found_by_halving(module, facts):
    for dtype in (np.float16, np.float32, np.float64):
        assert facts[f"eps_{dtype.__name__}"] == float(np.finfo(dtype).eps)


def test_best_steps_follow_the_rules_of_thumb(facts):
    """Forward near sqrt(eps), central near cbrt(eps), in both precisions (factor 10)."""
    for suffix, dtype in (("", np.float64), ("_f32", np.float32)):
        eps = float(np.finfo(dtype).eps)
        assert np.sqrt(eps) / 10 < facts[f"forward_best_step{suffix}"] < np.sqrt(eps) * 10
        assert np.cbrt(eps) / 10 < facts[f"central_best_step{suffix}"] < np.cbrt(eps) * 10


def test_the_error_model_predicts_the_best_step_within_a_small_factor(facts):
    for suffix in ("", "_f32"):
        for method in ("forward", "central"):
            ratio = facts[f"{method}_model_step{suffix}"] / facts[f"{method}_best_step{suffix}"]
            assert 1 / 4 < ratio < 4, (method, suffix, ratio)


def test_forward_keeps_about_half_the_digits_and_central_about_two_thirds(facts):
    digits = -np.log10(np.finfo(np.float64).eps)
    forward = -np.log10(facts["forward_best_error"]) / digits
    central = -np.log10(facts["central_best_error"]) / digits
    assert 0.4 < forward < 0.65, forward
    assert 0.6 < central < 0.85, central
    # the spec's orders of magnitude: ~1e-8 and ~1e-11
    assert 1e-9 < facts["forward_best_error"] < 1e-7
    assert 1e-12 < facts["central_best_error"] < 1e-10


def test_a_step_to_be_safe_is_worse(facts):
    assert facts["predict_step"] < facts["forward_best_step"]
    assert facts["predict_measured_error"] <= facts["predict_model_error"]  # a bound
    assert facts["predict_ratio"] > 10


def test_shifting_a_function_spoils_the_estimate(facts):
    assert facts["shift_shifted_error"] > 1e4 * facts["shift_plain_error"]


def test_sampled_data_errors_sit_just_under_their_bounds(facts):
    for kind in ("forward", "central"):
        error, bound = facts[f"sampled_{kind}_error"], facts[f"sampled_{kind}_bound"]
        assert 0.95 * bound < error <= bound, kind
    assert facts["sampled_central_error"] < facts["sampled_forward_error"] / 10


def test_observed_orders_are_one_and_two(facts):
    assert abs(facts["forward_order"] - 1) < 0.05
    assert abs(facts["central_order"] - 2) < 0.05


def test_float32_needs_larger_steps(facts):
    for method in ("forward", "central"):
        assert facts[f"{method}_best_step_f32"] > 100 * facts[f"{method}_best_step"]
        f32 = facts[f"{method}_error_at_probe_f32"]
        assert f32 > 1000 * facts[f"{method}_error_at_probe"]
        assert f32 > 100 * facts[f"{method}_best_error_f32"]
    assert facts["realised_probe_step_f32_percent"] > 1


def test_cancellation_loses_eight_digits(facts):
    assert abs(facts["cancellation_digits_lost"] - 8) < 0.1
    assert np.finfo(float).eps < facts["cancellation_relative_error"] < 1e-7


def test_scaled_steps_beat_plain_steps_at_large_x(facts):
    assert facts["scaled_demo_scaled_error"] < facts["scaled_demo_plain_error"] / 10


def test_complex_step_is_exact_to_rounding(facts):
    eps = np.finfo(np.float64).eps
    assert facts["complex_error"] < eps
    assert facts["complex_tiny_error"] < eps
    assert facts["complex_error_f32"] < np.finfo(np.float32).eps


def test_richardson_gains_orders_of_magnitude(facts):
    for method in ("forward", "central"):
        assert facts[f"richardson_{method}_extrapolated"] < facts[f"richardson_{method}_half"]
        assert facts[f"richardson_{method}_gain"] > 50


def test_kink_gives_a_wrong_numeric_derivative(facts):
    assert abs(facts["kink_numeric"] - facts["kink_analytic"]) > 0.1


def test_gradient_check_of_the_network(facts):
    """The buggy network fails; the correct one nears the threshold at 1e-7, not at 1e-5."""
    assert facts["net_buggy"] > facts["threshold_bug"]
    assert facts["net_buggy_verdict"] == "bug"
    assert abs(facts["net_buggy"] - 0.2851) < 1e-3  # the classic assignment's number
    assert facts["net_correct_common"] > facts["threshold_correct"] / 3  # "near, or over"
    assert facts["net_correct_better"] < 2e-9  # "~1e-10"
    assert facts["net_correct_better"] < facts["net_correct_common"] / 50
    assert facts["net_correct_better_verdict"] == "correct"


def test_the_epsilon_sweep_has_a_v_shape(facts):
    sweep = [facts[f"net_sweep_{k}"] for k in range(3, 10)]
    low = int(np.argmin(sweep))
    assert 0 < low < len(sweep) - 1
    assert all(np.diff(sweep[low:]) > 0)  # round-off side: smaller steps, worse
    assert sweep[0] > sweep[low]  # truncation side


def test_per_tensor_report_names_the_planted_bugs(facts):
    for name in ("W1", "b2", "W3", "b3"):
        assert facts[f"tensor_{name}_difference"] < facts["threshold_correct"]
        assert abs(facts[f"tensor_{name}_ratio"] - 1) < 1e-6
    for name, factor in (("W2", facts["bug_factor_W2"]), ("b1", facts["bug_factor_b1"])):
        assert facts[f"tensor_{name}_difference"] > facts["threshold_bug"]
        assert abs(facts[f"tensor_{name}_ratio"] - factor) < 1e-6


def test_float32_gradient_check_needs_a_larger_epsilon(facts):
    assert facts["net_f32_common_zeros"] == facts["net_parameters"]
    assert facts["net_f32_common"] == 1.0
    assert 100 * facts["threshold_correct"] < facts["net_f32_rule"] < 1e-2


def test_figure_is_deterministic_svg_on_white(module):
    first = module.error_figure()
    second = _load(FACTS, "lesson_1_2_39_facts_again").error_figure()
    assert first == second
    text = first.decode()
    assert text.lstrip().startswith("<?xml") and "<svg" in text
    assert "<dc:date>" not in text
    assert "fill: #ffffff" in text  # the white background


# -- Placeholders -------------------------------------------------------------------------


def test_every_placeholder_of_every_lesson_page_resolves(hook):
    lessons = ROOT / "lessons"
    pages = sorted(lessons.rglob("*.md"))
    assert PAGE in pages
    for page in pages:
        parts = page.relative_to(lessons).parts  # as the hook sees it: the lesson folder
        manifest = lessons / parts[0] / "lesson.toml"
        context = (
            hook.lesson_context(ROOT, manifest) if len(parts) > 1 and manifest.is_file() else None
        )
        text = page.read_text(encoding="utf-8")
        rendered = hook.render(text, context, str(page.relative_to(ROOT)))
        assert not hook.placeholders(rendered), page


def test_the_lesson_page_uses_placeholders_for_its_numbers(hook):
    found = hook.placeholders(PAGE.read_text(encoding="utf-8"))
    assert len(found) > 100
    assert "[[lesson:hours]]" in found and "[[lesson:next.title]]" in found


@pytest.mark.parametrize(
    ("placeholder", "expected"),
    [
        ("[[fact:forward_best_stp]]", "forward_best_step"),  # a typo gets a suggestion
        ("[[fact:net_buggy:bold]]", "options after the name"),
        ("[[facts:x0]]", "unknown kind 'facts'"),
        ("[[lesson:hour]]", "hours"),
        ("[[exercise:1.2.39.99:title]]", "lists no '1.2.39.99'"),
        ("[[exercise:1.2.39.1:titel]]", "title"),
    ],
)
def test_a_wrong_placeholder_fails_with_a_clear_message(hook, context, placeholder, expected):
    with pytest.raises(hook.PlaceholderError) as info:
        hook.render(f"Some text {placeholder} more text.", context, "page.md")
    message = str(info.value)
    assert "page.md" in message and placeholder in message and expected in message


def test_placeholders_outside_a_lesson_are_refused(hook):
    with pytest.raises(hook.PlaceholderError, match="only in pages inside a lesson"):
        hook.render("[[fact:x0]]", None, "index.md")


def test_facts_are_formatted_for_text_and_for_tex(hook, context):
    render = hook.render
    assert render("[[fact:threshold_correct]]", context, "p") == "10<sup>\u22127</sup>"
    assert render("[[fact:threshold_correct:tex]]", context, "p") == "10^{-7}"
    assert render("[[fact:net_buggy:3]]", context, "p") == "0.285"
    assert render("[[fact:forward_order:3]]", context, "p") == "1.00"
    assert render("[[lesson:next.id]]", context, "p") == "1.2.40"
    assert render("[[exercise:1.2.39.1:command]]", context, "p") == "course grade 1.2.39.1"
    fmt = hook.format_number
    assert fmt(4.91e-9) == "4.9 × 10<sup>\u22129</sup>"
    assert fmt(4.91e-9, tex=True) == "4.9 \\times 10^{-9}"
    assert fmt(0.0344) == "0.034" and fmt(0.05) == "0.05" and fmt(1234.5) == "1200"
    assert fmt(-2.5e-5, tex=True) == "-2.5 \\times 10^{-5}"


# -- The page's structure -------------------------------------------------------------------

HEADING = re.compile(r"^(#{2,6})\s.*\{#([a-z0-9-]+)\}\s*$")


def _sections(text: str):
    """(line, chain of enclosing heading anchors) for every line of the page."""
    stack: list[tuple[int, str]] = []
    for line in text.splitlines():
        match = HEADING.match(line)
        if match:
            level = len(match.group(1))
            stack = [s for s in stack if s[0] < level] + [(level, match.group(2))]
        yield line, [anchor for _, anchor in stack]


def test_headings_have_exactly_the_agreed_anchors():
    text = PAGE.read_text(encoding="utf-8")
    headings = [line for line in text.splitlines() if re.match(r"^#{2,6}\s", line)]
    anchors = [HEADING.match(h).group(2) if HEADING.match(h) else h for h in headings]
    assert anchors == ANCHORS


def test_each_exercise_sits_in_the_section_its_manifest_names(context):
    text = PAGE.read_text(encoding="utf-8")
    placed: dict[str, list[str]] = {}
    for line, chain in _sections(text):
        for ex_id in re.findall(r"\[\[exercise:([^:\]]+):heading\]\]", line):
            placed[ex_id] = chain
    for exercise in context.lesson.exercises:
        if exercise.kind == "quiz":
            continue  # the quiz is in the homework, not in a section
        assert exercise.id in placed, f"{exercise.id} has no box on the lesson page"
        assert exercise.section in placed[exercise.id], (
            f"{exercise.id} is placed under {placed[exercise.id]}, but its manifest "
            f"section is {exercise.section!r}"
        )


def test_the_lesson_metadata_comes_from_the_manifest(context):
    meta = context.lesson.meta
    text = PAGE.read_text(encoding="utf-8")
    assert f"{meta['hours']} hours" not in text  # typed twice would drift
    for field in ("hours", "difficulty", "topic", "prerequisites", "next.id", "next.teaser"):
        assert f"[[lesson:{field}]]" in text


# -- The build ------------------------------------------------------------------------------


def test_strict_build_succeeds_and_fills_every_placeholder(tmp_path):
    out = tmp_path / "site"
    done = run_build(ROOT, out)
    assert done.returncode == 0, done.stderr[-3000:]
    html = (out / "1.2.39-numerical-differentiation" / "index.html").read_text(encoding="utf-8")
    assert "[[" not in html
    assert "<title>Lesson 1.2.39: Numerical Differentiation" in html  # the H1, from the manifest
    for anchor in ANCHORS:
        assert f'id="{anchor}"' in html, anchor
    svg = out / "1.2.39-numerical-differentiation" / "figures" / "error-vs-step.svg"
    assert svg.read_bytes().lstrip().startswith(b"<?xml")
    assert not (LESSON / "figures").exists()  # generated, never written into the sources


def test_an_unknown_placeholder_fails_the_build(tmp_path):
    """A typo in a page stops a real build, and the message names the page and the typo."""
    root = tmp_path / "course"
    root.mkdir()
    for name in ("lessons", "exercises", "solutions", "grader", "site"):
        shutil.copytree(
            ROOT / name,
            root / name,
            ignore=shutil.ignore_patterns("__pycache__", "_build", "_docs"),
        )
    shutil.copy2(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    page = root / PAGE.relative_to(ROOT)
    page.write_text(
        page.read_text(encoding="utf-8") + "\n[[fact:no_such_fact]]\n", encoding="utf-8"
    )
    done = run_build(root)
    assert done.returncode != 0
    output = done.stdout + done.stderr
    assert "[[fact:no_such_fact]]" in output and "index.md" in output
