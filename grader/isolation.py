"""Linux namespaces that fence in the worker before any learner code runs.

Called by the worker, which is the learner's process, so everything here must be done
before the learner's file is imported. What it sets up:

- a PID namespace: the worker becomes its first process, so when it ends the kernel ends
  every process the learner started, even one that left the session with ``setsid``;
- a mount namespace in which the whole file system is read-only (so a submission cannot
  change the grader, the course or another learner's files), the scratch directory is
  a small writable tmpfs (its size is the file-size limit), and the folders that hold
  answers (reference solutions, hidden suites, the progress store) are covered by empty
  tmpfs mounts;
- a second user namespace on top, which locks those mounts: the learner's code cannot
  unmount or remount them, even when the grader runs as root.

Everything is best effort: where the kernel refuses (no user namespaces, an old kernel),
the worker runs without it and says so; the grader reports that the run was not isolated.
"""

from __future__ import annotations

import ctypes
import os
import signal
import struct

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
MS_RDONLY = 0x1
MS_NOSUID = 0x2
MS_NODEV = 0x4
MS_NOEXEC = 0x8
MS_REMOUNT = 0x20
MS_BIND = 0x1000
MS_REC = 0x4000
MS_PRIVATE = 1 << 18
AT_FDCWD = -100
AT_RECURSIVE = 0x8000
MOUNT_ATTR_RDONLY = 0x1
SYS_MOUNT_SETATTR = 442  # the same number on x86_64 and aarch64
PR_SET_NO_NEW_PRIVS = 38

_libc = None


class IsolationError(OSError):
    pass


def _lib():
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    return _libc


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise IsolationError(errno, f"{what}: {os.strerror(errno)}")


def _unshare(flags: int, what: str) -> None:
    uid, gid = os.geteuid(), os.getegid()
    _check(_lib().unshare(flags), what)
    if flags & CLONE_NEWUSER:
        # Map our own ids to themselves: file access stays what it was outside.
        with open("/proc/self/setgroups", "w") as f:
            f.write("deny")
        with open("/proc/self/uid_map", "w") as f:
            f.write(f"{uid} {uid} 1")
        with open("/proc/self/gid_map", "w") as f:
            f.write(f"{gid} {gid} 1")


def _mount(source: str, target: str, fstype: str | None, flags: int, data: str | None) -> None:
    _check(
        _lib().mount(
            source.encode(),
            target.encode(),
            fstype.encode() if fstype else None,
            flags,
            data.encode() if data else None,
        ),
        f"mount {target}",
    )


def _set_read_only(path: str, read_only: bool) -> bool:
    """Set or clear read-only on the mount at ``path`` and those below (Linux 5.12+)."""
    flags = (MOUNT_ATTR_RDONLY, 0) if read_only else (0, MOUNT_ATTR_RDONLY)
    attr = struct.pack("QQQQ", *flags, 0, 0)
    buffer = ctypes.create_string_buffer(attr, len(attr))
    syscall = _lib().syscall
    syscall.restype = ctypes.c_long
    return syscall(SYS_MOUNT_SETATTR, AT_FDCWD, path.encode(), AT_RECURSIVE, buffer, len(attr)) == 0


def _read_only_everywhere() -> None:
    """Every mount read-only; /proc stays writable until the mounts are locked, because
    entering the locking user namespace means writing /proc/self/uid_map."""
    if _set_read_only("/", True):
        _set_read_only("/proc", False)
    else:  # older kernels: the root mount alone
        _mount("/", "/", None, MS_BIND | MS_REC, None)
        _mount("none", "/", None, MS_BIND | MS_REMOUNT | MS_RDONLY, None)


def _relay(child: int, outside: bool) -> None:
    """Wait for ``child`` and end this process the way the child ended.

    Inside the namespace (its init ignores signals it sends itself) a death by signal N is
    passed on as exit status 128 + N; the waiter outside turns that back into signal N.
    """
    while True:
        pid, status = os.waitpid(-1, 0)  # also reaps orphans handed to us
        if pid == child:
            break
    code = os.waitstatus_to_exitcode(status)
    number = -code if code < 0 else (code - 128 if outside and 128 < code < 128 + 65 else 0)
    if number and outside:
        if number not in (signal.SIGKILL, signal.SIGSTOP):  # these cannot be handled anyway
            signal.signal(number, signal.SIG_DFL)
        os.kill(os.getpid(), number)
    os._exit(128 + number if number else code & 0xFF)


def enter_pid_namespace() -> bool:
    """Run the rest of the worker as a process in a new PID namespace.

    This process stays outside and waits; its child is the namespace's first process (its
    end ends every process inside) and waits in turn for a grandchild, which returns from
    this function and serves the grader. Both waiters end as the grandchild ended, so the
    grader sees the learner's exit status or signal. Returns False where not possible.
    """
    flags = CLONE_NEWPID if os.geteuid() == 0 else CLONE_NEWPID | CLONE_NEWUSER
    try:
        _unshare(flags, "unshare pid")
    except OSError:
        return False
    first = os.fork()
    if first:
        _relay(first, outside=True)
    # The namespace's init ignores signals it has no handler for; the learner's code runs
    # one level down, where os.kill(os.getpid(), ...) and limits behave as usual.
    server = os.fork()
    if server:
        _relay(server, outside=False)
    return True


def fence(scratch: str, hide: list[str], scratch_bytes: int) -> None:
    """Read-only file system, a writable scratch tmpfs, the answer folders hidden, and the
    mounts locked against the learner's code. Raises IsolationError where not possible."""
    as_root = os.geteuid() == 0
    _unshare(CLONE_NEWNS if as_root else CLONE_NEWNS | CLONE_NEWUSER, "unshare mount")
    _mount("none", "/", None, MS_REC | MS_PRIVATE, None)
    _read_only_everywhere()
    _mount("tmpfs", scratch, "tmpfs", MS_NOSUID | MS_NODEV, f"size={scratch_bytes},mode=1777")
    for folder in hide:
        if os.path.isdir(folder):
            _mount("tmpfs", folder, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV, "size=4k")
    try:  # a /proc of our own PID namespace: the grader's processes are not even listed
        _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, None)
    except OSError:
        pass
    # A user namespace of our own on top locks every mount above against umount/remount.
    _unshare(CLONE_NEWUSER | CLONE_NEWNS, "lock mounts")
    _set_read_only("/proc", True)
    _check(_lib().prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no new privileges")
    os.chdir(scratch)


def shield_grader() -> None:
    """Keep same-user processes (the learner's code among them) from reading the grader's
    memory through /proc or ptrace, where expected values are computed."""
    try:
        _lib().prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 4
    except (AttributeError, OSError):
        pass
