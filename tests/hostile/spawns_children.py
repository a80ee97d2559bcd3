"""Hostile: starts child processes, one of them in a new session, and never answers.

expect: fail
message: Timed out
orphans: course-hostile-orphan-marker
"""

import subprocess
import sys

CHILD = "import time; time.sleep(600)  # course-hostile-orphan-marker"


def square(x):
    subprocess.Popen([sys.executable, "-c", CHILD])
    subprocess.Popen([sys.executable, "-c", CHILD], start_new_session=True)
    while True:
        pass


def numeric_gradient_square(x, h=1e-5):
    return square(x)
