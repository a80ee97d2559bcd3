"""The grader's handle on the worker processes that run learners' files.

A :class:`WorkerProcess` is ``python -I -m grader.sandbox.worker`` in a fresh session and a
scratch working directory, fenced and limited before any learner code runs (:mod:`.isolation`).
A :class:`Sandbox` is one learner file imported into such a worker; it forwards calls, each
with a wall-clock deadline and all within the exercise's time budget. A worker that hangs,
dies, exits or sends something undecodable raises :class:`WorkerFailure` with a message in
a learner's words; the next call starts a fresh worker.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.sandbox import host, wire
from grader.sandbox.channel import ChannelClosed, ChannelTimeout, ChannelTooLarge, open_channel
from grader.sandbox.limits import Limits

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


def _timeout_message(doing: str, seconds: float) -> str:
    return (
        f"Timed out while {doing}: no answer within {seconds:g} s. Look for a loop that "
        "never ends, or work that grows much faster than the input."
    )


def _started_processes_message(worker: WorkerProcess, doing: str, seconds: float) -> str:
    """A worker that timed out with processes of its own: say so, whether or not they
    reached the tree's limit (on a busy machine a fork loop may not get there in time)."""
    if worker.process is None:
        return ""
    # Inside its own PID namespace the worker is two processes down: the namespace's first
    # process, then the one that serves (grader/sandbox/isolation.py). They are not the
    # learner's.
    ours = 2 if host.OWN_PROCESSES in worker.known_protections.get("in_force", []) else 0
    started = _descendants(worker.process.pid) - ours
    if started <= 0:
        return ""
    return (
        f"Timed out while {doing}: your code had started {started} other "
        f"process{'es' if started > 1 else ''}, and no answer came within {seconds:g} s. The "
        "exercises need no extra processes: compute in your function instead."
    )


def _descendants(pid: int) -> int:
    """How many processes descend from ``pid`` (Linux /proc; 0 elsewhere)."""
    children: dict[int, list[int]] = {}
    try:
        entries = [e for e in os.listdir("/proc") if e.isdigit()]
    except OSError:
        return 0
    for entry in entries:
        try:
            stat = Path("/proc", entry, "stat").read_text()
        except OSError:
            continue
        # The command name (in parentheses) may hold spaces: the fields follow its end.
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) > 1 and fields[1].isdigit():
            children.setdefault(int(fields[1]), []).append(int(entry))
    count, todo = 0, [pid]
    while todo:
        below = children.get(todo.pop(), [])
        count += len(below)
        todo += below
    return count


_PASSED_ON = ("PATH", "LANG", "LC_ALL", "HOME", "TMPDIR", "SYSTEMROOT", host.DISABLE_ENV)


def _worker_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k in _PASSED_ON}
    # One BLAS thread: predictable timing, and no thread pool reserving address space.
    env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    return env


class WorkerProcess:
    """One worker process, fenced and limited once, that may serve several learner files.

    A lesson's exercises share one worker when their process limits agree, so that grading
    a whole lesson starts Python and NumPy once. When the process fails, every file it held
    is loaded again, lazily, into a fresh one.
    """

    def __init__(
        self, limits: Limits, hide: list[str], preload: tuple[str, ...] = (), template=None
    ):
        self.limits, self.hide, self.preload = limits, hide, preload
        self.template = template  # a grader.sandbox.template.Template to fork from, or None
        self.process: subprocess.Popen | None = None
        self.scratch: str | None = None
        self.setup_reply: dict | None = None
        self.generation = 0  # bumped on every start, so files know to load again
        self.last_wait = 0.0  # how long the last request waited for the learner's code
        self.channel = None
        self.tree: host.TreeLimit | None = None
        self.known_protections: dict = {}

    def start(self) -> None:
        """Spawn the worker and send its setup without waiting for the answer."""
        if self.process is not None:
            return
        self.scratch = tempfile.mkdtemp(prefix="course-worker-")
        self.tree = host.TreeLimit.create(self.limits)
        self.process = self._fork() if self.template is not None else None
        if self.process is None:
            self.process = subprocess.Popen(
                [sys.executable, "-I", "-m", "grader.sandbox.worker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                cwd=self.scratch,
                env=_worker_env(),
                **host.popen_options(),  # its own process group, ended as a whole
            )
        self.channel = open_channel(self.process.stdin, self.process.stdout, wire.MAX_MESSAGE_BYTES)
        self.generation += 1
        self.setup_reply = None
        setup = {
            "op": "setup",
            "limits": self.limits.for_worker(),
            "scratch": self.scratch,
            "hide": self.hide,
            "preload": list(self.preload),
            "tree": self.tree.for_worker(),
        }
        self._send(setup, time.monotonic() + STARTUP_ALLOWANCE_S, "starting Python")

    def _fork(self):
        """A fresh worker forked by the template (Python, NumPy and SymPy already
        imported), or None to spawn one: it then runs exactly as a spawned worker does."""
        from grader.sandbox.template import TemplateGone

        to_r, to_w = os.pipe()
        from_r, from_w = os.pipe()
        try:
            forked = self.template.fork(self.scratch, to_r, from_w, STARTUP_ALLOWANCE_S)
        except TemplateGone:
            for fd in (to_w, from_r):
                os.close(fd)
            return None
        finally:
            os.close(to_r)
            os.close(from_w)
        forked.stdin = os.fdopen(to_w, "wb", buffering=0)
        forked.stdout = os.fdopen(from_r, "rb", buffering=0)
        return forked

    def close(self) -> None:
        process, self.process = self.process, None
        if process is not None:
            host.kill_tree(process)
            self.channel.close()
            for stream in (process.stdin, process.stdout):
                try:
                    stream.close()
                except OSError:
                    pass
            process.wait()
        if self.tree is not None:
            self.tree.close()
            self.tree = None
        if self.scratch:
            shutil.rmtree(self.scratch, ignore_errors=True)
            self.scratch = None

    def request(
        self, message: dict, seconds: float, doing: str, serve: Callable | None = None
    ) -> dict:
        """Send one request and wait up to ``seconds`` for its reply. On any failure the
        process is closed and :class:`WorkerFailure` raised.

        While it waits, the worker may ask the grader to evaluate a trusted function for
        the learner's code (``{"op": "eval"}``); ``serve`` answers each such request, and
        the time it takes counts against the same deadline."""
        self.ready()
        self.last_wait = 0.0
        try:
            started = time.monotonic()
            deadline = started + seconds
            try:
                self._send(message, deadline, doing, seconds)
                while True:
                    reply = self._receive(deadline, doing, seconds)
                    if reply.get("op") != "eval":
                        return reply
                    if serve is None:
                        raise WorkerFailure(
                            "undecodable", f"The worker sent something unexpected while {doing}."
                        )
                    self._send(serve(reply), deadline, doing, seconds)
            finally:
                self.last_wait = time.monotonic() - started
        except WorkerFailure:
            self.close()
            raise

    def ready(self) -> None:
        """Start the worker if needed and wait for its answer to the setup: fenced,
        limited and NumPy imported. On failure the process is closed and
        :class:`WorkerFailure` raised."""
        self.start()
        if self.setup_reply is not None:
            return
        try:
            self.setup_reply = self._receive(
                time.monotonic() + STARTUP_ALLOWANCE_S, "starting Python"
            )
        except WorkerFailure:
            self.close()
            raise
        self.known_protections = self.setup_reply.get("protections", {})

    @property
    def protections(self) -> dict:
        """What was in force for this worker: ``{"in_force": [...], "missing": [...]}``, as
        its latest process said (a process that failed may have been followed by a fresh
        one that was never set up: the report still says what held the learner's code)."""
        return self.known_protections

    def _send(self, message: dict, deadline: float, doing: str = "", seconds: float = 0) -> None:
        try:
            self.channel.send(wire.frame_message(message), deadline)
        except ChannelTimeout:
            raise WorkerFailure("timeout", _timeout_message(doing, seconds)) from None
        except ChannelClosed:
            pass  # the worker is gone; the next receive reports how it ended

    def _receive(self, deadline: float, doing: str, seconds: float = STARTUP_ALLOWANCE_S) -> dict:
        try:
            body = self.channel.receive(deadline)
        except ChannelTimeout:  # the tree's limits may be why: say so (host.TreeLimit)
            why = self.tree.explain(doing) if self.tree is not None else ""
            why = why or _started_processes_message(self, doing, seconds)
            raise WorkerFailure("timeout", why or _timeout_message(doing, seconds)) from None
        except ChannelClosed:
            raise WorkerFailure("died", self._death_message(doing)) from None
        except ChannelTooLarge as exc:
            raise WorkerFailure(
                "too_large",
                f"Your code sent back too much data while {doing} ({exc.size:,} bytes; the "
                f"limit is {wire.MAX_MESSAGE_BYTES:,}). Return only what the statement asks for.",
            ) from None
        try:
            return wire.parse_message(body)
        except wire.TooLarge as exc:
            raise WorkerFailure("too_large", str(exc)) from None
        except (wire.WireError, ValueError, RecursionError):
            raise WorkerFailure(
                "undecodable", f"The worker sent something unreadable while {doing}."
            ) from None

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
        if sig == "SIGKILL" and self.tree is not None and self.tree.memory_exceeded():
            return (
                f"Your code ran out of memory while {doing}: together, its processes used more "
                f"than the limit of {self.limits.memory_mb} MiB, so they were stopped."
            )
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

    def call(
        self, name: str, args: tuple = (), kwargs: dict | None = None, code: Any = None
    ) -> CallResult:
        """Call ``name(*args, **kwargs)`` in the worker and decode what comes back; with
        ``code`` (a :class:`~grader.sandbox.worker_code.WorkerCode`), call that instead,
        in the worker, with the learner's names in its scope (``name`` then only names it).

        Trusted functions among the arguments (``f`` in ``forward_difference(f, x, h)``)
        never cross: the worker gets an opaque handle, and each call the learner's code
        makes of it is evaluated here (:meth:`_evaluate`) and counted here, so neither the
        function's parameters nor the count can be read or forged by the learner's code.
        Worker code is counted by the worker (its :attr:`calls`)."""
        from grader.sandbox.trusted import TrustedFunction  # NumPy: not before the worker starts
        from grader.sandbox.worker_code import WorkerCode

        self.loaded()
        kwargs = dict(kwargs or {})
        functions: list[TrustedFunction | WorkerCode] = []
        message = {
            "op": "call",
            "key": self.key,
            "name": name,
            "args": [wire.encode_value(a, functions=functions) for a in args],
            "kwargs": wire.encode_value(kwargs, functions=functions),
        }
        if code is not None:
            message["code"] = wire.encode_value(code, functions=functions)
        before = [fn.calls for fn in functions]
        reply = self._request(
            message,
            self.limits.seconds_per_call,
            f"running {name}",
            serve=lambda request: self._evaluate(request, functions),
        )
        output = reply.get("output", {})
        if not reply.get("ok"):
            raise LearnerError(reply.get("error", {}), output)
        try:
            value = decode_from_worker(reply.get("value"), symbolic=_has_symbolic(args, kwargs))
        except wire.TooLarge as exc:
            self.worker.close()  # the reply may have been forged: start afresh
            raise WorkerFailure("too_large", str(exc.about(f"{name} returned"))) from None
        except (wire.WireError, ValueError, TypeError, KeyError, RecursionError) as exc:
            self.worker.close()
            raise WorkerFailure(
                "undecodable", f"{name} returned a value the grader could not read ({exc})."
            ) from None
        counted = _code_calls(reply.get("code_calls"), functions)
        top_level = [
            a for a in (*args, *kwargs.values()) if isinstance(a, (TrustedFunction, WorkerCode))
        ]
        counts = {id(fn): fn.calls - calls for fn, calls in zip(functions, before, strict=True)}
        counts.update(counted)
        return CallResult(
            value,
            output,
            reply.get("mutated", []),
            [counts.get(id(fn), 0) for fn in top_level],
            reply.get("seconds", 0.0),
        )

    @staticmethod
    def _evaluate(request: dict, functions: list) -> dict:
        """Answer the learner's call of a trusted function: ``{"op": "eval", "fn": i,
        "args", "kwargs", "fns"}``, where ``fns`` maps the handles inside the arguments
        (a learner may pass ``f`` on to a trusted ``method``) to this call's functions."""

        def resolve(index: int):
            return functions[request["fns"][index]]

        try:
            fn = functions[request["fn"]]
            args = wire.decode_value(request.get("args", []), resolve_fn=resolve)
            kwargs = wire.decode_value(request.get("kwargs", {}), resolve_fn=resolve)
        except wire.TooLarge as exc:
            raise WorkerFailure("too_large", str(exc)) from None
        except (wire.WireError, ValueError, TypeError, KeyError, IndexError, RecursionError):
            raise WorkerFailure(
                "undecodable", "The worker sent an unreadable call of a function."
            ) from None
        if not isinstance(args, list) or not isinstance(kwargs, dict):
            raise WorkerFailure("undecodable", "The worker sent an unreadable call of a function.")
        try:
            value = fn(*args, **kwargs)
            return {"ok": True, "value": wire.encode_value(value)}
        except Exception as exc:  # noqa: BLE001 - the learner called it wrongly: tell them
            kind = type(exc).__name__ if type(exc).__module__ == "builtins" else "TypeError"
            message = f"the function given by the grader could not take these arguments: {exc}"
            return {"ok": False, "error": {"type": kind, "message": message[:500]}}

    def _request(
        self, message: dict, seconds: float, doing: str, serve: Callable | None = None
    ) -> dict:
        """A request within this file's time budget: the budget is what is left of
        ``seconds_total`` after the time its earlier calls took."""
        left = self.limits.seconds_total - self.spent
        if left <= 0:
            raise WorkerFailure("budget", self._budget_message(doing))
        try:
            return self.worker.request(message, min(seconds, left), doing, serve)
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


def _code_calls(reported: Any, functions: list) -> dict[int, int]:
    """The worker's count of calls of each :class:`WorkerCode` it was given, added to the
    code's :attr:`calls`; keyed by ``id(code)``. A malformed report counts nothing."""
    from grader.sandbox.worker_code import WorkerCode

    counted: dict[int, int] = {}
    if type(reported) is not list:
        return counted
    for pair in reported[: len(functions)]:
        if type(pair) is not list or len(pair) != 2 or not all(type(n) is int for n in pair):
            continue
        index, calls = pair
        if 0 <= index < len(functions) and isinstance(functions[index], WorkerCode):
            calls = max(0, min(calls, 10**9))
            functions[index].calls += calls
            counted[id(functions[index])] = calls
    return counted


def decode_from_worker(data: Any, symbolic: bool = False) -> Any:
    """Decode a value from the worker. Symbolic values are accepted only where the check
    expects them (``symbolic``: it passed one in), and rebuilt without ``eval`` and
    without evaluating."""

    def parse_sympy(text: str):
        from grader.sandbox import symbolic

        return symbolic.parse_srepr(text)

    return wire.decode_value(data, parse_sympy=parse_sympy if symbolic else None)


def _has_symbolic(*values: Any) -> bool:
    """Whether a SymPy object is among ``values`` (searched through containers)."""
    for value in values:
        if type(value).__module__.startswith("sympy"):
            return True
        if isinstance(value, (list, tuple)) and _has_symbolic(*value):
            return True
        if isinstance(value, dict) and _has_symbolic(*value.keys(), *value.values()):
            return True
    return False
