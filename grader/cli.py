"""The ``course`` command. Thin on purpose: each command parses, calls a module, exits.

Exit status: 0 success (every check passed); 1 some check failed; 2 usage error
(unknown id, missing file, bad option). Heavy modules (NumPy, pytest, rich) are imported
inside the commands that need them so that ``course --help`` stays fast.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from grader import catalog as catalog_mod


class UsageError(click.ClickException):
    exit_code = 2


def _catalog() -> catalog_mod.Catalog:
    try:
        return catalog_mod.load()
    except catalog_mod.ManifestError as exc:
        raise UsageError(f"A lesson manifest is invalid: {exc}") from None


def _resolve(cat: catalog_mod.Catalog, wanted: str) -> list[catalog_mod.Exercise]:
    try:
        return cat.resolve(wanted)
    except catalog_mod.UnknownId as exc:
        raise UsageError(str(exc)) from None


def _warn(message: str) -> None:
    click.echo(f"Note: {message}", err=True)


def _store(cat: catalog_mod.Catalog):
    """The learner's progress store; a store that cannot be used is a clear usage error."""
    from grader.store import StoreError, open_store

    try:
        return open_store(cat.root, warn=_warn)
    except StoreError as exc:
        raise UsageError(str(exc)) from None


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.pass_context
def main(ctx: click.Context) -> None:
    """A self-paced course with a trusted grader. Run 'course' alone for where you are."""
    if ctx.invoked_subcommand is None:
        _overview()


def _overview() -> None:
    cat = _catalog()
    store = _store(cat)
    best = store.best()
    store.close()
    done = [e for e in cat.exercises if best.get(e.id, (0, 0, False))[2]]
    click.echo(
        f"Course: {len(cat.lessons)} lesson(s), {len(cat.exercises)} graded items; "
        f"{len(done)} passed."
    )
    for lesson in cat.lessons:
        click.echo(f"  Lesson {lesson.id} {lesson.title}: read {lesson.folder}/")
    pending = [e for e in cat.exercises if e not in done]
    if pending:
        nxt = pending[0]
        click.echo(f"Next: {nxt.short}\n  edit  {nxt.stub}\n  then  course grade {nxt.id}")
    else:
        click.echo("Everything is passed. Well done!")
    click.echo("More: course list | course grade ID | course --help")


@main.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list for scripts.")
def list_command(as_json: bool) -> None:
    """Lessons and exercises, in order, with your status for each."""
    cat = _catalog()
    store = _store(cat)
    best = store.best()
    store.close()
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
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for lesson in cat.lessons:
        click.echo(f"Lesson {lesson.id}  {lesson.title}")
        for row in (r for r in rows if r["lesson"] == lesson.id):
            best_text = f"{row['best_score']:g}/{row['points']:g}" if row["attempts"] else "-"
            click.echo(f"  {row['id']:<18} {row['title']:<48} {row['status']:<12} {best_text}")


@main.command()
@click.argument("exercise_id")
@click.option(
    "--submission",
    type=click.Path(path_type=Path),
    help="Grade this file instead of your file under exercises/.",
)
@click.option("--solution", is_flag=True, help="Grade the reference solution.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--junit-xml", type=click.Path(path_type=Path), help="Also write JUnit XML here.")
@click.option("--seed", type=int, help="Seed for the drawn inputs, to reproduce a run.")
def grade(
    exercise_id: str,
    submission: Path | None,
    solution: bool,
    as_json: bool,
    junit_xml: Path | None,
    seed: int | None,
) -> None:
    """Grade an exercise (1.2.39.5) or a whole lesson (1.2.39)."""
    cat = _catalog()
    exercises = _resolve(cat, exercise_id)
    if submission is not None and solution:
        raise UsageError("Use either --submission or --solution, not both.")
    if submission is not None and len(exercises) > 1:
        raise UsageError("--submission grades one exercise; give an exercise id, not a lesson.")
    jobs = []
    for ex in exercises:
        path = (
            submission if submission is not None else ex.path(ex.solution if solution else ex.stub)
        )
        if not path.is_file():
            raise UsageError(
                _missing_file_message(ex, path, learner=submission is None and not solution)
            )
        jobs.append((ex, path.resolve()))
    sources = {ex.id: path.read_text(encoding="utf-8", errors="replace") for ex, path in jobs}

    from grader import report, runner

    results = runner.grade(jobs, seed=seed)
    if submission is None and not solution:
        _record(cat, results, sources)
    if junit_xml is not None:
        report.write_junit(results, junit_xml)
    if as_json:
        click.echo(
            report.to_json(
                results, single=len(exercises) == 1 and exercise_id.strip() == exercises[0].id
            )
        )
    else:
        report.print_results(results, cat)
    sys.exit(0 if all(r.passed for r in results) else 1)


def _missing_file_message(ex: catalog_mod.Exercise, path: Path, learner: bool) -> str:
    if learner:
        return (
            f"Your file for {ex.id} is missing: {ex.stub}. Get the original stub back "
            f"with 'git checkout -- {ex.stub}'."
        )
    return f"The file {path} does not exist."


def _record(cat: catalog_mod.Catalog, results, sources: dict[str, str]) -> None:
    from grader.store import StoreError, open_store

    try:
        store = open_store(cat.root, warn=_warn)
        for result in results:
            store.record(result, sources.get(result.exercise.id))
        store.close()
    except StoreError as exc:
        _warn(f"{exc} This attempt was graded but not recorded.")


@main.command()
@click.argument("quiz_id")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the graded result as JSON, shaped like 'course grade --json'.",
)
def quiz(quiz_id: str, as_json: bool) -> None:
    """Take a lesson's quiz (1.2.39): each answer is checked at once, then recorded.

    On a terminal the questions are asked one by one. Otherwise one answer is read per
    line of standard input: true/false (or t/f), letters such as a,c, a number, or an
    expression. Your answers are kept in the lesson's quiz_answers.toml under exercises/.
    """
    from grader import quiz_terminal
    from grader.quiz import QuizError

    cat = _catalog()
    try:
        exercise, quiz_file = quiz_terminal.find_quiz(cat, quiz_id)
    except (LookupError, QuizError) as exc:
        raise UsageError(str(exc)) from None
    sys.exit(quiz_terminal.take(exercise, quiz_file, cat, as_json=as_json, warn=_warn))


def _one_exercise(cat: catalog_mod.Catalog, exercise_id: str) -> catalog_mod.Exercise:
    exercises = _resolve(cat, exercise_id)
    if len(exercises) != 1 or exercises[0].id != exercise_id.strip():
        raise UsageError(f"Give one exercise id, such as {exercises[0].id}, not a lesson id.")
    return exercises[0]


@main.command()
@click.argument("exercise_id")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def reset(exercise_id: str, yes: bool) -> None:
    """Put the original stub back (your current file is kept; 'course restore' undoes it)."""
    from grader import workspace

    cat = _catalog()
    ex = _one_exercise(cat, exercise_id)
    if not yes:
        if not sys.stdin.isatty():
            raise UsageError("'course reset' replaces your file; add --yes to confirm it here.")
        click.confirm(
            f"Replace {ex.stub} with the original stub? Your current file is kept.", abort=True
        )
    store = _store(cat)
    try:
        kept = workspace.reset(store, ex)
    except workspace.WorkspaceError as exc:
        raise UsageError(str(exc)) from None
    finally:
        store.close()
    if kept is None:
        click.echo(f"{ex.stub} is already the original stub; nothing changed.")
    else:
        click.echo(
            f"{ex.stub} is the original stub again. Your previous file is kept as "
            f"copy {kept}; 'course restore {ex.id}' brings it back."
        )


@main.command()
@click.argument("exercise_id")
@click.option("--attempt", type=int, help="Bring back the file of this graded attempt.")
def restore(exercise_id: str, attempt: int | None) -> None:
    """Bring back your newest kept copy, or a graded attempt (see 'course history')."""
    from grader import workspace

    cat = _catalog()
    ex = _one_exercise(cat, exercise_id)
    store = _store(cat)
    try:
        what = workspace.restore(store, ex, attempt)
    except workspace.WorkspaceError as exc:
        raise UsageError(str(exc)) from None
    finally:
        store.close()
    click.echo(f"{ex.stub} now holds {what}. The file it replaced is kept too.")


@main.command()
@click.argument("exercise_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def history(exercise_id: str, as_json: bool) -> None:
    """Your graded attempts and kept copies of an exercise's file."""
    import datetime

    cat = _catalog()
    ex = _one_exercise(cat, exercise_id)
    store = _store(cat)
    attempts, kept = store.attempts(ex.id), store.kept(ex.id)
    store.close()

    def when(stamp: float) -> str:
        return datetime.datetime.fromtimestamp(stamp).strftime("%Y-%m-%d %H:%M:%S")

    if as_json:
        click.echo(
            json.dumps(
                {
                    "exercise": ex.id,
                    "attempts": [
                        {
                            "attempt": a.id,
                            "graded_at": when(a.graded_at),
                            "score": a.score,
                            "max_score": a.max_score,
                            "passed": a.passed,
                        }
                        for a in attempts
                    ],
                    "kept": [
                        {"copy": k.id, "kept_at": when(k.kept_at), "reason": k.reason} for k in kept
                    ],
                },
                indent=2,
            )
        )
        return
    click.echo(f"{ex.short}")
    if not attempts and not kept:
        click.echo(f"  Nothing yet: grade it with 'course grade {ex.id}'.")
    for a in attempts:
        mark = "passed" if a.passed else ""
        click.echo(f"  attempt {a.id:<5} {when(a.graded_at)}  {a.score:g}/{a.max_score:g} {mark}")
    for k in kept:
        click.echo(f"  copy    {k.id:<5} {when(k.kept_at)}  kept {k.reason}")
    if attempts:
        click.echo(f"Bring one back: course restore {ex.id} --attempt N")


if __name__ == "__main__":
    main()
