"""Hostile: a fork bomb: starts processes until no more can start, and never answers.

expect: fail
message: processes
orphans: course-hostile-fork-bomb-marker
"""

import os
import sys
import time

CHILD = "import time; time.sleep(600)  # course-hostile-fork-bomb-marker"


def square(x):
    while True:
        try:
            if os.fork() == 0:
                os.execv(sys.executable, [sys.executable, "-c", CHILD])
        except OSError:
            time.sleep(0.05)  # the table is full: wait for a place, then try again


def numeric_gradient_square(x, h=1e-5):
    return square(x)
