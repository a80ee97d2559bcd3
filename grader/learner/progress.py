"""Where a learner stands: per item, per lesson, and what to do next.

Everything here is derived from the catalogue (the lesson manifests) and the learner's
store; nothing is kept twice. The homework checklist of a lesson is derived from the kinds
of its items: all exercises, each project, the quiz. Rendering lives in
:mod:`grader.learner.dashboard`; this module only computes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from grader.catalog import Catalog, Exercise, Lesson
from grader.learner.store import Store


@dataclass(frozen=True)
class ItemProgress:
    exercise: Exercise
    best_score: float | None  # None before the first attempt
    attempts: int
    passed: bool
    hints_seen: int
    solution_seen: bool

    @property
    def status(self) -> str:
        if self.passed:
            return "passed"
        return "attempted" if self.attempts else "not started"

    @property
    def command(self) -> str:
        return self.exercise.command

    @property
    def score_text(self) -> str:
        if not self.attempts:
            return "-"
        return f"{self.best_score:g}/{self.exercise.points:g}"

    def to_dict(self) -> dict:
        ex = self.exercise
        return {
            "id": ex.id,
            "title": ex.title,
            "kind": ex.kind,
            "stub": ex.stub,
            "status": self.status,
            "passed": self.passed,
            "best_score": self.best_score,
            "max_score": ex.points,
            "attempts": self.attempts,
            "hints_seen": self.hints_seen,
            "hints_total": len(ex.hints),
            "solution_seen": self.solution_seen,
            "command": self.command,
        }


@dataclass(frozen=True)
class HomeworkItem:
    text: str
    items: tuple[ItemProgress, ...]

    @property
    def done(self) -> bool:
        return all(i.passed for i in self.items)

    @property
    def count_text(self) -> str:
        return f"{sum(i.passed for i in self.items)} of {len(self.items)} passed"

    def to_dict(self) -> dict:
        return {
            "text": self.text,
            "done": self.done,
            "items": [i.exercise.id for i in self.items],
            "passed": sum(i.passed for i in self.items),
        }


@dataclass(frozen=True)
class LessonProgress:
    lesson: Lesson
    items: tuple[ItemProgress, ...]

    @property
    def score(self) -> float:
        return round(sum(i.best_score or 0.0 for i in self.items), 2)

    @property
    def max_score(self) -> float:
        return sum(i.exercise.points for i in self.items)

    @property
    def passed(self) -> int:
        return sum(i.passed for i in self.items)

    def of_kind(self, kind: str) -> list[ItemProgress]:
        return [i for i in self.items if i.exercise.kind == kind]

    @property
    def homework(self) -> tuple[HomeworkItem, ...]:
        """The lesson's checklist, derived from its manifest: every exercise, then each
        project, then each quiz; an entry ticks itself when its items are passed."""
        entries = []
        exercises = self.of_kind("exercise")
        if exercises:
            entries.append(HomeworkItem(f"Complete exercises {_id_range(exercises)}", exercises))
        for item in self.of_kind("project"):
            entries.append(HomeworkItem(f"Implement the project: {item.exercise.title}", (item,)))
        for item in self.of_kind("quiz"):
            title = item.exercise.title.removeprefix("Quiz: ")
            entries.append(HomeworkItem(f"Pass the quiz: {title}", (item,)))
        return tuple(entries)

    def to_dict(self) -> dict:
        def first(kind: str) -> dict | None:
            found = self.of_kind(kind)
            return found[0].to_dict() if found else None

        return {
            "id": self.lesson.id,
            "title": self.lesson.title,
            "page": self.lesson.section_ref("").rstrip("/") + "/" + Path(self.lesson.page).name,
            "score": self.score,
            "max_score": self.max_score,
            "passed": self.passed,
            "total": len(self.items),
            "items": [i.to_dict() for i in self.items],
            "quiz": first("quiz"),
            "project": first("project"),
            "homework": [h.to_dict() for h in self.homework],
        }


def _id_range(items: list[ItemProgress]) -> str:
    """1.2.39.1 ... 1.2.39.9 -> "1.2.39.1-9"; anything irregular is listed."""
    ids = [i.exercise.id for i in items]
    if len(ids) == 1:
        return ids[0]
    prefix, _, first = ids[0].rpartition(".")
    tails = [i.rpartition(".")[2] for i in ids]
    same_prefix = all(i.rpartition(".")[0] == prefix for i in ids)
    if same_prefix and all(t.isdigit() for t in tails):
        numbers = [int(t) for t in tails]
        if numbers == list(range(numbers[0], numbers[0] + len(numbers))):
            return f"{ids[0]}-{tails[-1]}"
    return ", ".join(ids)


@dataclass(frozen=True)
class CourseProgress:
    lessons: tuple[LessonProgress, ...]
    last: ItemProgress | None  # the item graded most recently

    @property
    def items(self) -> list[ItemProgress]:
        return [i for lesson in self.lessons for i in lesson.items]

    def item(self, exercise_id: str) -> ItemProgress:
        return next(i for i in self.items if i.exercise.id == exercise_id)

    def lesson_of(self, item: ItemProgress) -> LessonProgress:
        return next(lp for lp in self.lessons if item in lp.items)

    @property
    def next(self) -> ItemProgress | None:
        """What to work on: the item last graded while it is not passed, else the first
        item not passed after it, else the first item not passed at all."""
        return self.next_after(self.last.exercise.id if self.last else None, stay=True)

    def next_after(
        self, exercise_id: str | None, *, stay: bool = False, kinds: tuple[str, ...] = ()
    ) -> ItemProgress | None:
        """The first item not passed after ``exercise_id`` in course order (wrapping round
        to the start), or that item itself when ``stay`` and it is not passed. ``kinds``
        limits the search to those kinds of item."""
        items = [i for i in self.items if not kinds or i.exercise.kind in kinds]
        ids = [i.exercise.id for i in items]
        start = ids.index(exercise_id) if exercise_id in ids else -1
        if stay and start >= 0 and not items[start].passed:
            return items[start]
        ordered = items[start + 1 :] + items[: start + 1]
        return next((i for i in ordered if not i.passed), None)

    @property
    def score(self) -> float:
        return round(sum(lp.score for lp in self.lessons), 2)

    @property
    def max_score(self) -> float:
        return sum(lp.max_score for lp in self.lessons)

    def to_dict(self) -> dict:
        following = self.next
        return {
            "score": self.score,
            "max_score": self.max_score,
            "passed": sum(lp.passed for lp in self.lessons),
            "total": len(self.items),
            "last_graded": self.last.exercise.id if self.last else None,
            "next": (
                {"id": following.exercise.id, "command": following.command} if following else None
            ),
            "lessons": [lp.to_dict() for lp in self.lessons],
        }


def collect(catalog: Catalog, store: Store) -> CourseProgress:
    """The learner's progress through every lesson of ``catalog``."""
    best = store.best()
    helped = store.help_seen()
    lessons = []
    for lesson in catalog.lessons:
        items = []
        for ex in lesson.exercises:
            score, attempts, passed = best.get(ex.id, (None, 0, False))
            hints, solution = helped.get(ex.id, (0, False))
            items.append(ItemProgress(ex, score, attempts, passed, hints, solution))
        lessons.append(LessonProgress(lesson, tuple(items)))
    progress = CourseProgress(tuple(lessons), None)
    last_id = store.last_graded()
    last = next((i for i in progress.items if i.exercise.id == last_id), None)
    return CourseProgress(progress.lessons, last)
