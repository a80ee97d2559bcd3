"""Hostile: writes a conftest.py and a sitecustomize.py that force every test to pass, next
to itself, into the working directory and into site-packages; then answers wrongly.

expect: fail
message: expected
"""

import os
import site
import sys

FORCE_PASS = """
import pytest

@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    report.outcome = "passed"
    report.longrepr = None
"""

targets = [os.path.dirname(os.path.abspath(__file__)), os.getcwd(), *site.getsitepackages()]
for folder in targets:
    for name, text in (("conftest.py", FORCE_PASS), ("sitecustomize.py", "import sys\n")):
        try:
            with open(os.path.join(folder, name), "w") as handle:
                handle.write(text)
        except OSError as error:
            print("could not write", name, "in", folder, ":", error, file=sys.stderr)


def square(x):
    return -1.0


def numeric_gradient_square(x, h=1e-5):
    return -1.0
