"""Hostile: forges a reply whose array announces a shape of 300 million floats, with a
few bytes of data. A reader that allocated by the shape would take 2.4 GB before finding
the data short; the grader must refuse the array from its shape.

expect: fail
message: an array of 300,000,000 elements
"""

import base64
import json
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


def _forge(reply: dict) -> None:
    body = json.dumps(reply).encode()
    frame = len(body).to_bytes(4, "big") + body
    for fd in _channels():
        view = memoryview(frame)
        while view:
            view = view[os.write(fd, view) :]
    os._exit(0)


def square(x):
    payload = ["<f8", [300_000_000], base64.b64encode(bytes(64)).decode()]
    output = {"text": "", "total_chars": 0}
    _forge({"ok": True, "value": {"__ndarray__": payload}, "output": output})


def numeric_gradient_square(x, h=1e-5):
    return square(x)
