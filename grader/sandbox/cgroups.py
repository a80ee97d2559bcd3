"""A limit on the memory and the process count of a worker's whole process tree.

``RLIMIT_AS`` is per process: every child a submission forks gets its own allowance, and
shared memory (``memfd_create``, ``/dev/shm``, System V) is not counted at all. A control
group counts every page the tree touches, whoever maps it, and every process and thread.

The grader creates one group per worker (:meth:`TreeLimit.create`); the worker joins it
itself, first thing in its setup and before its file system turns read-only (the paths to
join are in :meth:`TreeLimit.for_worker`); once the worker is dead, :meth:`TreeLimit.close`
ends whatever is left in the group (a child that escaped the process group) and removes it.

Where a group can be made:

- cgroup v2, in the grader's own group or at the hierarchy's root, where ``memory`` and
  ``pids`` are already enabled for children and the directory is writable (root, or a
  delegated subtree); or, when the grader is the only process of a delegated group (for
  example under ``systemd-run --user --scope -p Delegate=yes``), by moving the grader into
  a leaf of its own and enabling the controllers below;
- cgroup v1, under the grader's own ``memory`` and ``pids`` groups, where writable (root).

Anywhere else :class:`TreeLimit` is a no-op that says why (``missing``).
"""

from __future__ import annotations

import atexit
import itertools
import os
import signal
import time
from pathlib import Path

from grader.sandbox.limits import Limits

PREFIX = "course-worker-"
_counter = itertools.count(1)
_live: set[Path] = set()  # groups made by this process and not yet removed


def memory_item(memory_mb: int) -> str:
    return f"memory {memory_mb} MiB for the whole tree"


def processes_item(processes: int) -> str:
    return f"{processes} processes"


class TreeLimit:
    """No limit for the tree (the base case): says why in ``missing``."""

    kind = "none"

    def __init__(self, limits: Limits, why: str = ""):
        self.limits = limits
        self.in_force: list[str] = []
        self.missing: list[str] = [
            f"{memory_item(limits.memory_mb)}: {why}",
            f"{processes_item(limits.processes)}: {why}",
        ]

    @classmethod
    def create(cls, limits: Limits) -> TreeLimit:
        """The strongest tree limit this machine allows the grader to make."""
        from grader.sandbox import host

        if host.disabled("cgroup"):
            return TreeLimit(limits, host.switched_off("cgroup"))
        if not host.LINUX:
            return TreeLimit(limits, f"control groups are Linux only (this is {host.SYSTEM})")
        reasons = []
        for backend in (_CgroupV2, _CgroupV1):
            try:
                return backend(limits)
            except (_Unavailable, OSError) as exc:  # never fatal: say why
                reasons.append(str(exc))
        return TreeLimit(limits, "; ".join(reasons))

    def for_worker(self) -> dict:
        """What the worker needs to join the group, and what to report."""
        return {"join": [], "in_force": list(self.in_force), "missing": list(self.missing)}

    def memory_exceeded(self) -> bool:
        """Whether the kernel killed a process of the tree for using too much memory."""
        return False

    def processes_exceeded(self) -> bool:
        """Whether the tree tried to start more processes than allowed."""
        return False

    def explain(self, doing: str) -> str:
        """What the tree ran into while ``doing``, in a learner's words ("" if nothing):
        for a worker that stopped answering because its processes were stopped."""
        if self.memory_exceeded():
            return (
                f"Your code ran out of memory while {doing}: together, its processes needed "
                f"more than the {self.limits.memory_mb} MiB allowed, so the system stopped "
                "some of them and no answer came. Keep fewer or smaller arrays alive at once."
            )
        if self.processes_exceeded():
            return (
                f"Your code tried to start more than {self.limits.processes} processes while "
                f"{doing} (the limit for all of them together), and no answer came. The "
                "exercises need no extra processes: compute in your function instead."
            )
        return ""

    def close(self) -> None:
        """End what is left in the group and remove it (after the worker has ended)."""


class _Unavailable(Exception):
    pass


def _mounts() -> list[tuple[str, str, str, set[str]]]:
    """(mount root, mount point, file system type, super options) of each cgroup mount."""
    found = []
    try:
        lines = Path("/proc/self/mountinfo").read_text().splitlines()
    except OSError:
        return found
    for line in lines:
        before, _, after = line.partition(" - ")
        fields, tail = before.split(), after.split()
        if len(fields) >= 5 and len(tail) >= 3 and tail[0] in ("cgroup", "cgroup2"):
            found.append((fields[3], fields[4], tail[0], set(tail[2].split(","))))
    return found


def _own_groups() -> dict[str, str]:
    """The grader's own group per controller ("" for cgroup v2), from /proc/self/cgroup."""
    groups = {}
    try:
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            _, controllers, path = line.split(":", 2)
            for name in controllers.split(",") if controllers else [""]:
                groups[name] = path
    except (OSError, ValueError):
        pass
    return groups


def _directory(mount_root: str, mount_point: str, path: str) -> Path | None:
    """The directory of the group ``path`` under a mount of the hierarchy at ``mount_root``."""
    relative = os.path.relpath(path, mount_root)
    if relative.startswith(".."):
        return None
    return Path(mount_point) / relative if relative != "." else Path(mount_point)


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


def _counter_in(path: Path, name: str) -> int:
    """The value of ``name`` in a flat-keyed cgroup file (``memory.events``, ...)."""
    for line in _read(path).splitlines():
        key, _, value = line.partition(" ")
        if key == name and value.strip().isdigit():
            return int(value)
    return 0


def _write(path: Path, value: str) -> None:
    path.write_text(value)


def _remove_stale(parent: Path) -> None:
    """Remove groups left by graders that died before closing them (empty ones only)."""
    try:
        entries = list(parent.iterdir())
    except OSError:
        return
    for entry in entries:
        owner = entry.name.removeprefix(PREFIX).split("-")[0]
        if entry.name.startswith(PREFIX) and owner.isdigit() and not _alive(int(owner)):
            try:
                entry.rmdir()
            except OSError:
                pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _new_group(parent: Path) -> Path:
    _remove_stale(parent)
    group = parent / f"{PREFIX}{os.getpid()}-{next(_counter)}"
    group.mkdir()
    _live.add(group)
    return group


def _empty_and_remove(groups: list[Path], kill_file: Path | None = None) -> None:
    """Kill every process still in ``groups`` and remove them, within about two seconds.

    The worker's PID namespace usually ended them already; without one, a child that left
    the worker's process group would otherwise live on."""
    deadline = time.monotonic() + 2.0
    for group in groups:
        while group.exists():
            pids = [int(p) for p in _read(group / "cgroup.procs").split() if p.isdigit()]
            if pids and kill_file is not None and kill_file.exists():
                try:
                    _write(kill_file, "1")
                except OSError:
                    pass
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            try:
                group.rmdir()
                _live.discard(group)
            except FileNotFoundError:
                _live.discard(group)
                break
            except OSError:
                if time.monotonic() > deadline:
                    break  # left for the next grader's _remove_stale
                time.sleep(0.001)  # a killed tree leaves its group within milliseconds


@atexit.register
def _remove_live() -> None:
    """A grader that exits without closing a worker (an interrupted run) leaves no group."""
    mine = [group for group in _live if group.name.startswith(f"{PREFIX}{os.getpid()}-")]
    if mine:  # not a forked child's: its parent's groups are the parent's to remove
        _empty_and_remove(sorted(mine))


class _CgroupV2(TreeLimit):
    """One group in the unified (v2) hierarchy with memory.max, pids.max, no swap and the
    whole group killed on an out-of-memory kill (memory.oom.group)."""

    kind = "cgroup v2"

    def __init__(self, limits: Limits):
        self.limits = limits
        mounts = [m for m in _mounts() if m[2] == "cgroup2"]
        own = _own_groups().get("")
        if not mounts or own is None:
            raise _Unavailable("no cgroup v2 hierarchy")
        root, point, _, _ = mounts[0]
        own_dir = _directory(root, point, own)
        if own_dir is None:
            raise _Unavailable("cgroup v2: the grader's group is outside the mounted tree")
        parent = self._parent(own_dir, Path(point))
        try:
            self.group = _new_group(parent)
            _write(self.group / "memory.max", str(limits.memory_mb << 20))
            _write(self.group / "pids.max", str(limits.processes))
            for name, value in (("memory.swap.max", "0"), ("memory.oom.group", "1")):
                if (self.group / name).exists():
                    _write(self.group / name, value)
        except OSError as exc:
            if getattr(self, "group", None) is not None:
                _empty_and_remove([self.group])
            raise _Unavailable(f"cgroup v2: {exc.strerror or exc}") from None
        self.in_force = [memory_item(limits.memory_mb), processes_item(limits.processes)]
        self.missing = []

    @staticmethod
    def _parent(own: Path, mount_point: Path) -> Path:
        def enabled(folder: Path) -> bool:
            return {"memory", "pids"} <= set(_read(folder / "cgroup.subtree_control").split())

        moved = [own.parent] if own.name == "course-grader" else []  # an earlier move
        for folder in (own, *moved, mount_point):
            if enabled(folder) and os.access(folder, os.W_OK):
                return folder
        available = set(_read(own / "cgroup.controllers").split())
        if not {"memory", "pids"} <= available:
            raise _Unavailable(
                "cgroup v2: the memory and pids controllers are not available in the grader's group"
            )
        if not os.access(own / "cgroup.subtree_control", os.W_OK):
            raise _Unavailable("cgroup v2: the grader's group is not delegated to this user")
        if [p for p in _read(own / "cgroup.procs").split() if p != str(os.getpid())]:
            raise _Unavailable(
                "cgroup v2: other processes share the grader's group, so it cannot enable "
                "limits below it (run the grader in a delegated scope of its own)"
            )
        # Alone in a delegated group: move into a leaf, then the group may have children.
        try:
            leaf = own / "course-grader"
            leaf.mkdir(exist_ok=True)
            _write(leaf / "cgroup.procs", "0")
            _write(own / "cgroup.subtree_control", "+memory +pids")
        except OSError as exc:
            raise _Unavailable(f"cgroup v2: {exc.strerror or exc}") from None
        return own

    def for_worker(self) -> dict:
        reply = super().for_worker()
        reply["join"] = [str(self.group / "cgroup.procs")]
        return reply

    def memory_exceeded(self) -> bool:
        return _counter_in(self.group / "memory.events", "oom_kill") > 0

    def processes_exceeded(self) -> bool:
        return _counter_in(self.group / "pids.events", "max") > 0

    def close(self) -> None:
        _empty_and_remove([self.group], self.group / "cgroup.kill")


class _CgroupV1(TreeLimit):
    """A group under each of the grader's own v1 ``memory`` and ``pids`` groups."""

    kind = "cgroup v1"

    def __init__(self, limits: Limits):
        self.limits = limits
        own = _own_groups()
        parents = {}
        for controller in ("memory", "pids"):
            for root, point, kind, options in _mounts():
                if kind == "cgroup" and controller in options and controller in own:
                    parents[controller] = _directory(root, point, own[controller])
            if parents.get(controller) is None:
                raise _Unavailable(f"cgroup v1: no {controller} hierarchy")
            if not os.access(parents[controller], os.W_OK):
                raise _Unavailable(f"cgroup v1: the {controller} group is not writable here")
        self.groups: list[Path] = []
        try:
            self.memory = _new_group(parents["memory"])
            self.groups.append(self.memory)
            self.pids = _new_group(parents["pids"])
            self.groups.append(self.pids)
            _write(self.memory / "memory.limit_in_bytes", str(limits.memory_mb << 20))
            try:  # memory plus swap, where swap is accounted: no escape into swap
                _write(self.memory / "memory.memsw.limit_in_bytes", str(limits.memory_mb << 20))
            except OSError:
                pass
            _write(self.pids / "pids.max", str(limits.processes))
        except OSError as exc:
            _empty_and_remove(self.groups)
            raise _Unavailable(f"cgroup v1: {exc.strerror or exc}") from None
        self.in_force = [memory_item(limits.memory_mb), processes_item(limits.processes)]
        self.missing = []

    def for_worker(self) -> dict:
        reply = super().for_worker()
        reply["join"] = [str(group / "cgroup.procs") for group in self.groups]
        return reply

    def memory_exceeded(self) -> bool:
        return _counter_in(self.memory / "memory.oom_control", "oom_kill") > 0

    def processes_exceeded(self) -> bool:
        return _counter_in(self.pids / "pids.events", "max") > 0

    def close(self) -> None:
        _empty_and_remove(self.groups)
