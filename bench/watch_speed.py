"""`course watch`: the time from a save to the verdict on screen, in the same run.

Starts `course watch 1.2.39.5` (a NumPy exercise) on a copy of the course, waits for its
first grade, then saves the learner's file again and again (a working solution, with a
comment that changes so that each save is a change) and times each save until the
report's "Score:" line is printed. Between saves it waits as a learner would (--pause,
by default 1 s), so that the next grade can get ready.

In the same run and alternated with those saves it times the old way's own cost: a fresh
`course grade 1.2.39.5` process on the same file. With --against REF it also runs a second
`course watch` from a git worktree of REF (on a copy of that course) and alternates saves
between the two watchers: a before-and-after of the whole path (settle delay included).

Aim: at most 0.15 s from the save to the verdict.

    .venv/bin/python bench/watch_speed.py [--saves 15] [--exercise 1.2.39.5] [--pause 1]
        [--against REF]
"""

from __future__ import annotations

import argparse
import os
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path

from checkout import checkout_of

ROOT = Path(__file__).resolve().parent.parent
COPIED = ("lessons", "exercises", "solutions", "grader", "pyproject.toml")
AIM_S = 0.15


def copy_course(source: Path, parent: Path) -> Path:
    """What a learner's clone holds, with the grader package, into ``parent/course``."""
    root = parent / "course"
    root.mkdir(parents=True)
    for name in COPIED:
        if (source / name).is_dir():
            ignore = shutil.ignore_patterns("__pycache__")
            shutil.copytree(source / name, root / name, ignore=ignore)
        else:
            shutil.copy2(source / name, root / name)
    return root


def file_of(root: Path, exercise: str, kind: str) -> Path:
    sys.path.insert(0, str(root))
    try:
        from grader import catalog

        ex = catalog.load(root).exercise(exercise)
    finally:
        sys.path.remove(str(root))
    return root / (ex.stub if kind == "stub" else ex.solution)


class Watcher:
    """A running `course watch`, its output read line by line in a thread."""

    def __init__(self, name: str, root: Path, exercise: str):
        self.name, self.root, self.exercise = name, root, exercise
        self.stub = file_of(root, exercise, "stub")
        self.solution = file_of(root, exercise, "solution").read_text()
        env = {**os.environ, "COURSE_ROOT": str(root), "NO_COLOR": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "grader", "watch", exercise],
            cwd=root,  # -m: the grader package of this copy
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        self.lines: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.saves = 0

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put((time.perf_counter(), line.decode(errors="replace")))
        self.lines.put((time.perf_counter(), None))

    def wait_for(self, marker: str, timeout: float = 60) -> float:
        deadline = time.monotonic() + timeout
        while True:
            try:
                when, line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                sys.exit(f"{self.name}: {marker!r} never came")
            if line is None:
                sys.exit(f"{self.name}: course watch ended before {marker!r}")
            if marker in line:
                return when

    def save(self) -> float:
        """Save the file with new content; the time to the verdict on screen."""
        self.saves += 1
        text = f"{self.solution}\n# save {self.saves}\n"
        started = time.perf_counter()
        self.stub.write_text(text)
        verdict = self.wait_for("Score:")
        self.wait_for("save it to grade again")  # the footer: ready for the next save
        return verdict - started

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def fresh_grade(root: Path, exercise: str) -> float:
    """The old way's own cost: a fresh `course grade` process, after the save."""
    env = {**os.environ, "COURSE_ROOT": str(root), "NO_COLOR": "1"}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "grader", "grade", exercise],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=15)
    parser.add_argument("--exercise", default="1.2.39.5")
    parser.add_argument("--pause", type=float, default=1.0, help="seconds between saves")
    parser.add_argument("--against", metavar="REF", help="also watch from this commit")
    options = parser.parse_args()
    times: dict[str, list[float]] = {}
    with ExitStack() as stack:
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-watch-")))
        sources = {"watch (this checkout)": ROOT}
        if options.against:
            sources[f"watch @ {options.against}"] = stack.enter_context(
                checkout_of(options.against)
            )
        watchers = []
        for number, (name, source) in enumerate(sources.items()):
            root = copy_course(source, scratch / str(number))
            watcher = Watcher(name, root, options.exercise)
            stack.callback(watcher.close)
            watchers.append(watcher)
            times[name] = []
        times["fresh course grade"] = []
        for watcher in watchers:
            watcher.wait_for("save it to grade again", timeout=120)  # the first grade
        for _ in range(options.saves):
            for watcher in watchers:
                time.sleep(options.pause)
                times[watcher.name].append(watcher.save())
            time.sleep(options.pause)
            times["fresh course grade"].append(fresh_grade(watchers[0].root, options.exercise))
    print(f"save -> verdict on screen, course watch {options.exercise} ({options.saves} saves)")
    print(f"{'':<28} {'median s':>9} {'min s':>7} {'max s':>7}")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:<28} {median:>9.3f} {min(values):>7.3f} {max(values):>7.3f}")
    ours = statistics.median(times["watch (this checkout)"])
    verdict = "met" if ours <= AIM_S else "not met"
    print(f"aim: <= {AIM_S} s; this checkout: {ours:.3f} s ({verdict})")
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
