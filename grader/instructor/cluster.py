"""Grading a cohort on a Dask distributed cluster (``course instructor grade --scheduler``).

On the instructor's machine (:func:`connect`, :func:`grade_learners`): each learner's files
are read with the batch's own rules (:func:`grader.instructor.sources.unpack`); items whose
results the store keeps are taken from it here, and a learner with nothing left to grade is
never sent. The others go to the cluster as plain data: the files read, packed as a zip in
memory, what the instructor's copy was called and held, the seed and the instructor's
grader keys. The results come back as JSON; they are kept in the instructor's store and
the gradebook is written here, by the same functions as a local batch.

On a Dask worker (:func:`grade_remote`): the worker's own course must give the same grader
keys (the same grader code, suites, manifests, Python and NumPy, see
:func:`grader.instructor.cache.grader_keys`) and the machine must fence the learners' code
in (or the instructor said ``--unfenced``); otherwise the worker refuses the learner and
names itself, and the instructor sends that learner elsewhere. The learner is unpacked into
a private slot and graded in a fresh grading process (``python -m
grader.instructor.cluster``) by :func:`grader.instructor.one_learner.grade_and_keep`: the
same grading, sandbox and fence as a local batch. A Dask worker's process is a daemon
that may not start ``multiprocessing`` children, hence a plain subprocess.

A lost worker loses no learner: the scheduler runs the tasks it held again elsewhere
(``distributed.scheduler.allowed-failures`` times, then the learner gets zeros with the
reason); ``retries`` re-runs a task that raised.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path

from grader import catalog as catalog_mod
from grader.instructor.batch import hideable, missing_fence, other_batches
from grader.instructor.cache import cached, grader_keys, keep_or_why, numpy_version
from grader.instructor.errors import BatchError, SubmissionProblem
from grader.instructor.one_learner import Task, failed_record, grade_and_keep, grade_learner
from grader.instructor.sources import Learner, unpack

INSTALL = 'pip install -e ".[cluster]"'
CONNECT_SECONDS = 10  # to reach the scheduler, and for it to have a worker
NO_WORKER_SECONDS = 120  # no usable worker this long: the learners left get zeros, and why
RETRIES = 1  # a task that raised (not a grade: a grade never raises) runs once more
POLL_SECONDS = 0.5  # how often the workers are looked at


# --- the instructor's side -----------------------------------------------------------------


def connect(address: str, timeout: float = CONNECT_SECONDS):
    """A Dask client of the scheduler at ``address`` with at least one worker; a
    :class:`BatchError` says why not (Dask not installed, scheduler unreachable, no worker)."""
    try:
        from distributed import Client
    except ImportError:
        raise BatchError(
            f"--scheduler needs Dask's distributed scheduler, which is not installed: {INSTALL} "
            "(in the course's folder), on this machine and on every worker."
        ) from None
    try:
        client = Client(address, timeout=timeout, set_as_default=False)
    except Exception as exc:  # noqa: BLE001 - OSError, TimeoutError, ValueError (the address)
        raise BatchError(
            f"Cannot reach the Dask scheduler at {address} within {timeout:g} s ({exc}). Start "
            "it with `dask scheduler` and give the address it prints (tcp://host:8786)."
        ) from None
    try:
        client.wait_for_workers(1, timeout=timeout)
    except Exception:  # noqa: BLE001 - dask's TimeoutError
        client.close()
        raise BatchError(
            f"The Dask scheduler at {address} has no worker (waited {timeout:g} s). Start "
            f"workers with `dask worker {address}` on machines with this course installed."
        ) from None
    return client


def worker_problem(
    keys: dict[str, str], key_seed: int | None, unfenced: bool
) -> tuple[str | None, str | None]:
    """On a worker: (why it must not grade for this instructor, or None; a warning, or None).
    Its course must give the instructor's grader keys, and it must fence learners' code in
    unless the instructor said ``--unfenced``."""
    try:
        own = _own_keys(key_seed)
    except Exception as exc:  # noqa: BLE001 - a broken manifest, an unreadable suite
        return f"its course cannot be read ({type(exc).__name__}: {exc})", None
    if own != keys:
        differ = sorted(set(own) ^ set(keys) | {i for i in own if i in keys and own[i] != keys[i]})
        versions = f"Python {sys.version.split()[0]}, NumPy {numpy_version()}"
        if len(differ) >= len(keys):
            what = "every item: the grader's code, the Python or NumPy version, or the lessons"
        else:
            what = f"item(s) {', '.join(differ)}: their hidden suites, manifests or files"
        return (
            f"its course differs from the instructor's ({what}; it has {versions}). Install "
            "the same course there, or stop that worker",
            None,
        )
    missing = _missing_fence()
    if missing and not unfenced:
        return (
            f"it cannot fence the learners' code in (missing: {'; '.join(missing)}); grade on "
            "Linux workers with user namespaces (docs/security.md), or add --unfenced",
            None,
        )
    if missing:
        return None, f"grading unfenced there, as --unfenced asks (missing: {'; '.join(missing)})"
    return None, None


_checked: dict = {}
_check_lock = threading.Lock()


def _own_keys(key_seed: int | None) -> dict[str, str]:
    """This machine's grader keys, read afresh each time (the course on disk is what a
    fresh grading process runs)."""
    return grader_keys(catalog_mod.load(), key_seed)


def _missing_fence() -> list[str]:
    with _check_lock:
        if "fence" not in _checked:
            _checked["fence"] = missing_fence()
        return _checked["fence"]


def check_worker(keys: dict[str, str], key_seed: int | None, unfenced: bool) -> dict:
    """Run on every worker before the batch (``Client.run``)."""
    refusal, warning = worker_problem(keys, key_seed, unfenced)
    return {"refused": refusal, "warning": warning}


def pack(folder: Path) -> bytes:
    """The files of ``folder`` as a zip in memory (what a worker unpacks)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                z.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()


def grade_learners(
    client,
    learners: list[Learner],
    cat: catalog_mod.Catalog,
    keys: dict[str, str],
    key_seed: int | None,
    seed: int,
    store,
    store_path: Path,
    use_cache: bool,
    hidden: list[str],
    unfenced: bool,
    finish: Callable[[int, dict], None],
    notices: list[str],
) -> None:
    """Grade ``learners`` on the cluster of ``client``; ``finish(index, record)`` for each.
    Every learner gets a record: graded, taken from the store, or zeros with the reason.
    ``notices`` gets what the instructor must read (refused workers, unfenced ones)."""
    refused: dict[str, str] = {}
    warned: set[str] = set()

    def refuse(address: str, reason: str) -> None:
        if address not in refused:
            refused[address] = reason
            notices.append(f"Refused Dask worker {address}: {reason}.")

    def warn(address: str, warning: str | None) -> None:
        if warning and address not in warned:
            warned.add(address)
            notices.append(f"Dask worker {address}: {warning}.")

    checks = client.run(check_worker, keys, key_seed, unfenced, on_error="return")
    for address, answer in sorted(checks.items()):
        if isinstance(answer, BaseException):
            refuse(
                address,
                f"it cannot run this course's grader ({type(answer).__name__}: "
                f"{answer}); install the course there ({INSTALL})",
            )
        elif answer["refused"]:
            refuse(address, answer["refused"])
        else:
            warn(address, answer["warning"])

    token = uuid.uuid4().hex[:12]
    work = Path(tempfile.mkdtemp(prefix="course-cluster-pack-"))
    queue: list[tuple[int, int]] = []  # (learner index, attempt)
    jobs: dict[int, dict] = {}  # learner index -> what is sent, and what is kept here
    try:
        for index, learner in enumerate(learners):
            sent = _prepare(
                learner,
                cat,
                keys,
                key_seed,
                seed,
                store,
                store_path,
                use_cache,
                [*hidden, str(work)],
                unfenced,
                work / str(index),
            )
            if "record" in sent:  # nothing to send: broken, or every result in the store
                finish(index, sent["record"])
            else:
                jobs[index] = sent
                queue.append((index, 0))
        _run(client, token, learners, cat, seed, store, jobs, queue, refused, refuse, warn, finish)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _prepare(
    learner, cat, keys, key_seed, seed, store, store_path, use_cache, hidden, unfenced, folder: Path
) -> dict:
    """Read a learner's files here; a record when nothing needs a worker, else the job."""
    folder.mkdir(mode=0o700)
    copy = folder / "copy"
    copy.mkdir()
    try:
        unpacked = unpack(learner.source, list(cat.exercises), copy, cat.root)
    except SubmissionProblem as exc:
        return {"record": failed_record(learner, cat, seed, f"broken submission: {exc}")}
    except OSError as exc:
        reason = f"broken submission: it cannot be read ({exc})"
        return {"record": failed_record(learner, cat, seed, reason)}
    hits = {}
    for ex in cat.exercises:
        digest = unpacked.digests.get(ex.stub.removeprefix("exercises/"))
        if digest and use_cache:
            hit = cached(store.db, learner.name, ex.id, digest, keys[ex.id])
            if hit is not None:
                hits[ex.id] = hit
    graded_here = sum(
        1 for ex in cat.exercises if ex.stub.removeprefix("exercises/") in unpacked.digests
    )
    if len(hits) == graded_here:  # nothing to grade: the local path builds the record
        slot = folder / "slot"
        slot.mkdir()
        task = Task(
            learner.name,
            str(learner.source),
            str(cat.root),
            str(slot),
            (),
            str(store_path),
            use_cache,
            seed,
            keys,
        )
        return {"record": grade_learner(task)}
    job = {
        "learner": learner.name,
        "shown_source": learner.source.name,
        "prefix": unpacked.prefix,
        "problems": unpacked.problems,
        "cached": hits,
        "seed": seed,
        "keys": keys,
        "key_seed": key_seed,
        "unfenced": unfenced,
        "hidden": hidden,
    }
    packed = pack(copy)
    shutil.rmtree(folder, ignore_errors=True)  # no learner's copy waits here for its turn
    return {
        "job": json.dumps(job),  # ASCII: names that were not UTF-8 cross as escapes
        "packed": packed,
        "digests": {
            ex.id: unpacked.digests.get(ex.stub.removeprefix("exercises/")) for ex in cat.exercises
        },
    }


def _run(
    client, token, learners, cat, seed, store, jobs, queue, refused, refuse, warn, finish
) -> None:
    inflight: dict = {}  # future -> (learner index, attempt, the workers it may run on)
    limit = max(8, 4 * sum(client.nthreads().values()))
    last_usable = time.monotonic()

    def fail(index: int, reason: str) -> None:
        jobs.pop(index, None)
        finish(index, failed_record(learners[index], cat, seed, reason))

    def usable() -> list[str]:
        return sorted(set(client.nthreads()) - set(refused))

    def submit(index: int, attempt: int) -> None:
        restrict = None
        if refused:
            restrict = usable()
            if not restrict:
                named = "; ".join(f"{a}: {r}" for a, r in sorted(refused.items()))
                fail(index, f"not graded: no Dask worker could grade it (refused: {named})")
                return
        job = jobs[index]
        future = client.submit(
            grade_remote,
            job["job"],
            job["packed"],
            key=f"course-grade-{token}-{index}-{attempt}",
            retries=RETRIES,
            workers=restrict,
            allow_other_workers=False,
        )
        inflight[future] = (index, attempt, restrict)

    try:
        while queue or inflight:
            while queue and len(inflight) < limit:
                submit(*queue.pop(0))
            if not inflight:
                continue
            done = _finished(inflight, POLL_SECONDS)
            for future in done:
                index, attempt, _ = inflight.pop(future)
                _collect(
                    future, index, attempt, jobs, store, learners, refuse, warn, queue, fail, finish
                )
            alive = set(client.nthreads())
            for future, (index, attempt, restrict) in list(inflight.items()):
                if restrict and not alive & set(restrict):  # its workers are gone: elsewhere
                    future.cancel()
                    del inflight[future]
                    queue.append((index, attempt + 1))
            if usable() or not inflight:
                last_usable = time.monotonic()
            elif time.monotonic() - last_usable > NO_WORKER_SECONDS:
                for future, (index, *_) in list(inflight.items()):
                    future.cancel()
                    fail(index, f"not graded: no usable Dask worker for {NO_WORKER_SECONDS} s")
                inflight.clear()
    except Exception as exc:  # noqa: BLE001 - the scheduler went away: nobody is lost
        for future, (index, *_) in inflight.items():
            future.cancel()
            fail(index, f"not graded: the cluster failed ({type(exc).__name__}: {exc})")
        for index, _attempt in queue:
            fail(index, f"not graded: the cluster failed ({type(exc).__name__}: {exc})")
        inflight.clear()
        queue.clear()
    finally:
        for future in inflight:
            future.cancel()


def _finished(futures, seconds: float) -> list:
    """The futures that are done, waiting up to ``seconds`` for one."""
    deadline = time.monotonic() + seconds
    while True:
        done = [future for future in futures if future.done()]
        if done or time.monotonic() >= deadline:
            return done
        time.sleep(0.02)


def _collect(
    future, index, attempt, jobs, store, learners, refuse, warn, queue, fail, finish
) -> None:
    """One finished task: a record to keep, a refusal (the learner goes elsewhere), or a
    failure (zeros and why)."""
    if future.status == "finished":
        try:
            answer = json.loads(future.result())
        except Exception as exc:  # noqa: BLE001 - the result cannot be fetched or read
            fail(index, f"the grader's result was lost on the cluster ({type(exc).__name__})")
            return
        if answer.get("refused"):
            refuse(answer["worker"], answer["refused"])
            queue.append((index, attempt + 1))
            return
        warn(answer["worker"], answer.get("warning"))
        record = answer["record"]
        digests = jobs[index]["digests"]
        results = {r["exercise"]: r for r in record["results"]}
        keys = json.loads(jobs[index]["job"])["keys"]
        for exercise in answer.get("keep", []):
            if digests.get(exercise):
                learner, result = record["learner"], results[exercise]
                why = keep_or_why(
                    store, learner, exercise, digests[exercise], keys[exercise], result
                )
                if why:  # not kept (a re-run grades it again); never lost
                    record["not_kept"] = why
                    break
        jobs.pop(index, None)
        finish(index, record)
        return
    try:
        exc = future.exception()
    except Exception as error:  # noqa: BLE001 - cancelled
        exc = error
    if type(exc).__name__ == "KilledWorker":
        fail(index, f"not graded: the Dask workers grading it died each time ({exc})")
    else:
        fail(
            index,
            f"the grader failed on this submission on the cluster ({type(exc).__name__}: {exc})",
        )


# --- a Dask worker's side ----------------------------------------------------------------


def grade_remote(job_text: str, packed: bytes) -> str:
    """The task a Dask worker runs for one learner; returns JSON text."""
    from distributed import get_worker

    worker = get_worker()
    job = json.loads(job_text)
    refusal, warning = worker_problem(job["keys"], job["key_seed"], job["unfenced"])
    if refusal:
        return json.dumps({"refused": refusal, "worker": worker.address})
    root = catalog_mod.repo_root()
    with _slot() as (slot, others):
        incoming = slot / "in"
        incoming.mkdir(mode=0o700)
        source = incoming / "submission.zip"
        source.write_bytes(packed)
        work = slot / "work"
        work.mkdir(mode=0o700)
        needed = [
            root,
            Path(sys.prefix),
            Path(sys.base_prefix),
            Path(sys.executable),
            slot,
            Path(tempfile.gettempdir()),
        ]
        hidden = {str(p) for p in others} | _other_batches(slot.parent)
        hidden |= _hideable_here([Path(worker.local_directory)], needed, parent=True)
        hidden |= _hideable_here([Path(h) for h in job["hidden"]], needed)
        task = Task(
            job["learner"],
            str(source),
            str(root),
            str(work),
            tuple(sorted(hidden)),
            "",  # no store here: the instructor keeps the results
            True,
            job["seed"],
            job["keys"],  # equal to this worker's own, checked above
            shown_source=job["shown_source"],
            prefix=job["prefix"],
            problems=job["problems"],
            cached=job["cached"],
        )
        answer = _grade_in_process(task, slot, catalog_mod.load(root))
    return json.dumps({**answer, "worker": worker.address, "warning": warning})


def _other_batches(own: Path) -> set[str]:
    """Other batches' folders on this machine as they are now: local batches' slots and
    instructors' packing folders (which hold learners' copies only while packing, or when
    a batch was killed then); not ``own``, the folder of this machine's cluster slots."""
    temp = Path(os.path.realpath(tempfile.gettempdir()))
    return {str(p) for p in other_batches(temp, besides=own)}


def _hideable_here(paths: list[Path], needed: list[Path], parent: bool = False) -> set[str]:
    """Of the instructor's private paths, those that hide nothing this worker needs; files
    always (a missing path is skipped by the sandbox)."""
    found = set()
    for path in paths:
        if parent and hideable(path.parent, needed):
            path = path.parent  # dask-scratch-space: every worker's spilled data
        if not path.is_dir() or hideable(path, needed):
            found.add(str(path))
    return found


def _grade_in_process(task: Task, slot: Path, cat) -> dict:
    """Grade in a fresh grading process (once more if it dies), as a local batch does."""
    from dataclasses import asdict

    (slot / "task.json").write_text(json.dumps(asdict(task)), encoding="ascii")
    result = slot / "result.json"
    for _attempt in (1, 2):
        result.unlink(missing_ok=True)
        done = subprocess.run(
            [sys.executable, "-m", "grader.instructor.cluster", str(slot)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            cwd=slot,
        )
        if done.returncode == 0 and result.is_file():
            return json.loads(result.read_text(encoding="ascii"))
    tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
    reason = "the grading process stopped while grading this submission"
    learner = Learner(task.learner, Path(task.shown_source or "submission"))
    record = failed_record(learner, cat, task.seed, f"{reason} ({tail[0][:300]})")
    return {"record": record, "keep": []}


_SLOTS_LOCK = threading.Lock()


@contextlib.contextmanager
def _slot():
    """A private slot folder on this machine, and the other slots to hide from its worker.

    Slots are shared by every Dask worker process of the machine (one folder per user in
    the temporary folder), made all at once before any is used, each held with a lock on
    its own file: so every slot another learner may be copied into exists, and is hidden,
    before this learner's code starts."""
    parent = (
        Path(tempfile.gettempdir())
        / f"course-cluster-{os.getuid() if hasattr(os, 'getuid') else 0}"
    )
    count = max(4, 2 * (os.cpu_count() or 1))
    try:
        import fcntl
    except ImportError:  # Windows: no fence there anyway; a slot of this process alone
        folder = Path(tempfile.mkdtemp(prefix="course-cluster-slot-"))
        try:
            yield folder, []
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    with _SLOTS_LOCK:
        parent.mkdir(mode=0o700, exist_ok=True)
        info = parent.lstat()
        if parent.is_symlink() or info.st_uid != os.getuid() or info.st_mode & 0o077:
            raise RuntimeError(f"{parent} is not this user's private folder; remove it")
        with open(parent / ".lock", "w") as guard:
            fcntl.flock(guard, fcntl.LOCK_EX)
            slots = [parent / f"slot-{k}" for k in range(count)]
            for slot in slots:
                slot.mkdir(mode=0o700, exist_ok=True)
    while True:
        for k, slot in enumerate(slots):
            lock = open(parent / f"slot-{k}.lock", "w")  # noqa: SIM115 - held while grading
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                lock.close()
                continue
            try:
                for leftover in slot.iterdir():
                    _remove(leftover)
                yield slot, [s for s in slots if s != slot]
            finally:
                for leftover in slot.iterdir():
                    _remove(leftover)
                lock.close()
            return
        time.sleep(0.1)  # every slot of this machine is busy


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _die_with_parent() -> None:
    """A grading process ends with the Dask worker that started it (Linux)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def main(argv: list[str]) -> int:
    """The grading process on a Dask worker: ``task.json`` in the slot -> ``result.json``."""
    _die_with_parent()
    slot = Path(argv[0])
    data = json.loads((slot / "task.json").read_text(encoding="ascii"))
    data["hidden"] = tuple(data["hidden"])
    record, kept = grade_and_keep(Task(**data))
    partial = slot / "result.json.partial"
    partial.write_text(json.dumps({"record": record, "keep": kept}), encoding="ascii")
    os.replace(partial, slot / "result.json")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
