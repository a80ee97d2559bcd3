"""The learner's files: putting a stub back, or an earlier version, without losing work.

Every function here keeps the file's current content in the store before it writes, so
``course restore`` can always bring it back.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from grader.catalog import Exercise
from grader.store import Store


class WorkspaceError(Exception):
    """The file cannot be reset or restored; the message says why and what to do."""


def original_stub(exercise: Exercise) -> str:
    """The stub as the course shipped it, from git: the version at the commit this clone
    was made from (the merge base with its upstream), else the newest committed one."""
    root, relative = exercise.root, exercise.stub
    base = _git(root, "merge-base", "HEAD", "@{upstream}") or "HEAD"
    text = _git(root, "show", f"{base}:{relative}", strip=False)
    if text is None:
        raise WorkspaceError(
            f"The original stub of {exercise.id} cannot be found: {relative} is not in this "
            "folder's git history. Clone the course with git to use 'course reset'."
        )
    return text


def _git(root: Path, *args: str, strip: bool = True) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.strip() if strip else done.stdout


def _replace(store: Store, exercise: Exercise, text: str, reason: str) -> int | None:
    """Keep the current file (if any) in the store, then write ``text`` in its place."""
    path = exercise.path(exercise.stub)
    kept = None
    if path.exists():
        current = path.read_text(encoding="utf-8", errors="surrogateescape")
        if current == text:
            return None
        kept = store.keep(exercise.id, exercise.stub, current, reason)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".course-tmp")
    temporary.write_text(text, encoding="utf-8", errors="surrogateescape")
    temporary.replace(path)  # atomic: the file is either the old or the new one
    return kept


def reset(store: Store, exercise: Exercise) -> int | None:
    """Put the original stub back; returns the id of the kept copy (None if unchanged)."""
    return _replace(store, exercise, original_stub(exercise), "before course reset")


def restore(store: Store, exercise: Exercise, attempt: int | None = None) -> str:
    """Bring back graded attempt ``attempt``, or else the newest kept copy. Returns what
    was restored, in words."""
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
