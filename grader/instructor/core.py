"""Batch grading for instructors: a folder of learners' submissions -> a gradebook.

``course instructor grade SUBMISSIONS_DIR --out GRADEBOOK.csv`` (see docs/instructors.md).
SUBMISSIONS_DIR holds one folder or one ``.zip`` per learner, each mirroring ``exercises/``
(``1.2.39/ex1_forward_difference.py`` ...). For every learner, every item of the catalogue
(exercises, project, quiz) is graded with :func:`grader.grading.runner.grade`, exactly as
``course grade`` grades a learner's own file.

How learners are kept apart:

- Each grading process owns one *slot*, a private folder under a batch folder in the
  temporary directory. A learner's files are copied (or unpacked) into the slot, graded
  there, and removed. Their worker cannot read SUBMISSIONS_DIR, the other slots (where
  other learners are being graded at the same time), nor the instructor's store and
  gradebook folders: they are passed to the runner as hidden folders.
- Only regular files are copied: symbolic links are refused, so a submission cannot point
  at another learner's folder. Zip members with absolute paths or ``..`` are refused, and
  every file, zip and member count is capped.
- A submission that cannot be read, or a file that is missing, gets zeros with the reason;
  nothing a learner submits can stop the batch, and no failure while grading one learner
  (in its grading process or in the thread that waits for it) loses another's result:
  every learner found is in the gradebook.
- Nothing the instructor writes (the gradebook, the JSON, the store) is visible to a
  worker: those files, and their folders where that hides nothing the worker needs, are
  hidden like SUBMISSIONS_DIR.
- Names and messages are the learners' text: they reach the terminal, the CSV and the
  JSON only through :mod:`grader.text.safe_text`.

Re-running skips work: every graded item is kept in the instructor's store (by default
``.course/instructor.sqlite3`` in the course) keyed by the learner, the item, the SHA-256
of what was graded and a key of the grader itself (its code, the item's suite and manifest
entry, Python and NumPy versions, and ``--seed`` when given).
"""

from __future__ import annotations

import abc
import concurrent.futures
import csv
import hashlib
import io
import json
import multiprocessing
import os
import re
import shutil
import sqlite3
import stat
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from grader import catalog as catalog_mod
from grader.text import safe_text

MAX_FILE_BYTES = 1 << 20  # one learner file; a solution is a few kB
MAX_ZIP_BYTES = 64 << 20  # one learner's .zip on disk
MAX_ZIP_MEMBERS = 10_000
MAX_HELPERS = 20  # learner modules of their own next to the stubs, per folder
RECYCLE_AFTER = 50  # learners graded by one grading process before a fresh one takes over
GRADEBOOK_SCHEMA = 1
STORE_NAME = "instructor.sqlite3"
# Modules that only present things or keep the learner's state: they cannot change a
# grade, so editing them does not invalidate kept results. Every other module counts.
FRONT_END = (
    "__init__.py",
    "__main__.py",
    "cli/",
    "learner/",
    "quiz/terminal.py",
    "text/term.py",
)


class BatchError(Exception):
    """The batch cannot start (no such folder, no learners, an unusable store)."""


class SubmissionProblem(Exception):
    """A learner's whole submission cannot be read (an unsafe or broken zip)."""


@dataclass(frozen=True)
class Learner:
    name: str
    source: Path  # a folder or a .zip inside SUBMISSIONS_DIR


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


# --- finding learners ---------------------------------------------------------------------


def discover(submissions: Path) -> list[Learner]:
    """One learner per folder or ``.zip`` in ``submissions``, by name; hidden entries and
    other files are skipped. Every entry keeps a learner of its own: a zip whose name
    without ``.zip`` is taken (by a folder, or by ``bob.ZIP`` next to ``bob.zip``) is
    named by its full file name."""
    folders, zips = {}, []
    for entry in sorted(submissions.iterdir()):
        if entry.name.startswith((".", "__")):
            continue
        if entry.is_dir():
            folders[entry.name] = entry
        elif entry.suffix.lower() == ".zip" and entry.is_file():
            zips.append(entry)
    learners = [Learner(name, path) for name, path in folders.items()]
    stems = [entry.stem for entry in zips]
    for entry in zips:
        taken = entry.stem in folders or stems.count(entry.stem) > 1
        learners.append(Learner(entry.name if taken else entry.stem, entry))
    return sorted(learners, key=lambda learner: learner.name)


def skipped_entries(submissions: Path) -> list[str]:
    """Entries of SUBMISSIONS_DIR that are neither a folder nor a zip (told to the user)."""
    return sorted(
        e.name
        for e in submissions.iterdir()
        if not e.name.startswith((".", "__"))
        and not e.is_dir()
        and not (e.suffix.lower() == ".zip" and e.is_file())
    )


# --- reading one submission safely -------------------------------------------------------


def _relative(ex: catalog_mod.Exercise) -> str:
    """Where an item's file lies in a learner's submission: its stub path below exercises/."""
    return ex.stub.removeprefix("exercises/")


class _Source(abc.ABC):
    """A learner's files, from a folder or a zip, addressed by posix paths."""

    @abc.abstractmethod
    def files_in(self, folder: str) -> list[str]:
        """Names of the regular files directly inside ``folder``."""

    @abc.abstractmethod
    def read(self, path: str) -> bytes:
        """The file's bytes; a ValueError says why a file cannot be used."""

    def exists(self, path: str) -> bool:
        folder, _, name = path.rpartition("/")
        return name in self.files_in(folder)

    @abc.abstractmethod
    def top_folders(self) -> list[str]:
        """The folders at the top of the submission."""


class _FolderSource(_Source):
    def __init__(self, folder: Path):
        self.base = Path(os.path.realpath(folder))
        self.prefix = ""

    def _path(self, relative: str) -> Path:
        return self.base / (self.prefix + relative)

    def files_in(self, folder: str) -> list[str]:
        try:
            entries = list(os.scandir(self._path(folder) if folder else self.base / self.prefix))
        except OSError:
            return []
        # Symbolic links are listed too, so that reading one can say why it is refused.
        return sorted(e.name for e in entries if e.is_symlink() or e.is_file(follow_symlinks=False))

    def read(self, relative: str) -> bytes:
        path = self._path(relative)
        # No symbolic link anywhere below the learner's folder: it could lead to another
        # learner's files, which the grader (trusted) would then copy in.
        if os.path.realpath(path) != str(path):
            raise ValueError(
                "it is a symbolic link (or lies in a linked folder); submit the file itself"
            )
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode):
            raise ValueError("it is not a regular file")
        if info.st_size > MAX_FILE_BYTES:
            raise ValueError(f"it is larger than {MAX_FILE_BYTES // 1024} kB")
        with open(path, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise ValueError(f"it is larger than {MAX_FILE_BYTES // 1024} kB")
        return data

    def top_folders(self) -> list[str]:
        return sorted(
            e.name
            for e in os.scandir(self.base)
            if e.is_dir(follow_symlinks=False) and not e.name.startswith((".", "__"))
        )


_DRIVE = re.compile(r"^[A-Za-z]:")


def _safe_member(name: str) -> str:
    """A zip member's path as posix text; refuses absolute paths and ``..``."""
    text = name.replace("\\", "/")
    if text.startswith("/") or _DRIVE.match(text):
        raise SubmissionProblem(f"the zip holds an absolute path ({name!r}); it was not unpacked")
    if ".." in PurePosixPath(text).parts:
        raise SubmissionProblem(
            f"the zip holds a path that leaves its folder ({name!r}); it was not unpacked"
        )
    return text


class _ZipSource(_Source):
    def __init__(self, path: Path):
        self.prefix = ""
        if path.stat().st_size > MAX_ZIP_BYTES:
            raise SubmissionProblem(f"the zip is larger than {MAX_ZIP_BYTES >> 20} MB")
        try:
            self.zip = zipfile.ZipFile(path)
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise SubmissionProblem(f"the zip cannot be opened ({exc})") from None
        if len(infos) > MAX_ZIP_MEMBERS:
            raise SubmissionProblem(f"the zip holds more than {MAX_ZIP_MEMBERS} entries")
        self.members: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            name = _safe_member(info.filename)  # every member is checked, used or not
            if stat.S_ISLNK(info.external_attr >> 16):
                raise SubmissionProblem(f"the zip holds a symbolic link ({info.filename!r})")
            name = PurePosixPath(name).as_posix()  # "./a//b" -> "a/b"
            if not info.is_dir() and not name.startswith("__MACOSX/"):
                self.members.setdefault(name, info)

    def files_in(self, folder: str) -> list[str]:
        start = self.prefix + (folder + "/" if folder else "")
        return sorted(
            name[len(start) :]
            for name in self.members
            if name.startswith(start) and "/" not in name[len(start) :]
        )

    def read(self, relative: str) -> bytes:
        info = self.members[self.prefix + relative]
        if info.flag_bits & 0x1:
            raise ValueError("it is encrypted in the zip")
        if info.file_size > MAX_FILE_BYTES:
            raise ValueError(f"it is larger than {MAX_FILE_BYTES // 1024} kB")
        try:
            with self.zip.open(info) as f:
                data = f.read(MAX_FILE_BYTES + 1)
        # A damaged member fails in many ways (BadZipFile, EOFError, zlib.error, an unknown
        # compression method's NotImplementedError...): each is this file's problem only.
        except Exception as exc:  # noqa: BLE001
            raise ValueError(f"it cannot be unpacked ({type(exc).__name__}: {exc})") from None
        if len(data) > MAX_FILE_BYTES:
            raise ValueError(f"it is larger than {MAX_FILE_BYTES // 1024} kB")
        return data

    def top_folders(self) -> list[str]:
        return sorted(
            {
                name.split("/", 1)[0]
                for name in self.members
                if "/" in name and not name.startswith((".", "__"))
            }
        )


def _open_source(path: Path) -> _Source:
    return _ZipSource(path) if path.suffix.lower() == ".zip" else _FolderSource(path)


def _find_base(source: _Source, relatives: list[str]) -> str:
    """Where the mirror of exercises/ starts: the submission itself, its ``exercises/``,
    or the same inside a single top folder (zips often wrap everything in one)."""
    candidates = ["", "exercises/"]
    tops = source.top_folders()
    if len(tops) == 1:
        candidates += [tops[0] + "/", tops[0] + "/exercises/"]
    for prefix in candidates:
        source.prefix = prefix
        if any(source.exists(rel) for rel in relatives):
            return prefix
    source.prefix = ""
    return ""


@dataclass
class Unpacked:
    """A learner's files as copied into a slot."""

    digests: dict[str, str]  # item path -> SHA-256 of everything its grading reads
    problems: dict[str, str]  # item path -> why its file cannot be used
    prefix: str  # where the mirror of exercises/ starts in the submission


def unpack(
    source_path: Path, items: list[catalog_mod.Exercise], target: Path, course: Path
) -> Unpacked:
    """Copy the files that will be graded from a learner's folder or zip into ``target``.

    Copied: each item's file, and for Python items the learner's own helper modules next
    to it (``.py`` files whose names the course's folder does not use: the course's own
    come first on the worker's path). An item's digest covers its file and those helpers.
    Raises :class:`SubmissionProblem` when the submission as a whole cannot be read.
    """
    source = _open_source(source_path)
    relatives = [_relative(ex) for ex in items]
    prefix = _find_base(source, relatives)
    digests: dict[str, str] = {}
    problems: dict[str, str] = {}
    helpers: dict[str, list[tuple[str, str]]] = {}  # folder -> [(name, digest)]

    def copy(relative: str) -> str:
        data = source.read(relative)
        destination = target / relative
        try:
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(data)
        except OSError as exc:  # a name this file system cannot hold, say
            raise ValueError(f"it cannot be copied ({exc.strerror or exc})") from None
        return hashlib.sha256(data).hexdigest()

    for relative in relatives:
        folder = relative.rpartition("/")[0]
        if not source.exists(relative):
            continue
        try:
            own = copy(relative)
        except ValueError as exc:
            problems[relative] = f"the file {prefix + relative} cannot be graded: {exc}"
            continue
        if not relative.endswith(".py"):
            digests[relative] = own
            continue
        if folder not in helpers:
            course_names = {p.name for p in (course / "exercises" / folder).glob("*.py")}
            found = []
            for name in source.files_in(folder):
                if name.endswith(".py") and name not in course_names and len(found) < MAX_HELPERS:
                    try:
                        found.append((name, copy(f"{folder}/{name}" if folder else name)))
                    except ValueError:
                        continue  # a helper that cannot be copied is simply absent
            helpers[folder] = found
        digest = hashlib.sha256(own.encode())
        for name, helper_digest in helpers[folder]:
            digest.update(f"\0{name}\0{helper_digest}".encode())
        digests[relative] = digest.hexdigest()
    return Unpacked(digests, problems, prefix)


# --- the grader's own key, for the cache ------------------------------------------------


def grader_keys(cat: catalog_mod.Catalog, seed: int | None) -> dict[str, str]:
    """Per item, a digest of everything that decides its grade besides the learner's file:
    the grader's code (but :data:`FRONT_END`), the item's suite, manifest entry and
    provided files, the versions of Python and NumPy, and the seed when the instructor
    fixed it."""
    from importlib import metadata

    common = hashlib.sha256()
    package = Path(__file__).resolve().parents[1]
    modules = [
        p
        for p in sorted(package.rglob("*.py"))
        if not str(p.relative_to(package).as_posix()).startswith(FRONT_END)
    ]
    for path in [*modules, package / "grading" / "pytest.ini"]:
        common.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    try:
        numpy_version = metadata.version("numpy")
    except metadata.PackageNotFoundError:
        numpy_version = "?"
    common.update(f"{sys.version}\0{numpy_version}\0{seed}".encode())
    keys = {}
    for ex in cat.exercises:
        digest = common.copy()
        entry = [ex.id, ex.kind, ex.points, ex.stub, ex.functions, ex.constants, repr(ex.limits)]
        digest.update(json.dumps(entry, default=str).encode())
        digest.update(ex.path(ex.suite).read_bytes())
        for provided in sorted(ex.path(ex.stub).parent.glob("*.py")):
            digest.update(provided.name.encode() + b"\0" + provided.read_bytes())
        keys[ex.id] = digest.hexdigest()
    return keys


# --- the store ---------------------------------------------------------------------------


def default_store(root: Path) -> Path:
    return root / ".course" / STORE_NAME


def open_store(path: Path):
    """The instructor's store: the course's store format (same migrations), its own file."""
    from grader.learner.store import Store, StoreError

    try:
        return Store(path)
    except (sqlite3.DatabaseError, OSError) as exc:
        raise BatchError(
            f"The instructor's store {path} cannot be used ({exc}). Move it aside, or give "
            "another with --store."
        ) from None
    except StoreError as exc:
        raise BatchError(str(exc)) from None


def _store_key(learner: str) -> str:
    """The learner's name as the store keeps it. A name that was not valid UTF-8 on disk
    holds surrogates, which SQLite refuses; it is kept as the hex of its code units behind
    a NUL, which no file name holds, so it can never meet another learner's key."""
    if safe_text.json_text(learner) == learner:
        return learner
    return "\0" + learner.encode("utf-8", "surrogatepass").hex()


def _cached(db, learner: str, exercise: str, digest: str, key: str) -> dict | None:
    row = db.execute(
        "SELECT result FROM instructor_results WHERE learner = ? AND exercise = ? "
        "AND sha256 = ? AND grader = ?",
        (_store_key(learner), exercise, digest, key),
    ).fetchone()
    return json.loads(row[0]) if row else None


def _keep(store, learner: str, exercise: str, digest: str, key: str, result: dict) -> None:
    with store.transaction() as db:
        db.execute(
            "INSERT OR REPLACE INTO instructor_results "
            "(learner, exercise, sha256, grader, graded_at, result) VALUES (?, ?, ?, ?, ?, ?)",
            (_store_key(learner), exercise, digest, key, time.time(), json.dumps(result)),
        )


# --- grading one learner (in a grading process) -----------------------------------------


_process_store = None  # one connection per grading process


def _zero(ex: catalog_mod.Exercise, submission: str, seed: int, reason: str) -> dict:
    """A result with no points, shaped like :func:`grader.grading.report.to_dict`."""
    from grader.grading.runner import SCHEMA_VERSION

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
        _zero(ex, f"{learner.source.name}/{_relative(ex)}", seed, reason) for ex in cat.exercises
    ]
    return _record(learner.name, learner.source.name, results, time.perf_counter(), 0, error=reason)


def _nothing_to_grade(unpacked: Unpacked, cat: catalog_mod.Catalog) -> str:
    """Why a learner none of whose files could be graded got zeros (each item says more)."""
    if unpacked.problems:
        return "nothing could be graded: none of its files can be used (each item says why)"
    example = _relative(cat.exercises[0])
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
    global _process_store
    started = time.perf_counter()
    root = Path(task.root)
    cat = catalog_mod.load(root)
    source = Path(task.source)
    learner = Learner(task.learner, source)
    slot = Path(task.slot)
    for leftover in slot.iterdir():  # a previous learner's copy, if a run was cut short
        shutil.rmtree(leftover, ignore_errors=True)
    copy_dir = slot / "submission"
    copy_dir.mkdir(mode=0o700)
    try:
        try:
            unpacked = unpack(source, list(cat.exercises), copy_dir, root)
        except SubmissionProblem as exc:
            return failed_record(learner, cat, task.seed, f"broken submission: {exc}")
        except OSError as exc:
            return failed_record(
                learner, cat, task.seed, f"broken submission: it cannot be read ({exc})"
            )
        if _process_store is None:
            _process_store = open_store(Path(task.store))
        shown = f"{source.name}/{unpacked.prefix}"
        results: dict[str, dict] = {}
        jobs = []
        for ex in cat.exercises:
            relative = _relative(ex)
            if relative in unpacked.problems:
                results[ex.id] = _zero(ex, shown + relative, task.seed, unpacked.problems[relative])
            elif relative not in unpacked.digests:
                reason = f"missing file: {shown + relative} (not in the submission)"
                results[ex.id] = _zero(ex, shown + relative, task.seed, reason)
            else:
                digest, key = unpacked.digests[relative], task.keys[ex.id]
                hit = (
                    _cached(_process_store.db, learner.name, ex.id, digest, key)
                    if task.use_cache
                    else None
                )
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
                data["submission"] = shown + _relative(ex)
                data["cached"] = False
                results[ex.id] = data
                suite_broke = result.error and not result.checks
                if not suite_broke:
                    _keep(_process_store, learner.name, ex.id, digest, key, data)
        ordered = [results[ex.id] for ex in cat.exercises]
        extra = {} if unpacked.digests else {"error": _nothing_to_grade(unpacked, cat)}
        return _record(learner.name, source.name, ordered, started, len(jobs), **extra)
    finally:
        shutil.rmtree(copy_dir, ignore_errors=True)


# --- the batch ---------------------------------------------------------------------------


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


def _ancestors_or_self(path: Path) -> set[Path]:
    path = Path(os.path.realpath(path))
    return {path, *path.parents}


def _hideable(folder: Path, needed: list[Path]) -> bool:
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
        if _hideable(path.parent, needed):
            hidden.add(path.parent)
    return hidden


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
) -> BatchSummary:
    """Grade every learner in ``submissions``; write the CSV (and JSON) gradebook."""
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
    store_path = Path(store_path) if store_path else default_store(root)
    open_store(store_path).close()  # migrates once, and fails early if unusable
    keys = grader_keys(cat, seed)
    if seed is None:
        from grader.grading.runner import new_seed

        seed = new_seed()
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(learners)))
    out_csv = Path(out_csv)
    for out in (out_csv, out_json):
        if out is not None:
            out.parent.mkdir(parents=True, exist_ok=True)

    batch = Path(tempfile.mkdtemp(prefix="course-instructor-"))
    slots = [batch / f"slot-{k}" for k in range(jobs)]
    for slot in slots:
        slot.mkdir(mode=0o700)
    needed = [root, Path(sys.prefix), Path(sys.base_prefix), Path(sys.executable), batch, temp]
    private = {submissions} | instructor_files([store_path, out_csv, out_json], needed)

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
            records[index] = record  # kept first: showing it may fail, losing it may not
            if on_done:
                try:
                    on_done(record)
                except Exception:  # noqa: BLE001 - a display problem never stops a slot
                    pass

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
    # Every learner found is in the gradebook, even one whose slot ended without a result.
    done = [
        record
        or failed_record(learners[index], cat, seed, "not graded: the batch stopped before it")
        for index, record in enumerate(records)
    ]
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
    )


# --- the gradebook ---------------------------------------------------------------------


def _number(value: float) -> str:
    return f"{round(value, 2):g}"


def _write_atomically(path: Path, text: str) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8", newline="")
    os.replace(partial, path)


def write_gradebook(
    records: list[dict],
    cat: catalog_mod.Catalog,
    out_csv: Path,
    out_json: Path | None,
    seed: int,
) -> None:
    """CSV: ``learner``, one column per item in catalogue order, ``total``. JSON: every
    learner with every item's full result (the shape of ``course grade --json``)."""
    ids = [ex.id for ex in cat.exercises]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["learner", *ids, "total"])
    for record in sorted(records, key=lambda r: r["learner"]):
        scores = {r["exercise"]: r["score"] for r in record["results"]}
        writer.writerow(
            [
                safe_text.csv_cell(record["learner"]),
                *[_number(scores.get(i, 0.0)) for i in ids],
                _number(record["score"]),
            ]
        )
    _write_atomically(out_csv, buffer.getvalue())
    if out_json is not None:
        book = {
            "schema_version": GRADEBOOK_SCHEMA,
            "seed": seed,
            "items": [
                {"id": ex.id, "title": ex.title, "kind": ex.kind, "max_score": ex.points}
                for ex in cat.exercises
            ],
            "max_total": sum(ex.points for ex in cat.exercises),
            "learners": sorted(records, key=lambda r: r["learner"]),
        }
        _write_atomically(out_json, json.dumps(safe_text.json_safe(book), indent=2) + "\n")


# --- what the instructor sees ------------------------------------------------------------


class Progress:
    """A progress bar on a terminal (rich); elsewhere, one plain line per learner."""

    def __init__(self, terminal: bool):
        self.terminal = terminal
        self.bar = None
        self.task = None

    def start(self, total: int) -> None:
        if self.terminal:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self.bar = Progress(
                TextColumn("grading"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                # A learner's name: never read as markup ("[/]" would raise in rich).
                TextColumn("{task.description}", markup=False),
            )
            self.bar.start()
            self.task = self.bar.add_task("", total=total)

    def done(self, record: dict) -> None:
        line = _learner_line(record)
        if self.bar is not None:
            name = safe_text.terminal_line(record["learner"])
            self.bar.update(self.task, advance=1, description=name)
            if record.get("error"):  # one line, cut to fit: the summary has it whole
                text = safe_text.rich_text(line)
                self.bar.console.print(text, no_wrap=True, overflow="ellipsis")
        else:
            print(safe_text.terminal_line(line), flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


def _learner_line(record: dict) -> str:
    score = f"{_number(record['score'])}/{_number(record['max_score'])}"
    line = f"{record['learner']}: {score} ({record['graded']} graded, {record['cached']} stored)"
    if record.get("error"):
        line += f"; zeros: {record['error']}"
    return line


def summary_lines(summary: BatchSummary, out_csv: Path, out_json: Path | None) -> list[str]:
    """What the instructor reads at the end; names and reasons are the learners' text."""
    line = safe_text.terminal_line
    missing = sum(
        1
        for record in summary.records
        for result in record["results"]
        if result.get("error", "").startswith("missing file")
    )
    lines = [
        f"Graded {summary.learners} learner(s) in {summary.seconds:g} s with {summary.jobs} "
        f"job(s), seed {summary.seed}: {summary.graded} item(s) graded, {summary.cached} "
        f"taken from the store, {missing} missing file(s).",
    ]
    if summary.skipped:
        names = ", ".join(line(name) for name in summary.skipped)
        lines.append(f"Skipped (neither a folder nor a .zip): {names}")
    if summary.problems:
        lines.append(
            f"{len(summary.problems)} submission(s) could not be graded at all (zeros in "
            "the gradebook):"
        )
        width = safe_text.terminal_width()  # folded on a terminal, never wrapped by it
        for name, reason in sorted(summary.problems.items()):
            lines += safe_text.terminal_block(f"{line(name)}: {line(reason)}", "  ", width)
    lines.append(f"Gradebook: {line(str(out_csv))}")
    if out_json is not None:
        lines.append(f"Every check: {line(str(out_json))}")
    return lines


# --- the fence (issue 20) ----------------------------------------------------------------


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
