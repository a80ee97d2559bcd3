"""Helpers shared by the project's tests: run the real ``course`` command in a subprocess."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)


def course(
    *args: str,
    cwd: Path = ROOT,
    env: dict | None = None,
    timeout: float = 300,
    stdin: str | None = None,
) -> Run:
    """Run ``course ARGS`` as a learner would, and capture what it prints."""
    full_env = {**os.environ, **(env or {})}
    done = subprocess.run(
        [sys.executable, "-m", "grader", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        input=stdin,
    )
    return Run(done.returncode, done.stdout, done.stderr)


MUTATION = ".mutation.toml"  # a known-wrong file written as edits of a correct one
CORRECT = "_correct.py"  # the correct file that the mutations beside it edit


def wrong_implementations(stub: str) -> list[Path]:
    """The catalogue of known-wrong files for the exercise whose stub is ``stub``: whole
    files, and mutations of the folder's ``_correct.py`` (see :func:`materialize`)."""
    folder, relative = _catalogue(stub, "wrong")
    whole = [p for p in folder.glob("*" + relative.suffix) if not p.name.startswith("_")]
    return sorted(whole + list(folder.glob("*" + MUTATION)))


def materialize(path: Path, folder: Path) -> Path:
    """A known-wrong file ready to grade: ``path`` itself, or for a mutation the
    ``_correct.py`` beside it with each of its replacements made, written into ``folder``.

    Near-identical whole files would hide their one bug among a hundred shared lines; a
    mutation shows it, and ``_correct.py`` is itself graded to full marks."""
    if not path.name.endswith(MUTATION):
        return path
    text = (path.parent / CORRECT).read_text(encoding="utf-8")
    for edit in tomllib.loads(path.read_text(encoding="utf-8"))["replace"]:
        found = text.count(edit["old"])
        if found != 1:
            raise AssertionError(f"{path.name}: a replaced text occurs {found} times in {CORRECT}")
        text = text.replace(edit["old"], edit["new"])
    body = text[text.index('"""', 3) + 3 :]  # the correct file's docstring gives way
    out = folder / (path.name.removesuffix(MUTATION) + ".py")
    out.write_text(f'"""{_comment_paragraph(path)}"""{body}', encoding="utf-8")
    return out


def known_wrong(folder: Path, name: str, into: Path) -> Path:
    """The known-wrong entry ``name`` of a catalogue folder, ready to grade: ``name.py``
    itself, or ``name.mutation.toml`` materialized into ``into``."""
    whole = folder / f"{name}.py"
    return whole if whole.is_file() else materialize(folder / f"{name}{MUTATION}", into)


def wrong_description(path: Path) -> str:
    """What a known-wrong file says is wrong with it: its docstring, or for data files and
    mutations its first comment paragraph."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".py":
        return text.split('"""')[1].strip() if '"""' in text else ""
    return _comment_paragraph(path)


def _comment_paragraph(path: Path) -> str:
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("# "):
            break
        lines.append(line[2:].strip())
    return " ".join(lines)


def declared_mistake(path: Path) -> list[str]:
    """The phrases of which the FIRST failing message for a known-wrong file must hold one
    (case-insensitive): the mistake in a learner's words. Declared on a line of the file's
    docstring, ``mistake: forward difference | (f(x + h) - f(x)) / h``, or, in a data
    file or a mutation, on a comment line ``# mistake: ...``."""
    text = path.read_text(encoding="utf-8")
    pattern = r"^mistake: (.+)$" if path.suffix == ".py" else r"^# mistake: (.+)$"
    found = re.search(pattern, text, flags=re.MULTILINE)
    return [phrase.strip() for phrase in found.group(1).split("|")] if found else []


def first_message(result: dict) -> str:
    """What a learner reads first in a report: why the file could not be graded, else the
    first failing check's message."""
    if result.get("error"):
        return result["error"]
    return next((c["message"] for c in result["checks"] if not c["passed"]), "")


def correct_variants(stub: str) -> list[Path]:
    """Correct files in other styles than the reference, for the exercise whose stub is
    ``stub``: ``lessons/<lesson folder>/correct/<stub name>/*.py`` (or ``.toml`` for a quiz).
    Each must get full marks: a suite is right for every style the statement allows."""
    folder, relative = _catalogue(stub, "correct")
    return sorted(folder.glob("*" + relative.suffix))


def _catalogue(stub: str, kind: str) -> tuple[Path, Path]:
    """The folder of one exercise's ``kind`` catalogue (``wrong`` or ``correct``), kept in
    its lesson's folder under the stub's path within ``exercises/<lesson id>/``, and that
    path (``ex1_forward_difference.py``, ``project/gradient_checker.py``)."""
    from grader import catalog

    (exercise,) = [e for e in catalog.load(ROOT).exercises if e.stub == stub]
    lesson = catalog.load(ROOT).lesson(exercise.lesson_id)
    relative = Path(stub).relative_to(f"exercises/{lesson.id}")
    return ROOT / lesson.folder / kind / relative.with_suffix(""), relative
