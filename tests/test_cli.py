"""The ``course`` command as learners, scripts and CI use it: exit codes, JSON, JUnit XML,
recorded attempts, and clear messages for bad input."""

import hashlib
import json
import shutil
import sqlite3
import time
import xml.etree.ElementTree as ET

import pytest

from tests.support import ROOT, course, known_wrong

STUB = "exercises/1.2.39/ex5_numeric_gradient_square.py"
SOLUTION = "solutions/1.2.39/ex5_numeric_gradient_square.py"
WRONG = ROOT / "lessons/1.2.39-numerical-differentiation/wrong"


def env_for(repo):
    return {"COURSE_ROOT": str(repo), "NO_COLOR": "1"}


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_help_lists_the_commands():
    run = course("--help")
    assert run.code == 0
    assert "grade" in run.out and "list" in run.out


def test_list_json_names_every_item_with_its_stub_and_points():
    run = course("list", "--json")
    assert run.code == 0
    rows = run.json()
    assert [r["id"] for r in rows][:1] == ["1.2.39.1"]
    for row in rows:
        assert {"id", "title", "kind", "stub", "points"} <= row.keys()
        assert row["kind"] in ("exercise", "project", "quiz")
        assert (ROOT / row["stub"]).is_file()


def test_a_new_learner_goes_from_stub_to_full_marks(learner_repo):
    env = env_for(learner_repo)
    stub = learner_repo / STUB
    before = digest(stub)

    first = course("grade", "1.2.39.5", env=env)
    assert first.code == 1
    assert "NotImplementedError" in first.out and "Score: 0/10" in first.out
    assert "course grade 1.2.39.5" in first.out  # says what to do next
    assert digest(stub) == before  # grading never modifies the learner's file

    shutil.copy(learner_repo / SOLUTION, stub)
    second = course("grade", "1.2.39.5", env=env)
    assert second.code == 0, second.out
    assert "Score: 10/10" in second.out

    database = learner_repo / ".course" / "progress.sqlite3"
    rows = (
        sqlite3.connect(database)
        .execute("SELECT exercise, score, passed, source_bytes FROM attempts ORDER BY id")
        .fetchall()
    )
    assert [(r[0], r[1], r[2]) for r in rows] == [("1.2.39.5", 0.0, 0), ("1.2.39.5", 10.0, 1)]
    assert rows[1][3] == stub.read_bytes()  # the bytes that were graded are kept

    listed = {r["id"]: r for r in course("list", "--json", env=env).json()}
    assert listed["1.2.39.5"]["status"] == "passed" and listed["1.2.39.5"]["attempts"] == 2


def test_json_has_the_documented_shape():
    run = course("grade", "1.2.39.5", "--solution", "--json", "--seed", "7")
    result = run.json()
    assert run.code == 0
    assert result["schema_version"] == 1 and result["exercise"] == "1.2.39.5"
    assert result["passed"] is True and result["score"] == result["max_score"] == 10
    assert result["seed"] == 7 and result["duration_s"] > 0
    assert "error" not in result
    for check in result["checks"]:
        assert {"name", "passed", "points", "max_points", "message"} <= check.keys()
    # each check's share is rounded to 2 decimals for display
    assert sum(c["max_points"] for c in result["checks"]) == pytest.approx(10, abs=0.05)


def test_the_same_seed_draws_the_same_inputs(tmp_path):
    wrong = known_wrong(WRONG / "ex1_forward_difference", "abs_step", tmp_path)
    runs = [
        course("grade", "1.2.39.1", "--submission", str(wrong), "--json", "--seed", "11")
        for _ in range(2)
    ]
    messages = [[c["message"] for c in r.json()["checks"]] for r in runs]
    assert messages[0] == messages[1] and any(messages[0])


def test_junit_xml_has_one_testcase_per_check(tmp_path):
    out = tmp_path / "reports" / "junit.xml"
    wrong = known_wrong(WRONG / "ex5_numeric_gradient_square", "forward_difference", tmp_path)
    run = course("grade", "1.2.39.5", "--submission", str(wrong), "--junit-xml", str(out), "--json")
    assert run.code == 1
    suite = ET.parse(out).getroot().find("testsuite")
    cases = suite.findall("testcase")
    checks = run.json()["checks"]
    assert len(cases) == len(checks) == int(suite.get("tests"))
    failed = [c for c in cases if c.find("failure") is not None]
    assert len(failed) == sum(not c["passed"] for c in checks) == int(suite.get("failures")) > 0


def test_a_syntax_error_is_reported_with_its_line(tmp_path):
    broken = tmp_path / "broken.py"
    broken.write_text("def square(x):\n    return x *\n")
    run = course("grade", "1.2.39.5", "--submission", str(broken), "--json")
    assert run.code == 1
    result = run.json()
    assert "SyntaxError at line 2" in result["error"]
    assert not any(c["passed"] for c in result["checks"])
    assert "Traceback" not in run.out + run.err


def test_a_missing_function_is_named(tmp_path):
    partial = tmp_path / "partial.py"
    partial.write_text("def square(x):\n    return x * x\n")
    result = course("grade", "1.2.39.5", "--submission", str(partial), "--json").json()
    assert "numeric_gradient_square" in result["error"]
    assert any(c["passed"] for c in result["checks"])  # square's own check still counts


def test_one_hanging_call_fails_one_check_and_grading_goes_on(tmp_path):
    hangs = tmp_path / "hangs.py"
    hangs.write_text(
        "import numpy as np\n"
        "def forward_difference(f, x, h):\n"
        "    while h == 0:\n"
        "        pass\n"
        "    if not np.isfinite(h):\n"
        "        raise ValueError('h must be finite')\n"
        "    return (f(np.asarray(x, dtype=float) + h) - f(np.asarray(x, dtype=float))) / h\n"
    )
    started = time.monotonic()
    run = course("grade", "1.2.39.1", "--submission", str(hangs), "--json")
    elapsed = time.monotonic() - started
    checks = {c["name"]: c for c in run.json()["checks"]}
    assert run.code == 1
    assert "Timed out" in checks["zero_or_non_finite_step_raises_value_error"]["message"]
    assert sum(c["passed"] for c in checks.values()) == len(checks) - 1
    assert elapsed < 10 + 15  # one time-out of 10 s, not one per remaining check


def test_unknown_id_suggests_the_nearest_and_exits_2():
    run = course("grade", "1.2.39.55")
    assert run.code == 2
    assert "1.2.39.5" in run.err and "course list" in run.err


def test_missing_learner_file_says_which_and_how_to_get_it_back(learner_repo):
    (learner_repo / STUB).unlink()
    run = course("grade", "1.2.39.5", env=env_for(learner_repo))
    assert run.code == 2
    assert STUB in run.err and "git checkout" in run.err


def test_a_lesson_with_a_missing_file_grades_the_others_and_says_how_to_get_it_back(
    learner_repo,
):
    shutil.copy(ROOT / SOLUTION, learner_repo / STUB)
    missing = "exercises/1.2.39/ex3_sampled_derivative.py"
    (learner_repo / missing).unlink()
    env = env_for(learner_repo)

    run = course("grade", "1.2.39", env=env)
    assert run.code == 1
    line = next(x for x in run.out.splitlines() if "1.2.39.3" in x)
    assert "not graded" in line
    assert f"git checkout -- {missing}" in run.out
    assert "PASS  1.2.39.5" in run.out  # the files that exist were graded

    items = {item["exercise"]: item for item in course("grade", "1.2.39", "--json", env=env).json()}
    assert len(items) == 11
    assert items["1.2.39.3"]["score"] == 0 and missing in items["1.2.39.3"]["error"]
    assert items["1.2.39.5"]["passed"]
    # Nothing was graded for the missing file, so nothing is recorded as an attempt.
    assert course("history", "1.2.39.3", "--json", env=env).json()["attempts"] == []
    assert len(course("history", "1.2.39.5", "--json", env=env).json()["attempts"]) == 2


def test_missing_submission_file_is_a_usage_error(tmp_path):
    run = course("grade", "1.2.39.5", "--submission", str(tmp_path / "nope.py"))
    assert run.code == 2 and "nope.py" in run.err


def test_a_corrupt_progress_database_is_moved_aside_not_lost(learner_repo):
    database = learner_repo / ".course" / "progress.sqlite3"
    database.parent.mkdir()
    database.write_bytes(b"this is not an SQLite file" * 100)
    run = course("grade", "1.2.39.5", env=env_for(learner_repo))
    assert run.code == 1
    assert "moved to" in run.err
    kept = list(database.parent.glob("progress.corrupt-*.sqlite3"))
    assert len(kept) == 1 and kept[0].read_bytes().startswith(b"this is not")
    count = sqlite3.connect(database).execute("SELECT COUNT(*) FROM attempts").fetchone()[0]
    assert count == 1


def test_lesson_grading_gives_one_json_object_per_item():
    run = course("grade", "1.2.39", "--solution", "--json")
    results = run.json()
    assert isinstance(results, list) and len(results) >= 2
    assert all(r["passed"] for r in results), json.dumps(results)[:2000]
    assert run.code == 0


def test_functions_left_as_the_stub_are_named_once_and_untouched_items_say_so(learner_repo):
    env = env_for(learner_repo)
    run = course("grade", "1.2.39.2", env=env)  # forward_errors fails first; best_step too
    assert run.code == 1
    assert "best_step still raises NotImplementedError" in run.out
    lesson = course("grade", "1.2.39", env=env)
    line = next(x for x in lesson.out.splitlines() if x.startswith("FAIL  1.2.39.1 "))
    assert line.endswith("still the stub")
    shutil.copy(ROOT / SOLUTION, learner_repo / STUB)  # written: no longer "the stub"
    lesson = course("grade", "1.2.39", env=env)
    assert "PASS  1.2.39.5" in lesson.out and "1.2.39.5" not in "".join(
        x for x in lesson.out.splitlines() if x.endswith("still the stub")
    )
