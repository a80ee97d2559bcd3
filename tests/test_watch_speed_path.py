"""The warm path of ``course watch``: a ``course grade ID --on-line`` process made ready
before the save (grader imported, worker fenced and waiting) gives the same verdict,
records the same attempt and holds the learner's code as ``course grade`` does; it reads
the file only when told, and each one grades once. Behaviour only: no test times it
(``bench/watch_speed.py`` does)."""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grader import catalog as catalog_mod
from grader.grading import runner
from grader.learner import watch as watch_mod
from tests.support import ROOT, course

STUB5 = "exercises/1.2.39/ex5_numeric_gradient_square.py"


def env_for(repo: Path) -> dict:
    return {"COURSE_ROOT": str(repo), "NO_COLOR": "1"}


def solve(repo: Path, exercise_id: str) -> None:
    ex = catalog_mod.load(repo).exercise(exercise_id)
    shutil.copy(repo / ex.solution, repo / ex.stub)


def on_line(repo: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "grader", "grade", *args, "--on-line"],
        cwd=ROOT,
        env={**os.environ, **env_for(repo)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def attempts(repo: Path) -> list[tuple]:
    with sqlite3.connect(repo / ".course" / "progress.sqlite3") as db:
        return db.execute(
            "SELECT exercise, score, max_score, passed, seed, submission, checks, error,"
            " source_bytes FROM attempts ORDER BY id"
        ).fetchall()


def without_timing(data):
    if isinstance(data, dict):
        return {k: without_timing(v) for k, v in data.items() if k != "duration_s"}
    if isinstance(data, list):
        return [without_timing(v) for v in data]
    return data


@pytest.mark.parametrize("exercise_id", ["1.2.39.5", "1.2.39.6", "1.2.40.5"])
def test_the_warm_path_gives_the_verdict_and_attempt_of_course_grade(tmp_path, exercise_id):
    """The same file and seed: the same JSON (timing aside, protections included) and the
    same recorded attempt, row for row, as a fresh ``course grade``."""
    from tests.conftest import copy_course

    rows, reports = [], []
    for name in ("fresh", "warm"):
        (tmp_path / name).mkdir()
        repo = copy_course(tmp_path / name)
        if exercise_id != "1.2.40.5":
            solve(repo, exercise_id)  # one passing file, and 1.2.40.5's stub failing
        if name == "fresh":
            run = course("grade", exercise_id, "--json", "--seed", "42", env=env_for(repo))
            code, out = run.code, run.out
        else:
            process = on_line(repo, exercise_id, "--json", "--seed", "42")
            out, err = process.communicate(b"grade\n", timeout=300)
            code, out = process.returncode, out.decode()
            assert not err.strip(), err
        reports.append(without_timing(json.loads(out)))
        rows.append((code, [row[:5] + row[6:] for row in attempts(repo)]))
    assert reports[0] == reports[1]
    assert reports[0]["protections"]["in_force"]  # the worker was fenced both ways
    assert rows[0] == rows[1]
    assert len(rows[0][1]) == 1


def test_the_file_is_read_when_told_not_when_the_grade_gets_ready(learner_repo):
    """Made ready while the file is the stub, told after it was solved: the solution is
    graded and its bytes are what is recorded (the learner's file is not imported early)."""
    process = on_line(learner_repo, "1.2.39.5", "--json")
    time.sleep(3)  # ready by now on most machines; the outcome does not depend on it
    solve(learner_repo, "1.2.39.5")
    out, _ = process.communicate(b"grade\n", timeout=300)
    assert process.returncode == 0, out
    assert json.loads(out)["passed"]
    recorded = attempts(learner_repo)
    assert len(recorded) == 1
    assert recorded[0][-1] == (learner_repo / STUB5).read_bytes()


def test_told_nothing_it_grades_nothing_and_records_nothing(learner_repo):
    process = on_line(learner_repo, "1.2.39.5")
    out, err = process.communicate(b"", timeout=300)  # the watch stopped
    assert process.returncode == 0
    assert out == b"" and err == b""
    assert not (learner_repo / ".course" / "progress.sqlite3").exists() or not attempts(
        learner_repo
    )


def test_on_line_grades_one_exercise_only(learner_repo):
    run = course("grade", "1.2.39", "--on-line", env=env_for(learner_repo))
    assert run.code == 2 and "one exercise" in run.err


def test_a_missing_file_is_reported_as_course_grade_reports_it(learner_repo):
    process = on_line(learner_repo, "1.2.39.5")
    (learner_repo / STUB5).unlink()
    _out, err = process.communicate(b"grade\n", timeout=300)
    fresh = course("grade", "1.2.39.5", env=env_for(learner_repo))
    assert process.returncode == fresh.code == 2
    assert err.decode() == fresh.err


def test_a_session_runs_once_and_its_workers_serve_no_other_run():
    cat = catalog_mod.load()
    ex = cat.exercise("1.2.39.5")
    session = runner.Session([(ex, ex.path(ex.solution))])
    session.warm()
    (worker,) = session.workers.values()
    assert worker.setup_reply is not None and worker.process is not None  # waiting, fenced
    assert all(box.load_reply is None for box in session.sandboxes)  # no file imported yet
    (result,) = session.run(seed=1)
    assert result.passed
    assert worker.process is None  # closed with the run
    with pytest.raises(RuntimeError):
        session.run(seed=1)


def test_the_watch_uses_each_waiting_grade_once(learner_repo, monkeypatch):
    """``course watch`` takes the grade made ready for the exercise, then makes a new one:
    two grades are two processes, each told once; one for another exercise is dropped."""
    monkeypatch.setenv("COURSE_ROOT", str(learner_repo))
    cat = catalog_mod.load(learner_repo)
    watch = watch_mod.Watch(cat, cat.exercise("1.2.39.5"), echo=lambda _text: None)
    watch._prepare()
    first = watch.ready[1]
    taken = watch._take()
    assert taken is first and watch.ready is None
    taken.stdin.close()  # told nothing: it ends without grading
    assert taken.wait(timeout=300) == 0
    watch._prepare()
    second = watch.ready[1]
    assert second.pid != first.pid
    watch.exercise = cat.exercise("1.2.39.6")
    third = watch._take()  # the waiting one was for 1.2.39.5: dropped, a new one made
    assert third is not second and second.poll() is not None
    third.stdin.close()
    third.wait(timeout=300)
    assert not (learner_repo / ".course" / "progress.sqlite3").exists() or not attempts(
        learner_repo
    )


def test_course_watch_records_what_course_grade_records(tmp_path):
    """The real ``course watch`` (its warm path) and ``course grade`` on the same file:
    the same attempt in the store, seed and timing aside (the watch draws its own seed)."""
    from tests.conftest import copy_course

    rows = []
    for name in ("grade", "watch"):
        (tmp_path / name).mkdir()
        repo = copy_course(tmp_path / name)
        solve(repo, "1.2.39.5")
        if name == "grade":
            assert course("grade", "1.2.39.5", env=env_for(repo)).code == 0
        else:
            done = subprocess.run(
                [sys.executable, "-m", "grader", "watch", "1.2.39.5", "--max-runs", "1"],
                cwd=ROOT,
                env={**os.environ, **env_for(repo)},
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert done.returncode == 0, done.stdout + done.stderr
            assert "Score: 10/10, all checks passed" in done.stdout
        (row,) = attempts(repo)
        exercise, score, max_score, passed, _seed, submission, checks, error, source = row
        checks = [{k: v for k, v in c.items() if k != "duration_s"} for c in json.loads(checks)]
        rows.append((exercise, score, max_score, passed, submission, checks, error, source))
    assert rows[0] == rows[1]
