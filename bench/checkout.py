"""A second checkout of another commit, for a before-and-after in the same run."""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def checkout_of(ref: str) -> Iterator[Path]:
    """A temporary git worktree of ``ref``, removed afterwards. Run the course from it
    with ``python -m grader`` in that folder: the package found first is the one in cwd."""
    with tempfile.TemporaryDirectory() as scratch:
        other = Path(scratch) / "checkout"
        git = ["git", "-C", str(ROOT), "worktree"]
        subprocess.run([*git, "add", "--detach", str(other), ref], check=True)
        try:
            yield other
        finally:
            subprocess.run([*git, "remove", "--force", str(other)], check=False)
