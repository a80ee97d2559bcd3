"""``course hint``: an exercise's hints from its manifest, one more each time, recorded.

Hints are listed in the manifest from gentle to specific. A hint can point to a part of the
lesson with ``(see #anchor)``, an anchor of the lesson page; it is shown as the path a
learner can open, ``lessons/<lesson folder>/index.md#anchor``, as for a check's section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from grader.catalog import Exercise, Lesson
from grader.learner.store import Store

SEE = re.compile(r"\(see #([A-Za-z0-9][A-Za-z0-9_-]*)\)")


def anchors(text: str) -> list[str]:
    """The lesson anchors a hint points to."""
    return SEE.findall(text)


def render(text: str, lesson: Lesson) -> str:
    """A hint as the learner reads it: each ``(see #anchor)`` becomes a path to open."""
    return SEE.sub(lambda m: f"(see {lesson.section_ref(m.group(1))})", text)


@dataclass(frozen=True)
class Shown:
    number: int  # the hint just shown, from 1
    total: int
    new: bool  # False when every hint had been seen already
    hints: tuple[str, ...]  # every hint seen so far, rendered, in order


def next_hint(store: Store, exercise: Exercise, lesson: Lesson, passed: bool) -> Shown:
    """Show the next hint not seen yet (or, once all are seen, all of them again) and
    record it."""
    total = len(exercise.hints)
    seen = store.help_seen().get(exercise.id, (0, False))[0]
    number = min(seen + 1, total)
    new = seen < total
    if new:
        store.record_help(exercise.id, "hint", number, passed_before=passed)
    hints = tuple(render(h, lesson) for h in exercise.hints[:number])
    return Shown(number, total, new, hints)


def lines(shown: Shown, exercise: Exercise, lesson: Lesson) -> list[str]:
    """What ``course hint`` prints: the hints seen so far (the new one last), where to
    read, and what else can help."""
    from grader.text.term import style, wrap

    out = [style(f"Hints for {exercise.short}", bold=True), ""]
    for number, text in enumerate(shown.hints, start=1):
        latest = number == shown.number
        label = f"Hint {number} of {shown.total}" + (" (new)" if latest and shown.new else "")
        out.append("  " + style(label + ":", "cyan" if latest else None, bold=latest))
        out += wrap(text, "    ", dim=not latest)
        out.append("")
    out.append(f"Read: {style(lesson.section_ref(exercise.section), 'cyan')}")
    if shown.number < shown.total:
        out.append(
            f"Still stuck after trying it? 'course hint {exercise.id}' again gives hint "
            f"{shown.number + 1} of {shown.total}."
        )
    else:
        if not shown.new:
            out.append("You have seen every hint of this exercise.")
        out.append(
            f"Still stuck? 'course solution {exercise.id}' shows the reference solution; "
            "it asks first if you have not passed the exercise yet."
        )
    return out
