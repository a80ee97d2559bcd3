"""The batch: learners spread over grading processes, each in a private slot, the
instructor's files hidden from every worker, every learner in the gradebook whatever
happens; and the fence a batch requires."""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from grader import catalog as catalog_mod
from grader.instructor.cache import default_store, grader_keys, open_store
from grader.instructor.errors import BatchError
from grader.instructor.gradebook import write_gradebook
from grader.instructor.one_learner import Task, failed_record, grade_learner
from grader.instructor.sources import Learner, discover, skipped_entries

RECYCLE_AFTER = 50  # learners graded by one grading process before a fresh one takes over


@dataclass
class BatchSummary:
    learners: int
    graded: int  # items graded now
    cached: int  # items taken from the store
    problems: dict[str, str]  # learner -> why nothing of theirs could be graded (zeros)
    seconds: float
    jobs: int
    seed: int
    records: list[dict]
    skipped: list[str] = field(default_factory=list)  # entries neither a folder nor a zip
    notices: list[str] = field(default_factory=list)  # refused or unfenced Dask workers
    on_cluster: bool = False  # then ``jobs`` counts the Dask workers' threads


def _ancestors_or_self(path: Path) -> set[Path]:
    path = Path(os.path.realpath(path))
    return {path, *path.parents}


def hideable(folder: Path, needed: list[Path]) -> bool:
    """Whether hiding ``folder`` from workers keeps what they need (the course, Python,
    the temporary folder) visible."""
    folder = Path(os.path.realpath(folder))
    return folder.is_dir() and not any(folder in _ancestors_or_self(n) for n in needed)


# Files SQLite keeps next to a database, and the one a gradebook is written to first.
_COMPANIONS = ("-wal", "-shm", "-journal", ".partial")


def instructor_files(outputs: list[Path | None], needed: list[Path]) -> set[Path]:
    """What a worker must never read of what the instructor writes: each file (gradebook,
    JSON, store) with its companions, wherever it is, and its folder too where hiding
    that folder keeps what the workers need visible. Files are hidden one by one where the
    sandbox can (:mod:`grader.sandbox.isolation`); the folders hold where it cannot yet."""
    hidden: set[Path] = set()
    for out in outputs:
        if out is None:
            continue
        path = Path(os.path.realpath(out))
        hidden.add(path)
        hidden.update(path.with_name(path.name + suffix) for suffix in _COMPANIONS)
        if hideable(path.parent, needed):
            hidden.add(path.parent)
    return hidden


def other_batches(temp: Path, besides: Path) -> list[Path]:
    """Folders of batches on this machine that hold (or held) other learners' copies: local
    batches' slots, a cluster's packing folders and its workers' slots (see
    :mod:`grader.instructor.cluster`); all but ``besides``, this batch's own."""
    own = os.path.realpath(besides)
    found = sorted(temp.glob("course-instructor-*")) + sorted(temp.glob("course-cluster-*"))
    return [p for p in found if p.is_dir() and os.path.realpath(p) != own]


def grade_batch(
    submissions: Path,
    out_csv: Path,
    out_json: Path | None = None,
    jobs: int | None = None,
    seed: int | None = None,
    store_path: Path | None = None,
    use_cache: bool = True,
    root: Path | None = None,
    on_start: Callable[[int], None] | None = None,
    on_done: Callable[[dict], None] | None = None,
    scheduler: str | None = None,
    unfenced: bool = False,
) -> BatchSummary:
    """Grade every learner in ``submissions``; write the CSV (and JSON) gradebook.

    With ``scheduler`` (a Dask scheduler's address) the learners are graded on its workers
    (:mod:`grader.instructor.cluster`), each of which must fence them in unless
    ``unfenced``; without it, in grading processes on this machine."""
    started = time.perf_counter()
    cat = catalog_mod.load(root)
    root = cat.root
    submissions = Path(os.path.realpath(submissions))
    if not submissions.is_dir():
        raise BatchError(f"{submissions} is not a folder of submissions.")
    temp = Path(os.path.realpath(tempfile.gettempdir()))
    for inside, label in ((root, "the course"), (temp, "the temporary folder")):
        if inside.is_relative_to(submissions):
            raise BatchError(
                f"{submissions} contains {label} ({inside}); give the folder that holds only "
                "the learners' submissions."
            )
    learners = discover(submissions)
    if not learners:
        raise BatchError(
            f"{submissions} holds no submissions: put one folder (or one .zip) per learner in it."
        )
    client = None
    if scheduler:  # before anything is written: an unreachable scheduler changes nothing
        from grader.instructor import cluster

        client = cluster.connect(scheduler)
    store_path = Path(store_path) if store_path else default_store(root)
    try:
        open_store(store_path).close()  # migrates once, and fails early if unusable
    except BatchError:
        if client is not None:
            client.close()
        raise
    key_seed = seed
    keys = grader_keys(cat, seed)
    if seed is None:
        from grader.grading.runner import new_seed

        seed = new_seed()
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(learners)))
    out_csv = Path(out_csv)
    for out in (out_csv, out_json):
        if out is not None:
            out.parent.mkdir(parents=True, exist_ok=True)

    if client is not None:  # on a Dask cluster (grader.instructor.cluster)
        records: list[dict | None] = [None] * len(learners)
        notices: list[str] = []
        private = {submissions} | instructor_files([store_path, out_csv, out_json], [root, temp])
        if on_start:
            on_start(len(learners))
        store = open_store(store_path)
        try:
            threads = sum(client.nthreads().values())
            cluster.grade_learners(
                client,
                learners,
                cat,
                keys=keys,
                key_seed=key_seed,
                seed=seed,
                store=store,
                store_path=store_path,
                use_cache=use_cache,
                hidden=sorted(str(p) for p in private),
                unfenced=unfenced,
                finish=lambda index, record: _keep_record(records, index, record, on_done),
                notices=notices,
            )
        finally:
            store.close()
            client.close()
        return _written(
            records,
            learners,
            cat,
            seed,
            out_csv,
            out_json,
            started,
            threads,
            submissions,
            store_path,
            notices,
            on_cluster=True,
        )

    batch = Path(tempfile.mkdtemp(prefix="course-instructor-"))
    slots = [batch / f"slot-{k}" for k in range(jobs)]
    for slot in slots:
        slot.mkdir(mode=0o700)
    needed = [root, Path(sys.prefix), Path(sys.base_prefix), Path(sys.executable), batch, temp]
    private = {submissions} | instructor_files([store_path, out_csv, out_json], needed)
    private |= set(other_batches(temp, besides=batch))  # as they are now

    def task_for(learner: Learner, k: int) -> Task:
        others = [str(s) for j, s in enumerate(slots) if j != k]
        return Task(
            learner.name,
            str(learner.source),
            str(root),
            str(slots[k]),
            tuple(sorted(str(p) for p in private)) + tuple(others),
            str(store_path),
            use_cache,
            seed,
            keys,
        )

    records: list[dict | None] = [None] * len(learners)
    pending = list(enumerate(learners))
    lock = threading.Lock()
    if on_start:
        on_start(len(learners))

    def next_learner():
        with lock:
            return pending.pop(0) if pending else None

    def finish(index: int, record: dict) -> None:
        with lock:
            _keep_record(records, index, record, on_done)

    context = multiprocessing.get_context("spawn")  # a clean process: no state inherited
    pools: dict[int, concurrent.futures.ProcessPoolExecutor] = {}

    def new_pool(k: int) -> concurrent.futures.ProcessPoolExecutor:
        # One process per slot, so a learner's copy and the slot it lies in go together.
        pools[k] = concurrent.futures.ProcessPoolExecutor(
            1, mp_context=context, max_tasks_per_child=RECYCLE_AFTER
        )
        return pools[k]

    def grade_one(k: int, learner: Learner) -> dict:
        record, reason = None, ""
        for _attempt in (1, 2):  # a grading process that died is replaced once
            try:
                pool = pools.get(k) or new_pool(k)
                record = pool.submit(grade_learner, task_for(learner, k)).result()
                break
            except concurrent.futures.process.BrokenProcessPool:
                pools.pop(k).shutdown(wait=False, cancel_futures=True)
                reason = "the grading process stopped while grading this submission"
            except Exception as exc:  # noqa: BLE001 - one learner never stops the batch
                reason = f"the grader failed on this submission ({type(exc).__name__}: {exc})"
                break
        return record or failed_record(learner, cat, seed, reason)

    def run_slot(k: int) -> None:
        while (item := next_learner()) is not None:
            index, learner = item
            try:
                record = grade_one(k, learner)
            except Exception as exc:  # noqa: BLE001 - recorded for this learner only
                record = failed_record(
                    learner, cat, seed, f"the grader failed ({type(exc).__name__}: {exc})"
                )
            finish(index, record)

    threads = [threading.Thread(target=run_slot, args=(k,), daemon=True) for k in range(jobs)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            while thread.is_alive():
                thread.join(0.2)  # short waits keep Ctrl-C responsive
    finally:
        with lock:
            pending.clear()
        interrupted = any(thread.is_alive() for thread in threads)
        for pool in list(pools.values()):
            if interrupted:  # stop the grading processes; their workers end with them
                for process in list(getattr(pool, "_processes", {}).values()):
                    process.terminate()
            pool.shutdown(wait=not interrupted, cancel_futures=True)
        shutil.rmtree(batch, ignore_errors=True)
    return _written(
        records, learners, cat, seed, out_csv, out_json, started, jobs, submissions, store_path
    )


def _keep_record(
    records: list, index: int, record: dict, on_done: Callable[[dict], None] | None
) -> None:
    records[index] = record  # kept first: showing it may fail, losing it may not
    if on_done:
        try:
            on_done(record)
        except Exception:  # noqa: BLE001 - a display problem never stops a slot
            pass


def _written(
    records: list,
    learners: list[Learner],
    cat: catalog_mod.Catalog,
    seed: int,
    out_csv: Path,
    out_json: Path | None,
    started: float,
    jobs: int,
    submissions: Path,
    store_path: Path,
    notices: list[str] | None = None,
    on_cluster: bool = False,
) -> BatchSummary:
    """Write the gradebook; every learner found is in it, even one whose slot (or task)
    ended without a result."""
    done = [
        record
        or failed_record(learners[index], cat, seed, "not graded: the batch stopped before it")
        for index, record in enumerate(records)
    ]
    not_kept = sorted({r.pop("not_kept") for r in done if "not_kept" in r})
    notices = list(notices or [])
    if not_kept:
        notices.append(
            f"Some results could not be kept in the store {store_path} ({not_kept[0]}). "
            "Every grade is in the gradebook all the same; a re-run grades those items again."
        )
    write_gradebook(done, cat, out_csv, out_json, seed)
    return BatchSummary(
        learners=len(done),
        graded=sum(r["graded"] for r in done),
        cached=sum(r["cached"] for r in done),
        problems={r["learner"]: r["error"] for r in done if r.get("error")},
        seconds=round(time.perf_counter() - started, 2),
        jobs=jobs,
        seed=seed,
        records=done,
        skipped=skipped_entries(submissions),
        notices=notices,
        on_cluster=on_cluster,
    )


def missing_fence() -> list[str]:
    """The protections this machine cannot give a batch's workers (empty when fenced),
    as :func:`grader.sandbox.host.probe` names them."""
    from grader.sandbox import host

    state = host.probe()
    return [] if state.fenced else list(state.missing) or ["the worker's fence"]


# What a submission's code can do to a cohort without each protection (matched on the
# names grader.sandbox.host gives them).
_RISKS = (
    (
        ("read-only", "answers hidden", "process namespace"),
        "read the other learners' submissions, earlier gradebooks and the reference "
        "solutions, and change files",
    ),
    (("network",), "reach the network, to fetch answers or send out other learners' work"),
    (("memory", "processes"), "take the machine's memory or processes and stall the batch"),
)


def unfenced_message(missing: list[str], refused: bool) -> str:
    """What running a batch without the fence means for a cohort, and what to do."""
    risks = [risk for words, risk in _RISKS if any(w in m for m in missing for w in words)]
    can = "; ".join(risks) or "escape the limits that keep one learner from another"
    risk = f"a submission's code can {can}."
    what = "; ".join(missing)
    if refused:
        return (
            f"Not grading: this machine cannot fence the learners' code in (missing: {what}). "
            f"Unfenced, {risk} Grade the cohort on Linux with user namespaces (see "
            "docs/security.md), or add --unfenced to grade here anyway."
        )
    return (
        f"Grading unfenced, as --unfenced asks (missing: {what}): {risk} Trust these grades "
        "only as far as you trust every learner's code."
    )
