"""The learner's files: putting a stub back, or an earlier version, without losing work.

Every function here keeps the file's current content in the store before it writes, so
``course restore`` can always bring it back. Files are handled as bytes from end to end:
a Latin-1 file with a coding cookie, a BOM, CRLF line ends or a stray NUL come back
exactly as they were. Only :func:`display_text` decodes, to show a file to the learner.
"""

from __future__ import annotations

import io
import os
import subprocess
import tokenize
from pathlib import Path

from grader.catalog import Exercise
from grader.learner.store import Store


class WorkspaceError(Exception):
    """The file cannot be reset or restored; the message says why and what to do."""


def display_text(data: bytes) -> str:
    """A file's bytes as text to show: decoded as Python would read it (a BOM or coding
    cookie, else UTF-8), with anything undecodable shown as U+FFFD rather than an error."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError:  # an unknown cookie, or bytes that are not UTF-8 near the top
        encoding = "utf-8"
    try:
        return data.decode(encoding, errors="replace")
    except LookupError:
        return data.decode("utf-8", errors="replace")


def original_stub(exercise: Exercise) -> bytes:
    """The stub as the course shipped it, from git: the version at the commit this clone
    was made from (the merge base with its upstream), else the newest committed one, with
    the line ends a checkout would give it."""
    root, relative = exercise.root, exercise.stub
    merge_base = _git(root, "merge-base", "HEAD", "@{upstream}")
    base = merge_base.decode().strip() if merge_base else "HEAD"
    data = _git(root, "cat-file", "--filters", f"{base}:{relative}")
    if data is None:
        raise WorkspaceError(
            f"The original stub of {exercise.id} cannot be found: {relative} is not in this "
            "folder's git history. Clone the course with git to use 'course reset'."
        )
    return data


def _git(root: Path, *args: str) -> bytes | None:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def _replace(store: Store, exercise: Exercise, data: bytes, reason: str) -> int | None:
    """Keep the current file (if any) in the store, then write ``data`` in its place."""
    path = exercise.path(exercise.stub)
    kept = None
    if path.exists():
        current = path.read_bytes()
        if current == data:
            return None
        kept = store.keep(exercise.id, exercise.stub, current, reason)
    temporary = path.with_name(path.name + ".course-tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(temporary, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())  # on disk before it takes the file's place
        temporary.replace(path)  # atomic: the file is either the old or the new one
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        safe = "" if kept is None else f" (a copy of it is kept as copy {kept})"
        raise WorkspaceError(
            f"{exercise.stub} could not be written ({exc.strerror or exc}); it is unchanged"
            f"{safe}. Check that the folder is writable, then run the command again."
        ) from None
    return kept


def reset(store: Store, exercise: Exercise) -> int | None:
    """Put the original stub back; returns the id of the kept copy (None if unchanged)."""
    return _replace(store, exercise, original_stub(exercise), "before course reset")


def restore(store: Store, exercise: Exercise, attempt: int | None = None) -> str:
    """Bring back graded attempt ``attempt``, or else the newest kept copy, byte for byte.
    Returns what was restored, in words."""
    if attempt is not None:
        found = store.attempt(attempt)
        if found is None or found.exercise != exercise.id or found.source is None:
            raise WorkspaceError(
                f"There is no graded attempt {attempt} of {exercise.id}. "
                f"'course history {exercise.id}' lists them."
            )
        _replace(store, exercise, found.source, f"before course restore --attempt {attempt}")
        return f"attempt {attempt} (score {found.score:g}/{found.max_score:g})"
    kept = store.kept(exercise.id)
    if not kept:
        raise WorkspaceError(
            f"No earlier copy of {exercise.stub} is kept yet. Copies are kept when you "
            f"reset the exercise; graded attempts: 'course history {exercise.id}'."
        )
    newest = kept[-1]
    _replace(store, exercise, newest.source, f"before course restore (copy {newest.id})")
    return f"the copy kept {newest.reason} (copy {newest.id})"
