"""Run the real ``course`` command with its standard output on a pseudo-terminal, so that
what a learner or an instructor sees on a terminal (colour, rich progress bars, wrapping)
is what a test reads."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

from tests.support import ROOT


def on_a_terminal(
    args: list[str], env: dict | None = None, columns: int = 80, timeout: float = 300
) -> tuple[int, str, str]:
    """``course ARGS`` with standard output on a terminal ``columns`` wide (standard error
    is a pipe, so a spinner stays out of the way); its exit status, output and errors."""
    leader, follower = pty.openpty()
    full_env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(columns), **(env or {})}
    full_env.pop("NO_COLOR", None)
    with subprocess.Popen(
        [sys.executable, "-m", "grader", *args],
        cwd=Path(ROOT),
        env=full_env,
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=subprocess.PIPE,
    ) as child:
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the child has closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        os.close(leader)
        err = child.stderr.read().decode("utf-8", "replace")
        child.wait(timeout=timeout)
    out = b"".join(chunks).decode("utf-8").replace("\r\n", "\n")
    return child.returncode, out, err
