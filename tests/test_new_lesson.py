"""A lesson is files in one place: copying lesson 1.2.39's own files under a new id gives a
second working lesson, with no edit to any other file of the course.

The copy is a scratch copy of this repository (tracked and new files, as they are now) in
which every file of lesson 1.2.39 (its folder under lessons/, its stubs under exercises/,
its solutions under solutions/) is copied once more with ``1.2.39`` replaced by ``1.2.98``
in its path and its text. Then, in that copy: ``course list`` shows the new lesson, its
reference solutions get full marks, the site builds strictly with the new lesson's pages
in the navigation, and the content gates pass for it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.site_support import run_build
from tests.support import ROOT, course

OLD, NEW = "1.2.39", "1.2.98"
LESSON_FOLDER = "lessons/1.2.39-numerical-differentiation"


def _files(root: Path) -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=root,
        capture_output=True,
        check=True,
    ).stdout
    return [name for name in listed.decode().split("\0") if name and (root / name).is_file()]


def _lesson_files(names: list[str]) -> list[str]:
    owned = (f"{LESSON_FOLDER}/", f"exercises/{OLD}/", f"solutions/{OLD}/")
    return [name for name in names if name.startswith(owned)]


@pytest.fixture(scope="module")
def two_lessons(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("two-lessons") / "course"
    names = _files(ROOT)
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, root / name)
    before = {name: (root / name).read_bytes() for name in names}
    for name in _lesson_files(names):
        target = root / name.replace(OLD, NEW)
        target.parent.mkdir(parents=True, exist_ok=True)
        data = (ROOT / name).read_bytes()
        target.write_bytes(data.replace(OLD.encode(), NEW.encode()))
    # Only files were added: every file of the course is as it was.
    assert {name: (root / name).read_bytes() for name in names} == before
    # The new lesson announces one that does not exist yet, so the site shows it as coming.
    manifest = root / LESSON_FOLDER.replace(OLD, NEW) / "lesson.toml"
    text = manifest.read_text(encoding="utf-8")
    start = text.index("next = {")
    end = text.index("\n", start)
    upcoming = 'next = { id = "1.2.99", title = "Further Ideas", teaser = "More to come" }'
    manifest.write_text(text[:start] + upcoming + text[end:], encoding="utf-8")
    return root


def test_course_list_shows_the_new_lesson(two_lessons):
    run = course("list", "--json", cwd=two_lessons)
    assert run.code == 0, run.err
    ids = [row["id"] for row in run.json()]
    assert f"{NEW}.1" in ids and f"{NEW}.project" in ids and f"{NEW}.quiz" in ids
    assert ids.index(f"{OLD}.1") < ids.index(f"{NEW}.1")  # the catalogue's order


def test_the_new_lessons_solutions_get_full_marks(two_lessons):
    run = course("grade", NEW, "--solution", "--json", cwd=two_lessons, timeout=600)
    results = run.json()
    assert run.code == 0, [(r["exercise"], r["score"], r.get("error")) for r in results]
    assert {r["exercise"] for r in results} >= {f"{NEW}.{n}" for n in range(1, 10)}
    assert all(r["passed"] and r["score"] == r["max_score"] for r in results)


def test_the_site_builds_strictly_with_both_lessons(two_lessons, tmp_path):
    out = tmp_path / "site"
    done = run_build(two_lessons, out)
    assert done.returncode == 0, done.stderr[-3000:]
    folder = out / f"{NEW}-numerical-differentiation"
    assert (folder / "index.html").is_file() and (folder / "quiz.html").is_file()
    assert (folder / "exercises" / f"{NEW}.5.html").is_file()
    home = (out / "index.html").read_text(encoding="utf-8")
    assert f"{NEW} Numerical Differentiation" in home  # in the navigation, from the manifest
    assert not list(out.rglob("suites")) and not list(out.rglob("*.py"))  # nothing private
    # The lesson it announces is not in the course: a "coming" page stands for it.
    coming = (out / "1.2.99-further-ideas" / "index.html").read_text(encoding="utf-8")
    assert "Further Ideas" in coming and "not published yet" in coming
    assert "Coming next: 1.2.99" in home
    lesson_page = (folder / "index.html").read_text(encoding="utf-8")
    assert "This lesson is not published yet" in lesson_page


def test_the_content_gates_pass_for_the_new_lesson(two_lessons):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/test_content_gates.py",
            "-k",
            f"{NEW} and (stub or solution or catalogue or file_that_mutations)",
        ],
        cwd=two_lessons,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    assert " passed" in done.stdout and " failed" not in done.stdout
