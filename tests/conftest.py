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


# -- The browser tests (tests/site_support.py): one Debian chromium per test module ------


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium through Playwright, started once for a module's tests."""
    from playwright.sync_api import sync_playwright

    from tests.site_support import launch_browser

    with sync_playwright() as playwright:
        chromium = launch_browser(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def traffic():
    """What a page requests, so a test can see that nothing left the machine."""
    from tests.site_support import Traffic

    return Traffic()
