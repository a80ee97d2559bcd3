"""Linux namespaces and a socket filter that fence in the worker before any learner code runs.

Called by the worker, which is the learner's process, so everything here must be done
before the learner's file is imported. What it sets up:

- a PID namespace: the worker becomes its first process, so when it ends the kernel ends
  every process the learner started, even one that left the session with ``setsid``;
- a mount namespace in which the whole file system is read-only (so a submission cannot
  change the grader, the course or another learner's files), the scratch directory is
  a small writable tmpfs (its size is the file-size limit), and what holds answers is
  covered: folders (reference solutions, hidden suites) by empty tmpfs mounts, single
  files (a gradebook, an instructor's store) by an empty read-only file;
- an IPC namespace, so System V shared memory and message queues die with the worker and
  two workers cannot talk through them;
- a network namespace of its own (only a loopback, and that one down): nothing on the
  host or beyond is reachable over IP, and DNS fails;
- a seccomp filter that refuses to create Unix-domain sockets (the user's D-Bus and
  systemd manager, an SSH agent, a database or Docker socket are files, reachable from
  any network namespace) and io_uring (which could open sockets past the filter);
- a second user namespace on top, which locks those mounts: the learner's code cannot
  unmount or remount them, even when the grader runs as root.

Every piece is best effort and reported: :func:`fence` says which protections are in
force and why the others are not; :mod:`grader.sandbox.host` puts that in the setup reply.
"""

from __future__ import annotations

import ctypes
import os
import platform
import signal
import struct
import sys
from dataclasses import dataclass, field

CLONE_NEWNS = 0x00020000
CLONE_NEWIPC = 0x08000000
CLONE_NEWNET = 0x40000000
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
MNT_DETACH = 2
AT_FDCWD = -100
AT_RECURSIVE = 0x8000
MOUNT_ATTR_RDONLY = 0x1
SYS_MOUNT_SETATTR = 442  # the same number on x86_64 and aarch64
PR_SET_NO_NEW_PRIVS = 38
PR_SET_PDEATHSIG = 1

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


def die_with_parent() -> None:
    """Be killed when the process that started this one ends, even by SIGKILL: a grader
    that is killed must not leave its workers (and a learner's code sleeping in them)
    running. Asked at every level of the worker's tree above the learner's code."""
    parent = os.getppid()
    _lib().prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # it ended before the request took effect
        os._exit(1)


def enter_pid_namespace() -> None:
    """Run the rest of the worker as a process in a new PID namespace.

    This process stays outside and waits; its child is the namespace's first process (its
    end ends every process inside) and waits in turn for a grandchild, which returns from
    this function and serves the grader. Both waiters end as the grandchild ended, so the
    grader sees the learner's exit status or signal. Raises OSError where not possible.
    """
    flags = CLONE_NEWPID if os.geteuid() == 0 else CLONE_NEWPID | CLONE_NEWUSER
    _unshare(flags, "unshare pid")
    first = os.fork()
    if first:
        _relay(first, outside=True)
    die_with_parent()  # the namespace's first process: its end ends everything inside
    # The namespace's init ignores signals it has no handler for; the learner's code runs
    # one level down, where os.kill(os.getpid(), ...) and limits behave as usual.
    server = os.fork()
    if server:
        _relay(server, outside=False)
    die_with_parent()


READ_ONLY = "read-only files"
ANSWERS_HIDDEN = "answers hidden"
NO_NETWORK = "no network"


@dataclass
class Fence:
    """What :func:`fence` put in force, and why the rest is missing ("what: why")."""

    in_force: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    own_user_namespace: bool = False  # RLIMIT_NPROC then counts this tree's processes only


def _why(exc: OSError) -> str:
    return exc.strerror or str(exc)


def fence(
    scratch: str, hide: list[str], scratch_bytes: int, *, files: bool = True, network: bool = True
) -> Fence:
    """Fence this process in: ``files`` (read-only file system, a writable scratch tmpfs,
    answers hidden, an IPC namespace, the mounts locked) and ``network`` (a network
    namespace of its own, and no Unix-domain sockets). Never raises: what the kernel
    refuses is reported in the returned :class:`Fence`."""
    done = Fence()
    if files or network:
        try:
            if os.geteuid() != 0:  # a user namespace gives us the right to the others
                _unshare(CLONE_NEWUSER, "user namespace")
                done.own_user_namespace = True
        except OSError as exc:
            reason = f"the kernel refused a user namespace ({_why(exc)})"
            for wanted, names in ((files, (READ_ONLY, ANSWERS_HIDDEN)), (network, (NO_NETWORK,))):
                done.missing += [f"{name}: {reason}" for name in names if wanted]
            files = network = False
    if network:
        try:
            _unshare(CLONE_NEWNET, "network namespace")
            try:
                _check(_lib().prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no new privileges")
                block_local_sockets()
                done.in_force.append(NO_NETWORK)
            except OSError as exc:
                done.missing.append(
                    f"{NO_NETWORK}: local (Unix) sockets stay reachable, the socket filter "
                    f"was refused ({_why(exc)})"
                )
        except OSError as exc:
            done.missing.append(
                f"{NO_NETWORK}: the kernel refused a network namespace ({_why(exc)})"
            )
    if files:
        try:
            _fence_files(scratch, hide, scratch_bytes)
            done.in_force += [READ_ONLY, ANSWERS_HIDDEN]
            done.own_user_namespace = True
        except OSError as exc:
            reason = f"the kernel refused a mount namespace or mount ({_why(exc)})"
            done.missing += [f"{READ_ONLY}: {reason}", f"{ANSWERS_HIDDEN}: {reason}"]
    try:  # setuid programs (sudo) gain nothing from here on, fenced or not
        _check(_lib().prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no new privileges")
    except (OSError, AttributeError):
        pass
    return done


def _fence_files(scratch: str, hide: list[str], scratch_bytes: int) -> None:
    """Read-only file system, a writable scratch tmpfs, answers hidden, and the mounts
    locked against the learner's code. Raises IsolationError where not possible."""
    _unshare(CLONE_NEWNS | CLONE_NEWIPC, "unshare mount")
    _mount("none", "/", None, MS_REC | MS_PRIVATE, None)
    _read_only_everywhere()
    _hide(hide, scratch)
    _mount("tmpfs", scratch, "tmpfs", MS_NOSUID | MS_NODEV, f"size={scratch_bytes},mode=1777")
    try:  # a /proc of our own PID namespace: the grader's processes are not even listed
        _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, None)
    except OSError:
        pass
    # A user namespace of our own on top locks every mount above against umount/remount.
    _unshare(CLONE_NEWUSER | CLONE_NEWNS, "lock mounts")
    _set_read_only("/proc", True)
    os.chdir(scratch)


def _hide(paths: list[str], scratch: str) -> None:
    """Cover each folder with an empty read-only tmpfs, and each single file with an empty
    read-only file. That file lives on a small tmpfs mounted at ``scratch`` only while the
    covers are made, then detached: nothing but the read-only covers can reach it."""
    files = [p for p in paths if os.path.lexists(p) and not os.path.isdir(p)]
    for path in paths:
        if os.path.isdir(path):
            _mount("tmpfs", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV, "size=4k")
    if not files:
        return
    _mount("tmpfs", scratch, "tmpfs", MS_NOSUID | MS_NODEV, "size=4k,mode=0755")
    empty = os.path.join(scratch, "empty")
    os.close(os.open(empty, os.O_CREAT | os.O_WRONLY, 0o444))
    for path in files:
        _mount(empty, path, None, MS_BIND, None)
        _mount("none", path, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, None)
    _check(_lib().umount2(scratch.encode(), MNT_DETACH), f"umount {scratch}")


# The socket filter: a classic BPF program run by seccomp on every system call.
AF_UNIX = 1
SECCOMP_SET_MODE_FILTER = 1
SECCOMP_FILTER_FLAG_TSYNC = 1  # every thread of the process, not just the caller
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
SECCOMP_RET_ALLOW = 0x7FFF0000
SECCOMP_RET_ERRNO = 0x00050000
EACCES, ENOSYS = 13, 38
BPF_LD_W_ABS, BPF_JEQ_K, BPF_JGE_K, BPF_RET_K = 0x20, 0x15, 0x35, 0x06
IO_URING_FIRST, IO_URING_END = 425, 428  # io_uring_setup, _enter, _register: same numbers
# machine -> (audit arch, socket, seccomp, whether x32 system calls exist)
_ARCHES = {
    "x86_64": (0xC000003E, 41, 317, True),
    "aarch64": (0xC00000B7, 198, 277, False),
}


def _socket_filter(machine: str) -> list[tuple[int, int, int, int]]:
    """The filter as (code, jump if true, jump if false, k) instructions: allow all but
    socket(AF_UNIX, ...), io_uring and system calls of another ABI (x32, i386)."""
    arch, socket_nr, _, has_x32 = _ARCHES[machine]
    refuse, unsupported = SECCOMP_RET_ERRNO | EACCES, SECCOMP_RET_ERRNO | ENOSYS
    program = [
        (BPF_LD_W_ABS, 0, 0, 4),  # seccomp_data.arch
        (BPF_JEQ_K, 1, 0, arch),
        (BPF_RET_K, 0, 0, unsupported),
        (BPF_LD_W_ABS, 0, 0, 0),  # seccomp_data.nr
    ]
    if has_x32:
        program += [(BPF_JGE_K, 0, 1, 0x40000000), (BPF_RET_K, 0, 0, unsupported)]
    program += [
        (BPF_JEQ_K, 0, 3, socket_nr),
        (BPF_LD_W_ABS, 0, 0, 16),  # the low half of args[0], the address family
        (BPF_JEQ_K, 0, 4, AF_UNIX),
        (BPF_RET_K, 0, 0, refuse),
        (BPF_JGE_K, 0, 2, IO_URING_FIRST),
        (BPF_JGE_K, 1, 0, IO_URING_END),
        (BPF_RET_K, 0, 0, unsupported),
        (BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW),
    ]
    return program


def block_local_sockets() -> None:
    """Install the socket filter on every thread of this process, for good (children
    inherit it). Needs no-new-privileges set. Raises IsolationError where not possible."""
    machine = platform.machine().lower()
    if machine not in _ARCHES or sys.byteorder != "little":
        raise IsolationError(0, f"no socket filter for the {machine or 'unknown'} architecture")
    program = _socket_filter(machine)
    instructions = b"".join(struct.pack("HBBI", *step) for step in program)
    buffer = ctypes.create_string_buffer(instructions, len(instructions))
    prog = struct.pack("HxxxxxxQ", len(program), ctypes.addressof(buffer))
    prog_buffer = ctypes.create_string_buffer(prog, len(prog))
    syscall = _lib().syscall
    syscall.restype = ctypes.c_long
    seccomp_nr = _ARCHES[machine][2]
    mode, flags = SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC
    if syscall(seccomp_nr, mode, flags, prog_buffer) != 0:  # older kernels: this thread
        _check(_lib().prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, prog_buffer, 0, 0), "seccomp")


def be_dumpable() -> None:
    """Undo :func:`shield_grader` in a process forked from a shielded one (a worker forked
    by a template, :mod:`.template`), so that it is as a spawned worker is."""
    try:
        _lib().prctl(4, 1, 0, 0, 0)  # PR_SET_DUMPABLE = 4
    except (AttributeError, OSError):
        pass


def shield_grader() -> None:
    """Keep same-user processes (the learner's code among them) from reading the grader's
    memory through /proc or ptrace, where expected values are computed."""
    try:
        _lib().prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 4
    except (AttributeError, OSError):
        pass
