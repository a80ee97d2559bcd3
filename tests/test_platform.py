"""Limits for the worker's whole process tree, no network, and the fallbacks of every
platform-specific piece (grader/sandbox/host.py), against the real grader.

The fallbacks are exercised here on Linux by switching each Linux-only piece off with
``COURSE_FENCE_DISABLE``: the worker still starts, grading still works, and the setup
reply names what was not in force. Tests that need a protection in force check first
that this machine gives it (``host.probe()``), so that a machine without it fails loudly
instead of passing for the wrong reason.
"""

import json
import os
import socket
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import pytest

from grader.sandbox import host
from grader.sandbox.limits import Limits
from grader.sandbox.workers import LearnerError, Sandbox, WorkerFailure
from tests.support import ROOT, course

FAST = Limits(seconds_per_call=5, seconds_total=30, memory_mb=1024, cpu_seconds=20)


def learner_file(tmp_path: Path, body: str, name: str = "submission.py") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body))
    return path


def require(*protections: str) -> None:
    """Fail (never skip) when this machine does not give a worker ``protections``."""
    given = host.probe()
    absent = [p for p in protections if not any(i.startswith(p) for i in given.in_force)]
    assert not absent, f"this machine does not give a worker {absent}: {given.missing}"


def processes_with(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def gone(marker: str, seconds: float = 3.0) -> bool:
    """Whether every process carrying ``marker`` ends within ``seconds``."""
    deadline = time.monotonic() + seconds
    while processes_with(marker):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


# -- the whole tree ------------------------------------------------------------------------


def test_a_fork_bomb_stops_at_the_process_limit(tmp_path):
    require("64 processes")
    marker = f"course-fork-bomb-{uuid.uuid4().hex}"
    path = learner_file(
        tmp_path,
        f"""
        import os, sys

        def bomb():
            started = 0
            try:
                while True:
                    if os.fork() == 0:  # each child waits, holding its place
                        os.execv(sys.executable, [sys.executable, "-c",
                                 "import time; time.sleep(60)  # {marker}"])
                    started += 1
            except OSError as exc:
                return [started, type(exc).__name__]
        """,
    )
    limits = Limits(seconds_per_call=20, seconds_total=30, processes=16)
    with Sandbox(path, limits) as box:
        started, error = box.call("bomb").value
        assert box.worker.tree.processes_exceeded()
    assert error == "BlockingIOError"
    assert 0 < started < 16  # the worker itself and its thread count too
    assert gone(marker), "a child of the fork bomb outlived the worker"


def test_children_cannot_hold_more_than_the_tree_limit_together(tmp_path):
    """Each child's 600 MiB fits RLIMIT_AS (1 GiB per process); two do not fit the tree."""
    require("memory 1024 MiB for the whole tree")
    path = learner_file(
        tmp_path,
        """
        import os, select, time

        def hoard(children, mib):
            readers = {}
            for _ in range(children):
                read, write = os.pipe()
                pid = os.fork()
                if pid == 0:
                    held = bytearray(mib << 20)  # zero-filled: every page is touched
                    os.write(write, b"1")
                    time.sleep(60)
                    os._exit(0)
                os.close(write)
                readers[read] = pid
            pids, reported = list(readers.values()), []
            deadline = time.monotonic() + 15
            while readers and time.monotonic() < deadline:
                ready, _, _ = select.select(list(readers), [], [], 0.1)
                for fd in ready:
                    if os.read(fd, 1):  # b"" when the child was killed first
                        reported.append(readers[fd])
                    del readers[fd]
            # Holding now: reported its memory and still alive, all at the same time.
            holding = [pid for pid in reported if os.waitpid(pid, os.WNOHANG) == (0, 0)]
            for pid in pids:
                try:
                    os.kill(pid, 9)
                    os.waitpid(pid, 0)
                except (ProcessLookupError, ChildProcessError):
                    pass
            return len(holding)
        """,
    )
    with Sandbox(path, Limits(seconds_per_call=20, seconds_total=40)) as box:
        assert box.call("hoard", (1, 600)).value == 1  # one alone fits
        try:
            holding = box.call("hoard", (2, 600)).value
        except WorkerFailure as failure:  # the kernel may stop the worker itself instead
            assert "ran out of memory" in failure.message
        else:
            assert holding == 1
            assert box.worker.tree.memory_exceeded()


def test_a_memfd_bomb_is_stopped(tmp_path):
    """memfd pages belong to no process's address space; the tree's limit counts them."""
    require("memory 1024 MiB for the whole tree")
    path = learner_file(
        tmp_path,
        """
        import os

        kept = []

        def bomb():
            chunk = b"x" * (8 << 20)
            while True:
                fd = os.memfd_create("hoard")
                os.write(fd, chunk)  # 8 MiB each, under the file-size limit
                kept.append(fd)
        """,
    )
    with Sandbox(path, FAST) as box:
        with pytest.raises((WorkerFailure, LearnerError)) as stopped:
            box.call("bomb")
    if isinstance(stopped.value, WorkerFailure):
        assert stopped.value.kind == "died"
        assert "ran out of memory" in stopped.value.message
    else:  # the kernel refused the pages: ENOMEM
        assert stopped.value.is_a("OSError") or stopped.value.is_a("MemoryError")


def test_shared_memory_segments_do_not_outlive_the_worker(tmp_path):
    """System V segments live on after their process unless the worker has an IPC
    namespace of its own, which dies with it."""
    require("read-only files")
    key = int.from_bytes(os.urandom(3), "big") + 1
    path = learner_file(
        tmp_path,
        """
        import ctypes

        def leave_behind(key):
            libc = ctypes.CDLL(None, use_errno=True)
            return libc.shmget(key, ctypes.c_size_t(1 << 20), 0o1000 | 0o600)  # IPC_CREAT
        """,
    )
    with Sandbox(path, FAST) as box:
        assert box.call("leave_behind", (key,)).value >= 0
    keys = [line.split()[0] for line in Path("/proc/sysvipc/shm").read_text().splitlines()[1:]]
    assert str(key) not in keys


# -- no network ----------------------------------------------------------------------------


def test_the_worker_reaches_nothing_over_the_network(tmp_path):
    require("no network")
    listener = socket.create_server(("127.0.0.1", 0))
    listener.setblocking(False)
    port = listener.getsockname()[1]
    local = socket.socket(socket.AF_UNIX)
    local.bind(str(tmp_path / "service.sock"))  # a local service: D-Bus, a database...
    local.listen()
    local.setblocking(False)
    path = learner_file(
        tmp_path,
        """
        import socket

        def attempt(what, action):
            try:
                action()
                return what + ": reached"
            except OSError as exc:
                return what + ": refused"

        def escape(port, unix_path):
            return [
                attempt("tcp", lambda: socket.create_connection(("127.0.0.1", port), 2)),
                attempt("unix", lambda: socket.socket(socket.AF_UNIX).connect(unix_path)),
                attempt("dns", lambda: socket.getaddrinfo("example.com", 443)),
                attempt("udp", lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                        .sendto(b"x", ("1.1.1.1", 53))),
            ]
        """,
    )
    try:
        with Sandbox(path, FAST) as box:
            tried = box.call("escape", (port, str(tmp_path / "service.sock"))).value
        assert tried == ["tcp: refused", "unix: refused", "dns: refused", "udp: refused"]
        for server in (listener, local):
            with pytest.raises(BlockingIOError):  # nobody came
                server.accept()
    finally:
        listener.close()
        local.close()


# -- hidden files --------------------------------------------------------------------------


def test_a_hidden_file_reads_as_empty_and_cannot_be_written(tmp_path):
    require("answers hidden")
    secret = tmp_path / "cohort" / "gradebook.csv"
    secret.parent.mkdir()
    secret.write_text("learner,total\nada,100\n")
    path = learner_file(
        tmp_path,
        """
        def peek(path):
            with open(path) as f:
                seen = f.read()
            try:
                with open(path, "w") as f:
                    f.write("forged")
                wrote = "wrote"
            except OSError:
                wrote = "refused"
            return [seen, wrote]
        """,
    )
    with Sandbox(path, FAST, hide=(secret,)) as box:
        assert box.call("peek", (str(secret),)).value == ["", "refused"]
    assert secret.read_text() == "learner,total\nada,100\n"


# -- what is in force, and the fallbacks ---------------------------------------------------

# What each piece's absence must put among the missing protections.
MISSING = {
    "namespaces": ["own process namespace", "read-only files", "answers hidden"],
    "network": ["no network"],
    "cgroup": ["memory 1024 MiB for the whole tree", "64 processes"],
    "rlimits": ["memory 1024 MiB per process", "CPU 20 s", "files 16 MiB"],
    "resource": ["memory 1024 MiB per process", "CPU 20 s", "files 16 MiB"],
    "select": [],  # the grader's side: deadlines hold with reader threads instead
}
EVERYTHING = sorted({item for items in MISSING.values() for item in items})

ECHO = """
import os, time

def echo(x):
    return x

def hang():
    while True:
        pass

def leave():
    os._exit(0)
"""


def names(items: list[str]) -> list[str]:
    return sorted(item.split(":")[0] for item in items)


def test_on_this_machine_every_protection_is_in_force(tmp_path):
    path = learner_file(tmp_path, ECHO)
    with Sandbox(path, FAST) as box:
        assert box.call("echo", (3,)).value == 3
        protections = box.worker.protections
    assert protections["missing"] == []
    assert sorted(protections["in_force"]) == sorted(EVERYTHING + ["time limits"])
    assert host.probe().fenced


@pytest.mark.parametrize("piece", [*MISSING, "all"])
def test_with_a_piece_switched_off_the_worker_still_works_and_says_so(tmp_path, monkeypatch, piece):
    monkeypatch.setenv(host.DISABLE_ENV, piece)
    path = learner_file(tmp_path, ECHO)
    with Sandbox(path, Limits(seconds_per_call=1.5, seconds_total=20, cpu_seconds=20)) as box:
        assert box.call("echo", ([1, 2],)).value == [1, 2]
        protections = box.worker.protections
        expected = EVERYTHING if piece == "all" else MISSING[piece]
        assert names(protections["missing"]) == sorted(expected)
        assert all(host.DISABLE_ENV in item for item in protections["missing"])
        assert "time limits" in protections["in_force"]
        # Hangs and exits are still caught, and the next call gets a fresh worker.
        with pytest.raises(WorkerFailure) as hung:
            box.call("hang")
        assert hung.value.kind == "timeout"
        with pytest.raises(WorkerFailure) as left:
            box.call("leave")
        assert left.value.kind == "died" and "exit status 0" in left.value.message
        assert box.call("echo", (5,)).value == 5


@pytest.mark.parametrize("piece", [*MISSING, "all"])
def test_with_a_piece_switched_off_grading_gives_the_same_verdicts(piece):
    env = {host.DISABLE_ENV: piece}
    solution = course("grade", "1.2.39.5", "--solution", "--json", env=env)
    assert solution.code == 0, solution.out + solution.err
    assert solution.json()["score"] == solution.json()["max_score"]
    stub = course("grade", "1.2.39.5", "--json", env=env)
    assert stub.code == 1 and stub.json()["score"] < stub.json()["max_score"]


def test_without_select_the_grader_waits_on_pipes_with_threads(tmp_path, monkeypatch):
    from grader.sandbox.channel import PollChannel, ThreadChannel

    path = learner_file(tmp_path, ECHO)
    with Sandbox(path, FAST) as box:
        box.call("echo", (1,))
        assert isinstance(box.worker.channel, PollChannel)
    monkeypatch.setenv(host.DISABLE_ENV, "select")
    with Sandbox(path, FAST) as box:
        box.call("echo", (1,))
        assert isinstance(box.worker.channel, ThreadChannel)


def test_without_namespaces_an_escaped_child_still_ends_with_the_worker(tmp_path, monkeypatch):
    """A child in a session of its own leaves the worker's process group; with no PID
    namespace, the tree's control group is what still finds and ends it."""
    require("64 processes")
    monkeypatch.setenv(host.DISABLE_ENV, "namespaces")
    marker = f"course-escaped-child-{uuid.uuid4().hex}"
    path = learner_file(
        tmp_path,
        f"""
        import subprocess, sys

        def escape():
            child = subprocess.Popen(
                [sys.executable, "-c", "import time; time.sleep(60)  # {marker}"],
                start_new_session=True,
            )
            return [child.pid, child.poll()]
        """,
    )
    with Sandbox(path, FAST) as box:
        pid, status = box.call("escape").value
        assert status is None  # running, in a session of its own
        assert os.getsid(pid) == pid != os.getpgid(box.worker.process.pid)
    assert gone(marker), "a child in a new session outlived the worker"


def test_a_memory_bomb_is_reported_as_memory_by_the_tree_alone(monkeypatch):
    """Without RLIMIT_AS, the control group stops the bomb: reported as memory, not as a
    time-out, as soon as the kernel stops it (tests/hostile/memory_bomb.py)."""
    require("memory 1024 MiB for the whole tree")
    monkeypatch.setenv(host.DISABLE_ENV, "rlimits")
    path = ROOT / "tests" / "hostile" / "memory_bomb.py"
    with Sandbox(path, FAST) as box:
        with pytest.raises(WorkerFailure) as failure:
            box.call("square", (2.0,))
    assert failure.value.kind == "died"  # stopped by the kernel, not by the time-out
    assert "ran out of memory" in failure.value.message


def probe_in(env: dict) -> dict:
    """``host.probe()`` in a fresh process (it is cached in this one)."""
    code = (
        "import json; from grader.sandbox import host; p = host.probe(); "
        "print(json.dumps({'fenced': p.fenced, 'missing': p.missing, 'in_force': p.in_force}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_probe_says_what_a_worker_gets_here():
    everything = probe_in({host.DISABLE_ENV: ""})
    assert everything["fenced"] and everything["missing"] == []
    unfenced = probe_in({host.DISABLE_ENV: "namespaces"})
    assert not unfenced["fenced"]
    assert names(unfenced["missing"]) == sorted(MISSING["namespaces"])
    assert "no network" in unfenced["in_force"]
    no_tree = probe_in({host.DISABLE_ENV: "cgroup"})
    assert not no_tree["fenced"]
    assert names(no_tree["missing"]) == sorted(MISSING["cgroup"])


def test_python_m_grader_host_says_what_this_machine_gives():
    done = subprocess.run(
        [sys.executable, "-m", "grader.sandbox.host"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, host.DISABLE_ENV: "network"},
    )
    assert done.returncode == 0, done.stderr
    assert "Missing:   no network: switched off (COURSE_FENCE_DISABLE=network)" in done.stdout
    assert "Fenced (batch grading may run): no" in done.stdout


def run_python(code: str) -> dict:
    """Run ``code`` in a fresh Python (its last line printed is JSON) and decode it."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


SETUP = {"limits": Limits(cpu_seconds=20).for_worker()}


def test_the_grader_and_worker_import_where_resource_does_not_exist():
    """As on Windows: no ``resource`` module at all, not merely switched off."""
    report = run_python(
        f"""
        import json, sys
        sys.modules["resource"] = None  # any import of it now fails
        import grader.sandbox.worker, grader.sandbox.workers, grader.sandbox.channel
        from grader.sandbox import host
        host.LINUX, host.SYSTEM = False, "Windows"
        host.enter_pid_namespace()
        print(json.dumps(host.fence_worker({SETUP!r})))
        """
    )
    assert report["in_force"] == ["time limits"]
    assert "CPU 20 s: Python's resource module does not exist on Windows" in report["missing"]
    assert "read-only files: Linux only (this is Windows)" in report["missing"]
    assert "own process namespace: Linux only (this is Windows)" in report["missing"]


def test_on_macos_the_address_space_limit_is_skipped_and_said_so():
    report = run_python(
        f"""
        import json
        from grader.sandbox import host
        host.LINUX, host.MACOS, host.SYSTEM = False, True, "Darwin"
        print(json.dumps(host.fence_worker({SETUP!r})))
        """
    )
    assert "memory 1024 MiB per process: macOS does not enforce RLIMIT_AS" in report["missing"]
    assert {"CPU 20 s", "files 16 MiB", "time limits"} <= set(report["in_force"])
    assert any(m.startswith("64 processes: ") for m in report["missing"])


def test_a_grader_that_exits_without_closing_its_worker_leaves_no_group():
    require("64 processes")
    joined = run_python(
        """
        import json
        from grader.sandbox import host
        from grader.sandbox.limits import Limits
        tree = host.TreeLimit.create(Limits())  # never closed: the run was interrupted
        print(json.dumps(tree.for_worker()["join"]))
        """
    )
    assert joined  # a group was made ...
    assert not any(Path(procs).parent.exists() for procs in joined)  # ... and removed
