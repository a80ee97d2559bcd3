"""The pages the site derives from the manifests, stubs and quiz files: exercise
statements, the quiz, the homework checklist, the next lesson as coming, the home page's
course map and the README's commands. Nothing here is typed twice by hand."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from grader.site.docstrings import (
    docstring_markdown,
    escape_text,
    link_read_titles,
    statement_source,
)
from grader.site.lessons import (
    PageError,
    exercise_page,
    items,
    lesson_page,
    next_folder,
    relative,
    section_titles,
)


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
        statement = link_read_titles(docstring_markdown(doc, page), titles)
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
            # Remarks for known wrong values, in the file's order (a list: a JavaScript
            # object would put keys such as "3" first).
            entry["feedback"] = [{"value": v, "text": t} for v, t in q.feedback.items()]
        if q.type == "expression":
            entry["variables"] = list(q.variables)
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
                f'value="{value}"> <span class="quiz-text">{label}</span></label>'
            )
    elif q.type in ("single_choice", "multiple_choice"):
        kind = "radio" if q.type == "single_choice" else "checkbox"
        if kind == "checkbox":
            parts.append('<p class="quiz-note">Choose every answer that applies.</p>')
        for letter, choice in zip(q.letters, q.choices, strict=True):
            parts.append(
                f'<label class="quiz-choice"><input type="{kind}" name="{name}" '
                f'value="{letter}"> <span class="quiz-letter">({letter})</span> '
                f'<span class="quiz-text">{html.escape(choice)}</span></label>'
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
        'Try again</button> <button type="button" class="md-button quiz-show" hidden>'
        "Show the answer</button></div>",
        '<div class="quiz-feedback" aria-live="polite" hidden></div>',
        '<div class="quiz-answer" tabindex="-1" hidden></div>',
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

<p class="quiz-rules"><strong>How this page scores:</strong> only your first answer to each
question counts. After a wrong answer you may try again, for practice, or show the answer; the
answer and its explanation appear once you have it right or ask for it. <em>Start again</em>
clears every answer and the score, for a fresh attempt.</p>

<div class="course-quiz" data-quiz="{data}" data-lesson="{lesson.id}" data-command="[[exercise:{
        item.id
    }:command]]">
{questions}
<div class="quiz-summary" aria-live="polite"><p class="quiz-score">Score: 0 of {
        item.points:g} points (0 of {len(quiz.questions)} questions answered).</p>
<button type="button" class="md-button quiz-reset">Start again</button></div>
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
        raise PageError("README.md should open with two ```bash commands")
    return "\n\n".join(f"{intro}\n\n```bash\n{command}\n```" for intro, command in found[:2])


def generated_pages(lessons: dict, docs_dir: Path) -> dict[str, str]:
    """Every generated page's Markdown, by path relative to docs_dir."""
    from grader.quiz.model import QuizError, load_quiz, quiz_path

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
                raise PageError(f"The quiz of {item.id} cannot be read: {exc}") from exc
            pages[f"{folder}/quiz.md"] = render_quiz(lesson, item, quiz)
        pages[f"{folder}/homework.md"] = render_homework(lesson)
        upcoming = lesson.meta.get("next")
        if isinstance(upcoming, dict) and upcoming.get("id") not in ids:
            pages[f"{next_folder(lesson)}/index.md"] = render_coming(lesson, ids)
    return pages
