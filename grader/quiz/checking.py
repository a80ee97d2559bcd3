"""Checking one answer to one question, and the feedback that explains the outcome."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from grader.quiz.expressions import (
    Expression,
    limit_of,
    parse_expression,
    parse_number,
    rational_text,
    time_limit,
)
from grader.quiz.model import CHECK_SECONDS, AnswerError, Condition, Question, show_value


@dataclass(frozen=True)
class Outcome:
    correct: bool
    answered: bool
    shown: str = ""  # the learner's answer as understood
    message: str = ""  # why it is wrong, or why it could not be read; empty when correct
    feedback: tuple[str, ...] = ()  # per-choice remarks that apply
    readable: bool = True  # False when the stored answer cannot be read at all
    # What gives the answer away: shown with the rest in the terminal, and on the site only
    # once the learner has it right or asks for it ("Show the answer").
    reveal: str = ""
    reveal_notes: tuple[str, ...] = ()


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
    # Remarks for the choices the learner picked wrongly; those for the right choices they
    # missed tell the answer, so they come with it.
    notes = tuple(
        f"({letter}) {question.feedback[letter]}"
        for letter in sorted(picked - right)
        if letter in question.feedback
    )
    missed = sorted(right - picked)
    reveal_notes = tuple(
        f"({letter}) {question.feedback[letter]}"
        for letter in missed
        if letter in question.feedback
    )
    if picked == right:
        return Outcome(True, True, shown)
    if question.type == "single_choice":
        message = f"You chose ({shown}), which is not right."
        reveal = f"The answer is ({question.answer})."
    else:
        extra = sorted(picked - right)
        parts = [
            f"you chose {_and(', '.join(extra))}, which {'is' if len(extra) == 1 else 'are'}"
            " not right"
            if extra
            else "",
            f"you left out {len(missed)} right choice{'s' if len(missed) > 1 else ''}"
            if missed
            else "",
        ]
        message = "Not all of your choices match: " + "; ".join(p for p in parts if p) + "."
        reveal = f"The right choices are {_and(', '.join(question.answer))}."
    return Outcome(False, True, shown, message, notes, reveal=reveal, reveal_notes=reveal_notes)


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
    # A known wrong value names its slip; closeness is worth saying only for a near miss.
    notes = tuple(
        text for value, text in question.feedback.items() if abs(number - float(value)) <= bound
    )
    if error <= 1000 * bound:
        message = f"Your answer {shown} is close, but not within {bound:.3g} of the answer."
    else:
        message = f"Your answer {shown} is not right."
    reveal = f"The answer is {question.answer_text()}; yours is off by {error:.3g}."
    return Outcome(False, True, shown, message, notes, reveal=reveal)


def _check_expression(question: Question, value: Any) -> Outcome:
    if not isinstance(value, str):
        raise AnswerError("The answer should be an expression written as text, in quotes.")
    with time_limit(CHECK_SECONDS):
        expr = parse_expression(value, question.variables)
        shown = " ".join(value.split())  # as typed, spaces tidied
        details: dict[str, str] = {"answer": shown}
        for condition in question.conditions:
            if not _holds(condition, expr, question, details):
                message = _cancelled(condition, value, expr) or _fill(
                    condition.message, expr, details
                )
                reveal = f"One right answer is {question.answer_text()}."
                return Outcome(False, True, shown, message, reveal=reveal)
    return Outcome(True, True, shown)


def _holds(condition: Condition, expr: Expression, question: Question, details: dict) -> bool:
    """One condition, decided exactly (quiz.js decides it the same way)."""
    if condition.check == "depends_on":
        return expr.depends_on(condition.symbol)
    if condition.check == "denominator_depends_on":
        # Whether the learner divided by something that depends on the symbol, as typed.
        return condition.symbol in expr.divides_by
    target = parse_expression(condition.equals, question.variables)
    if condition.check == "limit":
        limit = limit_of(expr, condition.symbol, Fraction(condition.at))
        details["limit"] = "infinity" if limit is None else rational_text(limit, expr.variables)
        return limit is not None and limit.equals(target.value)
    return expr.value.equals(target.value)


def _cancelled(condition: Condition, typed: str, expr: Expression) -> str:
    """For a failed ``depends_on``: if the learner did write the symbol and it cancelled
    (``4*x*h/(2*h)`` is 2*x), say so; the question's own message would claim it is absent."""
    if condition.check != "depends_on" or not re.search(
        rf"(?<![A-Za-z0-9_]){condition.symbol}(?![A-Za-z0-9_])", typed
    ):
        return ""
    shown = " ".join(typed.split())
    return (
        f"Your expression, {shown}, simplifies to {expr.text()}: the {condition.symbol} you "
        f"wrote cancels out, so as a whole it does not depend on {condition.symbol}. Write "
        "what a program computes step by step, before any simplification by hand."
    )


def _fill(message: str, expr: Expression, details: dict) -> str:
    details = {**details, "simplified": expr.text()}
    for key in ("answer", "limit", "simplified"):
        if key in details:
            message = message.replace("{" + key + "}", details[key])
    return message


def feedback_text(question: Question, outcome: Outcome) -> str:
    """Everything a learner should read after answering: verdict reason, the answer and the
    explanation."""
    parts = (
        []
        if outcome.correct
        else [outcome.message, *outcome.feedback, outcome.reveal, *outcome.reveal_notes]
    )
    parts.append(question.explanation)
    return "\n".join(p for p in parts if p)
