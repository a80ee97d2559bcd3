"""Whole-lesson grading against single-exercise grading, in the same run.

Alternates `course grade 1.2.39 --solution` (every exercise, the project and the quiz in
one pytest session) with `course grade 1.2.39.5 --solution`, and reports medians and their
ratio (aim: the whole lesson costs at most 3x one exercise).

    .venv/bin/python bench/lesson_speed.py [--runs 9]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(args: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "grader", *args],
        cwd=ROOT,
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    runs = parser.parse_args().runs
    commands = {
        "lesson 1.2.39": ["grade", "1.2.39", "--solution"],
        "exercise 1.2.39.5": ["grade", "1.2.39.5", "--solution"],
    }
    times = {name: [] for name in commands}
    for args in commands.values():
        timed(args)  # warm-up
    for _ in range(runs):
        for name, args in commands.items():
            times[name].append(timed(args))
    medians = {name: statistics.median(v) for name, v in times.items()}
    print(f"{'command':<22} {'median s':>9} {'min s':>7}  ({runs} runs each, alternated)")
    for name, values in times.items():
        print(f"{name:<22} {medians[name]:>9.3f} {min(values):>7.3f}")
    ratio = medians["lesson 1.2.39"] / medians["exercise 1.2.39.5"]
    print(f"lesson / one exercise: {ratio:.2f}x (aim <= 3x)")


if __name__ == "__main__":
    main()
