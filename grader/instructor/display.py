"""What the instructor sees while a batch runs and when it ends."""

from __future__ import annotations

from pathlib import Path

from grader.instructor.batch import BatchSummary
from grader.instructor.gradebook import number_text
from grader.text import safe_text


class Progress:
    """A progress bar on a terminal (rich); elsewhere, one plain line per learner."""

    def __init__(self, terminal: bool):
        self.terminal = terminal
        self.bar = None
        self.task = None

    def start(self, total: int) -> None:
        if self.terminal:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self.bar = Progress(
                TextColumn("grading"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                # A learner's name: never read as markup ("[/]" would raise in rich).
                TextColumn("{task.description}", markup=False),
            )
            self.bar.start()
            self.task = self.bar.add_task("", total=total)

    def done(self, record: dict) -> None:
        line = _learner_line(record)
        if self.bar is not None:
            name = safe_text.terminal_line(record["learner"])
            self.bar.update(self.task, advance=1, description=name)
            if record.get("error"):  # one line, cut to fit: the summary has it whole
                text = safe_text.rich_text(line)
                self.bar.console.print(text, no_wrap=True, overflow="ellipsis")
        else:
            print(safe_text.terminal_line(line), flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


def _learner_line(record: dict) -> str:
    score = f"{number_text(record['score'])}/{number_text(record['max_score'])}"
    line = f"{record['learner']}: {score} ({record['graded']} graded, {record['cached']} stored)"
    if record.get("error"):
        line += f"; zeros: {record['error']}"
    return line


def summary_lines(summary: BatchSummary, out_csv: Path, out_json: Path | None) -> list[str]:
    """What the instructor reads at the end; names and reasons are the learners' text."""
    line = safe_text.terminal_line
    missing = sum(
        1
        for record in summary.records
        for result in record["results"]
        if result.get("error", "").startswith("missing file")
    )
    lines = [
        f"Graded {summary.learners} learner(s) in {summary.seconds:g} s with {summary.jobs} "
        f"{'Dask worker thread(s)' if summary.on_cluster else 'job(s)'}, seed {summary.seed}: "
        f"{summary.graded} item(s) graded, {summary.cached} "
        f"taken from the store, {missing} missing file(s).",
    ]
    if summary.skipped:
        names = ", ".join(line(name) for name in summary.skipped)
        lines.append(f"Skipped (neither a folder nor a .zip): {names}")
    if summary.problems:
        lines.append(
            f"{len(summary.problems)} submission(s) could not be graded at all (zeros in "
            "the gradebook):"
        )
        width = safe_text.terminal_width()  # folded on a terminal, never wrapped by it
        for name, reason in sorted(summary.problems.items()):
            lines += safe_text.terminal_block(f"{line(name)}: {line(reason)}", "  ", width)
    lines.append(f"Gradebook: {line(str(out_csv))}")
    if out_json is not None:
        lines.append(f"Every check: {line(str(out_json))}")
    return lines
