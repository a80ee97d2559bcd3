"""Whole-lesson grading against single-exercise grading, in the same run.

Alternates `course grade 1.2.39 --solution` (every exercise, the project and the quiz in
one pytest session) with `course grade 1.2.39.5 --solution`, and reports medians and their
ratio (aim: the whole lesson costs at most 2x one exercise). `--lesson 1.2.40` does the
same for another lesson (its fifth exercise as the one), `--exercise` picks the one.

With --breakdown it also times, in the same alternation, one grading session of the
lesson's items that do not use SymPy and one of the two that do (1.2.39.6 and the quiz),
through `grader.grading.runner` (no CLI), to show where the lesson's time goes.

With --against REF (a commit, branch or tag) it also times both commands in a temporary
git worktree of REF, in the same alternation: a before-and-after of a change.

    .venv/bin/python bench/lesson_speed.py [--runs 9] [--lesson 1.2.39] [--exercise ID]
        [--breakdown] [--against REF]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

from checkout import checkout_of

ROOT = Path(__file__).resolve().parent.parent
SYMPY_ITEMS = ("1.2.39.6", "1.2.39.quiz")

# One grading session of the given items' reference solutions, as `course grade` runs it.
SESSION = """
import os, sys
from grader import catalog
from grader.grading import runner
cat = catalog.load()
wanted = set(sys.argv[2:]) if sys.argv[1] == "only" else None
skipped = set(sys.argv[2:]) if sys.argv[1] == "except" else set()
items = [e for e in cat.lesson("1.2.39").exercises  # --breakdown is of 1.2.39
         if (wanted is None or e.id in wanted) and e.id not in skipped]
runner.grade([(e, e.path(e.solution)) for e in items])
os._exit(0)
"""


def timed(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        command,
        cwd=cwd,
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def measure(commands: dict[str, tuple[list[str], Path]], runs: int) -> dict[str, list[float]]:
    times = {name: [] for name in commands}
    for command, cwd in commands.values():
        timed(command, cwd)  # warm-up
    for _ in range(runs):
        for name, (command, cwd) in commands.items():
            times[name].append(timed(command, cwd))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--breakdown", action="store_true")
    parser.add_argument("--against", metavar="REF", help="also time this commit, alternated")
    parser.add_argument("--lesson", default="1.2.39")
    parser.add_argument("--exercise", help="the one exercise (default: the lesson's fifth)")
    options = parser.parse_args()
    exercise = options.exercise or f"{options.lesson}.5"
    course = [sys.executable, "-m", "grader", "grade"]  # -m: the checkout in cwd is graded
    lesson, one = [*course, options.lesson, "--solution"], [*course, exercise, "--solution"]
    commands = {"lesson": (lesson, ROOT), "exercise": (one, ROOT)}
    if options.breakdown:
        session = [sys.executable, "-c", SESSION]
        commands["items without SymPy"] = ([*session, "except", *SYMPY_ITEMS], ROOT)
        commands["items with SymPy"] = ([*session, "only", *SYMPY_ITEMS], ROOT)
    with ExitStack() as stack:
        if options.against:
            other = stack.enter_context(checkout_of(options.against))
            commands[f"lesson @ {options.against}"] = (lesson, other)
            commands[f"exercise @ {options.against}"] = (one, other)
        times = measure(commands, options.runs)
    print(f"lesson = course grade {options.lesson}; exercise = course grade {exercise}")
    report(times, options.runs, options.against)


def report(times: dict[str, list[float]], runs: int, against: str | None) -> None:
    medians = {name: statistics.median(v) for name, v in times.items()}
    one = medians["exercise"]
    print(f"{'command':<22} {'median s':>9} {'min s':>7} {'/ one':>7}  ({runs} runs each)")
    for name, values in times.items():
        print(f"{name:<22} {medians[name]:>9.3f} {min(values):>7.3f} {medians[name] / one:>6.2f}x")
    print(f"lesson / one exercise: {medians['lesson'] / one:.2f}x (aim <= 2x)")
    if against:
        before = medians[f"lesson @ {against}"] / medians[f"exercise @ {against}"]
        print(f"at {against}: {before:.2f}x")


if __name__ == "__main__":
    main()
