"""``course solution``: an item's reference solution, shown once the learner has passed it.

Before that, the CLI asks first (and refuses when it cannot ask); every showing is
recorded, with whether the item had been passed, and ``course progress`` shows it.
"""

from __future__ import annotations

from grader.catalog import Exercise
from grader.learner.store import Store
from grader.learner.workspace import display_text


class SolutionError(Exception):
    """The solution cannot be shown; the message says why."""


def has_passed(store: Store, exercise: Exercise) -> bool:
    return store.best().get(exercise.id, (0, 0, False))[2]


def reveal(store: Store, exercise: Exercise, passed: bool) -> str:
    """The reference solution's text; the showing is recorded."""
    path = exercise.path(exercise.solution)
    try:
        text = display_text(path.read_bytes())  # shown, so never a decoding error
    except OSError as exc:
        raise SolutionError(
            f"The reference solution of {exercise.id} cannot be read ({exc.strerror}): "
            f"{exercise.solution}."
        ) from None
    store.record_help(exercise.id, "solution", passed_before=passed)
    return text


def print_solution(exercise: Exercise, text: str, passed: bool) -> None:
    """The solution with a short frame; syntax colours on a colour terminal only."""
    import click

    from grader.text.term import color_enabled, style, wrap

    click.echo(style(f"Reference solution of {exercise.short}", bold=True))
    click.echo(style(f"({exercise.solution})", dim=True) + "\n")
    if color_enabled() and exercise.solution.endswith(".py"):
        from rich.console import Console
        from rich.syntax import Syntax

        Console().print(Syntax(text, "python", line_numbers=True, word_wrap=True))
    else:
        click.echo(text.rstrip("\n"))
    click.echo("")
    if passed:
        advice = (
            "You passed this one already: compare the two, and keep whichever way of "
            "writing it you find clearer. Any correct version passes every check."
        )
    else:
        advice = (
            "Close this and write your own version from memory: typing it out and "
            f"grading it ('course grade {exercise.id}') teaches far more than reading it."
        )
    click.echo("\n".join(wrap(advice)))
