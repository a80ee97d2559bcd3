"""Gradescope's autograder zip (``course instructor gradescope``), built and run for real.

The zip is built by the real command, unpacked into a scratch folder laid out as
Gradescope lays out ``/autograder`` (``source/`` holds the zip's contents, ``submission/``
the learner's upload, ``results/`` what ``run_autograder`` writes), and its
``run_autograder`` is run with ``GRADESCOPE_ROOT`` pointing there and this virtual
environment's Python on PATH (``setup.sh``'s pip install is checked, not run: it would
download the course's dependencies). The grades come from the real grader and workers.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from grader import catalog
from tests.support import ROOT, course

CAT = catalog.load(ROOT)
LESSON = "1.2.39"
ITEMS = [ex for ex in CAT.exercises if ex.lesson_id == LESSON]
POINTS = {ex.id: ex.points for ex in ITEMS}

# A wrong sampled derivative that prints text a web page or a terminal would act on, and
# tries to read the reference solution (hidden from it where the machine fences it in).
WRONG = '''"""A wrong sampled derivative, with hostile output."""

SOLUTION = {solution!r}


def sampled_derivative(y, dx):
    print("<script>alert(1)</script> <b>bold</b>\\x1b[31m red \\u202e")
    try:
        with open(SOLUTION) as f:
            f.read()
        print("LEAKED the solution")
    except OSError:
        pass
    return 0
'''


@pytest.fixture(scope="module")
def autograder(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("gradescope") / "autograder.zip"
    run = course("instructor", "gradescope", "--out", str(out), "--only", LESSON)
    assert run.code == 0, run.err
    assert "autograder.zip" in run.out and "keep it private" in run.out
    return out


def unpack_like_gradescope(archive: Path, root: Path) -> Path:
    """``root`` laid out as Gradescope's /autograder, the zip unpacked into source/ with
    the permissions it records (as unzip keeps them)."""
    source = root / "source"
    with zipfile.ZipFile(archive) as z:
        z.extractall(source)
        for info in z.infolist():
            mode = (info.external_attr >> 16) & 0o777
            if mode:
                os.chmod(source / info.filename, mode)
    (root / "submission").mkdir()
    (root / "results").mkdir()
    return source


def run_autograder(root: Path) -> tuple[subprocess.CompletedProcess, dict]:
    env = {
        **os.environ,
        "GRADESCOPE_ROOT": str(root),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    env.pop("COURSE_ROOT", None)
    done = subprocess.run(
        [str(root / "source" / "run_autograder")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    results = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    return done, results


def checks_of(results: dict, item: str) -> list[dict]:
    return [t for t in results["tests"] if t["name"].startswith(item + " ")]


def all_text(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in all_text(v)]
    if isinstance(value, list):
        return [s for v in value for s in all_text(v)]
    return []


def test_the_zip_holds_the_scripts_at_its_root_and_the_whole_course(autograder, tmp_path):
    with zipfile.ZipFile(autograder) as z:
        infos = {i.filename: i for i in z.infolist()}
        setup = z.read("setup.sh").decode()
        runner = z.read("run_autograder").decode()
        selection = json.loads(z.read("gradescope.json"))
    for script in ("setup.sh", "run_autograder"):
        assert (infos[script].external_attr >> 16) & 0o777 == 0o755, script
    names = set(infos)
    for ex in CAT.exercises:  # every item's stub, solution and hidden suite
        assert {ex.stub, ex.solution, ex.suite} <= names, ex.id
    assert {"pyproject.toml", "grader/instructor/gradescope.py", "grader/__main__.py"} <= names
    for name in names:
        parts = name.split("/")
        assert not {"__pycache__", ".git", ".venv", ".course", "_build"} & set(parts), name
        assert not name.endswith(".pyc") and parts[0] not in ("tests", "site", "bench"), name
    assert selection == {"items": [ex.id for ex in ITEMS]}

    # setup.sh: Python 3.11+, then pip installs the course from the zip's own copy.
    assert setup.startswith("#!/usr/bin/env bash\n") and "set -euo pipefail" in setup
    assert "python3.11" in setup and "sys.version_info < (3, 11)" in setup
    assert 'ROOT="${GRADESCOPE_ROOT:-/autograder}"' in setup
    assert '-m pip install -e "$SOURCE"' in setup and 'SOURCE="$ROOT/source"' in setup
    assert "-m grader.instructor.gradescope" in runner
    for text in (setup, runner):
        script = tmp_path / "check.sh"
        script.write_text(text)
        assert subprocess.run(["bash", "-n", str(script)], capture_output=True).returncode == 0

    # The same course gives the same zip, byte for byte.
    again = tmp_path / "again.zip"
    assert course("instructor", "gradescope", "--out", str(again), "--only", LESSON).code == 0
    assert again.read_bytes() == autograder.read_bytes()


def test_run_autograder_grades_an_upload_into_gradescopes_results(autograder, tmp_path):
    root = tmp_path / "autograder"
    source = unpack_like_gradescope(autograder, root)
    upload = root / "submission"
    # Flat, by file name; in its folder; a data file whose name is unique in this zip.
    (upload / "ex1_forward_difference.py").write_bytes(
        (ROOT / "solutions/1.2.39/ex1_forward_difference.py").read_bytes()
    )
    (upload / "1.2.39").mkdir()
    (upload / "1.2.39/ex2_step_size.py").write_bytes(
        (ROOT / "solutions/1.2.39/ex2_step_size.py").read_bytes()
    )
    (upload / "quiz_answers.toml").write_bytes(
        (ROOT / "solutions/1.2.39/quiz_answers.toml").read_bytes()
    )
    solution = source / "solutions/1.2.39/ex3_sampled_derivative.py"
    (upload / "ex3_sampled_derivative.py").write_text(WRONG.format(solution=str(solution)))

    done, results = run_autograder(root)
    assert done.returncode == 0, done.stdout + done.stderr

    right = ("1.2.39.1", "1.2.39.2", "1.2.39.quiz")
    assert results["score"] == sum(POINTS[i] for i in right)
    for item in right:
        tests = checks_of(results, item)
        assert len(tests) > 1, item  # one test per check
        assert all(t["status"] == "passed" for t in tests), item
        assert round(sum(t["score"] for t in tests), 2) == POINTS[item]
    wrong = checks_of(results, "1.2.39.3")
    assert len(wrong) > 1 and any(t["status"] == "failed" for t in wrong)
    assert sum(t["score"] for t in wrong) < POINTS["1.2.39.3"]
    assert round(sum(t["max_score"] for t in wrong), 2) == POINTS["1.2.39.3"]

    # Every test has a name, points and visible output; the maxima add up to the lesson.
    for test in results["tests"]:
        assert test["name"] and test["max_score"] > 0 and 0 <= test["score"] <= test["max_score"]
        assert test["visibility"] == "visible" and isinstance(test["output"], str)
    assert round(sum(t["max_score"] for t in results["tests"]), 2) == sum(POINTS.values())
    assert {t["name"].split(" ")[0] for t in results["tests"]} == set(POINTS)

    # A missing file is one failed test with a clear reason, and the overall output says it.
    (missing,) = checks_of(results, "1.2.39.4")
    assert missing["score"] == 0 and missing["max_score"] == POINTS["1.2.39.4"]
    assert "missing file: 1.2.39/ex4_forward_vs_central.py" in missing["output"]
    assert "ex4_forward_vs_central.py alone" in missing["output"]
    line = "1.2.39.1 Define forward difference: 10/10 (ex1_forward_difference.py)"
    assert line in results["output"]
    assert "Graded 4 of 11 items" in results["output"]

    # The learner's text is plain text: escapes shown, never acted on.
    assert results["output_format"] == "text" and results["test_output_format"] == "text"
    printed = "\n".join(t["output"] for t in wrong)
    assert "<b>bold</b>\\x1b[31m red" in printed and "<script>" in printed and "\\u202e" in printed
    for text in all_text(results):
        assert "\x1b" not in text and "\u202e" not in text
    assert str(root / "submission") not in json.dumps(results)  # no private paths
    assert "course-gradescope-" not in json.dumps(results)
    if "answers hidden" in results["output"]:  # fenced: the solutions are out of reach
        assert "LEAKED" not in printed


@pytest.mark.parametrize("upload", ["empty", "absent"])
def test_nothing_uploaded_scores_zero_with_the_reason(autograder, tmp_path, upload):
    root = tmp_path / "autograder"
    unpack_like_gradescope(autograder, root)
    if upload == "absent":
        (root / "submission").rmdir()
    (root / "submission.txt").write_text("not a submission")

    done, results = run_autograder(root)
    assert done.returncode == 0, done.stdout + done.stderr
    assert results["score"] == 0
    assert [t["name"].split(" ")[0] for t in results["tests"]] == list(POINTS)
    assert all(t["status"] == "failed" and "missing file" in t["output"] for t in results["tests"])
    reason = "Nothing to grade" if upload == "empty" else "The submission folder is missing"
    assert reason in results["output"]


def test_an_unknown_item_is_a_usage_error(tmp_path):
    run = course("instructor", "gradescope", "--out", str(tmp_path / "a.zip"), "--only", "9.9")
    assert run.code == 2 and "9.9" in run.err
    assert not (tmp_path / "a.zip").exists()


def test_one_zip_uploaded_as_it_is_is_graded(autograder, tmp_path):
    root = tmp_path / "autograder"
    unpack_like_gradescope(autograder, root)
    answers = (ROOT / "solutions/1.2.39/quiz_answers.toml").read_bytes()
    with zipfile.ZipFile(root / "submission" / "my work.zip", "w") as z:
        z.writestr("course-main/exercises/1.2.39/quiz_answers.toml", answers)

    done, results = run_autograder(root)
    assert done.returncode == 0, done.stdout + done.stderr
    assert results["score"] == POINTS["1.2.39.quiz"]
    assert all(t["status"] == "passed" for t in checks_of(results, "1.2.39.quiz"))
    assert "(my work.zip/course-main/exercises/1.2.39/quiz_answers.toml)" in results["output"]
