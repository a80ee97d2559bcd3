"""The learner's progress: an SQLite database under ``.course/`` (ignored by git).

Every graded attempt is kept with its score, checks, duration, seed and the bytes of the
submitted file, so that nothing a learner wrote is ever lost. Writes are transactions;
the schema carries a version and is migrated forward in :data:`MIGRATIONS`.

A database that cannot be used is one of three things, told apart from SQLite's own
error codes: locked by another program (wait, then name it), unusable because of the
machine (read-only folder, full disk: say so), or malformed as SQLite itself reports
it (move it aside, never delete it). Only the last moves anything.
"""

from __future__ import annotations

import functools
import json
import os
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

# Each entry moves the schema from version i to i + 1; never edit one that has shipped.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE attempts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        exercise TEXT NOT NULL,
        graded_at REAL NOT NULL,
        score REAL NOT NULL,
        max_score REAL NOT NULL,
        passed INTEGER NOT NULL,
        duration_s REAL NOT NULL,
        seed INTEGER,
        submission TEXT NOT NULL,
        source TEXT,
        checks TEXT NOT NULL,
        error TEXT
    );
    CREATE INDEX attempts_by_exercise ON attempts (exercise, id);
    """,
    """
    CREATE TABLE kept_files (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        exercise TEXT NOT NULL,
        path TEXT NOT NULL,
        kept_at REAL NOT NULL,
        reason TEXT NOT NULL,
        source TEXT NOT NULL
    );
    CREATE INDEX kept_by_exercise ON kept_files (exercise, id);
    """,
    # What a learner asked for help with: each hint shown (by number) and each time the
    # reference solution was shown, and whether the item had been passed by then.
    """
    CREATE TABLE help_seen (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        exercise TEXT NOT NULL,
        what TEXT NOT NULL CHECK (what IN ('hint', 'solution')),
        hint INTEGER,
        seen_at REAL NOT NULL,
        passed_before INTEGER NOT NULL
    );
    CREATE INDEX help_by_exercise ON help_seen (exercise, what);
    """,
    # An instructor's batch (grader/instructor/, in its own file): each graded item by
    # learner, the SHA-256 of what was graded and the grader's key, so unchanged work is
    # not graded again.
    """
    CREATE TABLE instructor_results (
        learner TEXT NOT NULL,
        exercise TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        grader TEXT NOT NULL,
        graded_at REAL NOT NULL,
        result TEXT NOT NULL,
        PRIMARY KEY (learner, exercise, sha256, grader)
    );
    """,
    # Sources as the file's bytes, whatever their encoding (Latin-1 with a coding cookie, a
    # BOM, CRLF, a NUL byte): a TEXT column cannot give those back exactly. Rows written
    # before keep their text in ``source`` and are read back as its UTF-8 bytes; new rows
    # leave ``source`` empty (NULL for attempts, '' where the column is NOT NULL).
    """
    ALTER TABLE attempts ADD COLUMN source_bytes BLOB;
    ALTER TABLE kept_files ADD COLUMN source_bytes BLOB;
    """,
]

# How long a command waits for a lock held by another program before it says who holds
# it. Read in one place (busy_timeout); tests set it low so a held lock costs them little.
BUSY_TIMEOUT_ENV = "COURSE_BUSY_TIMEOUT"
DEFAULT_BUSY_TIMEOUT = 10.0

# What a row's source is read as: its bytes, or for rows from before migration 5 the
# UTF-8 bytes of its text.
_SOURCE = "COALESCE(source_bytes, CAST(source AS BLOB))"


class StoreError(Exception):
    """The progress database cannot be used; the message says what to do."""


class StoreLocked(StoreError):
    """Another program held a lock for longer than the busy timeout. Nothing is moved."""


class StoreCorrupt(StoreError):
    """SQLite itself reports the file as malformed; only this is ever moved aside."""


@dataclass(frozen=True)
class KeptFile:
    id: int
    exercise: str
    path: str
    kept_at: float
    reason: str
    source: bytes  # the file's bytes, exactly as they were on disk


@dataclass(frozen=True)
class Attempt:
    id: int
    exercise: str
    graded_at: float
    score: float
    max_score: float
    passed: bool
    submission: str
    source: bytes | None  # the bytes that were graded; None if they were not recorded


def default_path(root: Path) -> Path:
    return root / ".course" / "progress.sqlite3"


def busy_timeout() -> float:
    """Seconds to wait for another program's lock: ``COURSE_BUSY_TIMEOUT``, else 10."""
    raw = os.environ.get(BUSY_TIMEOUT_ENV, "").strip()
    if not raw:
        return DEFAULT_BUSY_TIMEOUT
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < 1e6:
        raise StoreError(
            f"{BUSY_TIMEOUT_ENV} is {raw!r}; it should be a number of seconds to wait for "
            f"the progress database, such as 10. Unset it to use the default."
        )
    return seconds


def _as_bytes(source: bytes | str | None) -> bytes | None:
    # Text read with errors="surrogateescape" turns back into exactly the bytes it was read from.
    if isinstance(source, str):
        return source.encode("utf-8", "surrogateescape")
    return source


def _guarded(method: Callable[..., T]) -> Callable[..., T]:
    """Turn SQLite's errors into :class:`StoreError` with a learner's message; a store
    opened by :func:`open_store` moves a corrupt file aside and does the work once more
    in a fresh one."""

    @functools.wraps(method)
    def run(self: Store, *args, **kwargs) -> T:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            problem = explain(exc, self.path)
        if not (self.recover and isinstance(problem, StoreCorrupt)):
            raise problem
        self.db.close()
        self._set_aside(problem)
        self.db = self._open()
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            raise explain(exc, self.path) from None

    return run


class Store:
    """One connection to a progress database. Every public method raises
    :class:`StoreError` (never a bare SQLite error) when the database cannot be used."""

    def __init__(
        self, path: Path, warn: Callable[[str], None] | None = None, recover: bool = False
    ):
        self.path = path
        self.warn = warn or _to_stderr
        self.recover = recover
        try:
            self.db = self._open()
        except StoreCorrupt as problem:
            if not recover:
                raise
            self._set_aside(problem)
            self.db = self._open()

    def close(self) -> None:
        self.db.close()

    def _open(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(_unwritable(self.path.parent, exc.strerror or str(exc))) from None
        db = None
        try:
            if Path(f"{self.path}-wal").exists():
                # Closing a writable connection to a file SQLite cannot read deletes the
                # -wal beside it; look read-only first, so a damaged pair moves aside whole.
                _probe(self.path)
            db = sqlite3.connect(self.path, timeout=busy_timeout(), isolation_level=None)
            db.execute("PRAGMA journal_mode = WAL")
            _migrate(db, self.path)
        except sqlite3.Error as exc:
            if db is not None:
                db.close()
            raise explain(exc, self.path) from None
        except StoreError:
            if db is not None:
                db.close()
            raise
        return db

    def _set_aside(self, problem: StoreCorrupt) -> None:
        """Move the corrupt file (with its -wal and -shm) aside, never delete it, and tell
        the learner where it went."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.stem}.corrupt-{stamp}{self.path.suffix}")
        number = 1
        while aside.exists():  # never replace an earlier one
            number += 1
            aside = self.path.with_name(
                f"{self.path.stem}.corrupt-{stamp}-{number}{self.path.suffix}"
            )
        try:
            for suffix in ("", "-wal", "-shm"):
                extra = Path(str(self.path) + suffix)
                if extra.exists():
                    extra.rename(Path(str(aside) + suffix))
        except OSError as exc:
            raise StoreError(
                f"{problem} It could not be moved aside ({exc.strerror}): move "
                f"{self.path} somewhere else yourself, and a fresh one will be started."
            ) from None
        self.warn(
            f"{problem} It was moved to {aside} (nothing was deleted), and a fresh progress "
            "database was started."
        )

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            try:
                self.db.execute("ROLLBACK")
            except sqlite3.Error:  # SQLite may have rolled back already (a full disk)
                pass
            raise
        self.db.execute("COMMIT")

    @_guarded
    def record(self, result, source: bytes | str | None) -> int:
        """Keep one graded attempt with the bytes that were graded; returns its id."""
        from grader.grading.report import to_dict

        data = to_dict(result)
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT INTO attempts (exercise, graded_at, score, max_score, passed, "
                "duration_s, seed, submission, source_bytes, checks, error) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    data["exercise"],
                    time.time(),
                    data["score"],
                    data["max_score"],
                    int(data["passed"]),
                    data["duration_s"],
                    data["seed"],
                    data["submission"],
                    _as_bytes(source),
                    json.dumps(data["checks"]),
                    data.get("error"),
                ),
            )
            return int(cursor.lastrowid)

    @_guarded
    def attempts(self, exercise: str | None = None) -> list[Attempt]:
        query = (
            "SELECT id, exercise, graded_at, score, max_score, passed, submission, "
            f"{_SOURCE} FROM attempts"
        )
        rows = (
            self.db.execute(query + " WHERE exercise = ? ORDER BY id", (exercise,))
            if exercise
            else self.db.execute(query + " ORDER BY id")
        )
        return [Attempt(r[0], r[1], r[2], r[3], r[4], bool(r[5]), r[6], r[7]) for r in rows]

    @_guarded
    def attempt(self, attempt_id: int) -> Attempt | None:
        row = self.db.execute(
            "SELECT id, exercise, graded_at, score, max_score, passed, submission, "
            f"{_SOURCE} FROM attempts WHERE id = ?",
            (attempt_id,),
        ).fetchone()
        return Attempt(*row[:5], bool(row[5]), row[6], row[7]) if row else None

    @_guarded
    def keep(self, exercise: str, path: str, source: bytes | str, reason: str) -> int:
        """Keep a copy of a learner's file (its bytes) before a command overwrites it."""
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT INTO kept_files (exercise, path, kept_at, reason, source, source_bytes) "
                "VALUES (?, ?, ?, ?, '', ?)",
                (exercise, path, time.time(), reason, _as_bytes(source)),
            )
            return int(cursor.lastrowid)

    @_guarded
    def kept(self, exercise: str) -> list[KeptFile]:
        rows = self.db.execute(
            f"SELECT id, exercise, path, kept_at, reason, {_SOURCE} FROM kept_files "
            "WHERE exercise = ? ORDER BY id",
            (exercise,),
        )
        return [KeptFile(*row) for row in rows]

    @_guarded
    def best(self) -> dict[str, tuple[float, int, bool]]:
        """Per exercise: best score, number of attempts, whether any attempt passed."""
        rows = self.db.execute(
            "SELECT exercise, MAX(score), COUNT(*), MAX(passed) FROM attempts GROUP BY exercise"
        )
        return {r[0]: (r[1], r[2], bool(r[3])) for r in rows}

    @_guarded
    def last_graded(self) -> str | None:
        """The exercise graded most recently, or None before the first attempt."""
        row = self.db.execute("SELECT exercise FROM attempts ORDER BY id DESC LIMIT 1").fetchone()
        return row[0] if row else None

    @_guarded
    def record_help(
        self, exercise: str, what: str, hint: int | None = None, passed_before: bool = False
    ) -> None:
        """Note that hint number ``hint`` (``what="hint"``) or the reference solution
        (``what="solution"``) of ``exercise`` was shown."""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO help_seen (exercise, what, hint, seen_at, passed_before) "
                "VALUES (?, ?, ?, ?, ?)",
                (exercise, what, hint, time.time(), int(passed_before)),
            )

    @_guarded
    def help_seen(self) -> dict[str, tuple[int, bool]]:
        """Per exercise: how many hints were shown (the highest number), and whether the
        reference solution was shown."""
        rows = self.db.execute(
            "SELECT exercise, COALESCE(MAX(hint), 0), MAX(what = 'solution') FROM help_seen "
            "GROUP BY exercise"
        )
        return {r[0]: (int(r[1]), bool(r[2])) for r in rows}


def _migrate(db: sqlite3.Connection, path: Path) -> None:
    # Read the version first: an up-to-date store needs no write lock just to be opened,
    # so reading progress works while another program writes.
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version == len(MIGRATIONS):
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0]  # another may have migrated
        if version > len(MIGRATIONS):
            raise StoreError(
                f"{path} was written by a newer version of the course (schema "
                f"{version}); update the course with 'git pull' and reinstall."
            )
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            for statement in filter(str.strip, script.split(";")):
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {number}")
    except BaseException:
        try:
            db.execute("ROLLBACK")
        except sqlite3.Error:
            pass
        raise
    db.execute("COMMIT")


def _probe(path: Path) -> None:
    """Read the file's header through a read-only connection (which never deletes)."""
    db = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True, timeout=busy_timeout())
    try:
        db.execute("PRAGMA user_version").fetchone()
    finally:
        db.close()


def open_store(root: Path, warn: Callable[[str], None] | None = None) -> Store:
    """Open the learner's store. A file SQLite reports as malformed is moved aside (never
    deleted), ``warn`` (else standard error) is told where it went, and a fresh database
    is started; a lock, a read-only folder or a full disk is a :class:`StoreError` and
    moves nothing."""
    return Store(default_path(root), warn=warn, recover=True)


def explain(exc: sqlite3.Error, path: Path) -> StoreError:
    """What an SQLite error means for the learner, as the right kind of StoreError."""
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    if primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or (
        primary is None and "locked" in str(exc)
    ):
        return StoreLocked(_locked(path))
    if primary in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB) or (
        primary not in _NOT_CORRUPTION and _fails_check(path)
    ):
        return StoreCorrupt(f"Your progress database {path} is damaged: SQLite reports '{exc}'.")
    if primary in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM):
        return StoreError(_unwritable(path.parent, str(exc)))
    if primary == sqlite3.SQLITE_FULL:
        return StoreError(
            f"The disk that holds your progress database {path} is full ({exc}). Free some "
            "space, then run the command again; nothing was changed or moved."
        )
    if primary == sqlite3.SQLITE_IOERR:
        return StoreError(
            f"Your progress database {path} could not be read or written ({exc}): the disk "
            "may be full, failing or disconnected. Check it, then run the command again; "
            "nothing was moved."
        )
    return StoreError(
        f"Your progress database {path} cannot be used ({exc}); nothing was moved. Run the "
        "command again, and if this persists, report it with this message."
    )


# Errors that say something about the machine, not the file: never a reason to move it.
_NOT_CORRUPTION = {
    sqlite3.SQLITE_BUSY,
    sqlite3.SQLITE_LOCKED,
    sqlite3.SQLITE_READONLY,
    sqlite3.SQLITE_CANTOPEN,
    sqlite3.SQLITE_PERM,
    sqlite3.SQLITE_FULL,
    sqlite3.SQLITE_IOERR,
    sqlite3.SQLITE_NOMEM,
    sqlite3.SQLITE_INTERRUPT,
}


def _fails_check(path: Path) -> bool:
    """Whether SQLite's own ``PRAGMA quick_check`` finds the file malformed; anything that
    stops the check from running (a lock, no file) is not proof of corruption."""
    if not path.is_file():
        return False
    try:
        db = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True, timeout=busy_timeout())
    except (sqlite3.Error, StoreError):
        return False
    try:
        return db.execute("PRAGMA quick_check").fetchone()[0] != "ok"
    except sqlite3.Error as exc:
        code = getattr(exc, "sqlite_errorcode", None)
        return isinstance(code, int) and code & 0xFF in (
            sqlite3.SQLITE_CORRUPT,
            sqlite3.SQLITE_NOTADB,
        )
    finally:
        db.close()


def _locked(path: Path) -> str:
    from grader.learner.holders import describe

    files = [path, Path(str(path) + "-wal"), Path(str(path) + "-shm")]
    return (
        f"Your progress database {path} is locked by another program, and still was after "
        f"waiting {busy_timeout():g} s. {describe(files)} Close that program (or end its "
        "transaction), then run the command again; nothing was changed or moved. To wait "
        f"longer, set {BUSY_TIMEOUT_ENV} to a number of seconds."
    )


def _unwritable(folder: Path, why: str) -> str:
    return (
        f"Your progress cannot be saved in {folder} ({why}). Make sure the folder and the "
        "files in it are yours and writable (for example 'ls -ld .course'), then run the "
        "command again; nothing was changed or moved."
    )


def _to_stderr(message: str) -> None:
    print(f"Note: {message}", file=sys.stderr)
