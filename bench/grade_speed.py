"""How long a learner waits for `course grade`, against the floor of any pytest run.

Alternates, in the same run, `course grade 1.2.39.5 --solution` with a bare
`python -m pytest` of a trivial NumPy test file, and reports medians and their ratio
(aim: at most 2x). Also times `course --help` (aim: under 0.2 s).

    .venv/bin/python bench/grade_speed.py [--runs 15] [--against REF]

``--against REF`` also times ``course grade 1.2.39.5 --solution`` at another commit (a
temporary worktree), alternated with the rest: a before-and-after in the same run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from checkout import checkout_of

ROOT = Path(__file__).resolve().parent.parent
TRIVIAL = "import numpy as np\n\n\ndef test_one():\n    assert np.allclose(np.ones(3), 1)\n"


def timed(command: list[str], cwd: Path, env: dict | None = None) -> float:
    started = time.perf_counter()
    subprocess.run(
        command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--against", metavar="REF", help="also time this commit, alternated")
    options = parser.parse_args()
    runs = options.runs
    python = sys.executable
    with tempfile.TemporaryDirectory() as folder, ExitStack() as stack:
        floor_dir = Path(folder)
        (floor_dir / "test_trivial.py").write_text(TRIVIAL)
        lean = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
        commands = {
            "course grade 1.2.39.5 --solution": (
                [python, "-m", "grader", "grade", "1.2.39.5", "--solution"],
                ROOT,
                None,
            ),
            "pytest trivial (bare)": (
                [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_trivial.py"],
                floor_dir,
                None,
            ),
            "pytest trivial (no plugin autoload)": (
                [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_trivial.py"],
                floor_dir,
                lean,
            ),
            "course --help": ([python, "-m", "grader", "--help"], ROOT, None),
        }
        if options.against:
            other = stack.enter_context(checkout_of(options.against))
            commands[f"grade 1.2.39.5 @ {options.against}"] = (
                [python, "-m", "grader", "grade", "1.2.39.5", "--solution"],
                other,
                None,
            )
        times: dict[str, list[float]] = {name: [] for name in commands}
        for command, cwd, env in commands.values():
            timed(command, cwd, env)  # warm the file cache once
        for _ in range(runs):  # alternate, so that machine load hits every command alike
            for name, (command, cwd, env) in commands.items():
                times[name].append(timed(command, cwd, env))
    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"{'command':<40} {'median s':>9} {'min s':>7}  ({runs} runs each, alternated)")
    for name, values in times.items():
        print(f"{name:<40} {medians[name]:>9.3f} {min(values):>7.3f}")
    grade = medians["course grade 1.2.39.5 --solution"]
    for floor in ("pytest trivial (bare)", "pytest trivial (no plugin autoload)"):
        print(f"grade / {floor}: {grade / medians[floor]:.2f}x (aim <= 2x)")
    print(f"course --help: {medians['course --help']:.3f} s (aim < 0.2 s)")
    if options.against:
        before = medians[f"grade 1.2.39.5 @ {options.against}"]
        print(f"grade 1.2.39.5: {before:.3f} s at {options.against} -> {grade:.3f} s now")


if __name__ == "__main__":
    main()
