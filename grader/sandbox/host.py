"""Everything platform-specific about fencing and limiting a worker, behind one interface.

Grader side: :class:`TreeLimit` (memory and process count for the worker's whole tree),
:func:`popen_options` and :func:`kill_tree` (start the worker in a group of its own, and
end that group), :func:`probe` (what this machine gives a worker, without starting one).
Worker side: :func:`enter_pid_namespace` and :func:`fence_worker`, which put every
protection the system allows in force before any learner code runs, and say which.

Each piece has a portable fallback, and nothing here is fatal: a protection the system
refuses is reported as missing ("what: why"), never raised. ``COURSE_FENCE_DISABLE``
switches pieces off, to exercise those fallbacks on Linux and to troubleshoot a machine
(a comma-separated list, or ``all``):

  namespaces  the PID, mount and IPC namespaces (read-only files, answers hidden)
  network     the network namespace and the socket filter
  cgroup      the control group that limits the whole tree
  rlimits     the per-process limits (address space, CPU, file size, processes)
  resource    behave as if Python's ``resource`` module did not exist (Windows)
  select      wait on the worker's pipes with threads, not ``poll`` (grader/sandbox/channel.py)
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import cache
from types import ModuleType

from grader.sandbox.cgroups import TreeLimit, memory_item, processes_item
from grader.sandbox.limits import Limits

__all__ = [
    "DISABLE_ENV",
    "PIECES",
    "Protections",
    "TreeLimit",
    "disabled",
    "enter_pid_namespace",
    "fence_worker",
    "kill_tree",
    "popen_options",
    "probe",
]

DISABLE_ENV = "COURSE_FENCE_DISABLE"
PIECES = ("namespaces", "network", "cgroup", "rlimits", "resource", "select")

SYSTEM = platform.system() or sys.platform  # "Linux", "Darwin", "Windows"
LINUX = sys.platform.startswith("linux")
MACOS = sys.platform == "darwin"
WINDOWS = os.name == "nt"

# Protections by name, as reports list them.
READ_ONLY = "read-only files"
ANSWERS_HIDDEN = "answers hidden"
NO_NETWORK = "no network"
OWN_PROCESSES = "own process namespace"
TIME_LIMITS = "time limits"


def disabled(piece: str) -> bool:
    """Whether ``piece`` (one of :data:`PIECES`) is switched off by ``COURSE_FENCE_DISABLE``."""
    named = {name.strip().lower() for name in os.environ.get(DISABLE_ENV, "").split(",")}
    return piece in named or "all" in named


def switched_off(piece: str) -> str:
    return f"switched off ({DISABLE_ENV}={os.environ.get(DISABLE_ENV, piece)})"


def resource_module() -> ModuleType | None:
    """Python's ``resource`` module, or None where it does not exist (Windows)."""
    if disabled("resource"):
        return None
    try:
        import resource
    except ImportError:
        return None
    return resource


# -- grader side ---------------------------------------------------------------------------


def popen_options() -> dict:
    """Keyword arguments for ``subprocess.Popen`` that start the worker in a process group
    of its own, so that :func:`kill_tree` can end it with everything it started."""
    if WINDOWS:
        flags = subprocess.CREATE_NEW_PROCESS_GROUP | subprocess.CREATE_NO_WINDOW
        return {"creationflags": flags}
    return {"start_new_session": True}


def kill_tree(popen: subprocess.Popen) -> None:
    """End the worker and every process it started (that stayed in its group)."""
    if WINDOWS:
        try:  # /T: the whole tree of child processes
            subprocess.run(
                ["taskkill", "/F", "/T", "/PID", str(popen.pid)],
                capture_output=True,
                timeout=10,
                creationflags=subprocess.CREATE_NO_WINDOW,
            )
        except (OSError, subprocess.SubprocessError):
            pass
        try:
            popen.kill()
        except OSError:
            pass
        return
    try:
        os.killpg(popen.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        try:
            popen.kill()
        except OSError:
            pass


# -- worker side ---------------------------------------------------------------------------

_pid_namespace = f"{OWN_PROCESSES}: not tried"  # set by enter_pid_namespace


def enter_pid_namespace() -> None:
    """First thing in the worker: a PID namespace, so that no process the learner starts
    can outlive it (Linux). Where refused, :func:`fence_worker` reports why."""
    global _pid_namespace
    if LINUX:
        from grader.sandbox import isolation

        isolation.die_with_parent()  # a killed grader leaves no worker behind
    if not LINUX:
        _pid_namespace = f"{OWN_PROCESSES}: Linux only (this is {SYSTEM})"
    elif disabled("namespaces"):
        _pid_namespace = f"{OWN_PROCESSES}: {switched_off('namespaces')}"
    else:
        from grader.sandbox import isolation

        try:
            isolation.enter_pid_namespace()
            _pid_namespace = ""
        except OSError as exc:
            why = exc.strerror or str(exc)
            _pid_namespace = f"{OWN_PROCESSES}: the kernel refused a PID namespace ({why})"


def join_tree(setup: dict) -> tuple[list[str], list[str]]:
    """Join the control groups the grader made for this worker's tree (``setup["tree"]``):
    what that puts in force, and what is missing. Moving a process between groups waits
    for the kernel (milliseconds, not CPU), so the worker does it while NumPy loads."""
    limits = setup.get("limits") or {}
    tree = setup.get("tree")
    if tree is None:
        memory_mb = (limits.get("memory_bytes") or 0) >> 20
        items = [memory_item(memory_mb), processes_item(limits.get("processes") or 0)]
        tree = {"missing": [f"{item}: the grader made no control group" for item in items]}
    tree_missing = list(tree.get("missing", []))
    return _join(tree, tree_missing), tree_missing


def fence_worker(setup: dict, joined: tuple[list[str], list[str]] | None = None) -> dict:
    """Put every protection this system allows in force, in the worker, before any learner
    code runs; ``setup`` is the grader's setup message (``limits``, ``scratch``, ``hide``,
    ``tree``), ``joined`` what :func:`join_tree` gave if it ran already. Returns
    ``{"in_force": [...], "missing": ["what: why", ...]}``."""
    limits = setup.get("limits") or {}
    in_force: list[str] = []
    missing: list[str] = []

    # The tree's group first: the cgroup file system is read-only once fenced.
    tree_in_force, tree_missing = joined if joined is not None else join_tree(setup)

    if _pid_namespace:
        missing.append(_pid_namespace)
    else:
        in_force.append(OWN_PROCESSES)

    own_user_namespace = False
    if LINUX and setup.get("scratch"):
        from grader.sandbox import isolation

        try:
            fenced = isolation.fence(
                setup["scratch"],
                list(setup.get("hide", [])),
                limits.get("file_bytes") or 16 << 20,
                files=not disabled("namespaces"),
                network=not disabled("network"),
            )
        except Exception as exc:  # noqa: BLE001 - a fence that breaks is reported, never fatal
            why = f"the fence failed ({type(exc).__name__}: {exc})"
            fenced = isolation.Fence(
                missing=[f"{name}: {why}" for name in (READ_ONLY, ANSWERS_HIDDEN, NO_NETWORK)]
            )
        in_force += fenced.in_force
        missing += fenced.missing
        own_user_namespace = fenced.own_user_namespace
        if disabled("namespaces"):
            missing += [f"{n}: {switched_off('namespaces')}" for n in (READ_ONLY, ANSWERS_HIDDEN)]
        if disabled("network"):
            missing.append(f"{NO_NETWORK}: {switched_off('network')}")
    else:
        why = f"Linux only (this is {SYSTEM})" if not LINUX else "no scratch folder"
        missing += [f"{name}: {why}" for name in (READ_ONLY, ANSWERS_HIDDEN, NO_NETWORK)]

    limited, unlimited = _apply_rlimits(limits)
    in_force += tree_in_force + limited
    missing += tree_missing + unlimited
    count = processes_item(limits.get("processes") or 0)
    if limits.get("processes") and count not in in_force:
        why = _limit_processes(limits["processes"], own_user_namespace)
        if why:  # say why the fallback did not hold either
            missing = [f"{m}; {why}" if m.startswith(count + ":") else m for m in missing]
        else:
            in_force.append(count)
            missing = [m for m in missing if not m.startswith(count + ":")]
    in_force.append(TIME_LIMITS)  # the grader's own clock: holds everywhere
    return {"in_force": sorted(in_force, key=_rank), "missing": sorted(missing, key=_rank)}


def _rank(item: str) -> int:
    """Reports list the fence first, then the tree's limits, then the rest."""
    name = item.split(":")[0]
    order = [
        name == NO_NETWORK,
        name == READ_ONLY,
        name == ANSWERS_HIDDEN,
        name.endswith("for the whole tree"),
        name.endswith(" processes"),
        name == OWN_PROCESSES,
        name.endswith("per process"),
        name.startswith("CPU "),
        name.startswith("files "),
        name == TIME_LIMITS,
    ]
    return order.index(True) if True in order else len(order)


def _join(tree: dict, missing: list[str]) -> list[str]:
    """Move this process into the tree's control groups; what that puts in force."""
    for procs in tree.get("join", []):
        try:
            with open(procs, "w") as handle:
                handle.write("0")  # 0: the writing process itself
        except OSError as exc:
            why = f"could not join its control group ({exc.strerror or exc})"
            missing += [f"{item}: {why}" for item in tree.get("in_force", [])]
            return []
    return list(tree.get("in_force", []))


def _apply_rlimits(limits: dict) -> tuple[list[str], list[str]]:
    """The per-process limits, where the system has them: (in force, missing)."""
    memory_mb = (limits.get("memory_bytes") or 0) >> 20
    cpu, file_mb = limits.get("cpu_seconds"), (limits.get("file_bytes") or 0) >> 20
    wanted = {
        "memory": f"memory {memory_mb} MiB per process" if memory_mb else "",
        "cpu": f"CPU {cpu} s" if cpu else "",
        "files": f"files {file_mb} MiB" if file_mb else "",
    }
    wanted = {key: item for key, item in wanted.items() if item}
    resource = resource_module()
    if resource is None or disabled("rlimits"):
        if disabled("rlimits"):
            why = switched_off("rlimits")
        elif disabled("resource"):
            why = switched_off("resource")
        else:
            why = f"Python's resource module does not exist on {SYSTEM}"
        return [], [f"{item}: {why}" for item in wanted.values()]

    in_force, missing = [], []

    def cap(which: int, value: int, item: str, grace: int = 0) -> None:
        try:
            resource.setrlimit(which, (value, value + grace))
            in_force.append(item)
        except (OSError, ValueError) as exc:
            missing.append(f"{item}: the system refused it ({exc})")

    if "memory" in wanted:
        if MACOS:  # accepted, but not enforced; NumPy alone maps gigabytes there
            missing.append(f"{wanted['memory']}: macOS does not enforce RLIMIT_AS")
        else:
            cap(resource.RLIMIT_AS, limits["memory_bytes"], wanted["memory"])
    if "cpu" in wanted:
        # SIGXCPU at the soft limit names the cause; were it the hard limit too, the
        # kernel would send SIGKILL instead, which says nothing. A second later it does.
        cap(resource.RLIMIT_CPU, cpu, wanted["cpu"], grace=1)
    if "files" in wanted:
        cap(resource.RLIMIT_FSIZE, limits["file_bytes"], wanted["files"])
        if hasattr(signal, "SIGXFSZ"):  # writing past it raises an error, not a kill
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    try:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (OSError, ValueError):
        pass
    return in_force, missing


def _limit_processes(processes: int, own_user_namespace: bool) -> str:
    """The fallback for a tree's process count: RLIMIT_NPROC. It counts every process of
    the real user and never limits root; but in a user namespace of the worker's own
    (Linux 5.14+) it counts only the processes inside, a limit for the whole tree.
    Returns why it does not hold, or "" once it does."""
    resource = resource_module()
    if resource is None or disabled("rlimits"):
        return "no RLIMIT_NPROC either"
    if not LINUX:
        return "RLIMIT_NPROC here would count all of this user's processes"
    if os.getuid() == 0:
        return "RLIMIT_NPROC does not limit root"
    if not own_user_namespace:
        return "RLIMIT_NPROC counts all of this user's processes outside a user namespace"
    try:
        resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))
    except (OSError, ValueError) as exc:
        return f"RLIMIT_NPROC was refused ({exc})"
    return ""


# -- what this machine gives a worker ------------------------------------------------------


@dataclass(frozen=True)
class Protections:
    """The protections a worker gets on this machine (see :func:`probe`)."""

    in_force: tuple[str, ...]
    missing: tuple[str, ...]

    @property
    def fenced(self) -> bool:
        """File fence, no network, and a memory limit for the whole tree, all in force."""
        return {READ_ONLY, ANSWERS_HIDDEN, NO_NETWORK} <= set(self.in_force) and any(
            item.endswith("for the whole tree") for item in self.in_force
        )

    def headline(self) -> str:
        """One line for a report: ``fenced: ...`` or what is missing."""
        if self.fenced:
            return "fenced: " + ", ".join(self.in_force)
        names = ", ".join(item.split(":")[0] for item in self.missing)
        return f"not fenced (missing: {names}); in force: " + ", ".join(self.in_force)


@cache
def probe() -> Protections:
    """What a worker gets on this machine: the worker's own start-up and fence, run once
    in a small process (no NumPy, no learner code), with a real tree limit. Cached."""
    limits = Limits()
    tree = TreeLimit.create(limits)
    scratch = tempfile.mkdtemp(prefix="course-probe-")
    setup = {"limits": limits.for_worker(), "scratch": scratch, "hide": []}
    setup["tree"] = tree.for_worker()
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "SYSTEMROOT", DISABLE_ENV)}
    try:
        done = subprocess.run(
            [sys.executable, "-I", "-m", "grader.sandbox.host", "--fence"],
            input=json.dumps(setup),
            capture_output=True,
            text=True,
            timeout=60,
            cwd=scratch,
            env=env,
            **popen_options(),
        )
        report = json.loads(done.stdout.strip().splitlines()[-1])
        in_force, missing = report["in_force"], report["missing"]
    except (OSError, ValueError, IndexError, KeyError, subprocess.SubprocessError) as exc:
        in_force, missing = [], [f"every protection: the fence could not be tried ({exc})"]
    finally:
        tree.close()
        shutil.rmtree(scratch, ignore_errors=True)
    return Protections(tuple(in_force), tuple(missing))


def _fence_main() -> None:
    """``python -I -m grader.sandbox.host --fence``: read a setup, fence, print what held."""
    enter_pid_namespace()
    setup = json.loads(sys.stdin.readline())
    print(json.dumps(fence_worker(setup)), flush=True)


def main(argv: list[str]) -> int:
    """``python -m grader.sandbox.host``: what a worker gets on this machine (troubleshooting)."""
    if argv[:1] == ["--fence"]:
        _fence_main()
        return 0
    given = probe()
    print(f"{SYSTEM} {platform.release()}, Python {platform.python_version()}")
    print("In force:  " + (", ".join(given.in_force) or "nothing"))
    for item in given.missing:
        print(f"Missing:   {item}")
    print("Fenced (batch grading may run): " + ("yes" if given.fenced else "no"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
