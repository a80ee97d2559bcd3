"""Hostile: finds the reference solution on disk and runs it as its own.

expect: fail
message: expected
"""

import pathlib

import grader

ROOT = pathlib.Path(grader.__file__).resolve().parent.parent
found = {}
CANDIDATES = [ROOT, pathlib.Path.cwd(), *pathlib.Path(__file__).resolve().parents]
for path in [base / "solutions/1.2.39/ex5_numeric_gradient_square.py" for base in CANDIDATES]:
    try:
        exec(compile(path.read_text(), str(path), "exec"), found)
        break
    except OSError:
        continue


def square(x):
    return found["square"](x) if "square" in found else -2.0


def numeric_gradient_square(x, h=1e-5):
    if "numeric_gradient_square" in found:
        return found["numeric_gradient_square"](x, h)
    return -2.0
