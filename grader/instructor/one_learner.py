"""Grading one learner in a grading process of the batch: unpack into the slot, grade every
item with the runner, keep each result in the store."""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from grader import catalog as catalog_mod
from grader.instructor.cache import cached, keep_or_why, open_store
from grader.instructor.errors import SubmissionProblem
from grader.instructor.sources import Learner, Unpacked, relative_path, unpack


@dataclass(frozen=True)
class Task:
    """What one grading process needs to grade one learner (sent to it, so plain data)."""

    learner: str
    source: str
    root: str  # the course
    slot: str  # this process's private folder
    hidden: tuple[str, ...]  # SUBMISSIONS_DIR, the other slots, the instructor's folders
    store: str
    use_cache: bool
    seed: int
    keys: dict[str, str]  # exercise id -> grader key
    # On a Dask worker (grader.instructor.cluster) the source is a packed copy of what the
    # instructor read: these say what the instructor's copy was called and held.
    shown_source: str = ""  # the entry's name in SUBMISSIONS_DIR (default: the source's)
    prefix: str | None = None  # where the mirror of exercises/ started in it
    problems: dict[str, str] = field(default_factory=dict)  # item path -> why not usable
    cached: dict[str, dict] = field(default_factory=dict)  # item id -> result from the store


_process_store = None  # one connection per grading process (and store)


def _zero(ex: catalog_mod.Exercise, submission: str, seed: int, reason: str) -> dict:
    """A result with no points, shaped like :func:`grader.grading.report.to_dict`."""
    from grader.grading.results import SCHEMA_VERSION

    return {
        "schema_version": SCHEMA_VERSION,
        "exercise": ex.id,
        "title": ex.title,
        "kind": ex.kind,
        "submission": submission,
        "score": 0.0,
        "max_score": ex.points,
        "passed": False,
        "seed": seed,
        "duration_s": 0.0,
        "checks": [],
        "error": reason,
        "cached": False,
    }


def _record(
    learner: str, source: str, results: list[dict], started: float, graded: int, **extra
) -> dict:
    return {
        "learner": learner,
        "source": source,
        "score": round(sum(r["score"] for r in results), 2),
        "max_score": round(sum(r["max_score"] for r in results), 2),
        "graded": graded,
        "cached": sum(r["cached"] for r in results),
        "seconds": round(time.perf_counter() - started, 3),
        **extra,
        "results": results,
    }


def failed_record(learner: Learner, cat: catalog_mod.Catalog, seed: int, reason: str) -> dict:
    """Zeros for every item, with ``reason`` (a submission that cannot be graded at all)."""
    results = [
        _zero(ex, f"{learner.source.name}/{relative_path(ex)}", seed, reason)
        for ex in cat.exercises
    ]
    return _record(learner.name, learner.source.name, results, time.perf_counter(), 0, error=reason)


def _nothing_to_grade(unpacked: Unpacked, cat: catalog_mod.Catalog) -> str:
    """Why a learner none of whose files could be graded got zeros (each item says more)."""
    if unpacked.problems:
        return "nothing could be graded: none of its files can be used (each item says why)"
    example = relative_path(cat.exercises[0])
    return (
        f"nothing to grade: it holds none of the course's files (such as {example}); a "
        "submission mirrors exercises/ (docs/instructors.md)"
    )


def _scrub(data, old: str, new: str):
    """Replace the slot's path by the learner's in every text of a result."""
    if isinstance(data, str):
        return data.replace(old, new)
    if isinstance(data, list):
        return [_scrub(v, old, new) for v in data]
    if isinstance(data, dict):
        return {k: _scrub(v, old, new) for k, v in data.items()}
    return data


def grade_learner(task: Task) -> dict:
    """Grade every item of one learner; runs in a grading process. Never raises for
    anything the submission holds: problems become zeros with the reason."""
    return grade_and_keep(task)[0]


def grade_and_keep(task: Task) -> tuple[dict, list[str]]:
    """:func:`grade_learner`, and the ids of the items graded now whose results are worth
    keeping. With ``task.store`` the results are kept there and kept results are used;
    without it (on a Dask worker) ``task.cached`` stands for the store and the instructor
    keeps the results."""
    global _process_store
    started = time.perf_counter()
    root = Path(task.root)
    cat = catalog_mod.load(root)
    source = Path(task.source)
    name = task.shown_source or source.name
    learner = Learner(task.learner, source.with_name(name))
    slot = Path(task.slot)
    for leftover in slot.iterdir():  # a previous learner's copy, if a run was cut short
        shutil.rmtree(leftover, ignore_errors=True)
    copy_dir = slot / "submission"
    copy_dir.mkdir(mode=0o700)
    kept: list[str] = []
    try:
        try:
            unpacked = unpack(source, list(cat.exercises), copy_dir, root)
        except SubmissionProblem as exc:
            return failed_record(learner, cat, task.seed, f"broken submission: {exc}"), kept
        except OSError as exc:
            reason = f"broken submission: it cannot be read ({exc})"
            return failed_record(learner, cat, task.seed, reason), kept
        unpacked.problems.update(task.problems)
        store = None
        if task.store:
            if _process_store is None or _process_store.path != Path(task.store):
                _process_store = open_store(Path(task.store))
            store = _process_store
        prefix = unpacked.prefix if task.prefix is None else task.prefix
        shown = f"{name}/{prefix}"
        results: dict[str, dict] = {}
        jobs = []
        not_kept = ""  # why a result could not be kept in the store, if one could not
        for ex in cat.exercises:
            relative = relative_path(ex)
            if relative in unpacked.problems:
                results[ex.id] = _zero(ex, shown + relative, task.seed, unpacked.problems[relative])
            elif relative not in unpacked.digests:
                reason = f"missing file: {shown + relative} (not in the submission)"
                results[ex.id] = _zero(ex, shown + relative, task.seed, reason)
            else:
                digest, key = unpacked.digests[relative], task.keys[ex.id]
                if not task.use_cache:
                    hit = None
                elif store is not None:
                    hit = cached(store.db, learner.name, ex.id, digest, key)
                else:
                    hit = task.cached.get(ex.id)
                if hit is not None:
                    results[ex.id] = {**hit, "cached": True}
                else:
                    jobs.append((ex, copy_dir / relative, digest, key))
        if jobs:
            from grader.grading import report, runner

            graded = runner.grade(
                [(ex, path) for ex, path, _, _ in jobs],
                seed=task.seed,
                hidden=tuple(Path(h) for h in task.hidden),
            )
            for (ex, _, digest, key), result in zip(jobs, graded, strict=True):
                data = report.to_dict(result)
                for private in {str(copy_dir), os.path.realpath(copy_dir)}:
                    data = _scrub(data, private + "/", shown)
                data["submission"] = shown + relative_path(ex)
                data["cached"] = False
                results[ex.id] = data
                suite_broke = result.error and not result.checks
                if not suite_broke:
                    kept.append(ex.id)
                    if store is not None and not not_kept:  # one wait for a locked store
                        not_kept = keep_or_why(store, learner.name, ex.id, digest, key, data)
        ordered = [results[ex.id] for ex in cat.exercises]
        extra = {} if unpacked.digests else {"error": _nothing_to_grade(unpacked, cat)}
        if not_kept:
            extra["not_kept"] = not_kept  # read (and removed) by the batch's summary
        return _record(learner.name, name, ordered, started, len(jobs), **extra), kept
    finally:
        shutil.rmtree(copy_dir, ignore_errors=True)
