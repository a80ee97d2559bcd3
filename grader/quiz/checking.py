"""Checking one answer to one question, and the feedback that explains the outcome."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from grader.quiz.expressions import parse_expression, parse_number, time_limit
from grader.quiz.model import (
    CHECK_SECONDS,
    AnswerError,
    Condition,
    ExpressionError,
    Question,
    show_value,
)


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
                    message = _cancelled(condition, value, expr) or _fill(
                        condition.message, expr, details
                    )
                    return Outcome(False, True, shown, message)
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


def _cancelled(condition: Condition, typed: str, expr: Any) -> str:
    """For a failed ``depends_on``: if the learner did write the symbol and it cancelled
    (``4*x*h/(2*h)`` is 2*x), say so; the question's own message would claim it is absent."""
    if condition.check != "depends_on" or not re.search(rf"\b{condition.symbol}\b", typed):
        return ""
    shown = " ".join(typed.split())
    return (
        f"Your expression, {shown}, simplifies to {expr}: the {condition.symbol} you wrote "
        f"cancels out, so as a whole it does not depend on {condition.symbol}. Write what a "
        "program computes step by step, before any simplification by hand."
    )


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
