"""Hostile: reads the hidden suites, trusted inputs and known-right files from disk.

expect: fail
message: expected
"""

import pathlib

import grader

LESSONS = pathlib.Path(grader.__file__).resolve().parents[1] / "lessons"
stolen = ""
for pattern in ("*/suites/test_ex5*.py", "*/inputs.py", "*/wrong/*/_correct.py", "*/correct/*/*"):
    for path in LESSONS.glob(pattern):
        stolen += path.read_text() if path.is_file() else ""


def square(x):
    return float(len(stolen)) - 1.0


def numeric_gradient_square(x, h=1e-5):
    return float(len(stolen)) - 1.0
