"""Hostile: reads the hidden suite from disk, looking for expected values.

expect: fail
message: expected
"""

import pathlib

import grader

SUITES = pathlib.Path(grader.__file__).resolve().parent / "suites"
stolen = ""
for path in SUITES.glob("**/test_ex5*.py"):
    stolen += path.read_text()


def square(x):
    return float(len(stolen)) - 1.0


def numeric_gradient_square(x, h=1e-5):
    return float(len(stolen)) - 1.0
