"""Present grading results: for a learner's terminal, as JSON, and as JUnit XML.

The JSON shape is a public interface (README, "Interface"); bump ``SCHEMA_VERSION`` in
:mod:`grader.grading.results` when it changes.

Messages, printed output and file names come from the learner's code: every one goes out
through :mod:`grader.text.safe_text` for its surface, so it can never move the cursor, forge a
report line, or make the JSON or XML unreadable.
"""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

import click

from grader.catalog import Catalog, repo_root
from grader.grading.results import SCHEMA_VERSION, ExerciseResult
from grader.text import safe_text
from grader.text.term import DANGLING, close_cut, shorten, style, wrap


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
        "protections": result.protections or None,
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
    return safe_text.json_safe(data)


def to_json(results: Sequence[ExerciseResult], single: bool) -> str:
    items = [to_dict(r) for r in results]
    return json.dumps(items[0] if single else items, indent=2)


def write_junit(results: Sequence[ExerciseResult], path: Path) -> None:
    """JUnit XML, one test suite per exercise and one test case per check."""
    x = safe_text.xml_text
    suites = ET.Element("testsuites", name="course")
    for result in results:
        failures = sum(not c.passed for c in result.checks) + (1 if result.error else 0)
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=x(result.exercise.id),
            tests=str(len(result.checks)),
            failures=str(failures),
            errors="0",
            time=f"{result.duration_s:.3f}",
        )
        if result.error:
            case = ET.SubElement(
                suite, "testcase", classname=x(result.exercise.id), name="submission can be graded"
            )
            ET.SubElement(case, "failure", message=x(result.error)).text = x(result.error)
        for check in result.checks:
            case = ET.SubElement(
                suite, "testcase", classname=x(result.exercise.id), name=x(check.name), time="0"
            )
            if not check.passed:
                ET.SubElement(case, "failure", message=x(check.message)).text = x(check.message)
            if check.output:
                ET.SubElement(case, "system-out").text = x(check.output)
    ET.indent(suites)
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(suites).write(path, encoding="utf-8", xml_declaration=True)


WATCH_ENV = "COURSE_WATCH"  # set by 'course watch' to the id it grades
OUTPUT_LINES = 8  # of a learner's printed output shown under the first failing check
OUTPUT_WIDTH = 100
SUMMARY_WIDTH = 160  # per further failing check: about two lines of a terminal
SHORT_ARGUMENTS = 40  # characters of a call's arguments kept in a one-line summary


def print_results(results: Sequence[ExerciseResult], catalog: Catalog) -> None:
    """The learner's view: each check, the first failure in full, the score, what next.
    For several exercises (a lesson), a few lines each and the total.

    Plain, stable text unless standard output is a terminal (see :mod:`grader.text.term`).
    """
    if len(results) == 1:
        click.echo("\n".join(render(results[0], catalog)) + "\n")
        return
    lines: list[str] = []
    held = [r.protections for r in results if r.protections]
    if held:  # one worker setup for the whole run: say it once
        lines += wrap(protections_line(held[0]), "", dim=True) + [""]
    width = max(len(r.exercise.id) for r in results)
    for result in results:
        lines += render_brief(result, catalog, width)
    click.echo("\n".join(lines + [""] + render_summary(results)))


def protections_line(protections: dict) -> str:
    """What held the learner's code on this machine, so that nobody takes a laptop's grade
    for a fenced one: ``fenced: no network, ...`` or ``not fenced (missing: ...); ...``."""
    from grader.sandbox.host import Protections

    found = Protections(
        tuple(protections.get("in_force", ())), tuple(protections.get("missing", ()))
    )
    return found.headline()


def render(result: ExerciseResult, catalog: Catalog) -> list[str]:
    """One exercise in full: every check in order, then the first failing check with what
    was called, what came back and what was expected (the check's message), what the
    code printed and where to read; the other failures in a line each; then what next."""
    ex = result.exercise
    lesson = catalog.lesson(ex.lesson_id)
    lines = [
        style(f"{ex.id}  {ex.title}", bold=True),
        f"  file: {safe_text.terminal_line(_rel(result.submission, ex.root))}   "
        f"seed: {result.seed}",
    ]
    if result.protections:
        lines += wrap(protections_line(result.protections), "  ", dim=True)
    for number, check in enumerate(result.checks, start=1):
        mark = style("PASS", "green") if check.passed else style("FAIL", "red")
        points = style(f"({check.points:.3g}/{check.max_points:.3g})", dim=True)
        lines.append(f"  {number:>2} {mark}  {_title(check.title)}  {points}")
    failing = [(n, c) for n, c in enumerate(result.checks, start=1) if not c.passed]
    if result.error:
        label = "Fix this first:" if any(c.passed for c in result.checks) else "Could not grade:"
        lines += ["", f"  {style(label, 'red', bold=True)}"]
        lines += _block(result.error, "    ", "yellow")
        # Checks that failed for another reason (a missing function) still teach.
        failing = [(n, c) for n, c in failing if c.message != result.error]
        if failing:
            lines.append("")
    elif failing:
        lines.append("")
    if failing:
        lines += _first_failure(failing[0], lesson)
        lines += _other_failures(failing)
    elif result.error and len(result.checks) > 1:
        lines.append("  Every check failed for this reason.")
    lines += ["", "  " + _score_line(result)]
    lines += ["  " + line for line in _next_steps(result, catalog)]
    return lines


def _first_failure(numbered, lesson) -> list[str]:
    number, check = numbered
    lines = [f"  {style(f'Check {number} failed:', 'red', bold=True)} {_title(check.title)}"]
    lines += _block(check.message, "    ", "yellow")
    if check.output:
        printed = safe_text.terminal_lines(check.output.rstrip("\n"))
        lines.append("    " + style("Your code printed:", dim=True))
        prefix = "      " + safe_text.CONTINUATION
        width = min(
            OUTPUT_WIDTH, (safe_text.terminal_width() or OUTPUT_WIDTH + len(prefix)) - len(prefix)
        )
        lines += [prefix + shorten_keep(line, width) for line in printed[:OUTPUT_LINES]]
        if len(printed) > OUTPUT_LINES:
            lines.append(
                "      " + style(f"({len(printed) - OUTPUT_LINES} more lines not shown)", dim=True)
            )
    lines.append(f"    Read: {style(_read(lesson, check.section), 'cyan')}")
    return lines


def _other_failures(failing) -> list[str]:
    """The failures after the first, one line per distinct reason; functions that are
    still the stub's share one line."""
    first_number, first = failing[0]
    same = _reason(first.message)
    groups: dict[str, list[int]] = {}
    shown: dict[str, str] = {}  # a group's reason -> the first message that gave it
    unwritten: dict[str, list[int]] = {}
    for number, check in failing[1:]:
        reason = _reason(check.message)
        if check.unwritten and reason != same:
            unwritten.setdefault(check.unwritten, []).append(number)
        else:
            groups.setdefault(reason, []).append(number)
            shown.setdefault(reason, check.message)
    if not groups and not unwritten:
        return []
    # Grouped checks gave the same message at other inputs: say that it is one problem met
    # again, so that a check is not read as finding a bug of its own.
    if list(groups) == [same] and not unwritten:
        return [
            f"  Also failing: {_numbers(groups[same])}, for the same reason: the problem of "
            f"check {first_number}, met again at other inputs (not a separate bug)."
        ]
    lines = ["  Also failing:"]
    for reason, numbers in groups.items():
        text = (
            f"failed for the same reason as check {first_number}: its problem, met again at "
            "other inputs (not a separate bug)"
            if reason == same
            else _summary(_without_arguments(shown[reason]), SUMMARY_WIDTH)
        )
        lines += _block(f"{_numbers(numbers)}: {text}", "    ")
    if unwritten:
        numbers = sorted(n for ns in unwritten.values() for n in ns)
        names = ", ".join(unwritten)
        verb = "raises" if len(unwritten) == 1 else "raise"
        lines += _block(f"{_numbers(numbers)}: {names} still {verb} NotImplementedError", "    ")
    return lines


_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_INDEX = re.compile(r" at index \([\d, ]*\)")


def _reason(message: str) -> str:
    """What a message says went wrong, without the values it was said of: two checks
    whose messages differ only in their inputs and numbers ("gave 3.1 for x = 2, ...: that
    is a forward difference") failed for the same reason, and are summarised together."""
    text = _INDEX.sub("", _without_arguments(message, keep_short=False))
    return _NUMBER.sub("#", text)


def _without_arguments(message: str, keep_short: bool = True) -> str:
    """ "f(<long arguments>): it gave 1; expected 2" -> "f(...): it gave 1; expected 2", so a
    one-line summary keeps what went wrong rather than the inputs (the full message is in
    the check's own report and in --json). Short arguments stay: they are often the point,
    as in "verdict(1e-07): ..."."""
    start = re.match(r"\w+\(", message)
    if not start:
        return message
    depth = 0
    for index in range(start.end() - 1, len(message)):
        depth += {"(": 1, ")": -1}.get(message[index], 0)
        if depth == 0:
            if keep_short and index - start.end() <= SHORT_ARGUMENTS:
                return message
            return f"{message[: start.end() - 1]}(...){message[index + 1 :]}"
    return message


def _numbers(numbers: list[int]) -> str:
    """[2, 3, 4, 6] -> "checks 2-4, 6"."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    parts = [f"{r[0]}-{r[-1]}" if len(r) > 2 else ", ".join(map(str, r)) for r in runs]
    return ("checks " if len(numbers) > 1 else "check ") + ", ".join(parts)


def shorten_keep(line: str, width: int) -> str:
    """A printed line cut to ``width`` columns (its spacing kept, unlike
    :func:`term.shorten`)."""
    return safe_text.cut(line.rstrip(), width)


def _block(text: str, indent: str, fg: str | None = None) -> list[str]:
    """Text that may hold the learner's words, as report lines: every line after the
    first is a marked continuation (see :func:`safe_text.terminal_block`)."""
    lines = safe_text.terminal_block(text, indent, safe_text.terminal_width())
    return [style(line, fg) for line in lines] if fg else lines


def _summary(text: str, width: int) -> str:
    """Text that may hold the learner's words, as one line of at most ``width``."""
    return shorten(safe_text.terminal_line(text, newline=" "), width)


def _title(title: str) -> str:
    """A check's title, the first line of its docstring: a sentence that goes on in the
    next line ends on a mark such as ";" or ",", and is shown cut, with "..."."""
    title = title.strip()
    return close_cut(title) if title and title[-1] in DANGLING else title


def _read(lesson, section: str) -> str:
    """Where to read about ``section``: an anchor of the lesson page, or "page.md#anchor"
    for a section on another page of the same lesson (the built site's page when 'course
    site build' has made it)."""
    page, mark, anchor = (section or "").partition("#")
    if not (mark and page.endswith(".md")) or "/" in page:
        return lesson.section_ref(section)
    built = Path("site/_build") / Path(lesson.page).parent / (page.removesuffix(".md") + ".html")
    if (repo_root() / built).is_file():
        return f"{built.as_posix()}#{anchor}"
    return f"{lesson.folder}/{page}#{anchor}"


def _score_line(result: ExerciseResult) -> str:
    passed = sum(c.passed for c in result.checks)
    score = style(f"{result.score:g}/{result.max_score:g}", bold=True)
    if result.passed:
        return f"Score: {score}, {style('all checks passed', 'green')}."
    return f"Score: {score}, {passed} of {len(result.checks)} checks passed."


def _next_steps(result: ExerciseResult, catalog: Catalog) -> list[str]:
    ex = result.exercise
    watched = os.environ.get(WATCH_ENV) == ex.id  # graded by 'course watch'
    if result.passed and watched:
        return ["Well done."]
    if result.passed:
        following = _next_exercise(catalog, ex.id)
        if following is None:
            return ["Well done. That was the last one: 'course' shows where you stand."]
        command = (
            f"course quiz {following.lesson_id}"
            if following.kind == "quiz"
            else f"course grade {following.id}"
        )
        return [f"Well done. Next: {following.short}: {style(command, bold=True)}"]
    what = "the problem above" if result.error else f"check {_first_failing(result)}"
    again = (
        "save the file: it is graded again"
        if watched
        else f"run {style(f'course grade {ex.id}', bold=True)} again"
    )
    return [
        f"Next: fix {what}, then {again}.",
        f"Stuck? {style(f'course hint {ex.id}', bold=True)} gives a hint "
        f"({len(ex.hints)} in all), one at a time.",
    ]


def _first_failing(result: ExerciseResult) -> int:
    for number, check in enumerate(result.checks, start=1):
        if not check.passed:
            return number
    return 1


def render_brief(result: ExerciseResult, catalog: Catalog, width: int = 0) -> list[str]:
    """One exercise of a lesson run: its score and, if it failed, its first failure."""
    ex = result.exercise
    passed = sum(c.passed for c in result.checks)
    mark = style("PASS", "green") if result.passed else style("FAIL", "red")
    counted = f"{passed} of {len(result.checks)} checks" if result.checks else "not graded"
    lines = [
        f"{mark}  {style(f'{ex.id:<{width}}', bold=True)}  {ex.title}: "
        f"{result.score:g}/{result.max_score:g} ({counted})"
    ]
    if result.error:
        # Whole: it is the only thing to read, and often ends with the command that helps.
        lines += _block(f"Could not grade: {_summary(result.error, 2 * SUMMARY_WIDTH)}", "      ")
    failing = [(n, c) for n, c in enumerate(result.checks, start=1) if not c.passed]
    untouched = len(failing) == len(result.checks) and all(c.unwritten for _, c in failing)
    if untouched and not result.error:
        lines[-1] += ", still the stub"
        return lines
    if failing and not result.error:
        number, check = failing[0]
        lesson = catalog.lesson(ex.lesson_id)
        lines += _block(f"check {number}: {_summary(check.message, SUMMARY_WIDTH)}", "      ")
        lines.append(f"      read: {_read(lesson, check.section)}")
    if not result.passed and result.checks:
        lines.append(f"      details: course grade {ex.id}")
    return lines


def render_summary(results: Sequence[ExerciseResult]) -> list[str]:
    total = sum(r.score for r in results)
    most = sum(r.max_score for r in results)
    done = sum(r.passed for r in results)
    return [
        style(f"Total: {total:g}/{most:g}", bold=True)
        + f", {done} of {len(results)} passed. 'course progress' shows your best scores."
    ]


def _next_exercise(catalog: Catalog, exercise_id: str):
    ids = [e.id for e in catalog.exercises]
    position = ids.index(exercise_id)
    return catalog.exercises[position + 1] if position + 1 < len(ids) else None
