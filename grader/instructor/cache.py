"""What lets a re-run skip work: a key of the grader itself per item, and the instructor's
store of graded results keyed by learner, item, the digest of what was graded and that key."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import sys
import time
from pathlib import Path

from grader import catalog as catalog_mod
from grader.instructor.errors import BatchError
from grader.text import safe_text

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


def numpy_version() -> str:
    """The installed NumPy's version, part of every grader key ("?" if unknown)."""
    from importlib import metadata

    try:
        return metadata.version("numpy")
    except metadata.PackageNotFoundError:
        return "?"


def grader_keys(cat: catalog_mod.Catalog, seed: int | None) -> dict[str, str]:
    """Per item, a digest of everything that decides its grade besides the learner's file:
    the grader's code (but :data:`FRONT_END`), the item's suite, manifest entry and
    provided files, the versions of Python and NumPy, and the seed when the instructor
    fixed it."""
    common = hashlib.sha256()
    package = Path(__file__).resolve().parents[1]
    modules = [
        p
        for p in sorted(package.rglob("*.py"))
        if not str(p.relative_to(package).as_posix()).startswith(FRONT_END)
    ]
    for path in [*modules, package / "grading" / "pytest.ini"]:
        common.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    common.update(f"{sys.version}\0{numpy_version()}\0{seed}".encode())
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


def cached(db, learner: str, exercise: str, digest: str, key: str) -> dict | None:
    row = db.execute(
        "SELECT result FROM instructor_results WHERE learner = ? AND exercise = ? "
        "AND sha256 = ? AND grader = ?",
        (_store_key(learner), exercise, digest, key),
    ).fetchone()
    return json.loads(row[0]) if row else None


def keep(store, learner: str, exercise: str, digest: str, key: str, result: dict) -> None:
    with store.transaction() as db:
        db.execute(
            "INSERT OR REPLACE INTO instructor_results "
            "(learner, exercise, sha256, grader, graded_at, result) VALUES (?, ?, ?, ?, ?, ?)",
            (_store_key(learner), exercise, digest, key, time.time(), json.dumps(result)),
        )


def keep_or_why(store, learner: str, exercise: str, digest: str, key: str, result: dict) -> str:
    """:func:`keep`, and "" when the result was kept, else why not: a store that is
    locked or cannot be written costs a re-run its time, never a learner's grade."""
    try:
        keep(store, learner, exercise, digest, key, result)
    except (sqlite3.Error, OSError) as exc:
        return str(exc) or type(exc).__name__
    return ""
