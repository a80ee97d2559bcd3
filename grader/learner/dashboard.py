"""What ``course`` (the dashboard) and ``course progress`` print, from :mod:`.progress`.

Lines of text, styled only on a terminal (see :mod:`grader.text.term`), so that the same
functions serve a learner's terminal, a log and the tests.
"""

from __future__ import annotations

import sys

from grader.learner.progress import CourseProgress, ItemProgress, LessonProgress
from grader.text.term import is_terminal, shorten, style

BAR_CELLS = 24


def _bar(done: float, total: float) -> str:
    """A progress bar on a terminal; nothing in plain text (the numbers say it all)."""
    if not is_terminal() or total <= 0:
        return ""
    filled = round(BAR_CELLS * done / total)
    unicode = (getattr(sys.stdout, "encoding", "") or "").lower().replace("-", "") == "utf8"
    full, empty = ("\u2501", "\u2500") if unicode else ("#", "-")
    return style(full * filled, "green") + style(empty * (BAR_CELLS - filled), dim=True) + "  "


def _lesson_line(lp: LessonProgress) -> str:
    return (
        style(f"Lesson {lp.lesson.id} {lp.lesson.title}", bold=True)
        + f"  {_bar(lp.score, lp.max_score)}"
        f"{lp.passed} of {len(lp.items)} passed, {lp.score:g}/{lp.max_score:g} points"
    )


def _hint_state(item: ItemProgress) -> str:
    total = len(item.exercise.hints)
    if item.hints_seen >= total:
        return f"all {total} hints seen"
    return f"hint {item.hints_seen + 1} of {total} next"


def _times(item: ItemProgress) -> str:
    return "1 attempt" if item.attempts == 1 else f"{item.attempts} attempts"


def _tried(item: ItemProgress) -> str:
    return f"best {item.score_text} after {_times(item)}"


def _item_state(item: ItemProgress) -> str:
    """One item in words, with the command that moves it on."""
    if item.passed:
        return f"passed, {item.score_text} after {_times(item)}"
    if item.attempts:
        return f"{_tried(item)}: {item.command}"
    verb = "not taken yet" if item.exercise.kind == "quiz" else "not started"
    return f"{verb}: {item.command}"


def _homework(lp: LessonProgress) -> list[str]:
    """The lesson's homework checklist, which ticks itself."""
    return [style(f"Homework of lesson {lp.lesson.id}", bold=True), *_checklist(lp), ""]


def _checklist(lp: LessonProgress) -> list[str]:
    lines = []
    for entry in lp.homework:
        box = style("[x]", "green") if entry.done else "[ ]"
        count = f" ({entry.count_text})" if len(entry.items) > 1 else ""
        lines.append(f"  {box} {entry.text}{count}")
    return lines


def render_dashboard(progress: CourseProgress) -> list[str]:
    """``course`` alone: where you are, what to do next and how, and how far you have come."""
    lines = []
    total = len(progress.items)
    passed = sum(i.passed for i in progress.items)
    if len(progress.lessons) > 1:
        lines.append(
            style("Course progress", bold=True)
            + f": {passed} of {total} passed, {progress.score:g}/{progress.max_score:g} points"
        )
        lines += ["  " + _lesson_line(lp) for lp in progress.lessons]
        lines.append("")
    following = progress.next
    current = progress.lesson_of(following or progress.items[-1])
    if len(progress.lessons) == 1:
        lines += [_lesson_line(current), ""]
    if progress.last is None:
        lines += [
            "Welcome! Start by reading the lesson, then work through the exercises in order.",
            "The lesson reads best on the course site, with its math and plots:",
            "  course site serve   (then open http://127.0.0.1:8000/)",
            "",
        ]
    elif following is not None and progress.last == following:
        lines += [f"You are working on {following.exercise.id}: {_tried(following)}.", ""]
    else:
        last = progress.last
        lines += [f"Last graded: {last.exercise.short}: {_item_state(last)}.", ""]
    if following is None:
        lines += [style("Everything is passed. Well done!", "green", bold=True), ""]
    else:
        lines += _next_block(following, current) + [""]
    lines += _special_items(current)
    lines += _homework(current)
    lines.append("More: course progress | course list | course --help")
    return lines


def _next_block(item: ItemProgress, lp: LessonProgress) -> list[str]:
    ex = item.exercise
    lines = [style(f"Next: {ex.short}", bold=True)]
    lines.append(f"  read    {style(lp.lesson.section_ref(ex.section), 'cyan')}")
    if ex.kind == "quiz":
        lines.append(f"  take    {style(item.command, bold=True)}")
    else:
        lines.append(f"  edit    {ex.stub}")
        lines.append(f"  grade   {style(item.command, bold=True)}")
        lines.append(f"  watch   course watch {ex.id}   (regrades each time you save)")
    lines.append(f"  stuck?  course hint {ex.id}   ({_hint_state(item)})")
    return lines


def _special_items(lp: LessonProgress) -> list[str]:
    lines = []
    for kind, label in (("quiz", "Quiz"), ("project", "Project")):
        for item in lp.of_kind(kind):
            title = item.exercise.title.removeprefix(f"{label}: ")
            lines.append(f"{label + ':':<9}{title}: {_item_state(item)}")
    return lines + [""] if lines else []


def render_progress(progress: CourseProgress) -> list[str]:
    """``course progress``: every item of every lesson, then the quiz, the project and
    the homework checklist."""
    lines = []
    for lp in progress.lessons:
        lines.append(_lesson_line(lp))
        width = max(len(i.exercise.id) for i in lp.items)
        lines.append(
            style(
                f"  {'item':<{width}}  {'title':<42}  {'best':>7}  {'tries':>5}  {'hints':>5}  "
                "status",
                dim=True,
            )
        )
        for item in lp.items:
            status = {"passed": style("passed", "green"), "attempted": "attempted"}.get(
                item.status, style("not started", dim=True)
            )
            if item.solution_seen:
                status += ", solution seen"
            lines.append(
                f"  {item.exercise.id:<{width}}  {shorten(item.exercise.title, 42):<42}  "
                f"{item.score_text:>7}  {item.attempts:>5}  "
                f"{f'{item.hints_seen}/{len(item.exercise.hints)}':>5}  {status}"
            )
        lines.append("")
        lines += _special_items(lp)
        lines += _homework(lp)
    following = progress.next
    if following is not None:
        lines.append(f"Next: {following.exercise.short}: {following.command}")
    else:
        lines.append("Everything is passed. Well done!")
    return lines
