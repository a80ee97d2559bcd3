"""Present grading results: for a learner's terminal, as JSON, and as JUnit XML.

The JSON shape is a public interface (README, "Interface"); bump ``SCHEMA_VERSION`` in
:mod:`grader.runner` when it changes.
"""

from __future__ import annotations

import json
import os
import sys
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

from grader.catalog import Catalog
from grader.runner import SCHEMA_VERSION, ExerciseResult


def _rel(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return str(path)


def to_dict(result: ExerciseResult) -> dict:
    root = result.exercise.root
    data = {
        "schema_version": SCHEMA_VERSION,
        "exercise": result.exercise.id,
        "title": result.exercise.title,
        "kind": result.exercise.kind,
        "submission": _rel(result.submission, root),
        "score": round(result.score, 2),
        "max_score": result.max_score,
        "passed": result.passed,
        "seed": result.seed,
        "duration_s": result.duration_s,
        "checks": [
            {
                "name": c.name,
                "title": c.title,
                "passed": c.passed,
                "points": round(c.points, 2),
                "max_points": round(c.max_points, 2),
                "message": c.message,
                "output": c.output,
                "section": c.section,
            }
            for c in result.checks
        ],
    }
    if result.error:
        data["error"] = result.error
    return data


def to_json(results: Sequence[ExerciseResult], single: bool) -> str:
    items = [to_dict(r) for r in results]
    return json.dumps(items[0] if single else items, indent=2)


def write_junit(results: Sequence[ExerciseResult], path: Path) -> None:
    """JUnit XML, one test suite per exercise and one test case per check."""
    suites = ET.Element("testsuites", name="course")
    for result in results:
        failures = sum(not c.passed for c in result.checks) + (1 if result.error else 0)
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=result.exercise.id,
            tests=str(len(result.checks)),
            failures=str(failures),
            errors="0",
            time=f"{result.duration_s:.3f}",
        )
        if result.error:
            case = ET.SubElement(
                suite, "testcase", classname=result.exercise.id, name="submission can be graded"
            )
            ET.SubElement(case, "failure", message=result.error).text = result.error
        for check in result.checks:
            case = ET.SubElement(
                suite, "testcase", classname=result.exercise.id, name=check.name, time="0"
            )
            if not check.passed:
                ET.SubElement(case, "failure", message=check.message).text = check.message
            if check.output:
                ET.SubElement(case, "system-out").text = check.output
    ET.indent(suites)
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(suites).write(path, encoding="utf-8", xml_declaration=True)


def _console():
    from rich.console import Console

    no_color = bool(os.environ.get("NO_COLOR"))
    return Console(highlight=False, no_color=no_color, soft_wrap=not sys.stdout.isatty())


def print_results(results: Sequence[ExerciseResult], catalog: Catalog) -> None:
    """The learner's view: each check, the score, and what to do next."""
    console = _console()
    for result in results:
        _print_one(console, result, catalog, detailed=len(results) == 1)
    if len(results) > 1:
        _print_summary(console, results)


def _print_one(console, result: ExerciseResult, catalog: Catalog, detailed: bool) -> None:
    from rich.markup import escape

    ex = result.exercise
    root = ex.root
    console.print(f"[bold]{ex.id}  {escape(ex.title)}[/bold]")
    console.print(f"  file: {escape(_rel(result.submission, root))}   seed: {result.seed}")
    if result.error:
        console.print(f"  [red]Could not grade:[/red] {escape(result.error)}")
    lesson = catalog.lesson(ex.lesson_id)
    shown_failure = False
    for check in result.checks:
        mark = "[green]PASS[/green]" if check.passed else "[red]FAIL[/red]"
        points = f"{check.points:g}/{check.max_points:.3g}"
        console.print(f"  {mark}  {escape(check.title)}  [dim]({points})[/dim]")
        if check.passed or (result.error and not detailed):
            continue
        if detailed or not shown_failure:
            console.print(f"        {escape(check.message)}", style="yellow")
            if check.output and not shown_failure:
                console.print("        your code printed:", style="dim")
                for line in check.output.rstrip().splitlines()[:8]:
                    console.print(f"          {escape(line)}", style="dim")
            if not shown_failure:
                console.print(f"        read: {lesson.section_ref(check.section)}", style="cyan")
            shown_failure = True
    passed = sum(c.passed for c in result.checks)
    verdict = (
        "[green]all checks passed[/green]"
        if result.passed
        else (f"{passed} of {len(result.checks)} checks passed")
    )
    console.print(f"  Score: [bold]{result.score:g}/{result.max_score:g}[/bold], {verdict}.")
    if detailed:
        if result.passed:
            following = _next_exercise(catalog, ex.id)
            step = f"course grade {following.id}" if following else "course list"
            console.print(f"  Well done. Next: [bold]{step}[/bold]")
        else:
            console.print(
                f"  Next: fix the first failing check, then run "
                f"[bold]course grade {ex.id}[/bold] again. Stuck? The lesson "
                f"section above helps; the manifest has {len(ex.hints)} hints."
            )
    console.print()


def _print_summary(console, results: Sequence[ExerciseResult]) -> None:
    from rich.table import Table

    table = Table(title="Summary", show_lines=False)
    for column in ("exercise", "title", "score", "checks"):
        table.add_column(column)
    for r in results:
        passed = sum(c.passed for c in r.checks)
        table.add_row(
            r.exercise.id,
            r.exercise.title,
            f"{r.score:g}/{r.max_score:g}",
            f"{passed}/{len(r.checks)}",
        )
    total = sum(r.score for r in results)
    most = sum(r.max_score for r in results)
    table.add_row("total", "", f"{total:g}/{most:g}", "")
    console.print(table)


def _next_exercise(catalog: Catalog, exercise_id: str):
    ids = [e.id for e in catalog.exercises]
    position = ids.index(exercise_id)
    return catalog.exercises[position + 1] if position + 1 < len(ids) else None
