"""A learner's graded attempts and kept copies: recording a grading run, listing every
item's status (``course list``), and one exercise's history (``course history``)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

from grader.catalog import Catalog, Exercise
from grader.learner.store import Store, StoreError, open_store


def record(
    root: Path, results: list, sources: dict[str, bytes], warn: Callable[[str], None]
) -> str | None:
    """Record each graded result with the bytes of the file graded; if the store refuses,
    what to tell the learner (the grade itself stands)."""
    try:
        store = open_store(root, warn=warn)
        try:
            for result in results:
                store.record(result, sources.get(result.exercise.id))
        finally:
            store.close()
    except StoreError as exc:
        return f"{exc} This attempt was graded but not recorded."
    return None


def item_rows(cat: Catalog, store: Store) -> list[dict]:
    """One row per item of the course, in order, with the learner's status and best score."""
    best = store.best()
    rows = []
    for ex in cat.exercises:
        score, attempts, passed = best.get(ex.id, (None, 0, False))
        status = "passed" if passed else ("attempted" if attempts else "not started")
        rows.append(
            {
                "id": ex.id,
                "title": ex.title,
                "kind": ex.kind,
                "lesson": ex.lesson_id,
                "difficulty": ex.difficulty,
                "stub": ex.stub,
                "points": ex.points,
                "status": status,
                "best_score": score,
                "attempts": attempts,
            }
        )
    return rows


def item_lines(cat: Catalog, rows: list[dict]) -> list[str]:
    lines = []
    for lesson in cat.lessons:
        lines.append(f"Lesson {lesson.id}  {lesson.title}")
        for row in (r for r in rows if r["lesson"] == lesson.id):
            best_text = f"{row['best_score']:g}/{row['points']:g}" if row["attempts"] else "-"
            lines.append(f"  {row['id']:<18} {row['title']:<48} {row['status']:<12} {best_text}")
    return lines


def _when(stamp: float) -> str:
    return datetime.datetime.fromtimestamp(stamp).strftime("%Y-%m-%d %H:%M:%S")


def history(store: Store, ex: Exercise) -> dict:
    """The exercise's graded attempts and kept copies, as ``course history --json`` prints."""
    return {
        "exercise": ex.id,
        "attempts": [
            {
                "attempt": a.id,
                "graded_at": _when(a.graded_at),
                "score": a.score,
                "max_score": a.max_score,
                "passed": a.passed,
            }
            for a in store.attempts(ex.id)
        ],
        "kept": [
            {"copy": k.id, "kept_at": _when(k.kept_at), "reason": k.reason}
            for k in store.kept(ex.id)
        ],
    }


def history_lines(ex: Exercise, data: dict) -> list[str]:
    lines = [ex.short]
    if not data["attempts"] and not data["kept"]:
        lines.append(f"  Nothing yet: grade it with 'course grade {ex.id}'.")
    for a in data["attempts"]:
        mark = "passed" if a["passed"] else ""
        score = f"{a['score']:g}/{a['max_score']:g}"
        lines.append(f"  attempt {a['attempt']:<5} {a['graded_at']}  {score} {mark}")
    for k in data["kept"]:
        lines.append(f"  copy    {k['copy']:<5} {k['kept_at']}  kept {k['reason']}")
    if data["attempts"]:
        lines.append(f"Bring one back: course restore {ex.id} --attempt N")
    return lines
