"""What a grading run finds: each check's outcome, and each exercise's result. The plugin
records checks as pytest runs them; the runner shares out the points; the report and the
store read the result. ``SCHEMA_VERSION`` versions the JSON shape (README, "Interface")."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from grader.catalog import Exercise

SCHEMA_VERSION = 1


@dataclass
class Check:
    """One check of a hidden suite, as a learner sees it."""

    name: str
    title: str
    passed: bool
    weight: float = 1.0  # relative, within its exercise (@pytest.mark.points)
    message: str = ""
    output: str = ""
    section: str = ""
    unwritten: str = ""  # the function that still raises the stub's NotImplementedError
    points: float = 0.0  # its share of the exercise's points, once scored
    max_points: float = 0.0


@dataclass
class ExerciseResult:
    exercise: Exercise
    submission: Path
    seed: int
    checks: list[Check] = field(default_factory=list)
    duration_s: float = 0.0
    error: str | None = None
    # What held the learner's code: {"in_force": [...], "missing": [...]} from its worker,
    # empty for a data file (a quiz's answers), which is read and never run.
    protections: dict = field(default_factory=dict)

    @property
    def max_score(self) -> float:
        return self.exercise.points

    @property
    def score(self) -> float:
        return round(sum(c.points for c in self.checks), 2)

    @property
    def passed(self) -> bool:
        return bool(self.checks) and all(c.passed for c in self.checks) and not self.error
