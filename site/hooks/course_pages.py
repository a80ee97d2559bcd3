"""MkDocs hook: the course's generated pages, its navigation, the home page's blocks, assets.

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
- **Navigation**: ``mkdocs.yml`` lists the hand-written pages; the entries of one lesson
  folder become a section holding the lesson page, its exercises, the other pages listed,
  the quiz and the homework, followed by the next lesson when it is only coming. A page
  that ``mkdocs.yml`` does not list is still left out, and the strict build fails.
- **Assets**: every file under ``site/assets/`` (vendored KaTeX and iframe-worker, the
  course's own CSS and JS) is served at ``assets/...``; ``*.md`` files there are notes for
  maintainers and stay out.

Register in mkdocs.yml before ``site/hooks/lesson_facts.py``, so that the placeholders
(``[[exercise:ID:command]]`` ...) that the generated pages use are filled in by that hook.
"""

from __future__ import annotations

import ast
import html
import io
import json
import posixpath
import re
import sys
import tokenize
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

ASSETS = Path("site") / "assets"  # relative to the folder of mkdocs.yml
MARKER = re.compile(r"<!--\s*course:([a-z-]+)\s*-->")
HEADING_ANCHOR = re.compile(r"^#{1,6}\s+(.*?)\s*\{#([A-Za-z0-9_-]+)\}\s*$", re.M)


class CoursePageError(PluginError):
    """A generated page cannot be made; the message says from which file and why."""


# -- The catalogue ---------------------------------------------------------------------------


def _grader(root: Path):
    """The course's grader package (installed, or this checkout's copy)."""
    try:
        import grader.catalog  # noqa: F401
    except ImportError:  # mkdocs run without the course installed
        sys.path.append(str(root))
    from grader import catalog

    return catalog


def load_lessons(root: Path, docs_dir: Path) -> dict[str, object]:
    """Every lesson under ``docs_dir`` by folder name, validated by the catalogue."""
    catalog = _grader(root)
    found = []
    for manifest in docs_dir.glob("*/lesson.toml"):
        try:
            found.append(catalog.load_lesson(manifest, root))
        except catalog.ManifestError as exc:
            raise CoursePageError(f"The lesson manifest is not valid: {exc}") from exc
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


# -- Docstrings as Markdown -----------------------------------------------------------------


def module_docstring(path: Path) -> str | None:
    """The module docstring of ``path``, also when later code has a syntax error."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    try:
        return ast.get_docstring(ast.parse(text))
    except SyntaxError:
        pass
    # A learner may be half-way through an edit: read the first token only.
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE):
                continue
            if token.type == tokenize.STRING:
                value = ast.literal_eval(token.string)
                return _clean(value) if isinstance(value, str) else None
            return None
    except (tokenize.TokenError, SyntaxError, ValueError):
        return None
    return None


def _clean(text: str) -> str:
    import inspect

    return inspect.cleandoc(text)


def statement_source(exercise) -> tuple[str | None, str]:
    """The statement of an exercise: its stub's docstring, and where it came from.

    The learner's file comes first (it is what they read in their editor); if it is gone or
    has no docstring, the stub as the course shipped it (from git), as ``course reset``
    would restore it.
    """
    doc = module_docstring(exercise.path(exercise.stub))
    if doc:
        return doc, exercise.stub
    try:
        from grader.learner import workspace

        original = workspace.original_stub(exercise)
        doc = ast.get_docstring(ast.parse(original))
    except Exception:  # no git, no history, no docstring: say so on the page instead
        doc = None
    return doc, exercise.stub


_CODE_SPAN = re.compile(r"(``.+?``|`[^`]+`)")
# *emphasis* as a docstring writes it: after a space or bracket, around words.
_EMPHASIS = re.compile(r"(?<![\w*\\])\*(?=[A-Za-z])([^*\n]*?[A-Za-z.!?)])\*(?![\w*])")
# The same across one line break, for whole docstrings ("its *machine\n epsilon*").
_EMPHASIS_WRAPPED = re.compile(
    r"(?<![\w*\\`])\*(?=[A-Za-z])([^*\n]*(?:\n[^*\n]*)?[A-Za-z.!?)])\*(?![\w*])"
)
_ITEM = re.compile(r"^( {0,3})([-*]|\d+\.)\s+")
_PYTHON = re.compile(r"^\s*(import |from \w|print\(|\w+(, \w+)* = )|sympy\.|np\.")


def escape_text(text: str) -> str:
    """Docstring or hint text as Markdown: ``x**2`` and ``a*b*c`` stay literal, while
    ``*emphasis*`` and code spans keep their meaning."""
    parts = _CODE_SPAN.split(text)
    for i in range(0, len(parts), 2):  # even parts lie outside code spans
        # Set the emphasis aside, escape every other star, then put the emphasis back.
        emphasis = _EMPHASIS.findall(parts[i])
        part = _EMPHASIS.sub("\x00", parts[i]).replace("*", "\\*")
        for text in emphasis:
            part = part.replace("\x00", f"*{text}*", 1)
        parts[i] = part
    return "".join(parts)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def docstring_markdown(doc: str, page: str) -> str:
    """A stub's docstring as Markdown for the page ``page``.

    Docstrings are written for a terminal: paragraphs, ``-`` and ``1.`` lists whose items
    continue indented, and code or formulas indented four more columns after a blank line.
    The first line (the title) is dropped: the page's heading comes from the manifest. A
    ``Read: lessons/<page>#anchor`` line becomes a link, which the strict build checks.
    """
    # Emphasis may wrap onto the next line: mark it before the text is cut into lines.
    doc = _EMPHASIS_WRAPPED.sub(lambda m: f"\x01{m.group(1)}\x02", doc)
    lines = doc.expandtabs().splitlines()[1:]
    out: list[str] = []
    item = 0  # content column of the list item we are in, 0 outside lists
    blank = True
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            out.append("")
            blank, i = True, i + 1
            continue
        indent = _indent(line)
        if blank and indent >= item + 4:  # an indented block: code or a formula
            block = []
            while i < len(lines) and (not lines[i].strip() or _indent(lines[i]) >= item + 4):
                block.append(lines[i])
                i += 1
            while not block[-1].strip():
                block.pop()
            base = min(_indent(b) for b in block if b.strip())
            pad = "    " if item else ""
            language = "python" if any(_PYTHON.search(b) for b in block) else "text"
            out += [f"{pad}```{language}"]
            out += [pad + b[base:] if b.strip() else "" for b in block]
            out += [f"{pad}```", ""]
            blank = True
            continue
        read = re.match(r"^Read:\s+lessons/(\S+)$", line.strip())
        if read:
            target = read.group(1)
            out.append(
                f"Read in the lesson: [{target.rpartition('#')[2] or target}]"
                f"({relative(target, page)})"
            )
            blank, i = False, i + 1
            continue
        text = escape_text(line.strip())
        if text.endswith("::"):  # reST's "as follows::" introduces a code block
            text = text[:-1]
        marker = _ITEM.match(line)
        if marker:
            if not blank and not (out and _ITEM.match(out[-1])) and item == 0:
                out.append("")  # Markdown needs a blank line before a list
            item = len(marker.group(0))
            out.append(escape_text(line.strip()))
        elif item and indent >= item - 1:
            out.append("    " + text)  # a list item's continuation or next paragraph
        else:
            item = 0
            out.append(text)
        blank, i = False, i + 1
    return "\n".join(out).strip().replace("\x01", "*").replace("\x02", "*") + "\n"


def _link_read_titles(markdown: str, titles: dict[str, str]) -> str:
    """Give ``Read in the lesson`` links the section's title instead of its anchor."""

    def title(match: re.Match) -> str:
        anchor = match.group(2).rpartition("#")[2]
        return f"[{titles.get(anchor, match.group(1))}]({match.group(2)})"

    return re.sub(r"\[([^\]]+)\]\(([^)]+#[^)]+)\)", title, markdown)


# -- Generated pages -------------------------------------------------------------------------


def hints_markdown(exercise, intro: str) -> str:
    count = len(exercise.hints)
    blocks = [intro, ""]
    for number, hint in enumerate(exercise.hints, 1):
        body = "\n".join("    " + line for line in escape_text(hint).splitlines())
        blocks += [f'??? hint "Hint {number} of {count}"', "", body, ""]
    return "\n".join(blocks)


def render_exercise(lesson, exercise, titles: dict[str, str]) -> str:
    folder = lesson.folder.rpartition("/")[2]
    page = exercise_page(folder, exercise)
    section = f"{lesson_page(lesson)}#{exercise.section}"
    doc, stub = statement_source(exercise)
    if doc:
        statement = _link_read_titles(docstring_markdown(doc, page), titles)
    else:
        statement = (
            f'!!! warning "Your file is missing"\n\n    The statement of this exercise is '
            f"the docstring at the top of `{stub}`, which cannot be read. "
            f"`course reset {exercise.id}` puts the original file back.\n"
        )
    stars = "★" * exercise.difficulty + "☆" * max(0, 3 - exercise.difficulty)
    ex = exercise.id
    return f"""# [[exercise:{ex}:heading]]

<div class="course-facts" markdown>
**Points:** [[exercise:{ex}:points]] · **Difficulty:** {stars} · **Your file:**
`{stub}` · **Lesson section:** [{titles.get(exercise.section, exercise.section)}]({
        relative(section, page)
    })
</div>

{statement}
## Grade your work {{#grade}}

Save your file, then run this in the course folder:

```bash
[[exercise:{ex}:command]]
```

A hidden test suite checks your file in a separate process and tells you, check by check,
what it called, what came back and which lesson section helps. Grade as often as you like:
every attempt is kept on your machine, and `course watch` grades each time you save.

## Hints {{#hints}}

{
        hints_markdown(
            exercise,
            f"Try on your own first; each hint says a little more. In the "
            f"terminal, `course hint {ex}` shows them one at a time.",
        )
    }
"""


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n") if p.strip())


def quiz_data(quiz, points: float) -> list[dict]:
    """What quiz.js needs to check each question in the browser, and its share of points."""
    weights = sum(q.points for q in quiz.questions)
    data = []
    for q in quiz.questions:
        entry = {
            "id": q.id,
            "type": q.type,
            "points": round(points * q.points / weights, 4),
            "answer": list(q.answer) if isinstance(q.answer, tuple) else q.answer,
            "answerText": q.answer_text(),
        }
        if q.choices:
            entry["letters"] = q.letters
            entry["feedback"] = dict(q.feedback)
        if q.type == "numeric":
            entry["tolerance"] = max(q.tolerance, q.relative_tolerance * abs(q.answer))
            entry["feedback"] = dict(q.feedback)  # remarks for known wrong values
        if q.type == "expression":
            entry["variables"] = list(q.variables)
            entry["functions"] = list(q.functions)
            entry["conditions"] = [
                {
                    "check": c.check,
                    "symbol": c.symbol,
                    "at": c.at,
                    "equals": c.equals,
                    "message": c.message,
                }
                for c in q.conditions
            ]
        data.append(entry)
    return data


def _question_html(q) -> str:
    name = f"quiz-{q.id}"
    parts = [
        f'<form class="quiz-question" id="{name}" data-id="{q.id}" autocomplete="off">',
        f"<fieldset><legend>Question {q.number}: {html.escape(q.title or q.id)}</legend>",
        f'<div class="quiz-prompt">{_paragraphs(q.prompt)}</div>',
    ]
    if q.type == "true_false":
        for value, label in (("true", "True"), ("false", "False")):
            parts.append(
                f'<label class="quiz-choice"><input type="radio" name="{name}" '
                f'value="{value}"> {label}</label>'
            )
    elif q.type in ("single_choice", "multiple_choice"):
        kind = "radio" if q.type == "single_choice" else "checkbox"
        if kind == "checkbox":
            parts.append('<p class="quiz-note">Choose every answer that applies.</p>')
        for letter, choice in zip(q.letters, q.choices, strict=True):
            parts.append(
                f'<label class="quiz-choice"><input type="{kind}" name="{name}" '
                f'value="{letter}"> <span class="quiz-letter">({letter})</span> '
                f"{html.escape(choice)}</label>"
            )
    else:
        hint = (
            "a number, for example 2.5 or (1.2 - 0.8)/0.4"
            if q.type == "numeric"
            else f"an expression in {', '.join(q.variables)}, Python syntax: * and **"
        )
        parts.append(
            f'<label class="quiz-typed">Your answer ({html.escape(hint)}):'
            f'<input type="text" name="{name}" spellcheck="false" '
            f'autocapitalize="off"></label>'
        )
    parts += [
        '<div class="quiz-actions"><button type="submit" class="md-button quiz-check">'
        'Check</button> <button type="button" class="md-button quiz-retry" hidden>'
        "Try again</button></div>",
        '<div class="quiz-feedback" aria-live="polite" hidden></div>',
        f'<div class="quiz-explanation" hidden>{_paragraphs(q.explanation)}</div>',
        "</fieldset></form>",
    ]
    return "".join(parts)


def render_quiz(lesson, item, quiz) -> str:
    data = html.escape(json.dumps(quiz_data(quiz, item.points)), quote=True)
    questions = "\n".join(_question_html(q) for q in quiz.questions)
    intro = escape_text(quiz.intro) if quiz.intro else ""
    return f"""# [[exercise:{item.id}:heading]]

{intro}

!!! info "Practise here, record in the terminal"

    This page checks your answers in your browser and keeps them nowhere. To record a
    score (and tick the [homework](homework.md)), take the same quiz, from the same file,
    in the terminal:

    ```bash
    [[exercise:{item.id}:command]]
    ```

<div class="course-quiz" data-quiz="{data}" data-command="[[exercise:{item.id}:command]]">
{questions}
<div class="quiz-summary" aria-live="polite"><p class="quiz-score">Score: 0 of {
        item.points:g} points (0 of {len(quiz.questions)} questions answered).</p>
<button type="button" class="md-button quiz-reset">Start over</button></div>
</div>
"""


def render_homework(lesson) -> str:
    from grader.learner.progress import ItemProgress, LessonProgress

    folder = lesson.folder.rpartition("/")[2]
    page = f"{folder}/homework.md"
    blank = tuple(ItemProgress(e, None, 0, False, 0, False) for e in lesson.exercises)
    checklist = LessonProgress(lesson, blank).homework
    lines = [
        f"# Homework: Lesson {lesson.id}",
        "",
        f"The checklist of [Lesson {lesson.id}: {lesson.title}]"
        f"({relative(lesson_page(lesson), page)}). The site cannot see your files: run "
        "`course progress` (or just `course`) to see it ticked from your own results.",
        "",
    ]
    for entry in checklist:
        lines.append(f"- [ ] **{entry.text}**")
        for progress in entry.items:
            ex = progress.exercise
            if ex.kind == "exercise":
                where = relative(exercise_page(folder, ex), page)
                label = f"{ex.id} {ex.title}"
            elif ex.kind == "quiz":
                where, label = "quiz.md", "the quiz on this site, to practise"
            else:
                project = f"{folder}/project.md"
                where, label = relative(project, page), f"the project page: {ex.title}"
            lines.append(f"    - [ ] [{escape_text(label)}]({where}): `{progress.command}`")
    lines += [
        "",
        "Each item is done when its grader gives full marks; every attempt counts, and your "
        "best score is kept.",
        "",
    ]
    return "\n".join(lines)


def render_coming(lesson, lessons_by_id: dict) -> str:
    upcoming = lesson.meta["next"]
    page = f"{next_folder(lesson)}/index.md"
    back = relative(lesson_page(lesson), page)
    teaser = upcoming.get("teaser", "")
    return f"""# Lesson {upcoming["id"]}: {upcoming.get("title", "")}

!!! info "Coming next"

    {f"*{escape_text(teaser)}.* " if teaser else ""}This lesson is not published yet.
    It follows [Lesson {lesson.id}: {lesson.title}]({back}); until it arrives, finish that
    lesson's [homework]({relative(f"{lesson.folder.rpartition('/')[2]}/homework.md", page)}).
"""


def render_map(lessons: dict, page: str) -> str:
    """The course map of the home page: every lesson, its items, and what is coming."""
    out = []
    known = {lesson.id for lesson in lessons.values()}
    for folder, lesson in lessons.items():
        meta = lesson.meta
        facts = " · ".join(
            f"**{label}:** {value}"
            for label, value in (
                ("Time", f"{meta['hours']} hours" if "hours" in meta else None),
                ("Difficulty", meta.get("difficulty")),
                ("Topic", meta.get("topic")),
                ("Builds on", ", ".join(f"Lesson {p}" for p in meta.get("prerequisites", []))),
            )
            if value
        )
        out += [
            f"### Lesson {lesson.id}: [{lesson.title}]({relative(lesson_page(lesson), page)})",
            "",
            facts,
            "",
            "| item | what | points | grade it with |",
            "|:---|:---|---:|:---|",
        ]
        for ex in lesson.exercises:
            if ex.kind == "exercise":
                where = exercise_page(folder, ex)
            elif ex.kind == "quiz":
                where = f"{folder}/quiz.md"
            else:
                where = f"{folder}/project.md"
            command = ex.command
            title = ex.title.removeprefix("Quiz: ") if ex.kind == "quiz" else ex.title
            title = title[:1].upper() + title[1:]
            number = ex.id.rpartition(".")[2] if ex.kind == "exercise" else ""
            link = f"[{escape_text(title)}]({relative(where, page)})"
            out.append(f"| {ex.label} {number} | {link} | {ex.points:g} | `{command}` |")
        out += ["", f"And the [homework checklist]({relative(f'{folder}/homework.md', page)}).", ""]
        upcoming = meta.get("next")
        if isinstance(upcoming, dict) and upcoming.get("id") not in known:
            coming = f"{next_folder(lesson)}/index.md"
            out += [
                f"### Lesson {upcoming['id']}: [{upcoming.get('title', '')}]"
                f"({relative(coming, page)})",
                "",
                f'<span class="course-coming">coming</span> '
                f"*{escape_text(upcoming.get('teaser', ''))}.* Not published yet.",
                "",
            ]
    return "\n".join(out)


def readme_commands(readme: str) -> str:
    """The README's first two commands, each with the sentence that introduces it."""
    found = re.findall(r"(?:^|\n\n)([^\n`#][^\n]*?:)\n\n```bash\n(.+?)\n```", readme, re.S)
    if len(found) < 2:
        raise CoursePageError("README.md should open with two ```bash commands")
    return "\n\n".join(f"{intro}\n\n```bash\n{command}\n```" for intro, command in found[:2])


# -- Navigation ------------------------------------------------------------------------------


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
            raise CoursePageError(
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


# -- MkDocs events ---------------------------------------------------------------------------

_state: dict = {}


def on_config(config):
    _state.clear()
    root = Path(config.config_file_path).resolve().parent
    docs_dir = Path(config.docs_dir).resolve()
    _state.update(root=root, docs_dir=docs_dir, lessons=load_lessons(root, docs_dir))
    config.nav = course_nav(config.nav or [], _state["lessons"], docs_dir)
    return config


def generated_pages() -> dict[str, str]:
    """Every generated page's Markdown, by path relative to docs_dir."""
    from grader.quiz.model import QuizError, load_quiz, quiz_path

    lessons, docs_dir = _state["lessons"], _state["docs_dir"]
    ids = {lesson.id for lesson in lessons.values()}
    pages = {}
    for folder, lesson in lessons.items():
        page_text = (docs_dir / lesson_page(lesson)).read_text(encoding="utf-8")
        titles = section_titles(page_text)
        for exercise in items(lesson, "exercise"):
            pages[exercise_page(folder, exercise)] = render_exercise(lesson, exercise, titles)
        for item in items(lesson, "quiz")[:1]:
            try:
                quiz = load_quiz(quiz_path(item), item.id)
            except QuizError as exc:
                raise CoursePageError(f"The quiz of {item.id} cannot be read: {exc}") from exc
            pages[f"{folder}/quiz.md"] = render_quiz(lesson, item, quiz)
        pages[f"{folder}/homework.md"] = render_homework(lesson)
        upcoming = lesson.meta.get("next")
        if isinstance(upcoming, dict) and upcoming.get("id") not in ids:
            pages[f"{next_folder(lesson)}/index.md"] = render_coming(lesson, ids)
    return pages


def on_files(files: Files, config) -> Files:
    root = _state["root"]
    for path, markdown in generated_pages().items():
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
    lessons = _state["lessons"]
    folder = src.split("/", 1)[0] if "/" in src else ""
    if src == "index.md":
        readme_path = _state["root"] / "README.md"

        def fill(match: re.Match) -> str:
            name = match.group(1)
            if name == "readme":
                if not readme_path.is_file():  # a partial copy of the course
                    return "The commands are at the top of `README.md`."
                return readme_commands(readme_path.read_text(encoding="utf-8"))
            if name == "map":
                return render_map(lessons, src)
            raise CoursePageError(
                f"index.md: unknown marker <!-- course:{name} -->; "
                "use <!-- course:readme --> or <!-- course:map -->"
            )

        return MARKER.sub(fill, markdown)
    lesson = lessons.get(folder)
    if lesson is not None and src == f"{folder}/project.md":
        for project in items(lesson, "project")[:1]:
            markdown += "\n\n## Hints {#project-hints}\n\n" + hints_markdown(
                project,
                "Stuck on a part? Each hint says a little more. In the terminal, "
                f"`course hint {project.id}` shows them one at a time.",
            )
    return markdown
