"""What every ``course`` command shares: usage errors and exits, the catalogue and the
learner's store, id completion, and ``--no-color`` after any command's name."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from grader import catalog as catalog_mod


class UsageError(click.ClickException):
    exit_code = 2


def load_catalog() -> catalog_mod.Catalog:
    try:
        return catalog_mod.load()
    except catalog_mod.ManifestError as exc:
        raise UsageError(f"A lesson manifest is invalid: {exc}") from None


def resolve(cat: catalog_mod.Catalog, wanted: str) -> list[catalog_mod.Exercise]:
    try:
        return cat.resolve(wanted)
    except catalog_mod.UnknownId as exc:
        raise UsageError(str(exc)) from None


def exit_at_once(code: int) -> None:
    """Exit without tearing the interpreter down. With SymPy loaded that teardown took
    0.14 s of a lesson's grading, and nothing is left to clean up by then: output is
    flushed here, the store is closed and the workers are gone."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def warn(message: str) -> None:
    click.echo(f"Note: {message}", err=True)


def learner_store(cat: catalog_mod.Catalog):
    """The learner's progress store; a store that cannot be used is a clear usage error."""
    from grader.learner.store import StoreError, open_store

    try:
        return open_store(cat.root, warn=warn)
    except StoreError as exc:
        raise UsageError(str(exc)) from None


def complete(incomplete: str, lessons: bool) -> list:
    """Ids for shell completion (see README): lesson ids too where a lesson is accepted."""
    from click.shell_completion import CompletionItem

    try:
        cat = catalog_mod.load()
    except (catalog_mod.ManifestError, OSError):
        return []
    found = [(e.id, e.title) for e in cat.exercises]
    if lessons:
        found = [(lesson.id, lesson.title) for lesson in cat.lessons] + found
    return [CompletionItem(i, help=title) for i, title in found if i.startswith(incomplete)]


def complete_ids(ctx: click.Context, param: click.Parameter, incomplete: str) -> list:
    return complete(incomplete, lessons=True)


def complete_exercise_ids(ctx: click.Context, param: click.Parameter, incomplete: str) -> list:
    return complete(incomplete, lessons=False)


def no_color_option(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        from grader.text import term

        term.disable_color()


class CourseGroup(click.Group):
    """A group whose every command also accepts ``--no-color`` after its name, where
    learners put options (``course grade 1.2.39.1 --no-color``)."""

    group_class = type  # subgroups (``course instructor``) are built the same way

    def invoke(self, ctx: click.Context):
        # The progress store can refuse at any read or write (a lock held by another
        # program, a read-only folder, a full disk): one clear usage error, never a traceback.
        try:
            return super().invoke(ctx)
        except Exception as exc:
            store = sys.modules.get("grader.learner.store")  # only loaded if a command used it
            if store is not None and isinstance(exc, store.StoreError):
                raise UsageError(str(exc)) from None
            raise

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        super().add_command(cmd, name)
        if not any(p.name == "no_color" for p in cmd.params):
            cmd.params.append(
                click.Option(
                    ["--no-color"],
                    is_flag=True,
                    expose_value=False,
                    is_eager=True,
                    callback=no_color_option,
                    help="Plain text without colour (so does NO_COLOR=1).",
                )
            )


def one_exercise(cat: catalog_mod.Catalog, exercise_id: str) -> catalog_mod.Exercise:
    exercises = resolve(cat, exercise_id)
    if len(exercises) != 1 or exercises[0].id != exercise_id.strip():
        raise UsageError(f"Give one exercise id, such as {exercises[0].id}, not a lesson id.")
    return exercises[0]


def missing_file_message(ex: catalog_mod.Exercise, path: Path, learner: bool) -> str:
    if learner:
        return (
            f"Your file for {ex.id} is missing: {ex.stub}. Get the original stub back "
            f"with 'git checkout -- {ex.stub}'."
        )
    return f"The file {path} does not exist."
