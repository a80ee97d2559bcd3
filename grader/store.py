"""The learner's progress: an SQLite database under ``.course/`` (ignored by git).

Every graded attempt is kept with its score, checks, duration, seed and a copy of the
submitted source, so that nothing a learner wrote is ever lost. Writes are transactions;
the schema carries a version and is migrated forward in :data:`MIGRATIONS`.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

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
    # An instructor's batch (grader/instructor.py, in its own file): each graded item by
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
]


class StoreError(Exception):
    """The progress database cannot be used; the message says what to do."""


@dataclass(frozen=True)
class KeptFile:
    id: int
    exercise: str
    path: str
    kept_at: float
    reason: str
    source: str


@dataclass(frozen=True)
class Attempt:
    id: int
    exercise: str
    graded_at: float
    score: float
    max_score: float
    passed: bool
    submission: str
    source: str | None


def default_path(root: Path) -> Path:
    return root / ".course" / "progress.sqlite3"


class Store:
    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, timeout=30, isolation_level=None)
        self.db.execute("PRAGMA busy_timeout = 30000")
        self.db.execute("PRAGMA journal_mode = WAL")
        self._migrate()

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def _migrate(self) -> None:
        with self.transaction() as db:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > len(MIGRATIONS):
                raise StoreError(
                    f"{self.path} was written by a newer version of the course (schema "
                    f"{version}); update the course with 'git pull' and reinstall."
                )
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in filter(str.strip, script.split(";")):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {number}")

    def record(self, result, source: str | None) -> int:
        """Keep one graded attempt; returns its id."""
        from grader.report import to_dict

        data = to_dict(result)
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT INTO attempts (exercise, graded_at, score, max_score, passed, "
                "duration_s, seed, submission, source, checks, error) "
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
                    source,
                    json.dumps(data["checks"]),
                    data.get("error"),
                ),
            )
            return int(cursor.lastrowid)

    def attempts(self, exercise: str | None = None) -> list[Attempt]:
        query = (
            "SELECT id, exercise, graded_at, score, max_score, passed, submission, source "
            "FROM attempts"
        )
        rows = (
            self.db.execute(query + " WHERE exercise = ? ORDER BY id", (exercise,))
            if exercise
            else self.db.execute(query + " ORDER BY id")
        )
        return [Attempt(r[0], r[1], r[2], r[3], r[4], bool(r[5]), r[6], r[7]) for r in rows]

    def attempt(self, attempt_id: int) -> Attempt | None:
        for attempt in self.attempts():
            if attempt.id == attempt_id:
                return attempt
        return None

    def keep(self, exercise: str, path: str, source: str, reason: str) -> int:
        """Keep a copy of a learner's file before a command overwrites it."""
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT INTO kept_files (exercise, path, kept_at, reason, source) "
                "VALUES (?, ?, ?, ?, ?)",
                (exercise, path, time.time(), reason, source),
            )
            return int(cursor.lastrowid)

    def kept(self, exercise: str) -> list[KeptFile]:
        rows = self.db.execute(
            "SELECT id, exercise, path, kept_at, reason, source FROM kept_files "
            "WHERE exercise = ? ORDER BY id",
            (exercise,),
        )
        return [KeptFile(*row) for row in rows]

    def best(self) -> dict[str, tuple[float, int, bool]]:
        """Per exercise: best score, number of attempts, whether any attempt passed."""
        rows = self.db.execute(
            "SELECT exercise, MAX(score), COUNT(*), MAX(passed) FROM attempts GROUP BY exercise"
        )
        return {r[0]: (r[1], r[2], bool(r[3])) for r in rows}

    def last_graded(self) -> str | None:
        """The exercise graded most recently, or None before the first attempt."""
        row = self.db.execute("SELECT exercise FROM attempts ORDER BY id DESC LIMIT 1").fetchone()
        return row[0] if row else None

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

    def help_seen(self) -> dict[str, tuple[int, bool]]:
        """Per exercise: how many hints were shown (the highest number), and whether the
        reference solution was shown."""
        rows = self.db.execute(
            "SELECT exercise, COALESCE(MAX(hint), 0), MAX(what = 'solution') FROM help_seen "
            "GROUP BY exercise"
        )
        return {r[0]: (int(r[1]), bool(r[2])) for r in rows}


def open_store(root: Path, warn=None) -> Store:
    """Open the learner's store. A corrupt file is moved aside (never deleted), ``warn`` is
    told where it went, and a fresh database is started."""
    path = default_path(root)
    try:
        return Store(path)
    except sqlite3.DatabaseError as exc:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = path.with_name(f"{path.stem}.corrupt-{stamp}{path.suffix}")
        for suffix in ("", "-wal", "-shm"):
            extra = Path(str(path) + suffix)
            if extra.exists():
                extra.rename(Path(str(aside) + suffix))
        if warn is not None:
            warn(
                f"Your progress database could not be read ({exc}). It was moved to "
                f"{aside} so nothing is lost, and a fresh one was started."
            )
        return Store(path)
