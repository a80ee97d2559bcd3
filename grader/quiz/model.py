"""A lesson's quiz file: its questions, loaded and validated.

One TOML file per lesson (``lessons/<lesson>/quiz.toml``, format in docs/quiz-format.md)
holds every question with its choices, answer and explanation; the site renders it and
``course quiz`` asks it. No click and no rich in this package; SymPy, NumPy and pytest are
imported only where needed.
"""

from __future__ import annotations

import re
import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.text.term import shorten

TYPES = ("true_false", "single_choice", "multiple_choice", "numeric", "expression")
CONDITIONS = ("depends_on", "denominator_depends_on", "limit", "equals")
QUIZ_FILE = "quiz.toml"  # in the lesson folder, next to lesson.toml
MAX_EXPRESSION = 300  # characters of a typed expression
MAX_NODES = 120  # syntax-tree nodes of a typed expression
MAX_EXPONENT = 20  # |n| in x**n: keeps expansion quick
MAX_DEGREE = 60  # the degree in each variable once multiplied out
MAX_TERMS = 300  # terms of a numerator or denominator once multiplied out
MAX_INTEGER = 10**15
MAX_ANSWERS_FILE = 100_000  # bytes
CHECK_SECONDS = 10.0  # wall time for the symbolic checks of one answer
_ID = re.compile(r"^[a-z][a-z0-9-]*$")
_LETTERS = string.ascii_lowercase


class QuizError(ValueError):
    """A quiz file is missing, unreadable or breaks the format; the message says where."""


class AnswerError(ValueError):
    """Typed text cannot be read as an answer to this question; the message says why."""


class ExpressionError(AnswerError):
    """Typed text is not an expression the checker accepts (syntax, names, size)."""


# --- the quiz file ----------------------------------------------------------------------


@dataclass(frozen=True)
class Condition:
    check: str  # one of CONDITIONS
    message: str  # shown when the condition fails; may use {answer}, {simplified}, {limit}
    symbol: str = ""
    at: str = "0"
    equals: str = ""


@dataclass(frozen=True)
class Question:
    number: int  # 1-based position in the file
    id: str  # stable key in the answers file
    type: str
    title: str
    prompt: str
    explanation: str
    answer: Any  # bool | "b" | ("a", "c") | float | expression text
    choices: tuple[str, ...] = ()
    feedback: Mapping[str, str] = field(default_factory=dict)
    tolerance: float = 0.0
    relative_tolerance: float = 0.0
    variables: tuple[str, ...] = ()
    functions: tuple[str, ...] = ()
    conditions: tuple[Condition, ...] = ()
    section: str = ""
    points: float = 1.0

    @property
    def name(self) -> str:
        """The check's name in a grading report: ``q8_central_difference``."""
        return f"q{self.number}_{self.id.replace('-', '_')}"

    @property
    def letters(self) -> str:
        return _LETTERS[: len(self.choices)]

    def answer_text(self) -> str:
        """The reference answer as a learner would type it."""
        return show_value(self, self.answer)


@dataclass(frozen=True)
class Quiz:
    id: str  # the manifest item, e.g. 1.2.39.quiz
    path: Path
    intro: str
    questions: tuple[Question, ...]

    def question(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(question_id)


def quiz_path(exercise) -> Path:
    """Where the quiz of a manifest item of kind ``quiz`` lives: its lesson folder."""
    manifests = sorted(exercise.root.glob(f"lessons/{exercise.lesson_id}-*/lesson.toml"))
    if not manifests:
        raise QuizError(f"no lesson folder for {exercise.lesson_id} under lessons/")
    return manifests[0].parent / QUIZ_FILE


def load_quiz(path: Path, quiz_id: str | None = None) -> Quiz:
    """Read and validate a quiz file; :class:`QuizError` names the first problem."""
    where = str(path)
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise QuizError(f"{where}: the quiz file does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise QuizError(f"{where}: not valid TOML: {exc}") from None
    _only(data, {"quiz", "questions"}, where)
    head = _field(data, "quiz", dict, where)
    _only(head, {"id", "intro"}, f"{where} [quiz]")
    found_id = _field(head, "id", str, f"{where} [quiz]")
    if quiz_id is not None and found_id != quiz_id:
        raise QuizError(
            f"{where}: [quiz] id is {found_id!r}, but the manifest calls it {quiz_id!r}"
        )
    tables = _field(data, "questions", list, where)
    if not tables:
        raise QuizError(f"{where}: the quiz has no [[questions]]")
    questions = tuple(_question(t, i + 1, where) for i, t in enumerate(tables))
    ids = [q.id for q in questions]
    if len(set(ids)) != len(ids):
        raise QuizError(f"{where}: question ids repeat")
    return Quiz(found_id, Path(path), flow(_field(head, "intro", str, where, "")), questions)


def _only(table: dict, allowed: set[str], where: str) -> None:
    extra = set(table) - allowed
    if extra:
        raise QuizError(f"{where}: unknown field(s) {sorted(extra)}")


def _field(table: dict, key: str, kind: type | tuple, where: str, default: Any = ...) -> Any:
    if key not in table:
        if default is not ...:
            return default
        raise QuizError(f"{where}: missing field '{key}'")
    value = table[key]
    bad_bool = isinstance(value, bool) and bool not in (
        kind if isinstance(kind, tuple) else (kind,)
    )
    if not isinstance(value, kind) or bad_bool:
        raise QuizError(f"{where}: field '{key}' has the wrong type ({value!r})")
    return value


def _text(table: dict, key: str, where: str, default: Any = ...) -> str:
    value = _field(table, key, str, where, default)
    if default is ... and not value.strip():
        raise QuizError(f"{where}: field '{key}' is empty")
    return flow(value)


def flow(text: str) -> str:
    """Re-flow text written over several lines in TOML: lines of one paragraph are joined
    with spaces, paragraphs (separated by a blank line) are kept apart."""
    paragraphs = re.split(r"\n\s*\n", text.strip())
    return "\n\n".join(" ".join(p.split()) for p in paragraphs if p.strip())


_COMMON = {"id", "type", "title", "prompt", "explanation", "answer", "section", "points"}
_EXTRA = {
    "true_false": set(),
    "single_choice": {"choices", "feedback"},
    "multiple_choice": {"choices", "feedback"},
    "numeric": {"tolerance", "relative_tolerance", "feedback"},
    "expression": {"variables", "functions", "conditions"},
}


def _question(table: Any, number: int, where: str) -> Question:
    where = f"{where}, question {number}"
    if not isinstance(table, dict):
        raise QuizError(f"{where}: each [[questions]] entry must be a table")
    kind = _field(table, "type", str, where)
    if kind not in TYPES:
        raise QuizError(f"{where}: type must be one of {', '.join(TYPES)}, not {kind!r}")
    _only(table, _COMMON | _EXTRA[kind], where)
    qid = _field(table, "id", str, where)
    if not _ID.match(qid):
        raise QuizError(f"{where}: id {qid!r} should be lower-case letters, digits and '-'")
    where = f"{where} ({qid})"
    points = _field(table, "points", (int, float), where, 1)
    if not points > 0:
        raise QuizError(f"{where}: points must be positive")
    prompt = _text(table, "prompt", where)
    common = dict(
        number=number,
        id=qid,
        type=kind,
        prompt=prompt,
        title=_text(table, "title", where, "") or shorten(prompt, 70),
        explanation=_text(table, "explanation", where),
        section=_text(table, "section", where, ""),
        points=float(points),
    )
    if "answer" not in table:
        raise QuizError(f"{where}: missing field 'answer'")
    answer = table["answer"]
    if kind == "true_false":
        if not isinstance(answer, bool):
            raise QuizError(f"{where}: the answer must be true or false")
        return Question(answer=answer, **common)
    if kind in ("single_choice", "multiple_choice"):
        choices = _field(table, "choices", list, where)
        if not 2 <= len(choices) <= len(_LETTERS) or not all(
            isinstance(c, str) and c.strip() for c in choices
        ):
            raise QuizError(f"{where}: give between 2 and 26 choices, each a non-empty text")
        letters = _LETTERS[: len(choices)]
        if kind == "single_choice":
            if not (isinstance(answer, str) and len(answer) == 1 and answer in letters):
                raise QuizError(f"{where}: the answer must be one letter from {letters}")
        else:
            if (
                not isinstance(answer, list)
                or not answer
                or not all(isinstance(a, str) and len(a) == 1 and a in letters for a in answer)
                or len(set(answer)) != len(answer)
            ):
                raise QuizError(
                    f"{where}: the answer must be a list of distinct letters from {letters}"
                )
            answer = tuple(sorted(answer))
        feedback = _field(table, "feedback", dict, where, {})
        for letter, text in feedback.items():
            if letter not in letters or not isinstance(text, str) or not text.strip():
                raise QuizError(f"{where}: feedback keys are choice letters, values texts")
        return Question(
            answer=answer,
            choices=tuple(flow(c) for c in choices),
            feedback={k: flow(v) for k, v in feedback.items()},
            **common,
        )
    if kind == "numeric":
        if isinstance(answer, bool) or not isinstance(answer, (int, float)):
            raise QuizError(f"{where}: the answer must be a number")
        tol = _field(table, "tolerance", (int, float), where, 0.0)
        rtol = _field(table, "relative_tolerance", (int, float), where, 0.0)
        if tol < 0 or rtol < 0 or not (tol > 0 or rtol > 0):
            raise QuizError(
                f"{where}: give a positive 'tolerance' (absolute) or 'relative_tolerance', or both"
            )
        return Question(
            answer=float(answer),
            tolerance=float(tol),
            relative_tolerance=float(rtol),
            feedback=_numeric_feedback(_field(table, "feedback", dict, where, {}), where),
            **common,
        )
    # expression
    if not isinstance(answer, str) or not answer.strip():
        raise QuizError(f"{where}: the answer must be an expression, as text")
    variables = _field(table, "variables", list, where)
    if not variables or not all(isinstance(v, str) and v.isidentifier() for v in variables):
        raise QuizError(f"{where}: variables must be a list of names such as ['x', 'h']")
    functions = _field(table, "functions", list, where, [])
    if functions:
        # The terminal and the site check expressions with one exact definition, for
        # rational functions of the variables (grader/quiz/expressions.py, quiz.js).
        raise QuizError(
            f"{where}: 'functions' is not supported: answers are checked exactly as "
            "rational functions of the variables, on the site and in the terminal alike"
        )
    conditions = tuple(
        _condition(c, variables, f"{where}, condition {i + 1}")
        for i, c in enumerate(_field(table, "conditions", list, where))
    )
    if not conditions:
        raise QuizError(f"{where}: an expression question needs [[questions.conditions]]")
    return Question(
        answer=answer.strip(),
        variables=tuple(variables),
        functions=tuple(functions),
        conditions=conditions,
        **common,
    )


def _numeric_feedback(table: dict, where: str) -> dict[str, str]:
    """A numeric question's remarks for known wrong values: keys are numbers written as
    text ("3.31"), each value what that number usually means (a common slip)."""
    for value, text in table.items():
        try:
            float(value)
        except ValueError:
            raise QuizError(
                f"{where}: numeric feedback keys are numbers as text, not {value!r}"
            ) from None
        if not isinstance(text, str) or not text.strip():
            raise QuizError(f"{where}: numeric feedback values are texts")
    return {k: flow(v) for k, v in table.items()}


def _condition(table: Any, variables: list[str], where: str) -> Condition:
    if not isinstance(table, dict):
        raise QuizError(f"{where}: each condition must be a table")
    _only(table, {"check", "symbol", "at", "equals", "message"}, where)
    check = _field(table, "check", str, where)
    if check not in CONDITIONS:
        raise QuizError(f"{where}: check must be one of {', '.join(CONDITIONS)}")
    symbol = _field(table, "symbol", str, where, "")
    if check != "equals" and symbol not in variables:
        raise QuizError(f"{where}: '{check}' needs a symbol, one of {variables}")
    equals = _field(table, "equals", str, where, "")
    if check in ("limit", "equals") and not equals.strip():
        raise QuizError(f"{where}: '{check}' needs 'equals', an expression")
    at = _field(table, "at", str, where, "0")
    try:
        float(at)
    except ValueError:
        raise QuizError(f"{where}: 'at' must be a number, as text, such as \"0\"") from None
    return Condition(check, _text(table, "message", where), symbol, at, equals)


def show_value(question: Question, value: Any) -> str:
    """An answer value as text, e.g. ``false``, ``b``, ``a, c``, ``3.01``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:.12g}"
    return str(value)
