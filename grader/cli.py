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


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.pass_context
def main(ctx: click.Context) -> None:
    """A self-paced course with a trusted grader. Run 'course' alone for where you are."""
    if ctx.invoked_subcommand is None:
        _overview()


def _overview() -> None:
    from grader.store import open_store

    cat = _catalog()
    store = open_store(cat.root, warn=_warn)
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
    from grader.store import open_store

    cat = _catalog()
    store = open_store(cat.root, warn=_warn)
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


if __name__ == "__main__":
    main()
