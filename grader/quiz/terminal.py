"""``course quiz``: ask a lesson's quiz in the terminal, then grade and record the answers.

On a terminal each question is asked in turn; an answer that cannot be read (a letter out
of range, an expression with a syntax error) gets a friendly message and another try, and
every answer is checked at once and followed by its explanation. When standard input is
not a terminal, one answer is read per line, as a learner would type it; an unreadable
line counts as a wrong answer and a missing line as no answer.

The answers are then written to the learner's answers file (the previous file is kept in
the store first, so ``course restore`` can bring it back), graded like any submission by
:func:`grader.grading.runner.grade`, and the attempt is recorded in the learner's store, which
keeps every attempt and so the best score.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from grader.catalog import Catalog, Exercise
from grader.quiz.answers import render_answers
from grader.quiz.checking import Outcome, check_answer, feedback_text, read_typed
from grader.quiz.model import AnswerError, Question, Quiz, load_quiz, quiz_path
from grader.text.safe_text import terminal_line  # what was typed or read is shown, never run

HOW_TO_ANSWER = {
    "true_false": "true/false or t/f",
    "single_choice": "one letter",
    "multiple_choice": "one or more letters, e.g. a,c",
    "numeric": "a number",
    "expression": "an expression",
}
KIND_LABEL = {
    "true_false": "true or false",
    "single_choice": "choose one",
    "multiple_choice": "choose every answer that applies",
    "numeric": "a number",
    "expression": "an expression",
}


def find_quiz(catalog: Catalog, wanted: str) -> tuple[Exercise, Quiz]:
    """``1.2.39`` or ``1.2.39.quiz`` -> the quiz item and its loaded quiz file.

    Raises :class:`LookupError` (unknown id, no quiz) or :class:`grader.quiz.model.QuizError`.
    """
    wanted = wanted.strip()
    items = catalog.resolve(wanted)  # UnknownId is a LookupError with suggestions
    quizzes = [e for e in items if e.kind == "quiz"]
    if not quizzes:
        if len(items) == 1 and items[0].id == wanted:
            lesson = items[0].lesson_id
            raise LookupError(
                f"{wanted} is an exercise, not a quiz: grade it with 'course "
                f"grade {wanted}'. The quiz of lesson {lesson} is 'course quiz "
                f"{lesson}'."
            )
        raise LookupError(f"Lesson {wanted} has no quiz.")
    exercise = quizzes[0]
    return exercise, load_quiz(quiz_path(exercise), exercise.id)


class _Stop(Exception):
    """The learner stopped the quiz (Ctrl-C or Ctrl-D at a prompt)."""


def take(
    exercise: Exercise,
    quiz: Quiz,
    catalog: Catalog,
    *,
    as_json: bool = False,
    warn: Callable[[str], None] | None = None,
    stdin: IO[str] | None = None,
) -> int:
    """Run the quiz; returns the exit status (0 every answer right, 1 otherwise)."""
    from rich.console import Console

    stdin = stdin or sys.stdin
    interactive = stdin.isatty()
    if interactive:
        try:
            import readline  # noqa: F401  (line editing and history at the prompt)
        except ImportError:
            pass
    out = sys.stderr if as_json else sys.stdout
    quiet = as_json and not interactive  # a script wants the JSON and nothing else
    console = Console(
        file=out,
        highlight=False,
        no_color=bool(os.environ.get("NO_COLOR")),
        # no_color alone keeps bold and dim; NO_COLOR asks for plain text
        color_system=None if os.environ.get("NO_COLOR") else "auto",
        quiet=quiet,
        soft_wrap=not out.isatty(),
    )
    _introduce(console, exercise, quiz, catalog, interactive)
    try:
        answers = _ask_all(console, quiz, stdin, interactive)
    except _Stop:
        console.print(
            "\nStopped. Nothing was saved or recorded; run the quiz again when you are ready."
        )
        return 1
    path = exercise.path(exercise.stub)
    store = _open_store(exercise, warn)
    try:
        kept = _write_answers(path, quiz, answers, exercise, store)
        result = _grade_and_record(exercise, path, store, warn)
    finally:
        if store is not None:
            store.close()
    if as_json:
        from grader.grading import report

        print(report.to_json([result], single=True))
    _summarise(console, exercise, quiz, catalog, result, kept)
    return 0 if result.passed else 1


def _introduce(
    console, exercise: Exercise, quiz: Quiz, catalog: Catalog, interactive: bool
) -> None:
    from rich.markup import escape

    console.print(f"[bold]{exercise.id}  {escape(exercise.title)}[/bold]")
    if quiz.intro:
        console.print(escape(quiz.intro))
    best = _best(catalog, exercise)
    if best:
        console.print(
            f"[dim]Your best so far: {best[0]:g}/{exercise.points:g} over "
            f"{best[1]} attempt(s).[/dim]"
        )
    if interactive:
        console.print("[dim]Type your answer and press Enter. Ctrl-C stops without saving.[/dim]")


def _best(catalog: Catalog, exercise: Exercise) -> tuple[float, int] | None:
    from grader.learner.store import StoreError, open_store

    try:
        store = open_store(catalog.root)
        best = store.best().get(exercise.id)
        store.close()
    except (StoreError, OSError, sqlite3.Error):  # progress is a nicety here, never a blocker
        return None
    return (best[0], best[1]) if best else None


def _ask_all(console, quiz: Quiz, stdin: IO[str], interactive: bool) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    total = len(quiz.questions)
    for question in quiz.questions:
        _show_question(console, question, total)
        value = (
            _ask_terminal(console, question)
            if interactive
            else _read_line(console, question, stdin)
        )
        if value is None:
            console.print("[yellow]No answer.[/yellow]")
            continue
        answers[question.id] = value
        _show_outcome(console, question, check_answer(question, value))
    return answers


def _show_question(console, question: Question, total: int) -> None:
    from rich.markup import escape

    console.print()
    console.print(
        f"[bold cyan]Question {question.number} of {total}[/bold cyan] "
        f"[dim]({KIND_LABEL[question.type]})[/dim]"
    )
    console.print(escape(question.prompt))
    if question.choices and not console.is_terminal:  # a log or a pipe: plain lines
        for letter, choice in zip(question.letters, question.choices, strict=True):
            console.print(f"  {letter}) {escape(choice)}")
    elif question.choices:
        from rich.table import Table
        from rich.text import Text

        grid = Table.grid(padding=(0, 1))  # wrapped choices stay under their own text
        grid.add_column(justify="right", no_wrap=True)
        grid.add_column()
        for letter, choice in zip(question.letters, question.choices, strict=True):
            grid.add_row(Text(f"  {letter})", style="bold"), Text(choice))
        console.print(grid)


def _prompt_text(question: Question) -> str:
    how = HOW_TO_ANSWER[question.type]
    if question.type == "expression":
        how += " in " + " and ".join(question.variables)
    elif question.type == "single_choice":
        how = f"one letter, a-{question.letters[-1]}"
    return f"Your answer ({how}): "


def _ask_terminal(console, question: Question) -> Any:
    """Ask until the typed text can be read as an answer to this question."""
    from rich.markup import escape

    while True:
        try:
            typed = console.input(f"[bold]{escape(_prompt_text(question))}[/bold]")
        except (KeyboardInterrupt, EOFError):
            raise _Stop from None
        if not typed.strip():
            console.print("[yellow]Type your answer, then press Enter.[/yellow]")
            continue
        try:
            return read_typed(question, typed)
        except AnswerError as exc:
            console.print(f"[yellow]{escape(terminal_line(str(exc)))}[/yellow]")
            console.print("[dim]Try again.[/dim]")


def _read_line(console, question: Question, stdin: IO[str]) -> Any:
    """One line of piped input; unreadable text is kept as typed (it is graded wrong)."""
    from rich.markup import escape

    line = stdin.readline()
    typed = line.strip()
    console.print(f"{escape(_prompt_text(question))}{escape(terminal_line(typed))}")
    if not typed:
        return None
    try:
        return read_typed(question, typed)
    except AnswerError:
        return typed  # check_answer explains what is wrong with it


def _show_outcome(console, question: Question, outcome: Outcome) -> None:
    from rich.padding import Padding
    from rich.text import Text

    if outcome.correct:
        console.print("[bold green]Correct.[/bold green]")
    else:
        console.print("[bold red]Not quite.[/bold red]")
    for paragraph in feedback_text(question, outcome).split("\n"):
        if paragraph.strip():
            # Text, not markup: explanations may hold brackets; the indent survives wrapping.
            if console.is_terminal:
                console.print(Padding(Text(paragraph), (0, 0, 0, 2), expand=False))
            else:  # a log or a pipe: one line per paragraph, never cropped
                console.print(Text("  " + paragraph))


def _open_store(exercise: Exercise, warn):
    from grader.learner.store import StoreError, open_store

    try:
        return open_store(exercise.root, warn=warn)
    except (StoreError, OSError, sqlite3.Error) as exc:
        if warn is not None:
            warn(f"{exc} This attempt will be graded but not recorded.")
        return None


def _write_answers(
    path: Path, quiz: Quiz, answers: dict[str, Any], exercise: Exercise, store
) -> str | None:
    """Write the answers file atomically, keeping the previous one first if it held
    anything. Returns a sentence saying where the previous file went, or None."""
    text = render_answers(quiz, answers, exercise.lesson_id)
    note = None
    if path.is_file():
        old = path.read_text(encoding="utf-8", errors="surrogateescape")
        pristine = render_answers(quiz, {}, exercise.lesson_id)
        if old.strip() and old != text and old != pristine:
            note = _keep(exercise, path, old, store)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".quiz-", suffix=".toml", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)  # atomic: the file is either the old or the new one
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return note


def _keep(exercise: Exercise, path: Path, old: str, store) -> str:
    if store is not None:
        copy = store.keep(exercise.id, exercise.stub, old, "before course quiz")
        return (
            f"Your previous answers are kept as copy {copy}; 'course restore "
            f"{exercise.id}' brings them back."
        )
    # No usable store: never lose work, keep the old file next to the new one instead.
    aside = path.with_name(path.stem + ".previous" + path.suffix)
    aside.write_text(old, encoding="utf-8", errors="surrogateescape")
    return f"Your previous answers are kept in {aside.relative_to(exercise.root)}."


def _grade_and_record(exercise: Exercise, path: Path, store, warn):
    from grader.grading import runner
    from grader.learner.store import StoreError

    result = runner.grade([(exercise, path.resolve())])[0]
    if store is not None:
        try:
            store.record(result, path.read_bytes())  # the bytes graded, exactly
        except (StoreError, sqlite3.Error) as exc:
            if warn is not None:
                warn(f"{exc} This attempt was graded but not recorded.")
    return result


def _summarise(
    console, exercise: Exercise, quiz: Quiz, catalog: Catalog, result, kept: str | None
) -> None:
    from rich.markup import escape

    right = sum(c.passed for c in result.checks)
    console.print()
    if result.error:
        console.print(f"[red]Could not grade:[/red] {escape(terminal_line(result.error))}")
    verdict = (
        "[green]every answer is right[/green]"
        if result.passed
        else f"{right} of {len(quiz.questions)} questions right"
    )
    console.print(f"[bold]Score: {result.score:g}/{result.max_score:g}[/bold], {verdict}.")
    lesson = catalog.lesson(exercise.lesson_id)
    wrong = [(q, c) for q, c in zip(quiz.questions, result.checks, strict=False) if not c.passed]
    if wrong:
        console.print("To review before a retake:")
        for question, check in wrong:
            console.print(
                f"  question {question.number}: {escape(question.title)}  "
                f"[cyan]{lesson.section_ref(check.section)}[/cyan]"
            )
    best = _best(catalog, exercise)
    if best:
        console.print(
            f"Best score: {best[0]:g}/{exercise.points:g} over {best[1]} "
            "attempt(s); every attempt is kept."
        )
    console.print(
        f"Your answers are in {exercise.stub}; 'course grade {exercise.id}' grades them again."
    )
    if kept is not None:
        console.print(f"[dim]{escape(kept)}[/dim]")
