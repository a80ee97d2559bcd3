"""Hostile: keeps starting processes that each hold 600 MiB, within the limit of one
process (1 GiB) but not of all of them together, and never answers.

expect: fail
message: ran out of memory
orphans: course-hostile-memory-fork-marker
"""

import subprocess
import sys
import time

CHILD = (
    "held = bytearray(600 << 20); import time; time.sleep(600)  # course-hostile-memory-fork-marker"
)


def square(x):
    while True:
        try:
            subprocess.Popen([sys.executable, "-c", CHILD], start_new_session=True)
        except OSError:
            pass
        time.sleep(0.2)


def numeric_gradient_square(x, h=1e-5):
    return square(x)
