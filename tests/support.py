"""Helpers shared by the project's tests: run the real ``course`` command in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
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


def wrong_implementations(stub: str) -> list[Path]:
    """The catalogue of known-wrong files for the exercise whose stub is ``stub``."""
    relative = Path(stub).relative_to("exercises")
    folder = ROOT / "tests" / "wrong" / relative.with_suffix("")
    return sorted(folder.glob("*" + relative.suffix))


def wrong_description(path: Path) -> str:
    """What a known-wrong file says is wrong with it: its docstring, or for data files its
    first comment line."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".py":
        return text.split('"""')[1].strip() if '"""' in text else ""
    return text.splitlines()[0].lstrip("# ").strip() if text else ""
