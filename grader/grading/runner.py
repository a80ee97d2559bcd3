"""Run hidden suites against submissions in one pytest session and score the results.

The suites run in this (trusted) process; each submission is served by its own worker
(:mod:`grader.sandbox.workers`), started before pytest is even imported so that the two start-ups
overlap.
"""

from __future__ import annotations

import os
import random
import time
from dataclasses import replace
from pathlib import Path

from grader import catalog
from grader.catalog import Exercise
from grader.grading.results import ExerciseResult
from grader.sandbox import isolation
from grader.sandbox.workers import LearnerError, Sandbox, WorkerFailure, WorkerProcess, hidden_for

# The suites' own pytest settings: a grading run never reads the project's or a learner's.
SUITE_SETTINGS = Path(__file__).with_name("pytest.ini")


def answer_folders(root: Path) -> tuple[Path, ...]:
    """What a submission must never read: reference solutions, every lesson's private files
    (hidden suites, trusted inputs, the known-wrong and correct catalogues), the project's
    tests and the progress store (which keeps copies of earlier attempts)."""
    package = Path(__file__).resolve().parents[2]  # the course this grader comes from
    hidden = []
    for course in sorted({root.resolve(), package}):
        hidden += [course / name for name in ("solutions", "tests", ".course")]
        try:
            lessons = catalog.load(course).lessons
        except catalog.ManifestError:
            lessons = ()  # a broken course elsewhere: its manifest errors are reported there
        hidden += [path for lesson in lessons for path in lesson.private]
    return tuple(hidden)


def _heavy(path: Path) -> tuple[str, ...]:
    """The slow-to-import libraries a learner's file uses, which its worker imports in the
    background while the grader starts (SymPy only). Measured: the same in the grader's
    own process only competed with pytest for the interpreter and made runs slower."""
    try:
        return ("sympy",) if "sympy" in path.read_text(encoding="utf-8", errors="replace") else ()
    except OSError:
        return ()


# pytest plugins a grading run has no use for; each costs time in every run (the
# unraisable-exception one alone runs two full garbage collections at the end).
_UNUSED = (
    "unraisableexception",
    "threadexception",
    "logging",
    "doctest",
    "junitxml",
    "pastebin",
    "legacypath",
    "setuponly",
    "setupplan",
    "debugging",
    "faulthandler",
    "unittest",
)
_UNUSED_PLUGINS = tuple(arg for name in _UNUSED for arg in ("-p", f"no:{name}"))


def new_seed() -> int:
    return random.SystemRandom().randrange(1, 2**31)


def grade(
    jobs: list[tuple[Exercise, Path]],
    seed: int | None = None,
    hidden: tuple[Path, ...] = (),
) -> list[ExerciseResult]:
    """Grade each ``(exercise, submission file)`` pair; one pytest session for them all.

    ``hidden`` adds folders the submissions must not read (an instructor hides the other
    learners' submissions); the answer folders are always hidden.
    """
    seed = new_seed() if seed is None else seed
    started = time.perf_counter()
    isolation.shield_grader()
    sandboxes, workers = [], {}
    for ex, path in jobs:
        hide = hidden_for(path, answer_folders(ex.root) + tuple(hidden))
        # Files share a worker when its memory and file limits and its hidden folders fit
        # them all, so a whole lesson starts Python and NumPy once. Time does not split
        # them: each Sandbox keeps to its own exercise's seconds per call and in total, and
        # each file brings its own CPU seconds into the worker's allowance.
        key = (ex.limits.memory_mb, ex.limits.file_mb, ex.limits.processes, tuple(hide))
        if key not in workers:
            workers[key] = WorkerProcess(replace(ex.limits, cpu_seconds=0), hide)
        worker = workers[key]
        worker.limits = replace(
            worker.limits, cpu_seconds=worker.limits.cpu_seconds + ex.limits.cpu_seconds
        )
        worker.preload = tuple(sorted({*worker.preload, *_heavy(ex.path(ex.stub))}))
        support = (ex.path(ex.stub).parent,)
        sandboxes.append(Sandbox(path, ex.limits, ex.constants, support, worker=worker))
    for box in sandboxes:
        if box.path.suffix == ".py":  # data submissions (a quiz's answers) need no worker
            box.start()  # the workers import NumPy while pytest loads below

    os.environ.setdefault("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    import pytest

    from grader.grading.plugin import GraderPlugin, Target

    targets = [Target(ex, path, box) for (ex, path), box in zip(jobs, sandboxes, strict=True)]
    plugin = GraderPlugin(targets, seed)
    root = jobs[0][0].root
    args = [
        "-c",
        str(SUITE_SETTINGS),
        "--rootdir",
        str(root / "lessons"),
        "-p",
        "no:cacheprovider",
        "-p",
        "no:terminal",
        "-p",
        "no:stepwise",
        *_UNUSED_PLUGINS,
        "--noconftest",
        "--import-mode=importlib",
        "--assert=plain",
        *[str(ex.path(ex.suite)) for ex, _ in jobs],
    ]
    try:
        status = pytest.main(args, plugins=[plugin])
        if status in (pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.USAGE_ERROR):
            for target in targets:
                target.suite_error = f"pytest ended with {status!r}"
    finally:
        for worker in workers.values():
            worker.close()
    elapsed = time.perf_counter() - started
    return [_score(t, seed, elapsed / len(targets)) for t in targets]


def _score(target, seed: int, duration: float) -> ExerciseResult:
    exercise = target.exercise
    result = ExerciseResult(
        exercise,
        target.submission,
        seed,
        duration_s=round(duration, 3),
        protections=target.sandbox.worker.protections,
    )
    total_weight = sum(c.weight for c in target.checks) or 1.0
    for c in target.checks:
        c.max_points = exercise.points * c.weight / total_weight
        c.points = c.max_points if c.passed else 0.0
        result.checks.append(c)
    if target.suite_error or not target.checks:
        result.error = (
            "The hidden suite for this exercise could not run. This is not your "
            "fault; please report it to the course maintainers."
        )
    elif target.sandbox.sticky_failure is not None:
        result.error = _could_not_grade(target.sandbox.sticky_failure)
    elif target.sandbox.load_reply is not None:
        defined = set(target.sandbox.load_reply.get("names", []))
        missing = [name for name in exercise.functions if name not in defined]
        if missing:
            result.error = (
                f"Your file does not define {', '.join(missing)}. Keep the names "
                "and parameters exactly as the stub has them."
            )
    return result


def _could_not_grade(failure: Exception) -> str:
    from grader.grading.plugin import import_error_message

    if isinstance(failure, LearnerError):
        return import_error_message(failure.error)
    if isinstance(failure, WorkerFailure):
        return failure.message
    return str(failure)
