"""How long a hanging or dying submission costs a learner, against the exercise's budget.

Grades each hang and exit of the hostile catalogue as 1.2.39.5 (budget: its manifest's
``seconds_total``), alternated with the untouched stub as the baseline of a grading run's
own start-up, and reports the median overshoot: hostile time - stub time - budget, which
should stay under about a second (the last call's deadline plus killing the worker).

    .venv/bin/python bench/hostile_budget.py [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = ("infinite_loop", "sleep_at_import", "os_exit_in_call", "memory_bomb", "fork_bomb")


def timed(path: Path) -> float:
    started = time.perf_counter()
    command = [sys.executable, "-m", "grader", "grade", "1.2.39.5", "--submission", str(path)]
    subprocess.run(command, cwd=ROOT, capture_output=True, check=False)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    manifest = ROOT / "lessons/1.2.39-numerical-differentiation/lesson.toml"
    exercise = next(
        e for e in tomllib.loads(manifest.read_text())["exercises"] if e["id"] == "1.2.39.5"
    )
    budget = exercise.get("limits", {}).get("seconds_total", 15.0)
    stub = ROOT / "exercises/1.2.39/ex5_numeric_gradient_square.py"
    times: dict[str, list[float]] = {name: [] for name in ("stub", *CASES)}
    for _ in range(runs):
        times["stub"].append(timed(stub))
        for case in CASES:
            times[case].append(timed(ROOT / "tests/hostile" / f"{case}.py"))
    base = statistics.median(times["stub"])
    print(f"stub (start-up baseline): {base:.2f} s; budget seconds_total = {budget:g} s")
    for case in CASES:
        median = statistics.median(times[case])
        print(
            f"{case:<20} {median:6.2f} s   overshoot past budget: {median - base - budget:+.2f} s"
        )


if __name__ == "__main__":
    main()
