"""Hostile: writes its own 16 MiB reply on the worker's channel, all nested empty lists.

Parsed as JSON, that reply would cost the grader 1.6 GiB. The grader must refuse it from
its size and a count of its brackets, before parsing, and say so.

expect: fail
message: something too large to check (a reply of up to
"""

import os
import stat


def _channels() -> list[int]:
    """The worker's private reply pipe: a FIFO this process may only write to."""
    import fcntl

    found = []
    for fd in range(3, 256):
        try:
            if stat.S_ISFIFO(os.fstat(fd).st_mode):
                if fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE == os.O_WRONLY:
                    found.append(fd)
        except OSError:
            continue
    return found


def _forge(body: bytes) -> None:
    frame = len(body).to_bytes(4, "big") + body
    for fd in _channels():
        view = memoryview(frame)
        while view:
            view = view[os.write(fd, view) :]
    os._exit(0)


def square(x):
    size = 16 * 1024 * 1024
    lists = b"[]," * (size // 3)
    _forge(b'{"ok":true,"value":[' + lists + b'[]],"output":{"text":"","total_chars":0}}')


def numeric_gradient_square(x, h=1e-5):
    return square(x)
