"""The site's navigation, made from the lessons' folders and manifests."""

from __future__ import annotations

from pathlib import Path

from grader.site.lessons import PageError, exercise_page, items, lesson_page, next_folder


def _entry_path(entry) -> str | None:
    if isinstance(entry, str):
        return entry
    if isinstance(entry, dict) and len(entry) == 1:
        value = next(iter(entry.values()))
        return value if isinstance(value, str) else None
    return None


def _folder(entry) -> str | None:
    path = _entry_path(entry)
    return path.split("/", 1)[0] if path and "/" in path else None


def written_pages(lesson, docs_dir: Path) -> list[str]:
    """The lesson's hand-written pages, by path relative to docs_dir: its page first, then
    every other Markdown file of its folder in name order (``project.md``)."""
    folder = Path(lesson.folder).name
    others = sorted(
        f"{folder}/{path.name}"
        for path in (docs_dir / folder).glob("*.md")
        if f"{folder}/{path.name}" != lesson_page(lesson)
    )
    return [lesson_page(lesson), *others]


def course_nav(nav: list, lessons: dict, docs_dir: Path) -> list:
    """The site's navigation: the pages mkdocs.yml lists (the home page), then every lesson
    in the catalogue's order, each a section made from its manifest and folder: its page,
    its exercises, its other pages, its quiz and homework; then the next lesson announced,
    while it is not in the course. Adding a lesson edits no nav."""
    for entry in nav:
        folder = _folder(entry)
        if folder in lessons:
            raise PageError(
                f"mkdocs.yml's nav lists {_entry_path(entry)}: a lesson's pages come from its "
                "folder and manifest; remove that entry."
            )
    ids = {lesson.id for lesson in lessons.values()}
    out = list(nav)
    for folder, lesson in lessons.items():
        page, *others = written_pages(lesson, docs_dir)
        # first and untitled: with navigation.indexes the section's title opens it
        section: list = [page]
        exercises = [
            {f"{e.id} {e.title}": exercise_page(folder, e)} for e in items(lesson, "exercise")
        ]
        if exercises:
            section.append({"Exercises": exercises})
        section += others  # untitled: each page's own heading names it
        if items(lesson, "quiz"):
            section.append({"Quiz": f"{folder}/quiz.md"})
        section.append({"Homework": f"{folder}/homework.md"})
        out.append({f"{lesson.id} {lesson.title}": section})
        upcoming = lesson.meta.get("next")
        if isinstance(upcoming, dict) and upcoming.get("id") not in ids:
            ids.add(upcoming["id"])  # announced once, however many lessons lead to it
            out.append({f"Coming next: {upcoming['id']}": f"{next_folder(lesson)}/index.md"})
    return out
