"""Placeholders in lesson pages: computed numbers, manifest fields, and generated figures.

A lesson page never types in a measured number, an exercise title or the lesson's
metadata; it writes a placeholder that this hook replaces before Markdown is converted:

``[[fact:NAME]]``
    A value from the lesson's facts module, ``facts.py`` in the lesson's folder (for
    1.2.39: ``lessons/1.2.39-numerical-differentiation/facts.py``), whose ``facts()``
    returns a dict. Floats are
    shown with 2 significant digits as HTML, e.g. ``4.9 × 10<sup>−9</sup>``;
    ``[[fact:NAME:3]]`` asks for 3 digits, ``[[fact:NAME:tex]]`` for TeX to put inside
    ``$...$`` (both combine: ``[[fact:NAME:tex:3]]``). Ints are whole numbers; strings are
    Markdown and may hold placeholders themselves.
``[[lesson:FIELD]]``
    A field of the manifest's ``[lesson]`` table: ``id``, ``title``, ``hours``,
    ``difficulty``, ``topic``, ``prerequisites``, ``next.id``, ``next.title``,
    ``next.teaser``; ``next.status`` (a link to the next lesson once it is in the course,
    else a note that it is not published yet); and ``exercise_range`` (first to last
    exercise id, from the manifest).
``[[exercise:ID:FIELD]]``
    A field of one manifest entry: ``title``, ``heading`` ("Exercise 1.2.39.1: Define
    forward difference", "Mini-project: Gradient checker"), ``command`` (``course grade
    ID``, or ``course quiz LESSON`` for a quiz), ``stub``, ``points``, ``difficulty``,
    ``section``, ``kind``.

Any other ``[[word:...]]`` stops the build with a message naming the page, the
placeholder and what was probably meant: a typo must never reach a learner as raw text.
The facts module's ``figures()`` files (SVG bytes by path relative to the lesson folder)
are written beside the generated pages (:mod:`.generate`); nothing is written into the
sources.
"""

from __future__ import annotations

import difflib
import importlib.util
import math
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

PLACEHOLDER = re.compile(r"\[\[([A-Za-z_]+):([^\[\]\n]+?)\]\]")
FACTS_FILE = "facts.py"  # in the lesson's own folder
MAX_DEPTH = 4  # strings may hold placeholders; this deep and no deeper

LESSON_FIELDS = (
    "id",
    "title",
    "hours",
    "difficulty",
    "topic",
    "prerequisites",
    "next.id",
    "next.title",
    "next.teaser",
    "next.status",
    "exercise_range",
)
EXERCISE_FIELDS = ("title", "heading", "command", "stub", "points", "difficulty", "section", "kind")


class PlaceholderError(ValueError):
    """A placeholder that names nothing, or a lesson whose facts cannot be computed."""


def facts_module_path(root: Path, lesson_folder: str) -> Path:
    return root / lesson_folder / FACTS_FILE


def load_facts_module(path: Path) -> ModuleType:
    """Import a facts module from its file, fresh on every build (``mkdocs serve`` edits)."""
    name = "lesson_facts_" + re.sub(r"\W", "_", path.parent.name)  # one per lesson folder
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses and pickling look their module up here
    spec.loader.exec_module(module)
    return module


@dataclass
class LessonContext:
    """What placeholders of one lesson's pages can name."""

    lesson: object  # grader.catalog.Lesson
    facts_path: Path
    _module: ModuleType | None = field(default=None, repr=False)
    _facts: dict | None = field(default=None, repr=False)

    @property
    def module(self) -> ModuleType | None:
        if self._module is None and self.facts_path.is_file():
            try:
                self._module = load_facts_module(self.facts_path)
            except Exception as exc:  # a build must say which file broke, then stop
                raise PlaceholderError(
                    f"Could not import the facts module {self.facts_path}: "
                    f"{type(exc).__name__}: {exc}"
                ) from exc
        return self._module

    @property
    def facts(self) -> dict:
        if self._facts is None:
            module = self.module
            if module is None:
                self._facts = {}
            else:
                try:
                    self._facts = dict(module.facts())
                except Exception as exc:
                    raise PlaceholderError(
                        f"{self.facts_path}: facts() failed: {type(exc).__name__}: {exc}"
                    ) from exc
        return self._facts

    def figures(self) -> dict[str, bytes]:
        module = self.module
        if module is None or not hasattr(module, "figures"):
            return {}
        try:
            return dict(module.figures())
        except Exception as exc:
            raise PlaceholderError(
                f"{self.facts_path}: figures() failed: {type(exc).__name__}: {exc}"
            ) from exc


def lesson_context(root: Path, manifest: Path) -> LessonContext:
    """The context of the lesson whose manifest is ``manifest``, validated by the catalogue."""
    from grader.catalog import ManifestError, load_lesson

    try:
        lesson = load_lesson(manifest, root)
    except ManifestError as exc:
        raise PlaceholderError(f"The lesson manifest is not valid: {exc}") from exc
    return LessonContext(lesson, facts_module_path(root, lesson.folder))


# -- Formatting -----------------------------------------------------------------------------

_MINUS = "\N{MINUS SIGN}"  # typographic minus for HTML text


def format_number(value: float, digits: int = 2, tex: bool = False) -> str:
    """``value`` with ``digits`` significant digits, in scientific form when small or big.

    0.0344 -> "0.034"; 1.002 -> "1.0"; 0.05 -> "0.05" (a round value keeps no padding
    zeros); 4.91e-9 -> "4.9 × 10<sup>−9</sup>" in HTML or "4.9 \\times 10^{-9}" in TeX;
    1e-7 -> "10<sup>−7</sup>", an exact power of ten shown as one.
    """
    if not math.isfinite(value):
        raise ValueError(f"cannot show {value!r} as a number")
    if value == 0:
        return "0"
    minus = "-" if tex else _MINUS
    sign = minus if value < 0 else ""
    magnitude = abs(value)
    mantissa, exponent = f"{magnitude:.{digits - 1}e}".split("e")
    power = int(exponent)
    if float(f"{mantissa}e{exponent}") == magnitude and "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")  # a round value: no padding zeros
    if -3 < power < 4:
        # fixed notation with the same significant digits as the mantissa shows
        decimals = max(len(mantissa.replace(".", "")) - 1 - power, 0)
        return sign + f"{float(f'{mantissa}e{exponent}'):.{decimals}f}"
    if tex:
        ten = f"10^{{{power}}}"
        return sign + (ten if mantissa == "1" else f"{mantissa} \\times {ten}")
    ten = f"10<sup>{str(power).replace('-', _MINUS)}</sup>"
    return sign + (ten if mantissa == "1" else f"{mantissa} × {ten}")


def format_value(value, options: list[str], where: str) -> str:
    """A fact's value as page text, following the placeholder's options."""
    tex = "tex" in options
    digits = [o for o in options if o != "tex"]
    if len(digits) > 1 or (digits and not digits[0].isdigit()):
        raise PlaceholderError(
            f"{where}: options after the name may be 'tex' and a number of "
            f"significant digits, not {':'.join(options)!r}"
        )
    if isinstance(value, bool):
        return "yes" if value else "no"
    if hasattr(value, "item") and not isinstance(value, str):  # NumPy scalar -> Python
        value = value.item()
    if isinstance(value, int):
        return f"{value:,}" if not tex else f"{value:,}".replace(",", "{,}")
    if isinstance(value, float):
        try:
            return format_number(value, int(digits[0]) if digits else 2, tex)
        except ValueError as exc:
            raise PlaceholderError(f"{where}: {exc}") from exc
    if isinstance(value, str):
        return value
    raise PlaceholderError(
        f"{where}: a fact must be a number or a text, not {type(value).__name__}"
    )


# -- Resolution ---------------------------------------------------------------------------


def _suggest(wanted: str, known) -> str:
    close = difflib.get_close_matches(wanted, list(known), n=3, cutoff=0.6)
    return f" Did you mean {' or '.join(close)}?" if close else ""


def _lesson_field(context: LessonContext, name: str, where: str) -> str:
    lesson = context.lesson
    meta = {"id": lesson.id, "title": lesson.title, **lesson.meta}
    if name == "next.status":
        return _next_status(lesson)
    if name == "exercise_range":
        ids = [e.id for e in lesson.exercises if e.kind == "exercise"]
        if not ids:
            raise PlaceholderError(f"{where}: lesson {lesson.id} lists no exercises")
        return ids[0] if len(ids) == 1 else f"{ids[0]}–{ids[-1]}"
    value = meta
    for part in name.split("."):
        if not isinstance(value, dict) or part not in value:
            raise PlaceholderError(
                f"{where}: the manifest's [lesson] table has no field {name!r}."
                + _suggest(name, LESSON_FIELDS)
            )
        value = value[part]
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _next_status(lesson) -> str:
    """Whether the next lesson can be opened yet: a link to it once its folder is in the
    course, else a plain note. So publishing a lesson edits no other lesson's text."""
    from grader import catalog

    upcoming = lesson.meta.get("next")
    wanted = upcoming.get("id") if isinstance(upcoming, dict) else None
    for other in catalog.load(lesson.root).lessons:
        if other.id == wanted:
            return f"It is ready: [start Lesson {other.id}](../{other.page})."
    return "(This lesson is not published yet.)"


def _exercise_field(context: LessonContext, spec: str, where: str) -> str:
    ex_id, _, name = spec.rpartition(":")
    exercises = {e.id: e for e in context.lesson.exercises}
    if not ex_id:
        raise PlaceholderError(
            f"{where}: write [[exercise:ID:FIELD]], e.g. [[exercise:{context.lesson.id}.1:title]]"
        )
    if ex_id not in exercises:
        raise PlaceholderError(
            f"{where}: the manifest of lesson {context.lesson.id} lists no {ex_id!r}."
            + _suggest(ex_id, exercises)
        )
    exercise = exercises[ex_id]
    values = {
        "title": exercise.title,
        "heading": exercise.heading,
        "command": exercise.command,
        "stub": exercise.stub,
        "points": f"{exercise.points:g}",
        "difficulty": str(exercise.difficulty),
        "section": exercise.section,
        "kind": exercise.kind,
    }
    if name not in values:
        raise PlaceholderError(
            f"{where}: an exercise has no field {name!r}; use one of "
            f"{', '.join(EXERCISE_FIELDS)}." + _suggest(name, values)
        )
    return values[name]


def resolve(kind: str, spec: str, context: LessonContext | None, where: str) -> str:
    """The text of one placeholder ``[[kind:spec]]``."""
    placeholder = f"[[{kind}:{spec}]]"
    where = f"{where}: {placeholder}"
    if kind not in ("fact", "lesson", "exercise"):
        raise PlaceholderError(
            f"{where}: unknown kind {kind!r}; placeholders are "
            "[[fact:...]], [[lesson:...]] and [[exercise:...]]"
        )
    if context is None:
        raise PlaceholderError(
            f"{where}: placeholders work only in pages inside a lesson "
            "folder (one with a lesson.toml)"
        )
    if kind == "lesson":
        return _lesson_field(context, spec, where)
    if kind == "exercise":
        return _exercise_field(context, spec, where)
    name, *options = spec.split(":")
    facts = context.facts
    if name not in facts:
        source = context.facts_path
        raise PlaceholderError(
            f"{where}: lesson {context.lesson.id} has no fact {name!r}."
            + _suggest(name, facts)
            + (
                f" Facts come from {source}."
                if source.is_file()
                else f" The lesson has no facts module; create {source}."
            )
        )
    return format_value(facts[name], options, where)


def render(markdown: str, context: LessonContext | None, where: str, depth: int = 0) -> str:
    """``markdown`` with every placeholder replaced; raises :class:`PlaceholderError`."""
    if depth > MAX_DEPTH:
        raise PlaceholderError(
            f"{where}: placeholders nest deeper than {MAX_DEPTH} levels "
            "(does a fact refer to itself?)"
        )

    def replace(match: re.Match) -> str:
        text = resolve(match.group(1), match.group(2), context, where)
        return render(text, context, where, depth + 1) if "[[" in text else text

    return PLACEHOLDER.sub(replace, markdown)


def placeholders(markdown: str) -> list[str]:
    """Every placeholder in ``markdown``, as written."""
    return [m.group(0) for m in PLACEHOLDER.finditer(markdown)]
