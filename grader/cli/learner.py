"""The learner's commands: list, grade, quiz, reset, restore, history, progress, hint,
solution and watch. Each parses its options, calls the module that does the work, and
exits (see the exit statuses in :mod:`grader.cli`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from grader.cli.common import (
    UsageError,
    complete_exercise_ids,
    complete_ids,
    exit_at_once,
    learner_store,
    load_catalog,
    missing_file_message,
    one_exercise,
    resolve,
    warn,
)


def progress_state():
    """What the learner has done so far, read from their store."""
    from grader.learner import progress

    cat = load_catalog()
    store = learner_store(cat)
    try:
        return progress.collect(cat, store)
    finally:
        store.close()


def overview() -> None:
    """The dashboard: where you are, what to do next and how, progress and homework."""
    from grader.learner import dashboard

    click.echo("\n".join(dashboard.render_dashboard(progress_state())))


@click.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list for scripts.")
def list_command(as_json: bool) -> None:
    """Lessons and exercises, in order, with your status for each."""
    from grader.learner import attempts

    cat = load_catalog()
    store = learner_store(cat)
    try:
        rows = attempts.item_rows(cat, store)
    finally:
        store.close()
    if as_json:
        click.echo(json.dumps(rows, indent=2))
    else:
        click.echo("\n".join(attempts.item_lines(cat, rows)))


@click.command()
@click.argument("exercise_id", required=False, shell_complete=complete_ids)
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
@click.option(
    "--on-line",
    "on_line",
    is_flag=True,
    hidden=True,
    help="Get ready, then grade when a line arrives on standard input ('course watch').",
)
def grade(
    exercise_id: str | None,
    all_items: bool,
    submission: Path | None,
    solution: bool,
    as_json: bool,
    junit_xml: Path | None,
    seed: int | None,
    on_line: bool = False,
) -> None:
    """Grade an exercise (1.2.39.5), a whole lesson (1.2.39), or every lesson (--all)."""
    cat = load_catalog()
    if bool(exercise_id) == all_items:
        raise UsageError("Give an exercise or lesson id, or --all for every lesson (not both).")
    exercises = list(cat.exercises) if all_items else resolve(cat, exercise_id)
    if submission is not None and solution:
        raise UsageError("Use either --submission or --solution, not both.")
    if submission is not None and len(exercises) > 1:
        raise UsageError("--submission grades one exercise; give an exercise id, not a lesson.")
    session = None
    if on_line:
        session = _ready_session(exercises, submission, solution)
    jobs, missing = [], {}
    for ex in exercises:
        path = (
            submission if submission is not None else ex.path(ex.solution if solution else ex.stub)
        )
        if not path.is_file():
            message = missing_file_message(ex, path, learner=submission is None and not solution)
            if len(exercises) == 1:
                if session is not None:
                    session.close()
                raise UsageError(message)
            missing[ex.id] = (path, message)  # a lesson still grades the files that exist
            continue
        jobs.append((ex, path.resolve()))
    sources = {ex.id: path.read_bytes() for ex, path in jobs}  # kept byte for byte

    from grader.grading import report, runner
    from grader.grading.results import ExerciseResult
    from grader.learner import attempts
    from grader.text import term

    seed = runner.new_seed() if seed is None else seed
    with term.working(f"Grading {exercise_id}"):
        if session is not None:
            results = session.run(seed, close=False)  # closed once the verdict is shown
        else:
            results = runner.grade(jobs, seed=seed) if jobs else []
        graded = {r.exercise.id: r for r in results}
    results = [
        graded.get(ex.id) or ExerciseResult(ex, missing[ex.id][0], seed, error=missing[ex.id][1])
        for ex in exercises
    ]
    unrecorded = None
    if submission is None and not solution:
        # A missing file is no attempt: only what was graded is recorded.
        unrecorded = attempts.record(cat.root, list(graded.values()), sources, warn)
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
    if session is not None:
        sys.stdout.flush()
        session.close()
    if unrecorded is not None:
        warn(unrecorded)  # after the report, where the learner looks last
        exit_at_once(2)
    exit_at_once(0 if all(r.passed for r in results) else 1)


def _ready_session(exercises: list, submission: Path | None, solution: bool):
    """For ``--on-line``: one exercise's grading session made ready (its worker fenced and
    waiting, pytest imported), then a wait for a line on standard input. The file is read
    only after that line, exactly as ``course grade`` reads it. Without a line (the watch
    stopped), nothing is graded or recorded."""
    from grader.grading import runner

    if len(exercises) != 1 or exercises[0].kind == "quiz":
        raise UsageError("--on-line grades one exercise or project.")
    ex = exercises[0]
    path = submission if submission is not None else ex.path(ex.solution if solution else ex.stub)
    session = runner.Session([(ex, path.resolve())])
    try:
        session.warm()
        # What the command imports after grading, imported now rather than after the line.
        from grader.grading import report  # noqa: F401
        from grader.learner import attempts, store  # noqa: F401
        from grader.text import term  # noqa: F401

        line = sys.stdin.readline()
    except BaseException:
        session.close()
        raise
    if not line:
        session.close()
        exit_at_once(0)
    return session


@click.command()
@click.argument("quiz_id", shell_complete=complete_ids)
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
    from grader.quiz.model import QuizError

    cat = load_catalog()
    try:
        exercise, quiz_file = quiz_terminal.find_quiz(cat, quiz_id)
    except (LookupError, QuizError) as exc:
        raise UsageError(str(exc)) from None
    sys.exit(quiz_terminal.take(exercise, quiz_file, cat, as_json=as_json, warn=warn))


@click.command()
@click.argument("exercise_id", shell_complete=complete_exercise_ids)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def reset(exercise_id: str, yes: bool) -> None:
    """Put the original stub back (your current file is kept; 'course restore' undoes it)."""
    from grader.learner import workspace

    cat = load_catalog()
    ex = one_exercise(cat, exercise_id)
    if not yes:
        if not sys.stdin.isatty():
            raise UsageError("'course reset' replaces your file; add --yes to confirm it here.")
        click.confirm(
            f"Replace {ex.stub} with the original stub? Your current file is kept.", abort=True
        )
    store = learner_store(cat)
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


@click.command()
@click.argument("exercise_id", shell_complete=complete_exercise_ids)
@click.option("--attempt", type=int, help="Bring back the file of this graded attempt.")
def restore(exercise_id: str, attempt: int | None) -> None:
    """Bring back your newest kept copy, or a graded attempt (see 'course history')."""
    from grader.learner import workspace

    cat = load_catalog()
    ex = one_exercise(cat, exercise_id)
    store = learner_store(cat)
    try:
        what = workspace.restore(store, ex, attempt)
    except workspace.WorkspaceError as exc:
        raise UsageError(str(exc)) from None
    finally:
        store.close()
    click.echo(f"{ex.stub} now holds {what}. The file it replaced is kept too.")


@click.command()
@click.argument("exercise_id", shell_complete=complete_exercise_ids)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def history(exercise_id: str, as_json: bool) -> None:
    """Your graded attempts and kept copies of an exercise's file."""
    from grader.learner import attempts

    cat = load_catalog()
    ex = one_exercise(cat, exercise_id)
    store = learner_store(cat)
    try:
        data = attempts.history(store, ex)
    finally:
        store.close()
    if as_json:
        click.echo(json.dumps(data, indent=2))
    else:
        click.echo("\n".join(attempts.history_lines(ex, data)))


@click.command("progress")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def progress_command(as_json: bool) -> None:
    """Your progress in each lesson, with its homework checklist.

    Every item's best score, attempts and hints seen; the quiz; the project; and the
    lesson's homework checklist, which ticks itself as you pass its items."""
    from grader.learner import dashboard

    state = progress_state()
    if as_json:
        click.echo(json.dumps(state.to_dict(), indent=2))
    else:
        click.echo("\n".join(dashboard.render_progress(state)))


@click.command()
@click.argument("exercise_id", shell_complete=complete_exercise_ids)
def hint(exercise_id: str) -> None:
    """The next hint for an exercise: one more each time.

    Hints go from gentle to specific; the ones you have seen are shown again above the
    new one, and each is recorded ('course progress' counts them)."""
    from grader.learner import hints
    from grader.learner.solution import has_passed

    cat = load_catalog()
    ex = one_exercise(cat, exercise_id)
    lesson = cat.lesson(ex.lesson_id)
    store = learner_store(cat)
    try:
        shown = hints.next_hint(store, ex, lesson, has_passed(store, ex))
    finally:
        store.close()
    click.echo("\n".join(hints.lines(shown, ex, lesson)))


@click.command()
@click.argument("exercise_id", shell_complete=complete_exercise_ids)
@click.option("--yes", is_flag=True, help="Show it without asking, even before you pass.")
def solution(exercise_id: str, yes: bool) -> None:
    """The reference solution (asks first until you pass).

    Once you have passed the exercise it is shown at once. Before that you are asked to
    confirm (or give --yes where nobody can be asked). Each showing is recorded."""
    from grader.learner import solution as solution_mod
    from grader.text import term

    cat = load_catalog()
    ex = one_exercise(cat, exercise_id)
    store = learner_store(cat)
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


@click.command()
@click.argument("exercise_id", required=False, shell_complete=complete_exercise_ids)
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

    cat = load_catalog()
    if exercise_id is None:
        try:
            ex = watch_mod.default_target(cat)
        except LookupError as exc:
            raise UsageError(str(exc)) from None
    else:
        ex = one_exercise(cat, exercise_id)
    if ex.kind not in watch_mod.WATCHED_KINDS:
        raise UsageError(f"{ex.id} is a quiz: take it with 'course quiz {ex.lesson_id}'.")
    if not ex.path(ex.stub).is_file():
        raise UsageError(missing_file_message(ex, ex.path(ex.stub), learner=True))
    watcher = watch_mod.Watch(cat, ex, poll=poll, advance=advance, max_runs=max_runs)
    sys.exit(watcher.run())


COMMANDS = (
    list_command,
    grade,
    quiz,
    reset,
    restore,
    history,
    progress_command,
    hint,
    solution,
    watch,
)
