"""Fixtures shared by the project's tests."""

import shutil
from pathlib import Path

import pytest

from tests.support import ROOT

# What a learner's clone holds; copied so that tests never touch this checkout's .course/.
COPIED = ("lessons", "exercises", "solutions", "grader", "pyproject.toml")


def copy_course(parent: Path) -> Path:
    """Copy what a learner's clone holds into ``parent / "course"``."""
    root = parent / "course"
    root.mkdir()
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, root / name)
    return root


@pytest.fixture
def learner_repo(tmp_path) -> Path:
    """A fresh copy of the course as a learner clones it; use with env={"COURSE_ROOT": ...}."""
    return copy_course(tmp_path)
