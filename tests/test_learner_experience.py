"""The course as a learner meets it in a terminal: the dashboard, hints, progress and the
homework checklist, solutions, feedback, colour only on a terminal, shell completion, and
``course watch`` regrading on a real save. Every test runs the real command in a process
of its own against a fresh copy of the course."""

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grader import catalog as catalog_mod
from grader.learner import hints
from tests.support import ROOT, course

ANSI = re.compile(r"\x1b\[")
STUB5 = "exercises/1.2.39/ex5_numeric_gradient_square.py"


def env_for(repo: Path, **extra: str) -> dict:
    return {"COURSE_ROOT": str(repo), **extra}


def solve(repo: Path, exercise_id: str) -> None:
    """Put the reference solution where the learner's file is (a learner who got it)."""
    ex = catalog_mod.load(repo).exercise(exercise_id)
    shutil.copy(repo / ex.solution, repo / ex.stub)


def help_rows(repo: Path) -> list[tuple]:
    database = repo / ".course" / "progress.sqlite3"
    with sqlite3.connect(database) as db:
        return db.execute("SELECT exercise, what, hint, passed_before FROM help_seen").fetchall()


# The dashboard -------------------------------------------------------------------------


def test_the_dashboard_of_a_new_learner_says_where_to_start(learner_repo):
    run = course(env=env_for(learner_repo))
    assert run.code == 0, run.err
    assert "Welcome" in run.out
    assert "Next: 1.2.39.1 Define forward difference" in run.out
    assert "edit    exercises/1.2.39/ex1_forward_difference.py" in run.out
    assert "course grade 1.2.39.1" in run.out and "course watch 1.2.39.1" in run.out
    assert "index.md#forward-difference" in run.out  # where to read first
    assert "0 of 11 passed, 0/140 points" in run.out
    assert "Quiz:" in run.out and "course quiz 1.2.39" in run.out
    assert "Project:" in run.out and "course grade 1.2.39.project" in run.out
    assert "[ ] Complete exercises 1.2.39.1-9 (0 of 9 passed)" in run.out


def test_the_dashboard_moves_on_when_an_exercise_passes(learner_repo):
    env = env_for(learner_repo)
    assert course("grade", "1.2.39.3", env=env).code == 1
    run = course(env=env)
    assert "You are working on 1.2.39.3" in run.out  # the one last graded, not passed
    assert "Next: 1.2.39.3" in run.out

    solve(learner_repo, "1.2.39.3")
    assert course("grade", "1.2.39.3", env=env).code == 0
    run = course(env=env)
    assert "Last graded: 1.2.39.3" in run.out and "passed, 10/10 after 2 attempts" in run.out
    assert "Next: 1.2.39.4" in run.out and "course grade 1.2.39.4" in run.out
    assert "1 of 11 passed, 10/140 points" in run.out


# Hints ---------------------------------------------------------------------------------


def test_hints_come_one_more_at_a_time_and_are_recorded(learner_repo):
    env = env_for(learner_repo)
    ex = catalog_mod.load(learner_repo).exercise("1.2.39.5")
    first, second, third = ex.hints

    run = course("hint", "1.2.39.5", env=env)
    assert run.code == 0, run.err
    assert "Hint 1 of 3 (new)" in run.out and first in run.out
    assert second not in run.out
    assert "index.md#central-difference" in run.out
    assert "again gives hint 2 of 3" in run.out

    run = course("hint", "1.2.39.5", env=env)
    assert "Hint 2 of 3 (new)" in run.out and first in run.out and second in run.out
    assert third not in run.out
    run = course("hint", "1.2.39.5", env=env)
    assert "Hint 3 of 3 (new)" in run.out and "course solution 1.2.39.5" in run.out

    again = course("hint", "1.2.39.5", env=env)  # nothing new is left: all shown again
    assert "(new)" not in again.out and third in again.out
    assert "You have seen every hint" in again.out

    assert help_rows(learner_repo) == [("1.2.39.5", "hint", n, 0) for n in (1, 2, 3)]
    item = _item(course("progress", "--json", env=env).json(), "1.2.39.5")
    assert item["hints_seen"] == 3 and item["hints_total"] == 3


def test_a_hint_can_point_to_a_lesson_section(learner_repo):
    manifest = learner_repo / "lessons/1.2.39-numerical-differentiation/lesson.toml"
    text = manifest.read_text()
    gentle = "Start from the definition of the derivative"
    assert gentle in text
    manifest.write_text(text.replace(gentle, "(see #round-off) " + gentle, 1))
    run = course("hint", "1.2.39.1", env=env_for(learner_repo))
    assert run.code == 0, run.err
    assert "(see lessons/1.2.39-numerical-differentiation/index.md#round-off)" in run.out
    assert "#round-off)" in run.out and "(see #round-off)" not in run.out


def test_every_hint_anchor_is_a_section_of_its_lesson():
    cat = catalog_mod.load(ROOT)
    for lesson in cat.lessons:
        page = (ROOT / lesson.folder / Path(lesson.page).name).read_text(encoding="utf-8")
        sections = set(re.findall(r"\{#([A-Za-z0-9_-]+)\}", page))
        for ex in lesson.exercises:
            for text in ex.hints:
                missing = set(hints.anchors(text)) - sections
                assert not missing, f"{ex.id}: a hint points to {missing}, not on the page"


def test_hint_asks_for_one_exercise_and_suggests_ids(learner_repo):
    run = course("hint", "1.2.39", env=env_for(learner_repo))
    assert run.code == 2 and "one exercise id" in run.err
    run = course("hint", "1.2.39.55", env=env_for(learner_repo))
    assert run.code == 2 and "Did you mean 1.2.39.5" in run.err


# Progress and the homework checklist ---------------------------------------------------


def _item(progress: dict, exercise_id: str) -> dict:
    return next(i for lp in progress["lessons"] for i in lp["items"] if i["id"] == exercise_id)


def test_progress_json_has_every_item_and_a_homework_checklist_from_the_manifest(learner_repo):
    run = course("progress", "--json", env=env_for(learner_repo))
    assert run.code == 0, run.err
    data = run.json()
    assert data["next"] == {"id": "1.2.39.1", "command": "course grade 1.2.39.1"}
    lesson = next(lp for lp in data["lessons"] if lp["id"] == "1.2.39")  # of any number
    manifest = catalog_mod.load(learner_repo).lesson("1.2.39")
    assert [i["id"] for i in lesson["items"]] == [e.id for e in manifest.exercises]
    for item in lesson["items"]:
        assert item["attempts"] == 0 and item["best_score"] is None
        assert item["status"] == "not started" and item["solution_seen"] is False
        assert {"title", "kind", "stub", "max_score", "hints_total", "command"} <= item.keys()
    assert lesson["quiz"]["id"] == "1.2.39.quiz"
    assert lesson["quiz"]["command"] == "course quiz 1.2.39"
    assert lesson["project"]["id"] == "1.2.39.project"
    homework = lesson["homework"]
    assert [h["text"] for h in homework] == [
        "Complete exercises 1.2.39.1-9",
        "Implement the project: Gradient checker",
        "Pass the quiz: numerical error and gradient checks",
    ]
    assert homework[0]["items"] == [f"1.2.39.{n}" for n in range(1, 10)]
    assert homework[1]["items"] == ["1.2.39.project"]
    assert homework[2]["items"] == ["1.2.39.quiz"]
    assert not any(h["done"] for h in homework)


def test_the_homework_ticks_itself_as_items_pass(learner_repo):
    env = env_for(learner_repo)
    solve(learner_repo, "1.2.39.1")
    assert course("grade", "1.2.39.1", env=env).code == 0
    data = course("progress", "--json", env=env).json()
    homework = next(lp for lp in data["lessons"] if lp["id"] == "1.2.39")["homework"]
    assert homework[0]["passed"] == 1 and not homework[0]["done"]
    item = _item(data, "1.2.39.1")
    assert item["passed"] and item["best_score"] == 10 and item["attempts"] == 1
    assert data["last_graded"] == "1.2.39.1" and data["next"]["id"] == "1.2.39.2"

    for ex in catalog_mod.load(learner_repo).lesson("1.2.39").exercises:
        solve(learner_repo, ex.id)  # the project's and the quiz's files too
    graded = course("grade", "1.2.39", env=env, timeout=600)
    assert graded.code == 0, graded.out
    assert "Total: 140/140, 11 of 11 passed" in graded.out
    data = course("progress", "--json", env=env).json()
    (lesson,) = [lp for lp in data["lessons"] if lp["id"] == "1.2.39"]
    assert all(h["done"] for h in lesson["homework"])
    cat = catalog_mod.load(learner_repo)
    later = [e.id for e in cat.exercises if e.lesson_id != "1.2.39"]  # other lessons, if any
    assert (data["next"] or {}).get("id") == (later[0] if later else None)
    assert lesson["score"] == lesson["max_score"] == 140
    assert data["max_score"] == sum(e.points for e in cat.exercises)

    text = course("progress", env=env).out
    assert "[x] Complete exercises 1.2.39.1-9 (9 of 9 passed)" in text
    assert "[x] Implement the project: Gradient checker" in text
    assert "[x] Pass the quiz: numerical error and gradient checks" in text
    # "Everything is passed" only once every lesson is: here, if 1.2.39 is the last one.
    assert ("Everything is passed" in text) == (not later)
    assert ("Everything is passed" in course(env=env).out) == (not later)

    for lesson_id in {e.lesson_id for e in cat.exercises if e.id in later}:
        for ex in cat.lesson(lesson_id).exercises:
            solve(learner_repo, ex.id)
        assert course("grade", lesson_id, env=env, timeout=600).code == 0
    assert "Everything is passed" in course("progress", env=env).out
    assert "Everything is passed" in course(env=env).out


# Solutions -----------------------------------------------------------------------------


def test_the_solution_needs_confirmation_before_passing(learner_repo):
    env = env_for(learner_repo)
    refused = course("solution", "1.2.39.5", env=env, stdin="y\n")  # not a terminal
    assert refused.code == 2 and "--yes" in refused.err
    assert "def numeric_gradient_square" not in refused.out
    assert help_rows(learner_repo) == []

    shown = course("solution", "1.2.39.5", "--yes", env=env)
    assert shown.code == 0, shown.err
    assert (learner_repo / "solutions/1.2.39/ex5_numeric_gradient_square.py").read_text().rstrip(
        "\n"
    ) in shown.out
    assert help_rows(learner_repo) == [("1.2.39.5", "solution", None, 0)]
    assert _item(course("progress", "--json", env=env).json(), "1.2.39.5")["solution_seen"]
    assert "solution seen" in course("progress", env=env).out


def test_the_solution_is_shown_without_a_question_after_passing(learner_repo):
    env = env_for(learner_repo)
    solve(learner_repo, "1.2.39.5")
    assert course("grade", "1.2.39.5", env=env).code == 0
    run = course("solution", "1.2.39.5", env=env)
    assert run.code == 0, run.err
    assert "def numeric_gradient_square" in run.out and "You passed this one" in run.out
    assert help_rows(learner_repo) == [("1.2.39.5", "solution", None, 1)]


def test_the_solution_asks_on_a_terminal(learner_repo):
    import pexpect

    child = pexpect.spawn(
        sys.executable,
        ["-m", "grader", "solution", "1.2.39.3"],
        env={**os.environ, **env_for(learner_repo)},
        cwd=str(ROOT),
        encoding="utf-8",
        timeout=30,
    )
    child.expect(r"anyway .*\[y/N\]")
    child.sendline("n")
    child.expect("Not shown")
    child.expect(pexpect.EOF)
    assert help_rows(learner_repo) == []


# Feedback ------------------------------------------------------------------------------

FORWARD = """\
def square(x):
    return x * x


def numeric_gradient_square(x, h=1e-5):
    print("stepping from", x)
    return (square(x + h) - square(x)) / h
"""


def test_feedback_shows_the_first_failure_in_full_and_summarises_the_rest(tmp_path):
    wrong = tmp_path / "forward.py"
    wrong.write_text(FORWARD)
    run = course("grade", "1.2.39.5", "--submission", str(wrong), "--seed", "3")
    assert run.code == 1
    out = run.out
    first = re.search(r"Check (\d+) failed: (.*)", out)
    assert first, out
    detail = out[first.end() :]
    assert "numeric_gradient_square(" in detail  # the call
    assert " gave " in detail and "a central difference gives" in detail  # got and wanted
    assert "that is a forward difference" in detail  # the mistake, named
    assert "Your code printed:" in detail and "| stepping from" in detail
    # the lesson page: the built site's page once 'course site build' has run, else the source
    assert re.search(
        r"Read: (lessons|site/_build)/1\.2\.39-numerical-differentiation/index\.(md|html)#", detail
    )
    assert "Also failing:" in detail
    later = detail.split("Also failing:")[1].split("Score:")[0]
    assert all(len(line) <= 200 for line in later.splitlines())  # one line per reason
    # The later checks find the same forward difference at other inputs: one reason, one line.
    assert "for the same reason" in detail.split("Score:")[0]
    assert "that is a forward difference" not in later
    assert "Stuck? course hint 1.2.39.5" in out
    assert not ANSI.search(out)  # not a terminal: plain text


def test_output_a_learner_printed_is_capped(tmp_path):
    chatty = tmp_path / "chatty.py"
    chatty.write_text(FORWARD.replace('print("stepping from", x)', "for i in range(50): print(i)"))
    out = course("grade", "1.2.39.5", "--submission", str(chatty)).out
    printed = [line for line in out.splitlines() if line.strip().startswith("| ")]
    assert 0 < len(printed) <= 8 and "more lines not shown" in out


# Colour only on a terminal -------------------------------------------------------------


def _on_a_terminal(args: list[str], repo: Path, **extra: str) -> str:
    import pexpect

    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env.update(env_for(repo, TERM="xterm-256color", **extra))
    child = pexpect.spawn(
        sys.executable,
        ["-m", "grader", *args],
        env=env,
        cwd=str(ROOT),
        encoding="utf-8",
        timeout=120,
        dimensions=(40, 120),
    )
    child.expect(pexpect.EOF)
    child.close()
    return child.before


def test_colour_on_a_terminal_and_never_with_no_color(learner_repo):
    assert ANSI.search(_on_a_terminal([], learner_repo))
    assert not ANSI.search(_on_a_terminal([], learner_repo, NO_COLOR="1"))
    assert not ANSI.search(_on_a_terminal(["--no-color"], learner_repo))
    for args in (["--no-color", "hint", "1.2.39.2"], ["--no-color", "progress"]):
        text = _on_a_terminal(args, learner_repo)
        assert text.strip() and not ANSI.search(text), args
    graded = _on_a_terminal(["grade", "1.2.39.5", "--no-color"], learner_repo)  # also last
    assert "Score: 0/10" in graded and not ANSI.search(graded)
    graded = _on_a_terminal(["grade", "1.2.39.5"], learner_repo)
    assert ANSI.search(graded)


def test_plain_text_when_not_a_terminal(learner_repo):
    env = env_for(learner_repo)
    for args in ([], ["progress"], ["hint", "1.2.39.1"], ["list"]):
        run = course(*args, env=env)
        assert run.code == 0 and not ANSI.search(run.out + run.err), args


# Shell completion and typos ------------------------------------------------------------


def _complete(words: str) -> list[str]:
    env = {"_COURSE_COMPLETE": "bash_complete", "COMP_WORDS": words}
    env["COMP_CWORD"] = str(len(words.split()) - (0 if words.endswith(" ") else 1))
    # Completion is keyed to the program's name; `python -m grader` runs as "course" too.
    done = subprocess.run(
        [sys.executable, "-m", "grader"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return [line.split(",", 1)[1] for line in done.stdout.splitlines() if "," in line]


def test_completion_offers_commands_and_exercise_ids():
    assert {"grade", "hint", "watch", "progress", "solution"} <= set(_complete("course "))
    assert _complete("course wa") == ["watch"]
    ids = _complete("course grade 1.2.39.")
    assert "1.2.39.5" in ids and "1.2.39.project" in ids
    assert "1.2.39" in _complete("course grade 1.2")  # a lesson can be graded whole
    assert "1.2.39" not in _complete("course hint 1.2")  # a hint is for one exercise
    assert _complete("course hint 1.2.39.p") == ["1.2.39.project"]


def test_typos_get_a_suggestion():
    run = course("progres")
    assert run.code == 2 and "Did you mean 'progress'" in run.err
    run = course("progress", "--jsn")
    assert run.code == 2 and "--json" in run.err
    run = course("solution", "1.2.39.55", "--yes")
    assert run.code == 2 and "Did you mean 1.2.39.5" in run.err


# course watch --------------------------------------------------------------------------


def _watch(repo: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "grader", "watch", *args],
        cwd=ROOT,
        env={**os.environ, **env_for(repo, NO_COLOR="1")},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _read_until(process: subprocess.Popen, marker: str, seen: list[str], timeout: float = 120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line)
        if marker in line:
            return
    process.kill()
    raise AssertionError(f"{marker!r} never came:\n{''.join(seen)}")


@pytest.mark.parametrize("mode", [["--poll"], []], ids=["polling", "file-events"])
def test_watch_regrades_when_the_file_is_saved(learner_repo, mode):
    process = _watch(learner_repo, "1.2.39.5", "--max-runs", "2", *mode)
    seen: list[str] = []
    _read_until(process, "Score: 0/10", seen)  # the first grade, as it starts
    _read_until(process, "save it to grade again", seen)
    solve(learner_repo, "1.2.39.5")  # the learner saves a working file
    out, _ = process.communicate(timeout=120)
    text = "".join(seen) + out
    assert process.returncode == 0, text
    assert "Score: 10/10, all checks passed" in text
    assert "save the file: it is graded again" in text  # the report knows it is watched
    attempts = course("history", "1.2.39.5", "--json", env=env_for(learner_repo)).json()
    assert [a["passed"] for a in attempts["attempts"]] == [False, True]


def test_watch_without_an_id_watches_the_next_exercise_and_ctrl_c_stops_it(learner_repo):
    process = _watch(learner_repo, "--poll")
    seen: list[str] = []
    _read_until(process, "save it to grade again", seen)
    assert any("1.2.39.1  Define forward difference" in line for line in seen)
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=30)
    assert process.returncode == 0
    assert "Stopped watching." in out and "Traceback" not in "".join(seen) + out


def test_watch_refuses_a_quiz_and_a_lesson(learner_repo):
    run = course("watch", "1.2.39.quiz", env=env_for(learner_repo))
    assert run.code == 2 and "course quiz 1.2.39" in run.err
    run = course("watch", "1.2.39", env=env_for(learner_repo))
    assert run.code == 2 and "one exercise id" in run.err


def test_watch_on_a_terminal_takes_keys(learner_repo):
    import pexpect

    child = pexpect.spawn(
        sys.executable,
        ["-m", "grader", "watch", "1.2.39.5"],
        env={**os.environ, **env_for(learner_repo, NO_COLOR="1")},
        cwd=str(ROOT),
        encoding="utf-8",
        timeout=120,
        dimensions=(40, 120),
    )
    child.expect("Keys, then Enter")
    child.sendline("h")
    child.expect("Hint 1 of 3 \\(new\\)")
    child.sendline("n")  # on to the next exercise, graded at once
    child.expect("1.2.39.6  Explain truncation error")
    child.expect("Keys, then Enter")
    child.sendline("q")
    child.expect("Stopped watching.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert help_rows(learner_repo) == [("1.2.39.5", "hint", 1, 0)]
