"""The worker: the only process in which a learner's code runs.

Started by :mod:`grader.sandbox.workers` as ``python -I -m grader.sandbox.worker``. It talks to
the grader over its original stdin/stdout (duplicated to private descriptors), then points file
descriptors 0, 1 and 2 away so that nothing the learner prints can disturb the channel.
Python-level output is captured per call and capped; it is shown in the report.

Protocol (one JSON message each way, see :mod:`grader.sandbox.wire`):
  -> {"op": "setup", "scratch", "hide", "limits", "tree"}
                                     <- {"ok": true, "protections"}
  -> {"op": "load", "key", "path", "constants"}   <- {"ok": true, "names": [...], "output"}
  -> {"op": "call", "key", "name", "args", "kwargs"} <- {"ok": true, "value", "mutated", ...}
One worker may hold several learner files (one per exercise of a lesson), each under its
own module name ``key``.
Errors come back as ``{"ok": false, "error": {...}}`` in the learner's terms.
"""

from __future__ import annotations

import builtins
import importlib.util
import io
import os
import sys
import threading
import time
import traceback
from pathlib import Path

OUTPUT_CAP = 8_000  # characters of printed output kept per call


class CappedOutput(io.TextIOBase):
    """A text stream that keeps the first OUTPUT_CAP characters and counts the rest."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.parts: list[str] = []
        self.kept = 0
        self.total = 0

    def writable(self) -> bool:
        return True

    def write(self, text) -> int:
        text = str(text)
        self.total += len(text)
        room = OUTPUT_CAP - self.kept
        if room > 0:
            self.parts.append(text[:room])
            self.kept += min(room, len(text))
        return len(text)

    def take(self) -> dict:
        taken = {"text": "".join(self.parts), "total_chars": self.total}
        self.reset()
        return taken


def _learner_traceback(exc: BaseException, learner_files: set[str]) -> tuple[str, int | None, bool]:
    """The traceback restricted to the learner's own frames, the last learner line, and
    whether the learner's code raised it itself (a raise or assert statement of theirs is
    the innermost frame), rather than Python or a library refusing what it was given."""
    every = traceback.extract_tb(exc.__traceback__)
    frames = [f for f in every if f.filename in learner_files]
    line = frames[-1].lineno if frames else None
    own = bool(every) and every[-1].filename in learner_files
    statement = (every[-1].line or "").lstrip() if own else ""
    text = "".join(traceback.format_list(frames[-5:]))
    text += "".join(traceback.format_exception_only(type(exc), exc)).rstrip()
    return text, line, statement.startswith(("raise ", "raise(", "assert "))


def _describe_error(exc: BaseException, learner_files: set[str]) -> dict:
    text, line, own = _learner_traceback(exc, learner_files)
    error = {
        "type": type(exc).__name__,
        "mro": [k.__name__ for k in type(exc).__mro__],
        "message": _safe_str(exc),
        "line": line,
        "own_raise": own,
        "traceback": text[-4000:],
    }
    if isinstance(exc, SyntaxError):
        error["line"] = exc.lineno
        error["message"] = exc.msg
        error["text"] = (exc.text or "").rstrip()
    return error


def _safe_str(exc: BaseException) -> str:
    try:
        return str(exc)[:2000]
    except Exception:  # a learner exception whose __str__ fails
        return "<an exception whose message could not be shown>"


def _copy_arg(value):
    import numpy as np

    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, list):
        return [_copy_arg(v) for v in value]
    if isinstance(value, dict):
        return {k: _copy_arg(v) for k, v in value.items()}
    return value


def _same(a, b) -> bool:
    import numpy as np

    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (
            isinstance(a, np.ndarray)
            and isinstance(b, np.ndarray)
            and a.shape == b.shape
            and a.dtype == b.dtype
            and bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
        )
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return True  # immutable values cannot have been changed in place


def _preload(modules: list[str]) -> None:
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - the learner's own import will report it
            pass


class Worker:
    def __init__(self, channel_in, channel_out) -> None:
        self.channel_in, self.channel_out = channel_in, channel_out
        self.output = CappedOutput()
        self.modules: dict[str, object] = {}
        self.learner_files: set[str] = set()
        self.channel_lock = threading.Lock()
        self.joined: tuple[list[str], list[str]] | None = None  # host.join_tree's result
        self.folders: set[str] = set()  # folders put on sys.path for learner files

    def send(self, message: dict) -> None:
        from grader.sandbox import wire

        try:
            wire.write_message(self.channel_out, message)
        except wire.WireError as exc:
            wire.write_message(
                self.channel_out,
                {"ok": False, "error": {"type": "WireError", "mro": [], "message": str(exc)}},
            )

    def setup(self, request: dict) -> dict:
        """Fence the process and apply the limits, once, before any learner code runs.
        The reply says which protections are in force and why the others are not."""
        from grader.sandbox import host

        protections = host.fence_worker(request, self.joined)
        # Heavy libraries the files will need (SymPy) load in the background while the
        # grader gets ready; importlib's locks make a learner's own import simply wait.
        if request.get("preload"):
            threading.Thread(target=_preload, args=(request["preload"],), daemon=True).start()
        return {"protections": protections}

    def load(self, request: dict) -> dict:
        """Import one learner file under the module name ``key``."""
        path = Path(request["path"]).resolve()
        self.learner_files.add(str(path))
        # The exercise's own folder (modules the course provides, such as a project's
        # network) comes first, then the learner's folder for helpers of their own.
        folders = [str(path.parent), *request.get("support_dirs", [])]
        self._forget_modules_of_other_folders(folders)
        for folder in folders:
            if folder in sys.path:
                sys.path.remove(folder)
            sys.path.insert(0, folder)
        self.folders.update(folders)
        key = request["key"]
        spec = importlib.util.spec_from_file_location(key, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[key] = module
        spec.loader.exec_module(module)
        self.modules[key] = module
        names = sorted(n for n, v in vars(module).items() if callable(v) and not n.startswith("_"))
        values = {}
        for name in request.get("constants", []):
            if hasattr(module, name):
                values[name] = self.encode(getattr(module, name), f"the constant {name}")
        return {"names": names, "constants": values}

    def _forget_modules_of_other_folders(self, keep: list[str]) -> None:
        """Two projects may each ship a ``network.py``: a module imported for an earlier
        file of this worker from another exercise's folder must not answer this file's
        ``import network``."""
        others = {os.path.normpath(f) for f in self.folders if f not in keep}
        if not others:
            return
        # Strings, not Path objects: with SymPy loaded this looks at over a thousand
        # modules for every file loaded, and Path made it a tenth of a worker's time.
        prefixes = tuple(others)
        for name, module in list(sys.modules.items()):
            where = getattr(module, "__file__", None)
            if (
                isinstance(where, str)
                and where.startswith(prefixes)
                and os.path.dirname(os.path.normpath(where)) in others
            ):
                del sys.modules[name]

    def encode(self, value, what: str):
        from grader.sandbox import wire

        try:
            return wire.encode_value(value)
        except wire.WireError as exc:
            if isinstance(exc, wire.TooLarge):
                raise _Unsendable(str(exc)) from None
            raise _Unsendable(f"{what} could not be sent back to the grader: {exc}") from None

    def call(self, request: dict) -> dict:
        """Call the learner's function ``name``, or a function the suite wrote (``code``,
        :mod:`.worker_code`) that works on the learner's objects, with decoded arguments."""
        from grader.sandbox import trusted as functions
        from grader.sandbox import wire, worker_code

        module = self.modules[request["key"]]
        compiled: dict[int, worker_code.CountedCode] = {}

        def resolve_code(index: int, source: str, names: list[str]):
            if index not in compiled:
                compiled[index] = worker_code.compile_in_worker(source, names, module)
            return compiled[index]

        def decode(data):
            return wire.decode_value(
                data,
                resolve_fn=lambda index: functions.RemoteFunction(index, self.ask),
                parse_sympy=(importlib.import_module("grader.sandbox.symbolic").parse_srepr),
                resolve_code=resolve_code,
            )

        args = decode(request.get("args", []))
        kwargs = decode(request.get("kwargs", {}))
        kwargs = dict(kwargs) if isinstance(kwargs, dict) else {}
        before_args = [_copy_arg(a) for a in args]
        before_kwargs = {k: _copy_arg(v) for k, v in kwargs.items()}
        if "code" in request:
            func, what = decode(request["code"]), "the grader's check"
        else:
            func, what = getattr(module, request["name"]), request["name"]
        started = time.perf_counter()
        value = func(*args, **kwargs)
        elapsed = time.perf_counter() - started
        mutated = [
            str(i)
            for i, (a, b) in enumerate(zip(args, before_args, strict=True))
            if not _same(a, b)
        ]
        mutated += [k for k in kwargs if not _same(kwargs[k], before_kwargs[k])]
        return {
            "value": self.encode(value, f"the value returned by {what}"),
            "mutated": mutated,
            "seconds": elapsed,
            "code_calls": [[index, code.calls] for index, code in compiled.items()],
        }

    def ask(self, index: int, args: tuple, kwargs: dict):
        """Evaluate the grader's function ``index`` for the learner's code: the grader
        computes it (its parameters never come here) and counts the call."""
        from grader.sandbox import wire

        handles: list = []
        try:
            message = {
                "op": "eval",
                "fn": index,
                "args": wire.encode_value(list(args), functions=handles),
                "kwargs": wire.encode_value(dict(kwargs), functions=handles),
            }
        except wire.WireError as exc:
            raise TypeError(
                f"the function given by the grader takes numbers and NumPy arrays; {exc}"
            ) from None
        message["fns"] = [handle.index for handle in handles]
        with self.channel_lock:  # one exchange at a time, whatever threads the learner runs
            wire.write_message(self.channel_out, message)
            reply = wire.read_message(self.channel_in)
        if not reply.get("ok"):
            error = reply.get("error", {})
            kind = getattr(builtins, str(error.get("type")), None)
            if not (isinstance(kind, type) and issubclass(kind, Exception)):
                kind = TypeError
            raise kind(error.get("message", ""))
        return wire.decode_value(reply.get("value"))

    def join_tree(self, setup: dict) -> None:
        from grader.sandbox import host

        self.joined = host.join_tree(setup)

    def serve(self) -> None:
        from grader.sandbox import wire

        while True:
            try:
                request = wire.read_message(self.channel_in)
            except EOFError:
                return
            self.reply(request)

    def reply(self, request: dict) -> None:
        """Handle one request and send its reply: learner failures are replies too."""
        handler = {"setup": self.setup, "load": self.load, "call": self.call}.get(request.get("op"))
        if handler is None:
            self.send({"ok": False, "error": {"type": "ProtocolError", "message": "bad op"}})
            return
        try:
            reply = {"ok": True, **handler(request)}
        except _Unsendable as exc:
            reply = {
                "ok": False,
                "error": {"type": "Unsendable", "mro": [], "message": str(exc)},
            }
        except BaseException as exc:  # noqa: BLE001 - every learner failure is reported
            if isinstance(exc, KeyboardInterrupt):
                raise
            reply = {"ok": False, "error": _describe_error(exc, self.learner_files)}
        reply["output"] = self.output.take()
        self.send(reply)


class _Unsendable(Exception):
    pass


def _until_single_threaded(seconds: float = 2.0) -> None:
    """Wait until a joined thread has left the kernel too (``join`` returns a moment
    before): the fence's user namespace is refused to a process with threads."""
    tasks = f"/proc/{os.getpid()}/task"
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if len(os.listdir(tasks)) <= 1:
                return
        except OSError:
            return  # not Linux: nothing to wait for
        time.sleep(0.0005)


def main() -> None:
    from grader.sandbox import host

    # First of all, before anything of the learner's exists: a PID namespace (Linux), so
    # that no process the learner starts can outlive this worker.
    host.enter_pid_namespace()
    # Keep private copies of the channel, then point 0/1/2 away from it.
    channel_in = os.fdopen(os.dup(0), "rb", buffering=0)
    channel_out = os.fdopen(os.dup(1), "wb", buffering=0)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    worker = Worker(channel_in, channel_out)
    sys.stdout = sys.stderr = worker.output
    sys.stdin = io.StringIO("")
    # The grader sends the setup first, at once: join the tree's control groups (a wait on
    # the kernel) while NumPy loads. No learner code runs before both are done.
    from grader.sandbox import wire

    setup = wire.read_message(channel_in)
    if "numpy" in sys.modules:  # forked from a template (.template): nothing to overlap
        worker.join_tree(setup)
    else:
        joining = threading.Thread(target=worker.join_tree, args=(setup,))
        joining.start()
        import numpy  # noqa: F401 - imported before limits apply, and warm for the learner

        joining.join()
        _until_single_threaded()
    worker.reply(setup)
    worker.serve()


if __name__ == "__main__":
    main()
