"""MkDocs hook: the course's generated pages, its navigation, the home page's blocks, assets.

A thin adapter: what the pages say is made by :mod:`grader.site` (``lessons``, ``pages``,
``docstrings``, ``nav``); this file hands it to MkDocs at the right events.

Everything here is derived from files that already say it, so nothing is typed twice and
nothing is written into the sources (generated pages are ``File.generated``):

- **Exercise statements**, one page per manifest item of kind ``exercise``, at
  ``<lesson folder>/exercises/<id>.md``: the manifest's heading, points and section, the
  statement from the stub's module docstring (turned into Markdown), the exact grading
  command, and the manifest's hints in collapsed ``??? hint`` blocks.
- **The quiz**, ``<lesson folder>/quiz.md``, rendered from the lesson's ``quiz.toml`` (the
  file ``course quiz`` asks in the terminal) into an interactive form that
  ``site/assets/course/quiz.js`` checks in the browser.
- **The homework checklist**, ``<lesson folder>/homework.md``: the entries ``course
  progress`` ticks (``grader.learner.progress``), each with its pages and commands.
- **The next lesson, as coming**: ``<next id>-<slug of its title>/index.md`` from the
  manifest's ``next`` field, while no lesson folder of that id exists.
- **The project page** (``project.md`` next to a manifest with a project) gets the
  manifest's hints for the project appended, collapsed.
- **The home page** (``lessons/index.md``) may hold two markers: ``<!-- course:readme -->``
  (the README's two commands with the sentences that introduce them) and
  ``<!-- course:map -->`` (every lesson with its items and commands, and what comes next).
  Any other ``<!-- course:... -->`` marker stops the build.
- **Navigation**: ``mkdocs.yml`` lists the home page only; every lesson of the catalogue
  follows as a section holding its page, its exercises, its other pages, the quiz and the
  homework, followed by the next lesson when it is only coming.
- **Assets**: every file under ``site/assets/`` (vendored KaTeX and iframe-worker, the
  course's own CSS and JS) is served at ``assets/...``; ``*.md`` files there are notes for
  maintainers and stay out.

Register in mkdocs.yml before ``site/hooks/lesson_facts.py``, so that the placeholders
(``[[exercise:ID:command]]`` ...) that the generated pages use are filled in by that hook.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

ASSETS = Path("site") / "assets"  # relative to the folder of mkdocs.yml
MARKER = re.compile(r"<!--\s*course:([a-z-]+)\s*-->")


class CoursePageError(PluginError):
    """A generated page cannot be made; the message says from which file and why."""


def _site(root: Path):
    """The course's :mod:`grader.site` (installed, or this checkout's copy)."""
    try:
        import grader.site.pages  # noqa: F401
    except ImportError:  # mkdocs run without the course installed
        sys.path.append(str(root))
    from grader.site import lessons, nav, pages

    return lessons, nav, pages


_state: dict = {}


def on_config(config):
    _state.clear()
    root = Path(config.config_file_path).resolve().parent
    docs_dir = Path(config.docs_dir).resolve()
    lessons_mod, nav, pages = _site(root)
    try:
        lessons = lessons_mod.load_lessons(root, docs_dir)
        config.nav = nav.course_nav(config.nav or [], lessons, docs_dir)
    except lessons_mod.PageError as exc:
        raise CoursePageError(str(exc)) from exc
    _state.update(root=root, docs_dir=docs_dir, lessons=lessons, pages=pages, errors=lessons_mod)
    return config


def on_files(files: Files, config) -> Files:
    root, pages = _state["root"], _state["pages"]
    try:
        generated = pages.generated_pages(_state["lessons"], _state["docs_dir"])
    except _state["errors"].PageError as exc:
        raise CoursePageError(str(exc)) from exc
    for path, markdown in generated.items():
        if files.get_file_from_path(path) is not None:
            raise CoursePageError(f"{path} is generated; remove the file of that name")
        files.append(File.generated(config, path, content=markdown))
    assets = root / ASSETS
    for source in sorted(p for p in assets.rglob("*") if p.is_file()):
        if source.suffix == ".md":
            continue  # notes for maintainers (versions, licences), not pages
        uri = source.relative_to(assets.parent).as_posix()  # "assets/katex/katex.min.js"
        files.append(File(uri, str(assets.parent), config.site_dir, config.use_directory_urls))
    return files


def on_page_markdown(markdown: str, page, config, files) -> str:
    src = page.file.src_uri
    lessons, pages = _state["lessons"], _state["pages"]
    folder = src.split("/", 1)[0] if "/" in src else ""
    if src == "index.md":
        readme_path = _state["root"] / "README.md"

        def fill(match: re.Match) -> str:
            name = match.group(1)
            if name == "readme":
                if not readme_path.is_file():  # a partial copy of the course
                    return "The commands are at the top of `README.md`."
                try:
                    return pages.readme_commands(readme_path.read_text(encoding="utf-8"))
                except _state["errors"].PageError as exc:
                    raise CoursePageError(str(exc)) from exc
            if name == "map":
                return pages.render_map(lessons, src)
            raise CoursePageError(
                f"index.md: unknown marker <!-- course:{name} -->; "
                "use <!-- course:readme --> or <!-- course:map -->"
            )

        return MARKER.sub(fill, markdown)
    lesson = lessons.get(folder)
    if lesson is not None and src == f"{folder}/project.md":
        for project in [e for e in lesson.exercises if e.kind == "project"][:1]:
            markdown += "\n\n## Hints {#project-hints}\n\n" + pages.hints_markdown(
                project,
                "Stuck on a part? Each hint says a little more. In the terminal, "
                f"`course hint {project.id}` shows them one at a time.",
            )
    return markdown
