"""Run hidden suites against submissions in one pytest session and score the results.

The suites run in this (trusted) process; each submission is served by its own worker
(:mod:`grader.sandbox.workers`), started before pytest is even imported so that the two start-ups
overlap.
"""

from __future__ import annotations

import atexit
import importlib
import os
import random
import threading
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
    return Session(jobs, hidden).run(seed)


class Session:
    """One grading run, made ready before it runs: its workers started (fenced, NumPy
    loading, no learner file imported yet) the moment it is made.

    :func:`grade` makes one and runs it at once. ``course watch`` makes one before the
    learner saves, :meth:`warm` waits until pytest is imported and every worker has
    answered its setup, and :meth:`run` grades when the file is saved: the same run, with
    its start-up already paid. A session runs once; its workers are never used again.
    """

    def __init__(self, jobs: list[tuple[Exercise, Path]], hidden: tuple[Path, ...] = ()):
        self.started = time.perf_counter()
        self.jobs = list(jobs)
        self.ran = False
        isolation.shield_grader()
        self.number = _count_session()  # the template and the kept session start at 2
        template = _template_for_a_run(self.number)
        self.sandboxes: list[Sandbox] = []
        self.workers: dict[tuple, WorkerProcess] = {}
        for ex, path in self.jobs:
            hide = hidden_for(path, answer_folders(ex.root) + tuple(hidden))
            # Files share a worker when its memory and file limits and its hidden folders
            # fit them all, so a whole lesson starts Python and NumPy once. Time does not
            # split them: each Sandbox keeps to its own exercise's seconds per call and in
            # total, and each file brings its own CPU seconds into the worker's allowance.
            key = (ex.limits.memory_mb, ex.limits.file_mb, ex.limits.processes, tuple(hide))
            if key not in self.workers:
                self.workers[key] = WorkerProcess(
                    replace(ex.limits, cpu_seconds=0), hide, template=template
                )
            worker = self.workers[key]
            worker.limits = replace(
                worker.limits, cpu_seconds=worker.limits.cpu_seconds + ex.limits.cpu_seconds
            )
            worker.preload = tuple(sorted({*worker.preload, *_heavy(ex.path(ex.stub))}))
            support = (ex.path(ex.stub).parent,)
            self.sandboxes.append(Sandbox(path, ex.limits, ex.constants, support, worker=worker))
        for box in self.sandboxes:
            if box.path.suffix == ".py":  # data submissions (a quiz's answers) need no worker
                box.start()  # the workers import NumPy while pytest loads below

    def warm(self) -> None:
        """Pay every start-up before the file is there to grade: pytest and the plugin
        imported, SymPy too when a file of the run uses it, and each worker's setup
        answered (fenced and limited, NumPy imported). A worker that failed to start is
        started afresh by the run, as any failed worker is."""
        _import_pytest()
        for name in _USED_BY_A_RUN:  # imported by every run as it goes: here they are free
            try:
                importlib.import_module(name)
            except ImportError:
                pass
        if any("sympy" in w.preload for w in self.workers.values()):
            import sympy  # noqa: F401 - its suite imports it at collection: here it is free

        for box in self.sandboxes:
            if box.path.suffix == ".py":
                try:
                    box.worker.ready()
                except WorkerFailure:
                    pass  # closed; the run starts a fresh one and reports what it finds
        self.started = None

    def close(self) -> None:
        for worker in self.workers.values():
            worker.close()

    def run(self, seed: int | None = None, close: bool = True) -> list[ExerciseResult]:
        """Run the hidden suites once and score them. The workers are closed after, or
        with ``close=False`` left to :meth:`close` (once the verdict is shown); either way
        they serve no other run."""
        if self.ran:
            raise RuntimeError("a grading session runs once; make a new one")
        self.ran = True
        started = time.perf_counter() if self.started is None else self.started
        seed = new_seed() if seed is None else seed
        pytest = _import_pytest()
        from grader.grading.plugin import GraderPlugin, Target

        jobs, sandboxes = self.jobs, self.sandboxes
        targets = [Target(ex, path, box) for (ex, path), box in zip(jobs, sandboxes, strict=True)]
        plugin = GraderPlugin(targets, seed)
        root = jobs[0][0].root
        suites = [ex.path(ex.suite) for ex, _ in jobs]
        try:
            kept = _kept_session_for(root, suites, self.number)
            if kept is not None:
                kept.run(targets, seed)
            else:
                status = pytest.main([*_pytest_args(root), *map(str, suites)], plugins=[plugin])
                if status in (pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.USAGE_ERROR):
                    for target in targets:
                        target.suite_error = f"pytest ended with {status!r}"
        except BaseException:
            self.close()
            raise
        if close:
            self.close()
        elapsed = time.perf_counter() - started
        return [_score(t, seed, elapsed / len(targets)) for t in targets]


def _pytest_args(root: Path) -> list[str]:
    """pytest's options for a grading run of ``root``'s suites (the suites' paths follow)."""
    return [
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
    ]


# Grading sessions made in this process. A process that grades once (`course grade`) pays
# nothing for what pays off only from a second run: a worker template and a kept session.
_sessions = 0
_sessions_lock = threading.Lock()  # runs may come from several threads


def _count_session() -> int:
    global _sessions
    with _sessions_lock:
        _sessions += 1
        return _sessions


# A pytest session kept for later runs (grader.grading.kept_session): "auto" keeps one from
# a process's second session on, holding the suites its runs needed; "never" runs
# pytest.main for every run.
KEPT_ENV = "COURSE_KEPT_SESSION"
_kept = None
_kept_failed = False  # one failed attempt (a suite that does not collect): never again
_kept_lock = threading.Lock()


def _kept_session_for(root: Path, suites: list[Path], number: int):
    """The kept session to run ``suites`` in (for the process's session ``number``), or
    None for pytest.main. It holds the suites of the runs so far, in the course's order; a
    run that needs another suite makes a new one that holds them all."""
    global _kept, _kept_failed
    with _kept_lock:
        if os.environ.get(KEPT_ENV, "auto") == "never" or number < 2 or _kept_failed:
            return None
        if _kept is not None and _kept.covers(suites):
            return _kept if _kept.take() else None  # busy: another thread's run
        from grader.grading.kept_session import KeptSession, in_order

        try:
            every = [ex.path(ex.suite) for ex in catalog.load(root).exercises]
        except Exception:  # noqa: BLE001 - a course whose manifest breaks: pytest.main as before
            _kept_failed = True
            return None
        if not in_order(suites, [s.resolve() for s in every]):
            return None  # another order, or a suite twice: pytest.main runs it as asked
        wanted = {s.resolve() for s in suites}
        if _kept is not None:
            if not _kept.take():
                return None  # another thread's run is in it
            wanted |= set(_kept.by_suite)
            _kept.close()
            _kept = None
        try:
            made = KeptSession(_pytest_args(root), tuple(s for s in every if s.resolve() in wanted))
        except Exception:  # noqa: BLE001 - a suite that does not collect, or another pytest
            _kept_failed = True
            return None
        if not made.covers(suites):
            made.close()
            _kept_failed = True
            return None
        _kept = made
        return made if made.take() else None


# Worker templates (grader.sandbox.template): "auto" starts one in a process that grades a
# second time (a batch's grading process) and forks its workers from it once it is ready;
# "always" from the first run, "never" spawns every worker.
TEMPLATE_ENV = "COURSE_WORKER_TEMPLATE"
_template = None
_template_lock = threading.Lock()


def _template_for_a_run(number: int):
    """The template the workers of the process's session ``number`` are forked from, or
    None to spawn them."""
    global _template
    from grader.sandbox import template as template_mod
    from grader.sandbox.workers import STARTUP_ALLOWANCE_S, _worker_env

    mode = os.environ.get(TEMPLATE_ENV, "auto")
    if mode == "never" or os.name != "posix" or not hasattr(os, "fork"):
        return None
    env = _worker_env()
    with _template_lock:
        if _template is not None and (_template.gone or _template.env != env):
            _template.close()  # gone, or made for other settings (COURSE_FENCE_DISABLE)
            _template = None
        if _template is None and (mode == "always" or number >= 2):
            _template = template_mod.Template(env)
            atexit.register(_template.close)
        made = _template
    if made is not None and mode == "always":
        made.ready.wait(STARTUP_ALLOWANCE_S)
    return made if made is not None and made.usable() else None


# Modules a run imports as it goes (pytest's plugins at configuration, the rng fixture's
# numpy.random, the trusted functions), which a session made ready imports before.
_USED_BY_A_RUN = (
    "_pytest.helpconfig",
    "_pytest.skipping",
    "_pytest.warnings",
    "_pytest.tracemalloc",
    "readline",
    "secrets",
    "numpy.random",
    "grader.sandbox.trusted",
)


def _import_pytest():
    os.environ.setdefault("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    import pytest

    import grader.grading.plugin  # noqa: F401 - NumPy and the fixtures, before the run

    return pytest


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
