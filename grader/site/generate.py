"""The course's own step before any site builder runs: every page as plain Markdown.

``generate(root)`` writes, into ``site/_docs/`` (ignored by git):

- ``docs/``: the hand-written pages of ``lessons/`` with every placeholder filled
  (:mod:`.placeholders`), the home page's blocks filled and a project page's hints added,
  each lesson page opening with an "On this page" block (shown on narrow screens only) and
  each figure that has a narrow variant (``figures/name-narrow.svg``) made a ``<picture>``;
  the generated pages (exercise statements, quiz, homework, the next lesson as coming:
  :mod:`.pages`); each lesson's figures; and the vendored assets (``site/assets/``);
- ``mkdocs.yml``: the repository's ``mkdocs.yml`` (theme, Markdown extensions, search)
  with the docs folder, the output folder and the navigation (:mod:`.nav`) filled in, and
  ``assets/course/progress.js`` among its scripts.

Each page about a lesson or an item (and the home page) gets an empty, hidden block after
its title where ``course site serve`` shows the learner's progress (:func:`progress_markers`);
the notes that hold only for the static site (the quiz's "kept nowhere", the homework's
"the site cannot see your files") are marked ``course-static``, hidden when served.

A builder then runs over plain Markdown and files, with no hook and no plugin beyond
what Material's own feature set provides: MkDocs (``mkdocs build -f site/_docs/mkdocs.yml``)
or Zensical, which reads the same file. Nothing here imports MkDocs.
"""

from __future__ import annotations

import html
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml
from markdown.extensions.toc import slugify

from grader.catalog import PRIVATE
from grader.site import nav, pages
from grader.site.lessons import PageError, exercise_page, lesson_page, load_lessons
from grader.site.placeholders import (
    PLACEHOLDER,
    LessonContext,
    PlaceholderError,
    facts_module_path,
    render,
)

GENERATED = Path("site") / "_docs"  # relative to the repository; ignored by git
BUILD_DIR = Path("site") / "_build"
ASSETS = Path("site") / "assets"
MARKER = re.compile(r"<!--\s*course:([a-z-]+)\s*-->")
# What the configuration may not keep: the generated one says where everything is.
CONFIG_KEYS_SET_HERE = ("docs_dir", "site_dir", "nav", "hooks", "watch", "exclude_docs")
NOT_PUBLISHED = (".py", ".toml", ".pyc")


class GenerateError(Exception):
    """A page cannot be generated; the message says from which file and why."""


@dataclass(frozen=True)
class Generated:
    docs: Path  # the plain docs folder
    config: Path  # the builders' configuration
    site_dir: Path  # where the builder writes the site


def generate(root: Path, site_dir: Path | None = None, out: Path | None = None) -> Generated:
    """Write the plain docs folder and its configuration; see the module's docstring.
    ``out`` is the folder to write them into (default ``site/_docs/``): ``course site
    serve`` generates into a folder of its own, so that it never races a build."""
    root = Path(root).resolve()
    out = Path(out).resolve() if out is not None else root / GENERATED
    docs = out / "docs"
    site_dir = Path(site_dir).resolve() if site_dir is not None else root / BUILD_DIR
    source = root / "lessons"
    try:
        lessons = load_lessons(root, source)
        # Each lesson's placeholder context, lazy: its facts are computed on first use, once
        # per generation (a rebuild while serving computes them afresh).
        contexts = {
            folder: LessonContext(lesson, facts_module_path(root, lesson.folder))
            for folder, lesson in lessons.items()
        }
        written = _written_pages(root, source, lessons, contexts)
        generated = pages.generated_pages(lessons, source)
        figures = _figures(contexts)
        files = {**figures, **_filled(contexts, generated)}
        written = {key: _narrow_figures(key, text, figures) for key, text in written.items()}
        markers = progress_markers(lessons)
        written = {key: _with_marker(text, markers.get(key)) for key, text in written.items()}
        files.update(
            {key: _with_marker(files[key], markers.get(key)) for key in generated if key in files}
        )
        for key in [k for k in generated if k.endswith("/quiz.md") and k in files]:
            files[key] = STATIC_NOTE.sub(r"\1 course-static \2", files[key], count=1)
        for key in [k for k in generated if k.endswith("/homework.md") and k in files]:
            files[key] = STATIC_SENTENCE.sub(_static_span, files[key], count=1)
        navigation = nav.course_nav(_base(root).get("nav") or [], lessons, source)
    except (PageError, PlaceholderError) as exc:
        raise GenerateError(str(exc)) from exc
    for path in generated:
        if path in written:
            raise GenerateError(f"lessons/{path} is generated; remove the file of that name")
    if docs.exists():
        shutil.rmtree(docs)
    for relative, content in {**written, **files}.items():
        target = docs / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content if isinstance(content, bytes) else content.encode())
    _copy_assets(root / ASSETS, docs / "assets")
    config = out / "mkdocs.yml"
    settings = {k: v for k, v in _base(root).items() if k not in CONFIG_KEYS_SET_HERE}
    settings.update(docs_dir="docs", site_dir=str(site_dir), nav=navigation)
    settings["extra_javascript"] = _with_progress_script(settings.get("extra_javascript") or [])
    config.write_text(
        "# Written by `course site build` (grader/site/generate.py) from ../../mkdocs.yml;\n"
        "# edit that file, never this one.\n" + yaml.safe_dump(settings, sort_keys=False),
        encoding="utf-8",
    )
    return Generated(docs, config, site_dir)


PROGRESS_SCRIPT = "assets/course/progress.js"
# The quiz page's first note says that answers are kept nowhere: true of the static site
# only, so it is marked, and progress.js hides it when the server records the answers.
STATIC_NOTE = re.compile(r'^(!!! [\w-]+) (")', re.M)
# And the homework page's sentence that the site cannot see the learner's files.
STATIC_SENTENCE = re.compile(r"The site cannot see your files:[^\n]*(?:\n[^\n]+)*?\.(?=\n\n)")


def _static_span(match: re.Match) -> str:
    return f'<span class="course-static">{match.group(0)}</span>'


def _with_progress_script(scripts: list) -> list:
    """The configuration's scripts with progress.js before quiz.js: it defines
    ``window.CourseServer`` (when ``course site serve`` serves the page) for quiz.js to
    find. The static build loads it too; without the server's token it does nothing."""
    names = [s if isinstance(s, str) else s.get("path", "") for s in scripts]
    if PROGRESS_SCRIPT in names:
        return list(scripts)
    at = next((i for i, name in enumerate(names) if name.endswith("course/quiz.js")), len(names))
    return [*scripts[:at], PROGRESS_SCRIPT, *scripts[at:]]


def progress_markers(lessons: dict) -> dict[str, str]:
    """By page: where ``course site serve`` shows the learner's progress (progress.js
    fills it in; the static site keeps it hidden and empty). It says which lesson, and
    which item for an exercise, quiz or project page."""
    markers = {"index.md": _marker("course")}
    for folder, lesson in lessons.items():
        markers[lesson_page(lesson)] = _marker("lesson", lesson.id)
        markers[f"{folder}/homework.md"] = _marker("homework", lesson.id)
        for ex in lesson.exercises:
            if ex.kind == "exercise":
                page = exercise_page(folder, ex)
            else:
                page = f"{folder}/{ex.kind}.md"  # quiz.md, project.md
            markers.setdefault(page, _marker(ex.kind, lesson.id, ex.id))
    return markers


def _marker(kind: str, lesson: str = "", item: str = "") -> str:
    attributes = f' data-kind="{kind}"'
    if lesson:
        attributes += f' data-lesson="{html.escape(lesson)}"'
    if item:
        attributes += f' data-item="{html.escape(item)}"'
    return f'<div class="course-progress"{attributes} hidden></div>'


def _with_marker(text, marker: str | None):
    """The page with its progress marker after its title (see :func:`progress_markers`)."""
    if marker is None or not isinstance(text, str):
        return text
    lines = text.split("\n")
    title_at = next((i for i, line in enumerate(lines) if line.startswith("# ")), None)
    if title_at is None:
        return text
    at = title_at + 1
    rest = [line for line in lines[at:] if line.strip()][:1]
    if rest and rest[0].startswith('<div class="course-facts"'):  # after an exercise's facts
        at = next((i + 1 for i in range(at, len(lines)) if lines[i].strip() == "</div>"), at)
    return "\n".join([*lines[:at], "", marker, "", *lines[at:]])


def _base(root: Path) -> dict:
    path = root / "mkdocs.yml"
    if not path.is_file():
        raise GenerateError(f"{path} is missing: the course site cannot be built without it.")
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def _private(relative: Path, lessons: dict) -> bool:
    parts = relative.parts
    in_lesson = len(parts) > 1 and parts[0] in lessons
    return relative.suffix in NOT_PUBLISHED or (in_lesson and parts[1] in PRIVATE)


def _written_pages(
    root: Path, source: Path, lessons: dict, contexts: dict
) -> dict[str, str | bytes]:
    """The hand-written files under lessons/, pages filled in, other files as they are."""
    out: dict[str, str | bytes] = {}
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if not path.is_file() or "__pycache__" in relative.parts or _private(relative, lessons):
            continue
        key = relative.as_posix()
        if path.suffix != ".md":
            out[key] = path.read_bytes()
            continue
        text = path.read_text(encoding="utf-8")
        folder = relative.parts[0] if len(relative.parts) > 1 else ""
        if key == "index.md":
            text = _home(root, text, lessons)
        lesson = lessons.get(folder)
        if lesson is not None and relative.name == "project.md":
            for project in [e for e in lesson.exercises if e.kind == "project"][:1]:
                text += "\n\n## Hints {#project-hints}\n\n" + pages.hints_markdown(
                    project,
                    "Stuck on a part? Each hint says a little more. In the terminal, "
                    f"`course hint {project.id}` shows them one at a time.",
                )
        if lesson is not None and key == lesson_page(lesson):
            text = contents_block(text)
        out[key] = _fill(contexts.get(folder), text, f"lessons/{key}")
    return out


HEADING = re.compile(r"^(#{2,3})\s+(.+?)\s*(?:\{([^}]*)\})?\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")


def contents_block(text: str) -> str:
    """``text`` with an "On this page" block after its title: a collapsed list of links to
    its sections (## and ###). On a narrow screen Material shows no contents for a page
    that is its section's index (the lesson), so course.css shows this block there and
    hides it where the theme's own contents sidebar is (60em and wider)."""
    lines = text.split("\n")
    entries, fenced = [], False
    for line in lines:
        if FENCE.match(line):
            fenced = not fenced
        match = None if fenced else HEADING.match(line)
        if not match:
            continue
        level, title, attributes = match.groups()
        anchor = re.search(r"#([\w-]+)", attributes or "")
        slug = anchor.group(1) if anchor else _slug(title)
        indent = "    " * (2 if level == "###" else 1)
        entries.append(f"{indent}- [{title}](#{slug})")
    title_at = next((i for i, line in enumerate(lines) if line.startswith("# ")), None)
    if len(entries) < 2 or title_at is None:
        return text
    block = ['??? course-toc "On this page"', "", *entries, ""]
    return "\n".join([*lines[: title_at + 1], "", *block, *lines[title_at + 1 :]])


def _slug(title: str) -> str:
    """The id Python-Markdown's toc extension gives a heading with none of its own."""
    return slugify(re.sub(r"[`*$\\]", "", title), "-")


NARROW = "-narrow.svg"  # a figure's variant drawn for phones: figures/name-narrow.svg
IMAGE = re.compile(r"!\[([^\]]*)\]\((figures/[\w.-]+)\.svg\)(\{[^}]*\})?")


def _narrow_figures(key: str, text, figures: dict) -> str:
    """A figure that has a narrow variant becomes a <picture>: the variant on screens
    narrower than 600px (where the wide drawing's labels would be a few pixels high), the
    wide drawing elsewhere and in print."""
    if not isinstance(text, str) or not key.endswith(".md"):
        return text
    folder = key.rsplit("/", 1)[0] if "/" in key else ""

    def picture(match: re.Match) -> str:
        alt, stem, _attributes = match.groups()
        if f"{folder}/{stem}{NARROW}" not in figures:
            return match.group(0)
        alt = html.escape(" ".join(alt.split()))
        return (
            f'<picture class="course-figure"><source media="screen and (max-width: 600px)" '
            f'srcset="{stem}{NARROW}"><img alt="{alt}" src="{stem}.svg" width="100%">'
            "</picture>"
        )

    return IMAGE.sub(picture, text)


def _filled(contexts: dict, generated: dict[str, str]) -> dict[str, str]:
    return {
        path: _fill(contexts.get(path.split("/", 1)[0]), text, f"(generated) {path}")
        for path, text in generated.items()
    }


def _fill(context, text: str, where: str) -> str:
    if context is None and not PLACEHOLDER.search(text):
        return text
    return render(text, context, where)


def _figures(contexts: dict) -> dict[str, bytes]:
    out = {}
    for folder, context in contexts.items():
        for relative, content in context.figures().items():
            out[f"{folder}/{relative}"] = content
    return out


def _home(root: Path, text: str, lessons: dict) -> str:
    readme = root / "README.md"

    def fill(match: re.Match) -> str:
        name = match.group(1)
        if name == "readme":
            if not readme.is_file():  # a partial copy of the course
                return "The commands are at the top of `README.md`."
            return pages.readme_commands(readme.read_text(encoding="utf-8"))
        if name == "map":  # in a block of its own, which course.css fits to a phone
            course_map = pages.render_map(lessons, "index.md")
            return f'<div class="course-map" markdown>\n\n{course_map}\n\n</div>'
        raise GenerateError(
            f"lessons/index.md: unknown marker <!-- course:{name} -->; "
            "use <!-- course:readme --> or <!-- course:map -->"
        )

    return MARKER.sub(fill, text)


def _copy_assets(assets: Path, target: Path) -> None:
    for path in sorted(p for p in assets.rglob("*") if p.is_file()):
        if path.suffix == ".md":
            continue  # notes for maintainers (versions, licences), not pages
        destination = target / path.relative_to(assets)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
