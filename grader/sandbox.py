"""The grader's handle on the worker processes that run learners' files.

A :class:`WorkerProcess` is ``python -I -m grader.worker`` in a fresh session and a scratch
working directory, fenced and limited before any learner code runs (:mod:`grader.isolation`).
A :class:`Sandbox` is one learner file imported into such a worker; it forwards calls, each
with a wall-clock deadline and all within the exercise's time budget. A worker that hangs,
dies, exits or sends something undecodable raises :class:`WorkerFailure` with a message in
a learner's words; the next call starts a fresh worker.
"""

from __future__ import annotations

import json
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

STARTUP_ALLOWANCE_S = 30.0  # Python + NumPy start-up on a loaded machine; no learner code yet


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


class WorkerProcess:
    """One worker process, fenced and limited once, that may serve several learner files.

    A lesson's exercises share one worker when their process limits agree, so that grading
    a whole lesson starts Python and NumPy once. When the process fails, every file it held
    is loaded again, lazily, into a fresh one.
    """

    def __init__(self, limits: Limits, hide: list[str], preload: tuple[str, ...] = ()):
        self.limits, self.hide, self.preload = limits, hide, preload
        self.process: subprocess.Popen | None = None
        self.scratch: str | None = None
        self.setup_reply: dict | None = None
        self.generation = 0  # bumped on every start, so files know to load again
        self.last_wait = 0.0  # how long the last request waited for the learner's code

    def start(self) -> None:
        """Spawn the worker and send its setup without waiting for the answer."""
        if self.process is not None:
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
        self.generation += 1
        self.setup_reply = None
        self._send(
            {
                "op": "setup",
                "limits": self.limits.for_worker(),
                "scratch": self.scratch,
                "hide": self.hide,
                "preload": list(self.preload),
            }
        )

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

    def request(self, message: dict, seconds: float, doing: str) -> dict:
        """Send one request and wait up to ``seconds`` for its reply. On any failure the
        process is closed and :class:`WorkerFailure` raised."""
        self.start()
        self.last_wait = 0.0
        try:
            if self.setup_reply is None:
                self.setup_reply = self._receive(STARTUP_ALLOWANCE_S, "starting Python")
            started = time.monotonic()
            try:
                self._send(message)
                return self._receive(seconds, doing)
            finally:
                self.last_wait = time.monotonic() - started
        except WorkerFailure:
            self.close()
            raise

    @property
    def isolation(self) -> str:
        return (self.setup_reply or {}).get("isolation", "unknown")

    def _send(self, message: dict) -> None:
        try:
            wire.write_message(self.process.stdin, message)
        except (BrokenPipeError, OSError, ValueError):
            pass  # the worker is gone; _receive reports how it ended

    def _receive(self, seconds: float, doing: str) -> dict:
        fd = self.process.stdout.fileno()
        deadline = time.monotonic() + seconds
        buffer = bytearray()
        needed = 4
        while len(buffer) < needed:
            remaining = deadline - time.monotonic()
            ready = select.select([fd], [], [], max(remaining, 0))[0] if remaining > 0 else []
            if not ready:
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


def hidden_for(path: Path, hide: tuple[Path, ...]) -> list[str]:
    """Folders the learner's code must not read (answers); never the one it lives in."""
    path = Path(path).resolve()
    return sorted(
        {str(Path(d).resolve()) for d in hide if not path.is_relative_to(Path(d).resolve())}
    )


class Sandbox:
    """One learner file, served by a worker process of its own or one shared with others."""

    def __init__(
        self,
        path: Path,
        limits: Limits,
        constants: tuple[str, ...] = (),
        support_dirs: tuple[Path, ...] = (),
        hide: tuple[Path, ...] = (),
        worker: WorkerProcess | None = None,
    ):
        self.path = Path(path).resolve()
        self.support_dirs = [str(Path(d).resolve()) for d in support_dirs]
        self.limits = limits
        self.constants = constants
        self.worker = worker or WorkerProcess(limits, hidden_for(self.path, hide))
        self.owns_worker = worker is None
        self.key = f"submission_{id(self):x}"
        self.loaded_in = 0  # the worker generation this file was imported into
        self.load_reply: dict | None = None
        self.sticky_failure: Exception | None = None  # import failures repeat: remember them
        self.import_output: dict = {}
        self.spent = 0.0  # seconds spent waiting for the learner's code, against the budget

    def start(self) -> None:
        """Start the worker early, so that its start-up overlaps the grader's."""
        self.worker.start()

    def close(self) -> None:
        if self.owns_worker:
            self.worker.close()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def isolation(self) -> str:
        return self.worker.isolation

    def loaded(self) -> dict:
        """The worker's answer to importing the file: names defined and constants."""
        if self.sticky_failure is not None:
            raise self.sticky_failure
        self.worker.start()  # a no-op while it runs; a fresh worker has a new generation
        if self.load_reply is None or self.loaded_in != self.worker.generation:
            message = {
                "op": "load",
                "key": self.key,
                "path": str(self.path),
                "constants": list(self.constants),
                "support_dirs": self.support_dirs,
            }
            try:
                reply = self._request(message, self.limits.seconds_per_call, "importing your file")
            except WorkerFailure as failure:
                self.sticky_failure = failure
                raise
            self.import_output = reply.get("output", {})
            if not reply.get("ok"):
                self.sticky_failure = LearnerError(reply.get("error", {}), reply.get("output"))
                raise self.sticky_failure
            self.load_reply, self.loaded_in = reply, self.worker.generation
        return self.load_reply

    def call(self, name: str, args: tuple = (), kwargs: dict | None = None) -> CallResult:
        """Call ``name(*args, **kwargs)`` in the worker and decode what comes back."""
        self.loaded()
        message = {
            "op": "call",
            "key": self.key,
            "name": name,
            "args": [wire.encode_value(a) for a in args],
            "kwargs": wire.encode_value(dict(kwargs or {})),
        }
        reply = self._request(message, self.limits.seconds_per_call, f"running {name}")
        output = reply.get("output", {})
        if not reply.get("ok"):
            raise LearnerError(reply.get("error", {}), output)
        try:
            value = decode_from_worker(reply.get("value"))
        except (wire.WireError, ValueError, TypeError, KeyError) as exc:
            self.worker.close()
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

    def _request(self, message: dict, seconds: float, doing: str) -> dict:
        """A request within this file's time budget: the budget is what is left of
        ``seconds_total`` after the time its earlier calls took."""
        left = self.limits.seconds_total - self.spent
        if left <= 0:
            raise WorkerFailure("budget", self._budget_message(doing))
        try:
            return self.worker.request(message, min(seconds, left), doing)
        except WorkerFailure as failure:
            if failure.kind == "timeout" and seconds > left:
                raise WorkerFailure("budget", self._budget_message(doing)) from None
            raise
        finally:
            self.spent += self.worker.last_wait

    def _budget_message(self, doing: str) -> str:
        return (
            f"Not run ({doing}): your code has used up this exercise's time budget of "
            f"{self.limits.seconds_total:g} s in earlier checks. Fix the check that timed out "
            "first."
        )


def decode_from_worker(data: Any) -> Any:
    """Decode a value from the worker; symbolic values are rebuilt without ``eval``."""

    def parse_sympy(text: str):
        from grader import symbolic

        return symbolic.parse_srepr(text)

    return wire.decode_value(data, parse_sympy=parse_sympy)
