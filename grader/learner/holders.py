"""Which programs have a file open, to tell a learner what holds their progress database.

On Linux, ``/proc/*/fd`` shows every open file of the processes this user may look at,
and ``/proc/locks`` which of them hold a lock. Elsewhere there is no portable way to ask,
so :func:`describe` says that it could not tell rather than guess.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
COMMAND_CHARS = 80  # enough to recognise a program, short enough for one line


@dataclass(frozen=True)
class Holder:
    pid: int
    command: str
    locking: bool  # holds a lock on the file, rather than only having it open


def holders(paths: list[Path]) -> list[Holder] | None:
    """The other processes that have any of ``paths`` open, those holding a lock first;
    None where this system cannot tell."""
    if not (PROC / "self" / "fd").is_dir():
        return None
    wanted = set()
    for path in paths:
        try:
            info = path.stat()
        except OSError:
            continue
        wanted.add((info.st_dev, info.st_ino))
    if not wanted:
        return []
    locking = _locking_pids(wanted)
    found = []
    for pid in _other_pids():
        if _has_open(pid, wanted):
            found.append(Holder(pid, _command(pid), pid in locking))
    return sorted(found, key=lambda h: (not h.locking, h.pid))


def describe(paths: list[Path]) -> str:
    """A sentence naming what holds ``paths``, for a learner."""
    found = holders(paths)
    if found is None:
        return "Which program holds it cannot be told on this system."
    if not found:
        return (
            "No program of yours has it open: it may belong to another user, or to a "
            "program on another machine if the folder is on a network drive."
        )
    lockers = [h for h in found if h.locking]
    if lockers:
        return "It is held by " + ", ".join(_name(h) for h in lockers) + "."
    return "Programs that have it open: " + ", ".join(_name(h) for h in found) + "."


def _name(holder: Holder) -> str:
    return f"pid {holder.pid} ({holder.command})"


def _other_pids() -> list[int]:
    own = os.getpid()
    pids = []
    for entry in PROC.iterdir():
        if entry.name.isdigit() and int(entry.name) != own:
            pids.append(int(entry.name))
    return pids


def _has_open(pid: int, wanted: set[tuple[int, int]]) -> bool:
    try:
        descriptors = list((PROC / str(pid) / "fd").iterdir())
    except OSError:  # another user's process, or it has just ended
        return False
    for descriptor in descriptors:
        try:
            info = os.stat(descriptor)  # follows the link to the open file itself
        except OSError:
            continue
        if (info.st_dev, info.st_ino) in wanted:
            return True
    return False


def _locking_pids(wanted: set[tuple[int, int]]) -> set[int]:
    """Pids that hold (not wait for) a lock on one of the files, from ``/proc/locks``,
    whose lines read ``1: POSIX ADVISORY WRITE 4242 fe:00:2163502 120 120``."""
    files = {(os.major(dev), os.minor(dev), inode) for dev, inode in wanted}
    pids = set()
    try:
        lines = (PROC / "locks").read_text().splitlines()
    except OSError:
        return pids
    for line in lines:
        fields = line.split()
        if "->" in fields or len(fields) < 6:  # "->" marks a process waiting for the lock
            continue
        try:
            major, minor, inode = fields[5].split(":")
            where = (int(major, 16), int(minor, 16), int(inode))
            pid = int(fields[4])
        except ValueError:
            continue
        if where in files:
            pids.add(pid)
    return pids


def _command(pid: int) -> str:
    """The process's command line, made safe to print: any program may name itself with
    control characters."""
    try:
        raw = (PROC / str(pid) / "cmdline").read_bytes()
    except OSError:
        raw = b""
    text = " ".join(part.decode("utf-8", "replace") for part in raw.split(b"\0") if part)
    if not text:
        try:
            text = (PROC / str(pid) / "comm").read_text().strip()
        except OSError:
            text = "unknown program"
    text = "".join(c if c.isprintable() else "?" for c in text)
    return text if len(text) <= COMMAND_CHARS else text[: COMMAND_CHARS - 3] + "..."
