"""The grader's handle on a worker process that runs a learner's file.

A :class:`Sandbox` starts ``python -I -m grader.worker`` in a fresh session and a scratch
working directory, asks it to import the learner's file under resource limits, and then
forwards calls. Every call has a wall-clock deadline. A worker that hangs, dies, exits or
sends something undecodable raises :class:`WorkerFailure` with a message in a learner's
words; the next call starts a fresh worker.
"""

from __future__ import annotations

import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader import wire
from grader.limits import Limits

STARTUP_ALLOWANCE_S = 5.0  # Python + NumPy start-up on a loaded machine, on top of limits


class WorkerFailure(Exception):
    """The worker could not answer: it hung, died, exited or sent garbage."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind, self.message = kind, message


class LearnerError(Exception):
    """The learner's code raised an exception (or failed to import)."""

    def __init__(self, error: dict, output: dict | None = None):
        super().__init__(error.get("message", ""))
        self.error, self.output = error, output or {}

    @property
    def type_name(self) -> str:
        return self.error.get("type", "Exception")

    def is_a(self, name: str) -> bool:
        return name in self.error.get("mro", [self.type_name])


@dataclass
class CallResult:
    value: Any
    output: dict = field(default_factory=dict)
    mutated: list[str] = field(default_factory=list)
    fn_calls: list[int] = field(default_factory=list)
    seconds: float = 0.0


def _worker_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL", "HOME", "TMPDIR")}
    # One BLAS thread: predictable timing, and no thread pool reserving address space.
    env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    return env


class Sandbox:
    """One learner file, served by at most one live worker at a time."""

    def __init__(
        self,
        path: Path,
        limits: Limits,
        constants: tuple[str, ...] = (),
        support_dirs: tuple[Path, ...] = (),
        hide: tuple[Path, ...] = (),
    ):
        self.path = Path(path).resolve()
        self.support_dirs = [str(Path(d).resolve()) for d in support_dirs]
        # Folders the learner's code must not read (answers); never the one it lives in.
        self.hide = [
            str(Path(d).resolve()) for d in hide if not self.path.is_relative_to(Path(d).resolve())
        ]
        self.limits = limits
        self.constants = constants
        self.process: subprocess.Popen | None = None
        self.scratch: str | None = None
        self.load_reply: dict | None = None
        self.sticky_failure: Exception | None = None  # import failures repeat: remember them
        self.import_output: dict = {}
        self.spent = 0.0  # seconds spent waiting for the learner's code, against the budget

    # --- lifecycle ------------------------------------------------------------------------

    def start(self) -> None:
        """Spawn the worker and send the load request without waiting for the answer."""
        if self.process is not None or self.sticky_failure is not None:
            return
        self.scratch = tempfile.mkdtemp(prefix="course-worker-")
        self.process = subprocess.Popen(
            [sys.executable, "-I", "-m", "grader.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=self.scratch,
            env=_worker_env(),
            start_new_session=True,  # its own process group, killed as a whole
        )
        self._send(
            {
                "op": "load",
                "path": str(self.path),
                "limits": self.limits.for_worker(),
                "constants": list(self.constants),
                "support_dirs": self.support_dirs,
                "scratch": self.scratch,
                "hide": self.hide,
            }
        )
        self.load_reply = None

    def close(self) -> None:
        process, self.process = self.process, None
        if process is not None:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            for stream in (process.stdin, process.stdout):
                try:
                    stream.close()
                except OSError:
                    pass
            process.wait()
        if self.scratch:
            shutil.rmtree(self.scratch, ignore_errors=True)
            self.scratch = None

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- requests -------------------------------------------------------------------------

    def loaded(self) -> dict:
        """The worker's answer to loading the file: names defined and constants."""
        if self.sticky_failure is not None:
            raise self.sticky_failure
        self.start()
        if self.load_reply is None:
            deadline = STARTUP_ALLOWANCE_S + self.limits.seconds_per_call
            try:
                reply = self._receive(deadline, doing="importing your file")
            except WorkerFailure as failure:
                self.sticky_failure = failure
                self.close()
                raise
            self.import_output = reply.get("output", {})
            if not reply.get("ok"):
                self.sticky_failure = LearnerError(reply.get("error", {}), reply.get("output"))
                self.close()
                raise self.sticky_failure
            self.load_reply = reply
        return self.load_reply

    def call(self, name: str, args: tuple = (), kwargs: dict | None = None) -> CallResult:
        """Call ``name(*args, **kwargs)`` in the worker and decode what comes back."""
        self.loaded()
        try:
            self._send(
                {
                    "op": "call",
                    "name": name,
                    "args": [wire.encode_value(a) for a in args],
                    "kwargs": wire.encode_value(dict(kwargs or {})),
                }
            )
            reply = self._receive(self.limits.seconds_per_call, doing=f"running {name}")
        except WorkerFailure:
            self.close()
            raise
        output = reply.get("output", {})
        if not reply.get("ok"):
            raise LearnerError(reply.get("error", {}), output)
        try:
            value = decode_from_worker(reply.get("value"))
        except (wire.WireError, ValueError, TypeError, KeyError) as exc:
            self.close()
            raise WorkerFailure(
                "undecodable", f"{name} returned a value the grader could not read ({exc})."
            ) from None
        return CallResult(
            value,
            output,
            reply.get("mutated", []),
            reply.get("fn_calls", []),
            reply.get("seconds", 0.0),
        )

    def _send(self, message: dict) -> None:
        try:
            wire.write_message(self.process.stdin, message)
        except (BrokenPipeError, OSError, ValueError):
            pass  # the worker is gone; _receive reports how it ended

    def _receive(self, seconds: float, doing: str) -> dict:
        left = self.limits.seconds_total - self.spent
        if left <= 0:
            raise WorkerFailure("budget", self._budget_message(doing))
        started = time.monotonic()
        try:
            return self._receive_within(min(seconds, left), doing, budget=seconds > left)
        finally:
            self.spent += time.monotonic() - started

    def _budget_message(self, doing: str) -> str:
        return (
            f"Not run ({doing}): your code has used up this exercise's time budget of "
            f"{self.limits.seconds_total:g} s in earlier checks. Fix the check that timed out "
            "first."
        )

    def _receive_within(self, seconds: float, doing: str, budget: bool) -> dict:
        fd = self.process.stdout.fileno()
        deadline = time.monotonic() + seconds
        buffer = bytearray()
        needed = 4
        while len(buffer) < needed:
            remaining = deadline - time.monotonic()
            ready = select.select([fd], [], [], max(remaining, 0))[0] if remaining > 0 else []
            if not ready:
                if budget:
                    raise WorkerFailure("budget", self._budget_message(doing))
                raise WorkerFailure(
                    "timeout",
                    f"Timed out while {doing}: no answer within {seconds:g} s. Look for a loop "
                    "that never ends, or work that grows much faster than the input.",
                )
            chunk = os.read(fd, max(needed - len(buffer), 65536))
            if not chunk:
                raise WorkerFailure("died", self._death_message(doing))
            buffer += chunk
            if needed == 4 and len(buffer) >= 4:
                needed = 4 + int.from_bytes(buffer[:4], "big")
                if needed > wire.MAX_MESSAGE_BYTES:
                    raise WorkerFailure("undecodable", "Your code sent back too much data.")
        try:
            import json

            message = json.loads(bytes(buffer[4:needed]))
            if not isinstance(message, dict):
                raise ValueError("not an object")
        except ValueError:
            raise WorkerFailure(
                "undecodable", f"The worker sent something unreadable while {doing}."
            ) from None
        return message

    def _death_message(self, doing: str) -> str:
        try:
            code = self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            return f"The worker stopped answering while {doing}."
        if code == 0:
            return (
                f"The Python process running your code ended (exit status 0) while {doing}. "
                "Remove any call to sys.exit(), os._exit() or exit() from your file."
            )
        if code > 0:
            return (
                f"The Python process running your code ended unexpectedly (exit status {code}) "
                f"while {doing}. This happens when code replaces Python's own functions "
                "(builtins, NumPy) or calls os._exit(); write plain functions instead."
            )
        sig = signal.Signals(-code).name if -code in signal.valid_signals() else str(-code)
        hint = {
            "SIGKILL": "it was killed, most often for using more memory or CPU time than allowed",
            "SIGXCPU": f"it used more than {self.limits.cpu_seconds} s of CPU time",
            "SIGSEGV": "it crashed, often from unbounded recursion",
        }.get(sig, "it was stopped by a signal")
        return f"The Python process running your code ended with {sig} while {doing}: {hint}."


def decode_from_worker(data: Any) -> Any:
    """Decode a value from the worker; symbolic values are rebuilt without ``eval``."""

    def parse_sympy(text: str):
        from grader import symbolic

        return symbolic.parse_srepr(text)

    return wire.decode_value(data, parse_sympy=parse_sympy)
