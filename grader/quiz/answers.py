"""The learner's answers file (``quiz_answers.toml`` under exercises/): read as data with
:mod:`tomllib`, written back by ``course quiz``. Nothing in it is ever executed."""

from __future__ import annotations

import json
import math
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from grader.quiz.model import MAX_ANSWERS_FILE, AnswerError, Quiz


def read_answers(path: Path, quiz: Quiz) -> tuple[dict[str, Any], list[str]]:
    """A learner's answers file -> (answers by question id, unknown keys).

    Raises :class:`AnswerError` with a learner-facing message when the file cannot be read.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise AnswerError(f"Your answers file {path.name} could not be read ({exc}).") from None
    if len(raw) > MAX_ANSWERS_FILE:
        raise AnswerError(
            f"Your answers file is {len(raw)} bytes; a quiz's answers fit in {MAX_ANSWERS_FILE}."
        )
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise AnswerError(
            f"Your answers file is not valid TOML ({exc}). Run 'course quiz "
            f"{quiz.id.rsplit('.', 1)[0]}' to write it again."
        ) from None
    if data.get("quiz", quiz.id) != quiz.id:
        raise AnswerError(f"Your answers file is for the quiz {data.get('quiz')!r}, not {quiz.id}.")
    answers = data.get("answers", {})
    if not isinstance(answers, dict):
        raise AnswerError(
            "In your answers file, [answers] should be a table of question = answer lines."
        )
    known = {q.id for q in quiz.questions}
    return (
        {k: v for k, v in answers.items() if k in known},
        sorted(k for k in answers if k not in known),
    )


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return (
            repr(value)
            if math.isfinite(value)
            else ("nan" if value != value else ("inf" if value > 0 else "-inf"))
        )
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)  # JSON escapes are valid TOML


_FORMATS = {
    "true_false": "true or false",
    "single_choice": "one letter",
    "multiple_choice": "a list of letters",
    "numeric": "a number",
    "expression": "an expression, as text",
}


def render_answers(quiz: Quiz, answers: Mapping[str, Any], lesson_id: str) -> str:
    """The text of an answers file: a comment per question, then its answer (or a
    commented-out line when unanswered). The stub is ``render_answers(quiz, {}, ...)``."""
    lines = [
        f"# Your answers to the quiz of lesson {lesson_id}.",
        f"# 'course quiz {lesson_id}' asks the questions and writes this file; you may also",
        f"# edit it by hand and run 'course grade {quiz.id}'. Formats: true or false;",
        '# one letter such as "b"; a list of letters such as ["a", "c"]; a number;',
        '# an expression as text, such as "(x + h)**2".',
        "",
        f'quiz = "{quiz.id}"',
        "",
        "[answers]",
    ]
    for q in quiz.questions:
        lines.append(f"# {q.number}. {q.title} ({_FORMATS[q.type]})")
        if q.id in answers and answers[q.id] is not None:
            lines.append(f"{q.id} = {_toml_value(answers[q.id])}")
        else:
            lines.append(f"# {q.id} =")
    return "\n".join(lines) + "\n"
