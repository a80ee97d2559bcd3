"""``course instructor``: grading a cohort (see docs/instructors.md)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from grader.cli.common import UsageError, complete_ids, load_catalog, resolve, warn


@click.group()
def instructor() -> None:
    """Grade many learners with this copy of the course (see docs/instructors.md)."""


@instructor.command("grade")
@click.argument("submissions_dir", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option(
    "--out",
    "out_csv",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The gradebook to write: one row per learner, one column per item, a total.",
)
@click.option(
    "--json",
    "out_json",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write every check of every learner here, as JSON.",
)
@click.option(
    "--jobs", type=click.IntRange(min=1), help="Learners graded at once (default: one per core)."
)
@click.option("--seed", type=int, help="One seed for every learner's inputs (default: a new one).")
@click.option(
    "--store",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Where graded results are kept (default: .course/instructor.sqlite3).",
)
@click.option("--regrade", is_flag=True, help="Grade everything again, ignoring kept results.")
@click.option(
    "--unfenced",
    is_flag=True,
    help="Grade even where learners' code cannot be fenced in (see docs/security.md).",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="Grade on the workers of this Dask scheduler (tcp://host:8786), which need the "
    'same course installed; needs pip install -e ".[cluster]" (see docs/instructors.md).',
)
def instructor_grade(
    submissions_dir: Path,
    out_csv: Path,
    out_json: Path | None,
    jobs: int | None,
    seed: int | None,
    store: Path | None,
    regrade: bool,
    unfenced: bool,
    scheduler: str | None,
) -> None:
    """Grade every learner in SUBMISSIONS_DIR (one folder or .zip each, mirroring exercises/).

    Exit status: 0 every learner was graded; 1 some learner could not be graded at all
    (named at the end, zeros in the gradebook); 2 usage error, or no fence without
    --unfenced (with --scheduler: an unreachable scheduler; each worker checks its own
    fence and is refused without it)."""
    from grader.instructor.batch import grade_batch, missing_fence, unfenced_message
    from grader.instructor.display import Progress, summary_lines
    from grader.instructor.errors import BatchError
    from grader.text import safe_text

    missing = [] if scheduler else missing_fence()  # on a cluster, each worker checks its own
    if missing and not unfenced:
        raise UsageError(unfenced_message(missing, refused=True))
    if missing:
        warn(unfenced_message(missing, refused=False))
    cat = load_catalog()
    progress = Progress(terminal=sys.stdout.isatty())
    try:
        summary = grade_batch(
            submissions_dir,
            out_csv,
            out_json,
            jobs=jobs,
            seed=seed,
            store_path=store,
            use_cache=not regrade,
            root=cat.root,
            on_start=progress.start,
            on_done=progress.done,
            scheduler=scheduler,
            unfenced=unfenced,
        )
    except BatchError as exc:
        raise UsageError(str(exc)) from None
    finally:
        progress.close()
    for notice in summary.notices:
        warn(safe_text.terminal_line(notice))
    click.echo("\n".join(summary_lines(summary, out_csv, out_json)))
    sys.exit(1 if summary.problems else 0)


@instructor.command("gradescope")
@click.option(
    "--out",
    "out_zip",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The autograder zip to write, for Gradescope's 'Configure Autograder' page.",
)
@click.option(
    "--only",
    "only",
    multiple=True,
    metavar="ID",
    shell_complete=complete_ids,
    help="Grade only this lesson or item (repeat for more); default: every item.",
)
def instructor_gradescope(out_zip: Path, only: tuple[str, ...]) -> None:
    """Build Gradescope's autograder zip: setup.sh, run_autograder and this course.

    The zip holds the hidden suites and solutions: keep it to yourself (see
    docs/instructors.md, "Grading on Gradescope"). Exit status: 0 written; 2 usage error."""
    from grader.instructor.gradescope import BuildError, build_zip

    cat = load_catalog()
    for wanted in only:
        resolve(cat, wanted)  # an unknown id is a usage error that names the nearest
    try:
        built = build_zip(out_zip, cat.root, list(only))
    except BuildError as exc:
        raise UsageError(str(exc)) from None
    graded = f"items {', '.join(built.items)}" if built.items else "every item"
    click.echo(
        f"Wrote {built.path} ({built.size / 1e6:.1f} MB: setup.sh, run_autograder and the "
        f"course's {built.files} files; it grades {graded}). Upload it on the assignment's "
        "'Configure Autograder' page. It holds the hidden suites and solutions: keep it private."
    )
