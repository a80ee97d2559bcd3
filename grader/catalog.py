"""The course catalogue: lessons and their exercises, read from the lesson manifests.

Each lesson folder ``lessons/<id>-<slug>/`` holds one ``lesson.toml``; it is the only list
of that lesson's exercises (see docs/manifest.md for every field). The folder owns the rest
of the lesson too: its pages and quiz, its hidden suites (``suites/``), the trusted inputs
those pass into learner code (``inputs.py``), its site facts (``facts.py``) and its
catalogues of known-wrong and correct files (``wrong/``, ``correct/``). This module finds
the manifests, validates them, and resolves an id such as ``1.2.39.5`` to an
:class:`Exercise`.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from grader.sandbox.limits import Limits

KINDS = ("exercise", "project", "quiz")
KIND_LABELS = {"exercise": "Exercise", "project": "Mini-project", "quiz": "Quiz"}
# What in a lesson folder only the grader and the project's tests may read: never a worker
# (they hold the suites, and files that pass), never the site (see mkdocs.yml).
PRIVATE = ("suites", "inputs.py", "wrong", "correct")
_ID = re.compile(r"^\d+(\.\d+)*(\.[a-z]+)?$")  # 1.2.39.5, 1.2.39.project


def repo_root() -> Path:
    """The course repository: ``COURSE_ROOT`` if set, else the checkout holding this package."""
    env = os.environ.get("COURSE_ROOT")
    return Path(env).resolve() if env else Path(__file__).resolve().parent.parent


class ManifestError(ValueError):
    """A lesson manifest is missing a field, has a wrong value or names a missing file."""


class UnknownId(LookupError):
    def __init__(self, wanted: str, suggestions: list[str]):
        hint = f" Did you mean {' or '.join(suggestions)}?" if suggestions else ""
        super().__init__(
            f"There is no lesson or exercise {wanted!r}.{hint} Run 'course list' to see them all."
        )
        self.wanted, self.suggestions = wanted, suggestions


@dataclass(frozen=True)
class Exercise:
    id: str
    title: str
    kind: str
    lesson_id: str
    difficulty: int
    points: float
    stub: str  # relative to the repo root; the solution mirrors it under solutions/
    suite: str  # relative to the repo root (the manifest gives it within the lesson folder)
    functions: tuple[str, ...]
    constants: tuple[str, ...]
    section: str
    hints: tuple[str, ...]
    limits: Limits
    root: Path = field(repr=False, compare=False)

    @property
    def solution(self) -> str:
        return "solutions/" + self.stub.removeprefix("exercises/")

    def path(self, relative: str) -> Path:
        return self.root / relative

    @property
    def short(self) -> str:
        return f"{self.id} {self.title}"

    @property
    def label(self) -> str:
        """What a learner calls this kind of item: Exercise, Mini-project or Quiz."""
        return KIND_LABELS[self.kind]

    @property
    def heading(self) -> str:
        """Its heading on the site: "Exercise 1.2.39.1: Define forward difference",
        "Mini-project: Gradient checker", or a quiz's title where it says "Quiz" already."""
        if self.kind == "exercise":
            return f"{self.label} {self.id}: {self.title}"
        if self.title.lower().startswith(self.label.lower()):
            return self.title
        return f"{self.label}: {self.title}"

    @property
    def command(self) -> str:
        """The command that grades it: a quiz is taken, lesson by lesson; the rest is
        graded by id."""
        if self.kind == "quiz":
            return f"course quiz {self.lesson_id}"
        return f"course grade {self.id}"


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    folder: str  # relative to the repo root
    page: str  # the lesson page, relative to lessons/
    meta: dict
    exercises: tuple[Exercise, ...]
    root: Path = field(repr=False, compare=False)

    @property
    def private(self) -> tuple[Path, ...]:
        """The lesson's own files that no worker may read (see :data:`PRIVATE`)."""
        return tuple(self.root / self.folder / name for name in PRIVATE)

    def section_ref(self, anchor: str) -> str:
        """Where a learner reads about ``anchor``: the lesson page (the built site's page
        when 'course site build' has made it, since the source holds placeholders)."""
        page = Path(self.page)
        built = Path("site/_build") / page.parent / "index.html"
        if page.name == "index.md" and _built_with(repo_root() / built, anchor):
            return f"{built.as_posix()}#{anchor}" if anchor else built.as_posix()
        return f"{self.folder}/{page.name}#{anchor}" if anchor else self.folder


def _built_with(path: Path, anchor: str) -> bool:
    """Whether a built page exists and has ``anchor``: a site built before a lesson arrived
    holds a "coming" page in its place, which has none of the lesson's sections."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return not anchor or f'id="{anchor}"' in text


@dataclass(frozen=True)
class Catalog:
    root: Path
    lessons: tuple[Lesson, ...]

    @property
    def exercises(self) -> tuple[Exercise, ...]:
        return tuple(e for lesson in self.lessons for e in lesson.exercises)

    def lesson(self, lesson_id: str) -> Lesson:
        for lesson in self.lessons:
            if lesson.id == lesson_id:
                return lesson
        raise self._unknown(lesson_id)

    def exercise(self, exercise_id: str) -> Exercise:
        for exercise in self.exercises:
            if exercise.id == exercise_id:
                return exercise
        raise self._unknown(exercise_id)

    def resolve(self, wanted: str) -> list[Exercise]:
        """An exercise id gives that exercise; a lesson id gives all of the lesson's."""
        wanted = wanted.strip()
        for lesson in self.lessons:
            if lesson.id == wanted:
                return list(lesson.exercises)
        return [self.exercise(wanted)]

    def _unknown(self, wanted: str) -> UnknownId:
        # Learners also type a file: "ex2", "ex2_step_size.py" or the stub's whole path.
        typed = wanted.strip().rstrip("/")
        name = Path(typed).name
        by_file = [
            e.id
            for e in self.exercises
            if typed == e.stub
            or name in (Path(e.stub).name, Path(e.stub).stem)
            or Path(e.stub).stem.split("_")[0] == name
        ]
        if by_file:
            return UnknownId(wanted, by_file[:3])
        ids = [lesson.id for lesson in self.lessons] + [e.id for e in self.exercises]
        close = difflib.get_close_matches(wanted, ids, n=3, cutoff=0.6)
        if not close:  # "39.5" or "5" should still find 1.2.39.5
            close = [i for i in ids if i.endswith("." + wanted.lstrip("."))][:3]
        return UnknownId(wanted, close)


def _require(table: dict, key: str, kind: type | tuple, where: str):
    if key not in table:
        raise ManifestError(f"{where}: missing field '{key}'")
    value = table[key]
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise ManifestError(f"{where}: field '{key}' should be {_kind_name(kind)}, not {value!r}")
    return value


def _kind_name(kind) -> str:
    names = {str: "text", int: "a whole number", list: "a list", dict: "a table"}
    if isinstance(kind, tuple):
        return " or ".join(names.get(k, k.__name__) for k in kind)
    return names.get(kind, kind.__name__)


def _load_exercise(table: dict, lesson_id: str, folder: str, root: Path, where: str) -> Exercise:
    allowed = {
        "id",
        "title",
        "kind",
        "difficulty",
        "points",
        "stub",
        "suite",
        "functions",
        "constants",
        "section",
        "hints",
        "limits",
    }
    extra = set(table) - allowed
    if extra:
        raise ManifestError(f"{where}: unknown field(s) {sorted(extra)}")
    ex_id = _require(table, "id", str, where)
    where = f"{where} ({ex_id})"
    if not _ID.match(ex_id) or not ex_id.startswith(lesson_id + "."):
        raise ManifestError(f"{where}: id must start with the lesson id {lesson_id}.")
    kind = table.get("kind", "exercise")
    if kind not in KINDS:
        raise ManifestError(f"{where}: kind must be one of {', '.join(KINDS)}")
    points = _require(table, "points", (int, float), where)
    if points <= 0:
        raise ManifestError(f"{where}: points must be positive")
    stub = _require(table, "stub", str, where)
    suite = _require(table, "suite", str, where)
    if not stub.startswith("exercises/"):
        raise ManifestError(f"{where}: stub must lie under exercises/")
    if not suite.startswith("suites/") or ".." in Path(suite).parts:
        raise ManifestError(f"{where}: suite must lie in the lesson's own suites/ folder")
    suite = f"{folder}/{suite}"
    # The learner's stub may be missing (deleted by mistake); commands say so themselves.
    for label, rel in (
        ("suite", suite),
        ("solution", "solutions/" + stub.removeprefix("exercises/")),
    ):
        if not (root / rel).is_file():
            raise ManifestError(f"{where}: the {label} file {rel} does not exist")
    hints = _require(table, "hints", list, where)
    if len(hints) < 2 or not all(isinstance(h, str) and h.strip() for h in hints):
        raise ManifestError(f"{where}: give at least two hints, each a non-empty text")
    try:
        limits = Limits.from_mapping(table.get("limits", {}))
    except (TypeError, ValueError) as exc:
        raise ManifestError(f"{where}: limits: {exc}") from None
    return Exercise(
        id=ex_id,
        title=_require(table, "title", str, where),
        kind=kind,
        lesson_id=lesson_id,
        difficulty=table.get("difficulty", 1),
        points=float(points),
        stub=stub,
        suite=suite,
        functions=tuple(table.get("functions", [])),
        constants=tuple(table.get("constants", [])),
        section=_require(table, "section", str, where),
        hints=tuple(hints),
        limits=limits,
        root=root,
    )


def load_lesson(manifest: Path, root: Path) -> Lesson:
    where = str(manifest.relative_to(root))
    try:
        data = tomllib.loads(manifest.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(f"{where}: not valid TOML: {exc}") from None
    lesson = _require(data, "lesson", dict, where)
    lesson_id = _require(lesson, "id", str, where)
    if not re.fullmatch(r"\d+(\.\d+)*", lesson_id):
        raise ManifestError(f"{where}: lesson id {lesson_id!r} is not like 1.2.39")
    folder = manifest.parent.relative_to(root).as_posix()
    if not manifest.parent.name.startswith(lesson_id + "-"):
        raise ManifestError(f"{where}: the folder name must start with '{lesson_id}-'")
    page = lesson.get("page", "index.md")
    if not (manifest.parent / page).is_file():
        raise ManifestError(f"{where}: the lesson page {page} does not exist")
    exercises = tuple(
        _load_exercise(t, lesson_id, folder, root, f"{where}, exercise {i + 1}")
        for i, t in enumerate(_require(data, "exercises", list, where))
    )
    ids = [e.id for e in exercises]
    if len(set(ids)) != len(ids):
        raise ManifestError(f"{where}: exercise ids repeat")
    meta = {k: v for k, v in lesson.items() if k not in ("id", "title", "page")}
    return Lesson(
        lesson_id,
        _require(lesson, "title", str, where),
        folder,
        f"{manifest.parent.name}/{page}",
        meta,
        exercises,
        root,
    )


def _lesson_key(lesson: Lesson) -> tuple[int, ...]:
    return tuple(int(p) for p in lesson.id.split("."))


@cache
def _load(root: Path) -> Catalog:
    manifests = sorted((root / "lessons").glob("*/lesson.toml"))
    lessons = sorted((load_lesson(m, root) for m in manifests), key=_lesson_key)
    return Catalog(root, tuple(lessons))


def load(root: Path | None = None) -> Catalog:
    """The catalogue of the course at ``root`` (default: :func:`repo_root`)."""
    return _load((root or repo_root()).resolve())
