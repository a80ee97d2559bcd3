"""Worker templates: a process that has imported NumPy and SymPy, and forks fresh workers.

A process that grades again and again (a cohort's batch: one grading process grades one
learner after another) would otherwise start Python and import NumPy and SymPy for every
learner, most of a learner's CPU time. A template pays that once: it is
``python -I -m grader.sandbox.template``, started by the grader like a worker, with the
worker's environment; it imports the libraries and then only ever forks. It never runs a
learner's code, never reads a learner's file and never receives a message a worker
wrote: it reads fork requests from the grader on a socket that no worker holds.

Each fork is a fresh worker: the child closes every descriptor but the two pipe ends the
grader passed for it (with ``SCM_RIGHTS``), starts a session of its own, moves to its
scratch folder and runs :func:`grader.sandbox.worker.main`, exactly as a spawned worker
does: PID namespace, setup, control groups, fence and limits, all before any learner
code. So each learner gets a process of their own that no earlier learner's code ran
in, with the same protections, and nothing a worker does reaches the template (a separate
process, not dumpable, unreachable from a fenced worker's namespaces).

Only where ``fork`` exists (POSIX); the grader falls back to spawning elsewhere.

Protocol on the socket (SOCK_SEQPACKET, one JSON message per packet):
  grader -> {"op": "fork", "scratch": path}  + the worker's stdin (read end) and stdout
            (write end) as descriptors
  template -> {"forked": pid}, and later {"exited": pid, "code": exit code} (negative: the
            signal that ended it), for every worker it forked
"""

from __future__ import annotations

import gc
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time

PRELOAD = ("numpy", "sympy")
MAX_PACKET = 65536


# -- the template process -------------------------------------------------------------------


def main() -> None:
    from grader.sandbox import host, isolation

    if host.LINUX:
        isolation.die_with_parent()  # a killed grader leaves no template behind
    isolation.shield_grader()  # not dumpable: no same-user process can ptrace it
    control = socket.socket(fileno=os.dup(0))
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)
    import importlib

    for name in PRELOAD:  # in this thread: a fork must never copy a lock held elsewhere
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - the worker's own import reports it
            pass
    import grader.sandbox.worker  # noqa: F401 - what every fork runs

    # What is imported now stays out of the garbage collector's reach in every fork: a
    # collection in a worker would otherwise touch, and so copy, every page of it.
    gc.collect()
    gc.freeze()

    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    signal.set_wakeup_fd(wake_w)
    children: set[int] = set()
    _send(control, {"ready": True})
    while True:
        readable, _, _ = select.select([control, wake_r], [], [])
        if wake_r in readable:
            os.read(wake_r, 512)
            _reap(control, children)
        if control in readable:
            try:
                message, fds, _flags, _addr = socket.recv_fds(control, MAX_PACKET, 2)
            except OSError:
                message, fds = b"", []
            if not message:  # the grader is gone: end every worker forked
                for pid in children:
                    _kill_group(pid)
                os._exit(0)
            request = json.loads(message)
            if request.get("op") != "fork" or len(fds) != 2:
                for fd in fds:
                    os.close(fd)
                continue
            pid = os.fork()
            if pid == 0:
                _become_worker(control, fds, request["scratch"], (wake_r, wake_w))
            for fd in fds:
                os.close(fd)
            children.add(pid)
            _send(control, {"forked": pid})
        _reap(control, children)


def _reap(control: socket.socket, children: set[int]) -> None:
    while children:
        try:
            pid, status, usage = os.wait4(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        children.discard(pid)
        code = os.waitstatus_to_exitcode(status)
        # CPU seconds of the worker's whole tree (for bench/ and docs, not for grading)
        cpu = round(usage.ru_utime + usage.ru_stime, 4)
        _send(control, {"exited": pid, "code": code, "cpu": cpu})


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass


def _send(control: socket.socket, message: dict) -> None:
    try:
        control.send(json.dumps(message).encode())
    except OSError:
        os._exit(0)  # the grader is gone


def _become_worker(control: socket.socket, fds: list[int], scratch: str, wake) -> None:
    """In the forked child: leave the template behind and be a worker, as if spawned."""
    try:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.setsid()  # a process group of its own, ended as a whole (host.kill_tree)
        stdin, stdout = fds
        os.dup2(stdin, 0)
        os.dup2(stdout, 1)
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 2)
        os.closerange(3, _max_fd())  # the socket, the wake pipe, the received ends
        from grader.sandbox import isolation

        isolation.be_dumpable()  # as a spawned worker is (the template is not)
        os.chdir(scratch)
        from grader.sandbox import worker

        worker.main()
    except BaseException:  # noqa: BLE001 - a worker never returns into the template
        os._exit(70)
    os._exit(0)


def _max_fd() -> int:
    try:
        return max(int(name) for name in os.listdir("/proc/self/fd")) + 1
    except (OSError, ValueError):
        return os.sysconf("SC_OPEN_MAX")


# -- the grader's end -----------------------------------------------------------------------


class TemplateGone(Exception):
    """The template process ended or cannot fork: spawn workers instead."""


class Template:
    """The grader's handle on one template process."""

    def __init__(self, env: dict[str, str]):
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            from grader.sandbox import host

            self.process = subprocess.Popen(
                [sys.executable, "-I", "-m", "grader.sandbox.template"],
                stdin=theirs.fileno(),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=env,
                **host.popen_options(),
            )
        finally:
            theirs.close()
        self.env = env
        self.control = ours
        self.lock = threading.Lock()  # one fork request at a time
        self.changed = threading.Condition()
        self.forked: list[int] = []
        self.exited: dict[int, int] = {}
        self.cpu_seconds = 0.0  # of every worker forked that has ended
        self.ready = threading.Event()
        self.gone = False
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        while True:
            try:
                packet = self.control.recv(MAX_PACKET)
            except OSError:
                packet = b""
            with self.changed:
                if not packet:
                    self.gone = True
                    self.ready.set()
                    self.changed.notify_all()
                    return
                message = json.loads(packet)
                if message.get("ready"):
                    self.ready.set()
                elif "forked" in message:
                    self.forked.append(int(message["forked"]))
                elif "exited" in message:
                    self.exited[int(message["exited"])] = int(message["code"])
                    self.cpu_seconds += float(message.get("cpu", 0.0))
                self.changed.notify_all()

    def usable(self) -> bool:
        """Ready to fork at once (its imports done), and still there."""
        return self.ready.is_set() and not self.gone

    def fork(self, scratch: str, stdin_fd: int, stdout_fd: int, timeout: float) -> ForkedWorker:
        """A fresh worker reading ``stdin_fd`` and writing ``stdout_fd`` (the grader
        closes its copies of these ends afterwards)."""
        with self.lock, self.changed:
            if self.gone:
                raise TemplateGone()
            request = json.dumps({"op": "fork", "scratch": scratch}).encode()
            try:
                socket.send_fds(self.control, [request], [stdin_fd, stdout_fd])
            except OSError:
                raise TemplateGone() from None
            deadline = time.monotonic() + timeout
            while not self.forked:
                left = deadline - time.monotonic()
                if self.gone or left <= 0:
                    raise TemplateGone()
                self.changed.wait(left)
            return ForkedWorker(self.forked.pop(0), self)

    def close(self) -> None:
        try:
            # shutdown() first: close() alone leaves the socket open while the reader
            # thread is blocked in recv() on it, so the template would never see the end
            # (and every grading process would wait out the timeout below as it exits).
            self.control.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        try:
            self.control.close()  # the template ends every worker it forked, then itself
        except OSError:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class ForkedWorker:
    """What :class:`grader.sandbox.workers.WorkerProcess` uses of a ``Popen``, for a
    worker forked by a template: its exit status comes from the template."""

    def __init__(self, pid: int, template: Template):
        self.pid, self.template = pid, template
        self.returncode: int | None = None
        self.stdin = self.stdout = None  # set by the grader: its ends of the pipes

    def poll(self) -> int | None:
        with self.template.changed:
            if self.returncode is None and self.pid in self.template.exited:
                self.returncode = self.template.exited.pop(self.pid)
            elif self.returncode is None and self.template.gone:
                self.returncode = -signal.SIGKILL  # the template ended it with itself
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        with self.template.changed:
            while self.poll() is None:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    raise subprocess.TimeoutExpired(f"worker {self.pid}", timeout)
                self.template.changed.wait(left)
        return self.returncode

    def kill(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
        except OSError:
            pass


def descriptors_for_fork() -> tuple[int, int, int, int]:
    """Two pipes for a forked worker: (its stdin, our end to write), (our end to read,
    its stdout)."""
    to_r, to_w = os.pipe()
    from_r, from_w = os.pipe()
    return to_r, to_w, from_r, from_w


if __name__ == "__main__":
    main()
