"""Quizzes: load and validate a lesson's quiz file, read and check answers.

One TOML file per lesson (``lessons/<lesson>/quiz.toml``, format in docs/quiz-format.md)
holds every question with its choices, answer and explanation; the site renders it and
``course quiz`` asks it. A learner's answers live in a small TOML file under exercises/
that the hidden suite parses with :mod:`tomllib` and checks with :func:`check_answer`:
nothing a learner types is ever executed. Expressions are read with :mod:`ast` against an
allow-list and turned into SymPy objects node by node (never ``eval``, ``sympify`` or
``parse_expr`` on learner text).

No click and no rich here; SymPy, NumPy and pytest are imported only where needed.
"""

from __future__ import annotations

import ast
import json
import math
import re
import signal
import string
import threading
import tomllib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TYPES = ("true_false", "single_choice", "multiple_choice", "numeric", "expression")
CONDITIONS = ("depends_on", "denominator_depends_on", "limit", "equals")
QUIZ_FILE = "quiz.toml"  # in the lesson folder, next to lesson.toml
MAX_EXPRESSION = 300  # characters of a typed expression
MAX_NODES = 120  # syntax-tree nodes of a typed expression
MAX_EXPONENT = 20  # |n| in x**n: keeps expansion and simplification quick
MAX_INTEGER = 10**15
MAX_ANSWERS_FILE = 100_000  # bytes
CHECK_SECONDS = 10.0  # wall time for the symbolic checks of one answer
_ID = re.compile(r"^[a-z][a-z0-9-]*$")
_LETTERS = string.ascii_lowercase

# Functions a question may allow in expressions (``functions = ["sin"]``), by SymPy name.
FUNCTIONS = {
    "sin": "sin",
    "cos": "cos",
    "tan": "tan",
    "exp": "exp",
    "log": "log",
    "sqrt": "sqrt",
    "abs": "Abs",
    "cbrt": "cbrt",
}


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
        title=_text(table, "title", where, "") or _shorten(prompt),
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
    unknown = [f for f in functions if f not in FUNCTIONS]
    if unknown:
        raise QuizError(f"{where}: unknown function(s) {unknown}; allowed: {sorted(FUNCTIONS)}")
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
    return Condition(check, _text(table, "message", where), symbol, at, equals)


def _shorten(text: str, limit: int = 70) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 3].rstrip() + "..."


# --- safe expressions ---------------------------------------------------------------------

_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_ALLOWED_TEXT = "numbers, + - * / ** and parentheses"


def _allowed(variables: tuple[str, ...], functions: tuple[str, ...]) -> str:
    names = " and ".join(", ".join(variables).rsplit(", ", 1)) if variables else ""
    parts = [
        f"the names {names}" if len(variables) > 1 else (f"the name {names}" if variables else ""),
        _ALLOWED_TEXT,
    ]
    if functions:
        parts.append("the functions " + ", ".join(f"{f}(...)" for f in functions))
    return "; ".join(p for p in parts if p)


def parse_expression(
    text: str, variables: tuple[str, ...] = ("x", "h"), functions: tuple[str, ...] = ()
) -> Any:
    """Typed text -> a SymPy expression, or :class:`ExpressionError` with a friendly reason.

    The text is parsed by :func:`ast.parse` only; every node is checked against an
    allow-list and rebuilt with SymPy operations. Nothing is evaluated by Python.
    """
    import sympy

    if not isinstance(text, str):
        raise ExpressionError('An expression answer must be text, such as "2*x + h".')
    source = text.strip()
    if not source:
        raise ExpressionError("The answer is empty: type an expression.")
    if len(source) > MAX_EXPRESSION:
        raise ExpressionError(
            f"That is {len(source)} characters long; an answer here fits in {MAX_EXPRESSION}."
        )
    if "^" in source:
        raise ExpressionError("Write powers with ** in Python syntax: x**2, not x^2.")
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(_syntax_message(source, exc)) from None
    nodes = sum(1 for _ in ast.walk(tree))
    if nodes > MAX_NODES:
        raise ExpressionError(
            "That expression is longer than any answer here needs; write it more simply."
        )
    symbols = {name: sympy.Symbol(name) for name in variables}
    allowed = _allowed(variables, functions)

    def refuse(what: str) -> ExpressionError:
        return ExpressionError(f"{what} cannot be used here. Use only {allowed}.")

    def build(node: ast.AST) -> Any:
        if isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise refuse(f"The value {value!r}")
            if isinstance(value, int):
                if abs(value) > MAX_INTEGER:
                    raise ExpressionError(
                        f"The number {value} is larger than this checker accepts."
                    )
                return sympy.Integer(value)
            if not math.isfinite(value):
                raise ExpressionError("Numbers must be finite.")
            return sympy.Rational(repr(value))  # 0.1 stays exactly 1/10
        if isinstance(node, ast.Name):
            if node.id in symbols:
                return symbols[node.id]
            if node.id in functions:
                raise ExpressionError(f"{node.id} is a function: call it, as in {node.id}(x).")
            raise refuse(f"The name {node.id!r}")
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = build(node.operand)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            left, right = build(node.left), build(node.right)
            if isinstance(node.op, ast.Pow):
                return _power(left, right)
            if isinstance(node.op, ast.Add):
                return left + right
            if isinstance(node.op, ast.Sub):
                return left - right
            if isinstance(node.op, ast.Mult):
                return left * right
            return left / right
        if isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else None
            if name is None or name not in functions:
                shown = name or ast.unparse(node.func)[:40]
                raise refuse(f"The call {shown}(...)")
            if node.keywords or len(node.args) != 1:
                raise ExpressionError(f"{name}(...) takes exactly one argument.")
            return getattr(sympy, FUNCTIONS[name])(build(node.args[0]))
        if isinstance(node, ast.BinOp):
            raise refuse(f"The operator in {ast.unparse(node)[:40]!r}")
        raise refuse(f"{ast.unparse(node)[:40]!r}")

    try:
        with time_limit(CHECK_SECONDS):
            expr = build(tree.body)
    except ExpressionError:
        raise
    except Exception as exc:  # SymPy refused an operation: an answer, not a grader crash
        raise ExpressionError(
            f"That expression could not be read ({type(exc).__name__}); write it in a simpler form."
        ) from None
    if expr.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        raise ExpressionError("That expression divides by zero.")
    return expr


def _power(base: Any, exponent: Any) -> Any:
    import sympy

    if not exponent.is_Number or abs(exponent) > MAX_EXPONENT:
        raise ExpressionError(
            f"Powers must be plain numbers between -{MAX_EXPONENT} and {MAX_EXPONENT}, as in x**2."
        )
    if base.is_Number and base != 0:
        # Bound the size of a number before SymPy computes it: 9**20**20 would never end.
        if abs(float(exponent)) * abs(math.log10(abs(float(base)))) > 300:
            raise ExpressionError("That power is larger than this checker accepts.")
    result = sympy.Pow(base, exponent)
    for power in result.atoms(sympy.Pow):  # (x**20)**20 becomes x**400
        if power.exp.is_Number and abs(power.exp) > MAX_EXPONENT:
            raise ExpressionError(f"Powers must stay between -{MAX_EXPONENT} and {MAX_EXPONENT}.")
    return result


def _syntax_message(source: str, exc: SyntaxError) -> str:
    opened, closed = source.count("("), source.count(")")
    if opened != closed:
        reason = f"the parentheses do not match: {opened} opened and {closed} closed"
    elif re.search(r"\d\s*[A-Za-z_(]|\)\s*[\w(]|[A-Za-z_]\w*\s+[\w(]", source):
        reason = "a multiplication sign seems to be missing: write 2*x, not 2x or 2 x"
    elif re.search(r"[-+*/]\s*$", source):
        reason = "it ends with an operator; something is missing after it"
    else:
        reason = (exc.msg or "invalid syntax").removesuffix(".")
    pointer = ""
    if exc.offset and exc.lineno == 1:
        column = min(max(exc.offset - 1, 0), len(source))
        pointer = f"\n    {source}\n    {' ' * column}^"
    return (
        f"I could not read that as an expression: {reason}.{pointer}\nUse Python "
        "syntax, e.g. (x + h)**2 for a square and 2*h for a product."
    )


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Stop a symbolic computation that runs too long (main thread on POSIX only; else a
    no-op). A learner's answer is small, so this is a guard against crafted input."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable or _timer_depth[0]:  # nested: the outer limit already runs
        yield
        return

    def expire(signum, frame):
        raise ExpressionError("Checking that expression took too long; write it more simply.")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    _timer_depth[0] += 1
    try:
        yield
    finally:
        _timer_depth[0] -= 1
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


_timer_depth = [0]


def parse_number(text: str) -> float:
    """A typed number: ``3.01``, ``1e-5``, or arithmetic on numbers (``(1.331-0.729)/0.2``)."""
    if isinstance(text, bool) or not isinstance(text, (str, int, float)):
        raise AnswerError("The answer should be a number, such as 3.5 or 1e-5.")
    if isinstance(text, (int, float)):
        value = float(text)
    else:
        try:
            value = float(text.strip())
        except ValueError:
            try:
                expr = parse_expression(text, variables=())
            except ExpressionError as exc:
                raise AnswerError(
                    "The answer should be a number, such as 3.5 or 1e-5 "
                    f"(arithmetic on numbers works too). {exc}"
                ) from None
            value = float(expr)
    if not math.isfinite(value):
        raise AnswerError("The answer should be a finite number.")
    return value


# --- answers ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    correct: bool
    answered: bool
    shown: str = ""  # the learner's answer as understood
    message: str = ""  # why it is wrong, or why it could not be read; empty when correct
    feedback: tuple[str, ...] = ()  # per-choice remarks that apply
    readable: bool = True  # False when the stored answer cannot be read at all


def read_typed(question: Question, text: str) -> Any:
    """What a learner typed -> the value stored in the answers file.

    Raises :class:`AnswerError` when the text cannot be an answer to this question (on a
    terminal the learner simply tries again).
    """
    typed = text.strip()
    if question.type == "true_false":
        word = typed.lower()
        if word in ("t", "true"):
            return True
        if word in ("f", "false"):
            return False
        raise AnswerError("Please answer true or false (t or f).")
    if question.type in ("single_choice", "multiple_choice"):
        return _letters(question, typed)
    if question.type == "numeric":
        return parse_number(typed)
    parse_expression(typed, question.variables, question.functions)  # refuse unreadable text
    return typed


def _letters(question: Question, typed: str) -> str | list[str]:
    letters = question.letters
    parts = [p for p in re.split(r"[\s,;]+", typed.lower()) if p]
    if len(parts) == 1 and len(parts[0]) > 1 and parts[0].isalpha():
        parts = list(parts[0])  # "ac" means a and c
    last = letters[-1]
    if not parts or any(len(p) != 1 or p not in letters for p in parts):
        raise AnswerError(f"Please answer with the letters a to {last} of the choices.")
    if question.type == "single_choice":
        if len(parts) != 1:
            raise AnswerError("Exactly one choice is right here: answer with one letter.")
        return parts[0]
    return sorted(set(parts))


def show_value(question: Question, value: Any) -> str:
    """An answer value as text, e.g. ``false``, ``b``, ``a, c``, ``3.01``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:.12g}"
    return str(value)


def check_answer(question: Question, value: Any) -> Outcome:
    """Check one stored answer (a TOML value, or None when the question is unanswered)."""
    if value is None:
        return Outcome(False, False, "", "This question has no answer yet.")
    try:
        if question.type == "true_false":
            return _check_true_false(question, value)
        if question.type in ("single_choice", "multiple_choice"):
            return _check_choice(question, value)
        if question.type == "numeric":
            return _check_numeric(question, value)
        return _check_expression(question, value)
    except AnswerError as exc:
        return Outcome(False, True, _plain(value), str(exc), readable=False)


def _plain(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, default=str)


def _check_true_false(question: Question, value: Any) -> Outcome:
    if isinstance(value, str):
        value = read_typed(question, value)
    if not isinstance(value, bool):
        raise AnswerError("The answer should be true or false.")
    shown = show_value(question, value)
    if value == question.answer:
        return Outcome(True, True, shown)
    return Outcome(False, True, shown, f"The statement is {question.answer_text()}, not {shown}.")


def _check_choice(question: Question, value: Any) -> Outcome:
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        value = ",".join(value)
    if not isinstance(value, str):
        kind = (
            'one letter, such as "b"'
            if question.type == "single_choice"
            else ('a list of letters, such as ["a", "c"]')
        )
        raise AnswerError(f"The answer should be {kind}.")
    chosen = read_typed(question, value)
    picked = {chosen} if isinstance(chosen, str) else set(chosen)
    right = {question.answer} if question.type == "single_choice" else set(question.answer)
    shown = show_value(question, chosen)
    # Remarks for the choices the learner got wrong: picked but wrong, or right but missed.
    wrong = sorted(picked ^ right)
    notes = tuple(
        f"({letter}) {question.feedback[letter]}" for letter in wrong if letter in question.feedback
    )
    if picked == right:
        return Outcome(True, True, shown)
    if question.type == "single_choice":
        message = f"You chose ({shown}); the answer is ({question.answer})."
    else:
        missed = ", ".join(sorted(right - picked))
        extra = ", ".join(sorted(picked - right))
        parts = [
            f"you chose {_and(extra)}, which {'is' if len(picked - right) == 1 else 'are'}"
            " not right"
            if extra
            else "",
            f"you left out {_and(missed)}" if missed else "",
        ]
        message = (
            "Not all of your choices match: "
            + "; ".join(p for p in parts if p)
            + f". The right choices are {_and(', '.join(question.answer))}."
        )
    return Outcome(False, True, shown, message, notes)


def _and(letters: str) -> str:
    items = [f"({x.strip()})" for x in letters.split(",") if x.strip()]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _check_numeric(question: Question, value: Any) -> Outcome:
    number = parse_number(value)
    shown = show_value(question, number)
    error = abs(number - question.answer)
    bound = max(question.tolerance, question.relative_tolerance * abs(question.answer))
    if error <= bound:
        return Outcome(True, True, shown)
    # A known wrong value names its slip; the tolerance is worth saying only for a near miss.
    notes = tuple(
        text for value, text in question.feedback.items() if abs(number - float(value)) <= bound
    )
    near = f" (within {bound:.3g})" if error <= 1000 * bound else ""
    return Outcome(
        False,
        True,
        shown,
        f"Your answer {shown} is off by {error:.3g}; the answer is {question.answer_text()}{near}.",
        notes,
    )


def _check_expression(question: Question, value: Any) -> Outcome:
    import sympy

    if not isinstance(value, str):
        raise AnswerError("The answer should be an expression written as text, in quotes.")
    expr = parse_expression(value, question.variables, question.functions)
    shown = " ".join(value.split())  # as typed: SymPy's own printing reorders terms
    symbols = {name: sympy.Symbol(name) for name in question.variables}
    details: dict[str, Any] = {"answer": shown}
    try:
        with time_limit(CHECK_SECONDS):
            for condition in question.conditions:
                if not _holds(condition, expr, question, symbols, details):
                    return Outcome(False, True, shown, _fill(condition.message, expr, details))
    except ExpressionError:
        raise
    except Exception as exc:  # SymPy could not decide: say so rather than crash the grader
        raise AnswerError(
            f"The checker could not work with {shown} ({type(exc).__name__}); "
            "write it in a simpler form."
        ) from None
    return Outcome(True, True, shown)


def _holds(
    condition: Condition, expr: Any, question: Question, symbols: dict, details: dict
) -> bool:
    import sympy

    symbol = symbols.get(condition.symbol)
    if condition.check == "depends_on":
        return symbol in expr.free_symbols
    if condition.check == "denominator_depends_on":
        _, denominator = sympy.fraction(sympy.together(expr))
        return symbol in denominator.free_symbols
    target = parse_expression(condition.equals, question.variables, question.functions)
    if condition.check == "limit":
        at = parse_expression(condition.at, question.variables, question.functions)
        limit = _limit(expr, symbol, at)
        details["limit"] = str(limit)
        return _same(limit, target)
    return _same(expr, target)


def _limit(expr: Any, symbol: Any, at: Any) -> Any:
    """The limit of ``expr`` as ``symbol`` goes to ``at``. A rational function in lowest
    terms whose denominator does not vanish at a finite point is continuous there, so the
    limit is its value: ten times faster than ``sympy.limit``, which does the rest."""
    import sympy

    if at.is_finite and expr.is_rational_function(symbol):
        numerator, denominator = sympy.fraction(sympy.cancel(sympy.together(expr)))
        if sympy.expand(denominator.subs(symbol, at)) != 0:
            return sympy.expand(numerator.subs(symbol, at) / denominator.subs(symbol, at))
    return sympy.limit(expr, symbol, at)


def _same(a: Any, b: Any) -> bool:
    import sympy

    difference = sympy.cancel(sympy.together(a - b))
    return difference == 0 or sympy.simplify(difference) == 0


def _fill(message: str, expr: Any, details: dict) -> str:
    import sympy

    if "{simplified}" in message:
        details["simplified"] = str(sympy.simplify(expr))
    for key, text in details.items():
        message = message.replace("{" + key + "}", text)
    return message


def feedback_text(question: Question, outcome: Outcome) -> str:
    """Everything a learner should read after answering: verdict reason and explanation."""
    parts = [] if outcome.correct else [outcome.message, *outcome.feedback]
    parts.append(question.explanation)
    return "\n".join(p for p in parts if p)


# --- the answers file -------------------------------------------------------------------


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


# --- the hidden suite -------------------------------------------------------------------


def suite_checks(suite_file: str) -> dict[str, Callable]:
    """Test functions for a quiz's hidden suite, one per question, in question order.

    A suite ``lessons/<lesson folder>/suites/test_quiz.py`` is two lines::

        from grader.quiz.core import suite_checks
        globals().update(suite_checks(__file__))
    """
    import pytest

    from grader import catalog

    suite = Path(suite_file).resolve()
    folder = suite.parents[1]  # <root>/lessons/<lesson folder>/suites/test_quiz.py
    root = suite.parents[3]  # the graded course
    (lesson,) = [x for x in catalog.load(root).lessons if (root / x.folder).resolve() == folder]
    items = [e for e in lesson.exercises if e.kind == "quiz"]
    if len(items) != 1:
        raise QuizError(f"lesson {lesson.id} should list exactly one item of kind 'quiz'")
    exercise = items[0]
    quiz = load_quiz(quiz_path(exercise), exercise.id)
    checks: dict[str, Callable] = {}
    for question in quiz.questions:
        check = _make_check(quiz, question, exercise.stub)
        check = pytest.mark.points(question.points)(check)
        if question.section:
            check = pytest.mark.section(question.section)(check)
        checks[f"test_{question.name}"] = check
    return checks


def _make_check(quiz: Quiz, question: Question, stub: str) -> Callable:
    def check(submission_path: Path) -> None:
        from grader.grading.checks import fail

        try:
            answers, unknown = read_answers(submission_path, quiz)
        except AnswerError as exc:
            fail(str(exc))
        outcome = check_answer(question, answers.get(question.id))
        if outcome.correct:
            return
        if not outcome.answered:
            extra = (
                f" (The file has answers under names no question uses: {', '.join(unknown)}.)"
                if unknown
                else ""
            )
            fail(
                f"Question {question.number} ({question.id}) has no answer yet. Run 'course "
                f"quiz {quiz.id.rsplit('.', 1)[0]}', or write a line '{question.id} = ...' "
                f"under [answers] in {stub}.{extra}"
            )
        verdict = "is not right" if outcome.readable else "cannot be read as an answer"
        fail(
            f"Question {question.number}: your answer {outcome.shown!r} {verdict}. "
            + feedback_text(question, outcome).replace("\n", " ")
        )

    check.__doc__ = f"Question {question.number}: {question.title}"
    check.__name__ = f"test_{question.name}"
    return check
