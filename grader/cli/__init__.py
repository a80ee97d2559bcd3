"""The ``course`` command. Thin on purpose: each command parses, calls a module, exits.

Exit status: 0 success (every check passed); 1 some check failed; 2 usage error
(unknown id, missing file, bad option), or a progress store that cannot be used (locked by
another program, read-only, full disk: 'course grade' then shows the result unrecorded).
Heavy modules (NumPy, pytest, rich) are imported inside the commands that need them so
that ``course --help`` stays fast.
"""

from __future__ import annotations

import json
import os
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


def _exit_at_once(code: int) -> None:
    """Exit without tearing the interpreter down. With SymPy loaded that teardown took
    0.14 s of a lesson's grading, and nothing is left to clean up by then: output is
    flushed here, the store is closed and the workers are gone."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _warn(message: str) -> None:
    click.echo(f"Note: {message}", err=True)


def _store(cat: catalog_mod.Catalog):
    """The learner's progress store; a store that cannot be used is a clear usage error."""
    from grader.learner.store import StoreError, open_store

    try:
        return open_store(cat.root, warn=_warn)
    except StoreError as exc:
        raise UsageError(str(exc)) from None


def _complete(incomplete: str, lessons: bool) -> list:
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


def _complete_ids(ctx: click.Context, param: click.Parameter, incomplete: str) -> list:
    return _complete(incomplete, lessons=True)


def _complete_exercise_ids(ctx: click.Context, param: click.Parameter, incomplete: str) -> list:
    return _complete(incomplete, lessons=False)


def _no_color(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        from grader.text import term

        term.disable_color()


class _CourseGroup(click.Group):
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
                    callback=_no_color,
                    help="Plain text without colour (so does NO_COLOR=1).",
                )
            )


@click.group(
    cls=_CourseGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--no-color",
    is_flag=True,
    help="Plain text without colour (so does setting the NO_COLOR environment variable).",
)
@click.pass_context
def main(ctx: click.Context, no_color: bool) -> None:
    """A self-paced course with a trusted grader. Run 'course' alone for where you are."""
    if no_color:
        from grader.text import term

        term.disable_color()
    if ctx.invoked_subcommand is None:
        _overview()


def _progress():
    """What the learner has done so far, read from their store."""
    from grader.learner import progress

    cat = _catalog()
    store = _store(cat)
    try:
        return progress.collect(cat, store)
    finally:
        store.close()


def _overview() -> None:
    """The dashboard: where you are, what to do next and how, progress and homework."""
    from grader.learner import dashboard

    click.echo("\n".join(dashboard.render_dashboard(_progress())))


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
@click.argument("exercise_id", required=False, shell_complete=_complete_ids)
@click.option("--all", "all_items", is_flag=True, help="Grade every lesson of the course.")
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
    exercise_id: str | None,
    all_items: bool,
    submission: Path | None,
    solution: bool,
    as_json: bool,
    junit_xml: Path | None,
    seed: int | None,
) -> None:
    """Grade an exercise (1.2.39.5), a whole lesson (1.2.39), or every lesson (--all)."""
    cat = _catalog()
    if bool(exercise_id) == all_items:
        raise UsageError("Give an exercise or lesson id, or --all for every lesson (not both).")
    exercises = list(cat.exercises) if all_items else _resolve(cat, exercise_id)
    if submission is not None and solution:
        raise UsageError("Use either --submission or --solution, not both.")
    if submission is not None and len(exercises) > 1:
        raise UsageError("--submission grades one exercise; give an exercise id, not a lesson.")
    jobs, missing = [], {}
    for ex in exercises:
        path = (
            submission if submission is not None else ex.path(ex.solution if solution else ex.stub)
        )
        if not path.is_file():
            message = _missing_file_message(ex, path, learner=submission is None and not solution)
            if len(exercises) == 1:
                raise UsageError(message)
            missing[ex.id] = (path, message)  # a lesson still grades the files that exist
            continue
        jobs.append((ex, path.resolve()))
    sources = {ex.id: path.read_bytes() for ex, path in jobs}  # kept byte for byte

    from grader.grading import report, runner
    from grader.text import term

    seed = runner.new_seed() if seed is None else seed
    with term.working(f"Grading {exercise_id}"):
        graded = {r.exercise.id: r for r in runner.grade(jobs, seed=seed)} if jobs else {}
    results = [
        graded.get(ex.id)
        or runner.ExerciseResult(ex, missing[ex.id][0], seed, error=missing[ex.id][1])
        for ex in exercises
    ]
    unrecorded = None
    if submission is None and not solution:
        unrecorded = _record(cat, list(graded.values()), sources)  # a missing file is not one
    if junit_xml is not None:
        report.write_junit(results, junit_xml)
    if as_json:
        click.echo(
            report.to_json(
                results,
                single=not all_items
                and len(exercises) == 1
                and exercise_id.strip() == exercises[0].id,
            )
        )
    else:
        report.print_results(results, cat)
    if unrecorded is not None:
        _warn(unrecorded)  # after the report, where the learner looks last
        _exit_at_once(2)
    _exit_at_once(0 if all(r.passed for r in results) else 1)


def _missing_file_message(ex: catalog_mod.Exercise, path: Path, learner: bool) -> str:
    if learner:
        return (
            f"Your file for {ex.id} is missing: {ex.stub}. Get the original stub back "
            f"with 'git checkout -- {ex.stub}'."
        )
    return f"The file {path} does not exist."


def _record(cat: catalog_mod.Catalog, results, sources: dict[str, bytes]) -> str | None:
    """Record the attempts; if the store refuses, what to tell the learner."""
    from grader.learner.store import StoreError, open_store

    try:
        store = open_store(cat.root, warn=_warn)
        try:
            for result in results:
                store.record(result, sources.get(result.exercise.id))
        finally:
            store.close()
    except StoreError as exc:
        return f"{exc} This attempt was graded but not recorded."
    return None


@main.command()
@click.argument("quiz_id", shell_complete=_complete_ids)
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
    from grader.quiz import terminal as quiz_terminal
    from grader.quiz.core import QuizError

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
@click.argument("exercise_id", shell_complete=_complete_exercise_ids)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def reset(exercise_id: str, yes: bool) -> None:
    """Put the original stub back (your current file is kept; 'course restore' undoes it)."""
    from grader.learner import workspace

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
@click.argument("exercise_id", shell_complete=_complete_exercise_ids)
@click.option("--attempt", type=int, help="Bring back the file of this graded attempt.")
def restore(exercise_id: str, attempt: int | None) -> None:
    """Bring back your newest kept copy, or a graded attempt (see 'course history')."""
    from grader.learner import workspace

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
@click.argument("exercise_id", shell_complete=_complete_exercise_ids)
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


@main.command("progress")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def progress_command(as_json: bool) -> None:
    """Your progress in each lesson, with its homework checklist.

    Every item's best score, attempts and hints seen; the quiz; the project; and the
    lesson's homework checklist, which ticks itself as you pass its items."""
    from grader.learner import dashboard

    state = _progress()
    if as_json:
        click.echo(json.dumps(state.to_dict(), indent=2))
    else:
        click.echo("\n".join(dashboard.render_progress(state)))


@main.command()
@click.argument("exercise_id", shell_complete=_complete_exercise_ids)
def hint(exercise_id: str) -> None:
    """The next hint for an exercise: one more each time.

    Hints go from gentle to specific; the ones you have seen are shown again above the
    new one, and each is recorded ('course progress' counts them)."""
    from grader.learner import hints
    from grader.learner.solution import has_passed

    cat = _catalog()
    ex = _one_exercise(cat, exercise_id)
    lesson = cat.lesson(ex.lesson_id)
    store = _store(cat)
    try:
        shown = hints.next_hint(store, ex, lesson, has_passed(store, ex))
    finally:
        store.close()
    click.echo("\n".join(hints.lines(shown, ex, lesson)))


@main.command()
@click.argument("exercise_id", shell_complete=_complete_exercise_ids)
@click.option("--yes", is_flag=True, help="Show it without asking, even before you pass.")
def solution(exercise_id: str, yes: bool) -> None:
    """The reference solution (asks first until you pass).

    Once you have passed the exercise it is shown at once. Before that you are asked to
    confirm (or give --yes where nobody can be asked). Each showing is recorded."""
    from grader.learner import solution as solution_mod
    from grader.text import term

    cat = _catalog()
    ex = _one_exercise(cat, exercise_id)
    store = _store(cat)
    try:
        passed = solution_mod.has_passed(store, ex)
        if not passed and not yes:
            if not sys.stdin.isatty():
                raise UsageError(
                    f"You have not passed {ex.id} yet, so its solution is shown only if you "
                    f"confirm: 'course solution {ex.id} --yes' (this is recorded). "
                    f"'course hint {ex.id}' may be all you need."
                )
            why = (
                f"You have not passed {ex.id} yet. Working it out teaches more than reading "
                f"the answer, and 'course hint {ex.id}' may be all you need."
            )
            click.echo("\n".join(term.wrap(why)))
            if not click.confirm("Show the reference solution anyway (this is recorded)?"):
                click.echo(f"Not shown. 'course hint {ex.id}' gives the next hint.")
                return
        text = solution_mod.reveal(store, ex, passed)
    except solution_mod.SolutionError as exc:
        raise UsageError(str(exc)) from None
    finally:
        store.close()
    solution_mod.print_solution(ex, text, passed)


@main.command()
@click.argument("exercise_id", required=False, shell_complete=_complete_exercise_ids)
@click.option(
    "--poll",
    is_flag=True,
    help="Check the file every half second instead of waiting for file events "
    "(for network drives, containers or WSL folders; chosen by itself when events fail).",
)
@click.option("--advance", is_flag=True, help="Go on to the next exercise when one passes.")
@click.option("--max-runs", type=click.IntRange(min=1), hidden=True, help="Stop after N grades.")
def watch(exercise_id: str | None, poll: bool, advance: bool, max_runs: int | None) -> None:
    """Grade an exercise again each time you save it.

    Without an id, watches your next exercise (see 'course'). On a terminal, type a key
    and Enter: g grade now, h next hint, n next exercise, q quit; Ctrl-C quits too."""
    from grader.learner import watch as watch_mod

    cat = _catalog()
    if exercise_id is None:
        try:
            ex = watch_mod.default_target(cat)
        except LookupError as exc:
            raise UsageError(str(exc)) from None
    else:
        ex = _one_exercise(cat, exercise_id)
    if ex.kind not in watch_mod.WATCHED_KINDS:
        raise UsageError(f"{ex.id} is a quiz: take it with 'course quiz {ex.lesson_id}'.")
    if not ex.path(ex.stub).is_file():
        raise UsageError(_missing_file_message(ex, ex.path(ex.stub), learner=True))
    watcher = watch_mod.Watch(cat, ex, poll=poll, advance=advance, max_runs=max_runs)
    sys.exit(watcher.run())


@main.group()
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
def instructor_grade(
    submissions_dir: Path,
    out_csv: Path,
    out_json: Path | None,
    jobs: int | None,
    seed: int | None,
    store: Path | None,
    regrade: bool,
    unfenced: bool,
) -> None:
    """Grade every learner in SUBMISSIONS_DIR (one folder or .zip each, mirroring exercises/).

    Exit status: 0 every learner was graded; 1 some learner could not be graded at all
    (named at the end, zeros in the gradebook); 2 usage error, or no fence without
    --unfenced."""
    from grader.instructor import core as instructor_mod

    missing = instructor_mod.missing_fence()
    if missing and not unfenced:
        raise UsageError(instructor_mod.unfenced_message(missing, refused=True))
    if missing:
        _warn(instructor_mod.unfenced_message(missing, refused=False))
    cat = _catalog()
    progress = instructor_mod.Progress(terminal=sys.stdout.isatty())
    try:
        summary = instructor_mod.grade_batch(
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
        )
    except instructor_mod.BatchError as exc:
        raise UsageError(str(exc)) from None
    finally:
        progress.close()
    click.echo("\n".join(instructor_mod.summary_lines(summary, out_csv, out_json)))
    sys.exit(1 if summary.problems else 0)


@main.group("site")
def site_group() -> None:
    """The course site: lessons, exercises, quiz and plots, built and served on this machine."""


@site_group.command("build")
@click.option(
    "--site-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Where to write the site (default: site/_build/).",
)
def site_build(site_dir: Path | None) -> None:
    """Build the site strictly (a broken link or anchor fails the build)."""
    from grader.site import builder as site_mod

    cat = _catalog()
    try:
        code, out = site_mod.build(cat.root, site_dir)
    except site_mod.SiteError as exc:
        raise UsageError(str(exc)) from None
    if code == 0:
        click.echo(f"The site is in {out}; open {out / 'index.html'} or run 'course site serve'.")
    sys.exit(code)


@site_group.command("serve")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
def site_serve(port: int) -> None:
    """Serve the site at http://127.0.0.1:PORT/, rebuilding it when a page changes."""
    from grader.site import builder as site_mod

    cat = _catalog()
    try:
        site_mod.serve(cat.root, port)  # does not return: the process becomes the server
    except site_mod.SiteError as exc:
        raise UsageError(str(exc)) from None


if __name__ == "__main__":
    main()
