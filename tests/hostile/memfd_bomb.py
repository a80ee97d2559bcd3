"""Hostile: fills anonymous in-memory files (memfd), which belong to no process's
address space, so a per-process memory limit never sees them.

expect: fail
message: ran out of memory
"""

import os

kept = []


def square(x):
    chunk = b"\1" * (8 << 20)  # each file stays under the file-size limit
    while True:
        fd = os.memfd_create("hoard")
        os.write(fd, chunk)
        kept.append(fd)


def numeric_gradient_square(x, h=1e-5):
    return square(x)
