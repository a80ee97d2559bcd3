"""Gradescope: the autograder zip (``course instructor gradescope --out autograder.zip``),
and the grading of one submission inside Gradescope's container (its ``run_autograder``).

What Gradescope expects (https://gradescope-autograders.readthedocs.io/en/latest/specs/,
see docs/instructors.md, "Grading on Gradescope"): a zip with ``setup.sh`` and an
executable ``run_autograder`` at its root. Gradescope unpacks it into
``/autograder/source`` and runs ``setup.sh`` once (as root) when it builds the image; for
every submission it puts the learner's files in ``/autograder/submission``, runs
``run_autograder`` from ``/autograder`` and reads ``/autograder/results/results.json``.

The zip holds this course (the catalogue's files and the grader package, hidden suites
included: the zip is the instructor's, never the learner's), so ``/autograder/source`` is
the course's root. ``run_autograder`` runs ``python -m grader.instructor.gradescope``,
which grades every item whose file the submission holds, with the same runner as
``course grade`` and the instructor's batch, and writes Gradescope's results: one test
per check. ``GRADESCOPE_ROOT`` (default ``/autograder``) moves all of it, so that a test
can run it in a scratch folder laid out the same way.
"""

from __future__ import annotations

import json
import os
import stat
import sys
import tempfile
import time
import traceback
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from grader import catalog as catalog_mod
from grader.instructor.errors import SubmissionProblem
from grader.instructor.one_learner import _scrub
from grader.instructor.sources import MAX_FILE_BYTES, MAX_HELPERS, relative_path, unpack
from grader.text import safe_text

ROOT_VARIABLE = "GRADESCOPE_ROOT"
DEFAULT_ROOT = "/autograder"
# What of the course goes into the zip: the catalogue (manifests, pages, hidden suites,
# inputs, stubs, solutions) and the grader package, with what pip needs to install it.
COURSE_PARTS = ("pyproject.toml", "README.md", "grader", "lessons", "exercises", "solutions")
REQUIRED_PARTS = ("pyproject.toml", "grader", "lessons", "exercises", "solutions")
SKIPPED_FOLDERS = {"__pycache__", ".git", ".venv", ".course", ".pytest_cache", ".ruff_cache"}
SKIPPED_SUFFIXES = (".pyc", ".pyo")
SELECTION = "gradescope.json"  # in the zip: the items it grades (--only), else every item
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the same course gives the same zip, byte for byte

SETUP_SH = r"""#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image
# (docs/instructors.md, "Grading on Gradescope"). It installs Python 3.11 or later and this
# course, from the copy in this zip (/autograder/source), into /autograder/venv; pip
# fetches the course's dependencies (NumPy, pytest, SymPy...) from PyPI.
set -euo pipefail
ROOT="${GRADESCOPE_ROOT:-/autograder}"
SOURCE="$ROOT/source"
export DEBIAN_FRONTEND=noninteractive

modern() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; }

PYTHON=""
for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && modern "$candidate"; then
        PYTHON="$(command -v "$candidate")"
        break
    fi
done
if [ -z "$PYTHON" ]; then
    # Ubuntu 22.04 (Gradescope's default image) has Python 3.10; 3.11 is in its universe.
    apt-get update
    apt-get install -y --no-install-recommends python3.11 python3.11-venv
    PYTHON="$(command -v python3.11)"
fi
if ! "$PYTHON" -m venv "$ROOT/venv"; then
    # Ubuntu ships venv (ensurepip) in a package of its own.
    apt-get update
    apt-get install -y --no-install-recommends "$(basename "$PYTHON")-venv" python3-venv || true
    "$PYTHON" -m venv "$ROOT/venv"
fi
"$ROOT/venv/bin/python" -m pip install --upgrade pip
"$ROOT/venv/bin/python" -m pip install -e "$SOURCE"
chmod +x "$SOURCE/run_autograder"
# What this machine gives a learner's code (shown in the build log; docs/security.md).
"$ROOT/venv/bin/python" -m grader.sandbox.host || true
"""

RUN_AUTOGRADER = r"""#!/usr/bin/env bash
# Gradescope runs this for every submission (docs/instructors.md, "Grading on Gradescope"):
# it grades the files in $ROOT/submission with this course's trusted grader and writes
# $ROOT/results/results.json. GRADESCOPE_ROOT moves everything (default /autograder).
ROOT="${GRADESCOPE_ROOT:-/autograder}"
export GRADESCOPE_ROOT="$ROOT"
export COURSE_ROOT="$ROOT/source"
export NO_COLOR=1
mkdir -p "$ROOT/results"
if [ -x "$ROOT/venv/bin/python" ]; then
    PYTHON="$ROOT/venv/bin/python"
else
    PYTHON="$(command -v python3 || true)"
fi
if [ -z "$PYTHON" ] || ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "run_autograder: no Python 3.11 or later (did setup.sh run?)" >&2
    {
        printf '{"score": 0, "output_format": "text", "tests": [], "output": '
        printf '"The autograder could not start: it needs Python 3.11 or later, '
        printf 'which setup.sh installs. Please tell your instructor."}\n'
    } > "$ROOT/results/results.json"
    exit 1
fi
# The course's own copy of the grader grades (python -m puts the current folder first).
cd "$COURSE_ROOT" && exec "$PYTHON" -m grader.instructor.gradescope
"""


class BuildError(Exception):
    """The zip cannot be built (the course is incomplete, the output cannot be written)."""


@dataclass
class Built:
    path: Path
    files: int  # course files in the zip
    size: int  # bytes of the zip
    items: list[str]  # the items it grades (empty: every item)


def course_files(root: Path) -> list[Path]:
    """The course's files that go into the zip, relative to ``root``, sorted: the parts of
    :data:`COURSE_PARTS` without caches, byte code, hidden folders or symbolic links."""
    missing = [part for part in REQUIRED_PARTS if not (root / part).exists()]
    if missing:
        raise BuildError(f"{root} is not a whole course: {', '.join(missing)} missing.")
    found: list[Path] = []
    for part in COURSE_PARTS:
        top = root / part
        if top.is_file() and not top.is_symlink():
            found.append(Path(part))
            continue
        if not top.is_dir():
            continue
        for folder, dirs, files in os.walk(top):
            dirs[:] = sorted(
                d
                for d in dirs
                if d not in SKIPPED_FOLDERS
                and not d.endswith(".egg-info")
                and not os.path.islink(os.path.join(folder, d))
            )
            for name in sorted(files):
                path = Path(folder, name)
                if name.endswith(SKIPPED_SUFFIXES) or path.is_symlink() or not path.is_file():
                    continue
                found.append(path.relative_to(root))
    return sorted(found, key=lambda p: p.as_posix())


def _add(archive: zipfile.ZipFile, name: str, data: bytes, executable: bool) -> None:
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3  # Unix, so that unzip keeps the permissions below
    info.external_attr = (stat.S_IFREG | (0o755 if executable else 0o644)) << 16
    archive.writestr(info, data)


def build_zip(out: Path, root: Path | None = None, only: list[str] | None = None) -> Built:
    """Write Gradescope's autograder zip for the course at ``root`` to ``out``; ``only``
    (lesson or item ids) limits what it grades, else it grades every item."""
    cat = catalog_mod.load(root)
    root = cat.root
    files = [f for f in course_files(root) if f.as_posix() != SELECTION]
    items: list[str] = []
    for wanted in only or ():
        items += [ex.id for ex in cat.resolve(wanted) if ex.id not in items]
    out = Path(out)
    partial = out.with_name(out.name + ".partial")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(partial, "w") as archive:
            _add(archive, "setup.sh", SETUP_SH.encode(), executable=True)
            _add(archive, "run_autograder", RUN_AUTOGRADER.encode(), executable=True)
            if items:
                selection = json.dumps({"items": items}, indent=2) + "\n"
                _add(archive, SELECTION, selection.encode(), executable=False)
            for relative in files:
                if (root / relative).resolve() in {out.resolve(), partial.resolve()}:
                    continue
                _add(archive, relative.as_posix(), (root / relative).read_bytes(), False)
        os.replace(partial, out)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise BuildError(f"cannot write {out}: {exc.strerror or exc}") from None
    return Built(out, len(files), out.stat().st_size, items)


# --- inside Gradescope's container ---------------------------------------------------------


def selected_items(cat: catalog_mod.Catalog) -> list[catalog_mod.Exercise]:
    """The items this autograder grades: those :data:`SELECTION` names (written by
    ``--only``), else every item of the catalogue."""
    path = cat.root / SELECTION
    if not path.is_file():
        return list(cat.exercises)
    wanted = set(json.loads(path.read_text(encoding="utf-8"))["items"])
    return [ex for ex in cat.exercises if ex.id in wanted] or list(cat.exercises)


def _safe(text: str) -> str:
    """Learner text for Gradescope's page: lines kept, every other control character,
    bidirectional control and surrogate escaped (results are sent as plain text)."""
    return "\n".join(safe_text.terminal_lines(str(text))).strip()


@dataclass
class Staged:
    """A submission's files laid out like exercises/ in a private folder."""

    shown: dict[str, str] = field(default_factory=dict)  # item path -> as uploaded
    problems: dict[str, str] = field(default_factory=dict)  # item path -> why it is unusable


def _read_upload(path: Path) -> bytes:
    """A file uploaded flat: a regular file within the size cap (as sources reads one)."""
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        raise ValueError("it is a symbolic link; upload the file itself")
    if not stat.S_ISREG(info.st_mode):
        raise ValueError("it is not a regular file")
    with open(path, "rb") as f:
        data = f.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ValueError(f"it is larger than {MAX_FILE_BYTES // 1024} kB")
    return data


def _owners(items: list[catalog_mod.Exercise]) -> dict[str, list[catalog_mod.Exercise]]:
    """Items by their file's name (``ex1_forward_difference.py``, ``quiz_answers.toml``)."""
    by_name: dict[str, list[catalog_mod.Exercise]] = {}
    for ex in items:
        by_name.setdefault(relative_path(ex).rpartition("/")[2], []).append(ex)
    return by_name


def stage(
    submission: Path, items: list[catalog_mod.Exercise], course: Path, target: Path
) -> Staged:
    """Copy what will be graded from ``submission`` into ``target``: files found by their
    stub paths without ``exercises/`` (read as the batch reads a learner's folder or, when
    that finds nothing, the one zip uploaded), then files uploaded flat, by file name,
    where exactly one item has that name."""
    staged = Staged()
    unpacked = unpack(submission, items, target, course)
    shown = ""
    zips = sorted(p for p in submission.glob("*") if p.suffix.lower() == ".zip" and p.is_file())
    if not unpacked.digests and not unpacked.problems and len(zips) == 1:
        # One zip uploaded as it is (a learner's repository from "Download ZIP", say).
        try:
            unpacked = unpack(zips[0], items, target, course)
            shown = zips[0].name + "/"
        except (SubmissionProblem, OSError) as exc:
            for ex in items:
                staged.problems[relative_path(ex)] = f"the zip {zips[0].name} is unusable: {exc}"
            return staged
    for relative in unpacked.digests:
        staged.shown[relative] = shown + unpacked.prefix + relative
    staged.problems.update(unpacked.problems)

    by_name = _owners(items)
    try:
        uploaded = sorted(e.name for e in os.scandir(submission) if not e.is_dir())
    except OSError:
        uploaded = []
    flat_python: list[str] = []
    for name in uploaded:
        owners = [relative_path(ex) for ex in by_name.get(name, [])]
        wanted = [r for r in owners if r not in staged.shown and r not in staged.problems]
        if len(owners) == 1 and wanted:
            relative = owners[0]
            try:
                data = _read_upload(submission / name)
                (target / relative).parent.mkdir(parents=True, exist_ok=True)
                (target / relative).write_bytes(data)
                staged.shown[relative] = name
                if name.endswith(".py"):
                    flat_python.append(relative)
            except (OSError, ValueError) as exc:
                staged.problems[relative] = f"the file {name} cannot be graded: {exc}"
        elif len(owners) > 1 and wanted:
            ids = ", ".join(ex.id for ex in by_name[name])
            for relative in wanted:
                staged.problems[relative] = (
                    f"missing file: {relative}. A file {name} was uploaded, but several items "
                    f"use that name ({ids}): upload it in its folder, as {relative}."
                )
    # The learner's own modules uploaded flat next to flat exercise files (helpers).
    helpers = [
        n for n in uploaded if n.endswith(".py") and n not in by_name and not n.startswith(".")
    ][:MAX_HELPERS]
    for relative in flat_python:
        folder = (target / relative).parent
        course_names = {p.name for p in (course / "exercises" / relative).parent.glob("*.py")}
        for name in helpers:
            if name in course_names or (folder / name).exists():
                continue
            try:
                (folder / name).write_bytes(_read_upload(submission / name))
            except (OSError, ValueError):
                continue  # a helper that cannot be copied is simply absent
    return staged


def _shares(values: list[float]) -> list[float]:
    """``values`` rounded to cents so that they add up to their rounded sum exactly
    (Gradescope adds the tests' points up; 10 points over 11 checks stay 10)."""
    shares, total, before = [], 0.0, 0.0
    for value in values:
        total += value
        shares.append(round(round(total, 2) - before, 2))
        before = round(total, 2)
    return shares


def _item_tests(ex: catalog_mod.Exercise, lesson, result, data: dict | None, reason: str):
    """Gradescope tests for one item: one per check, or one with the reason it has none."""
    name = f"{ex.id} {ex.title}"
    if result is None or not result.checks:
        why = reason or (data or {}).get("error") or "not graded"
        test = {"name": name, "number": ex.id, "score": 0.0, "max_score": ex.points}
        return [{**test, "status": "failed", "output": _safe(why), "visibility": "visible"}]
    scores = _shares([c.points for c in result.checks])
    maxima = _shares([c.max_points for c in result.checks])
    tests = []
    for k, check in enumerate(data["checks"]):
        parts = [check["message"] or ("passed" if check["passed"] else "failed")]
        if check.get("output"):
            parts.append("Your code printed:\n" + check["output"])
        if check.get("section") and not check["passed"]:
            parts.append(f"Read: {lesson.section_ref(check['section'])}")
        tests.append(
            {
                "name": f"{name}: {check['title']}",
                "number": f"{ex.id}.{k + 1}",
                "score": scores[k],
                "max_score": maxima[k],
                "status": "passed" if check["passed"] else "failed",
                "output": _safe("\n\n".join(p.strip() for p in parts)),
                "visibility": "visible",
            }
        )
    return tests


def _missing(relative: str, by_name: dict[str, list]) -> str:
    name = relative.rpartition("/")[2]
    alone = f", or as {name} alone" if len(by_name.get(name, [])) == 1 else ""
    return f"missing file: {relative} is not in the submission (upload it as {relative}{alone})"


def grade_submission(submission: Path, results_dir: Path, root: Path | None = None) -> dict:
    """Grade the files in ``submission`` with the course at ``root``; Gradescope's results."""
    from grader.grading import report, runner

    cat = catalog_mod.load(root)
    items = selected_items(cat)
    by_name = _owners(items)
    seed = runner.new_seed()
    started = time.perf_counter()
    graded: dict[str, tuple] = {}  # id -> (result, its dict)
    reasons: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="course-gradescope-") as scratch:
        target = Path(scratch) / "submission"
        target.mkdir(mode=0o700)
        staged = stage(submission, items, cat.root, target) if submission.is_dir() else Staged()
        jobs = []
        for ex in items:
            relative = relative_path(ex)
            if relative in staged.problems:
                reasons[ex.id] = staged.problems[relative]
            elif relative in staged.shown:
                jobs.append((ex, target / relative))
            else:
                reasons[ex.id] = _missing(relative, by_name)
        if jobs:
            # The learner's code never reads the upload itself, nor the results folder.
            hidden = tuple(p for p in (submission, results_dir) if p.is_dir())
            for (ex, _), result in zip(jobs, runner.grade(jobs, seed, hidden), strict=True):
                data = report.to_dict(result)
                shown = staged.shown[relative_path(ex)]
                for private in {str(target), os.path.realpath(target)}:
                    data = _scrub(data, f"{private}/{relative_path(ex)}", shown)
                    data = _scrub(data, private + "/", "")
                data["submission"] = shown
                graded[ex.id] = (result, data)

    tests: list[dict] = []
    lines = []
    protections = None
    for ex in items:
        result, data = graded.get(ex.id, (None, None))
        tests += _item_tests(ex, cat.lesson(ex.lesson_id), result, data, reasons.get(ex.id, ""))
        if data is None:
            lines.append(f"{ex.id} {ex.title}: 0/{ex.points:g}: {reasons[ex.id]}")
            continue
        protections = protections or data.get("protections")
        why = f": {data['error']}" if data.get("error") else ""
        lines.append(
            f"{ex.id} {ex.title}: {data['score']:g}/{ex.points:g} ({data['submission']}){why}"
        )
    head = [
        f"Graded {len(graded)} of {len(items)} items with the course's hidden tests (seed {seed})."
    ]
    if not submission.is_dir():
        head.append("The submission folder is missing: nothing was uploaded.")
    elif not graded and not staged.problems:
        example = relative_path(items[0])
        head.append(
            "Nothing to grade: the submission holds none of the course's files. Upload each "
            f"file in its folder, as {example}, or by its name alone where no other item "
            "has that name."
        )
    if protections:
        head.append(report.protections_line(protections))
    score = _shares([result.score for result, _ in graded.values()])
    return {
        "score": round(sum(score), 2),
        "execution_time": round(time.perf_counter() - started, 1),
        "output": _safe("\n".join([*head, "", *lines])),
        "output_format": "text",
        "test_output_format": "text",
        "test_name_format": "text",
        "stdout_visibility": "hidden",
        "extra_data": {"seed": seed, "graded": sorted(graded)},
        "tests": tests,
    }


def _write(results_dir: Path, results: dict) -> Path:
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / "results.json"
    partial = results_dir / "results.json.partial"
    partial.write_text(json.dumps(safe_text.json_safe(results), indent=2), encoding="utf-8")
    os.replace(partial, path)
    return path


def run_autograder(root: Path | None = None) -> int:
    """Grade ``<root>/submission`` into ``<root>/results/results.json`` (``root`` from
    ``GRADESCOPE_ROOT``, default ``/autograder``). Always writes results; 1 if the grader
    itself failed (its traceback goes to stdout, which only the instructor sees)."""
    root = Path(root or os.environ.get(ROOT_VARIABLE) or DEFAULT_ROOT)
    results_dir = root / "results"
    try:
        results = grade_submission(root / "submission", results_dir)
        code = 0
    except Exception as exc:  # noqa: BLE001 - the learner always gets a result and a reason
        traceback.print_exc(file=sys.stdout)
        results = {
            "score": 0.0,
            "output": (
                f"The autograder failed ({type(exc).__name__}); your files were not graded. "
                "Please tell your instructor."
            ),
            "output_format": "text",
            "tests": [],
        }
        code = 1
    path = _write(results_dir, results)
    print(f"Wrote {path}: score {results['score']:g}, {len(results['tests'])} tests.")
    print(results["output"])
    return code


if __name__ == "__main__":
    sys.exit(run_autograder())
