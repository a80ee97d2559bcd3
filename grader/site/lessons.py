"""The course's lessons as the site sees them: where each lesson's pages are, and links
between pages (paths relative to the docs folder, ``lessons/``)."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

HEADING_ANCHOR = re.compile(r"^#{1,6}\s+(.*?)\s*\{#([A-Za-z0-9_-]+)\}\s*$", re.M)


class PageError(ValueError):
    """A generated page cannot be made; the message says from which file and why."""


def load_lessons(root: Path, docs_dir: Path) -> dict[str, object]:
    """Every lesson under ``docs_dir`` by folder name, validated by the catalogue."""
    from grader import catalog

    found = []
    for manifest in docs_dir.glob("*/lesson.toml"):
        try:
            found.append(catalog.load_lesson(manifest, root))
        except catalog.ManifestError as exc:
            raise PageError(f"The lesson manifest is not valid: {exc}") from exc
    found.sort(key=lambda lesson: tuple(int(p) for p in lesson.id.split(".")))  # 1.2.9 < 1.2.10
    return {Path(lesson.folder).name: lesson for lesson in found}


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def next_folder(lesson) -> str | None:
    """The folder the manifest's next lesson will have: ``1.2.40-automatic-differentiation``."""
    upcoming = lesson.meta.get("next")
    if not isinstance(upcoming, dict) or "id" not in upcoming:
        return None
    return f"{upcoming['id']}-{slug(upcoming.get('title', 'lesson'))}"


def items(lesson, kind: str) -> list:
    return [e for e in lesson.exercises if e.kind == kind]


def exercise_page(folder: str, exercise) -> str:
    return f"{folder}/exercises/{exercise.id}.md"


def lesson_page(lesson) -> str:
    return lesson.page  # "<folder>/index.md", relative to docs_dir


def relative(target: str, page: str) -> str:
    """A link from the page ``page`` to ``target`` (both relative to docs_dir)."""
    path, _, anchor = target.partition("#")
    link = posixpath.relpath(path, posixpath.dirname(page) or ".")
    return link + (f"#{anchor}" if anchor else "")


def section_titles(page_text: str) -> dict[str, str]:
    """Heading text by explicit anchor (``## Title {#anchor}``) in a Markdown page."""
    return {anchor: title for title, anchor in HEADING_ANCHOR.findall(page_text)}
