"""A lesson's trusted inputs, for its hidden suites.

A suite passes functions into learner code (``f`` in ``forward_difference(f, x, h)``).
They are built by the lesson's own ``inputs.py`` (``lessons/<folder>/inputs.py``), which
the suite loads with::

    from grader.grading.inputs import lesson_inputs

    get = lesson_inputs(__file__).get   # then get("poly", coeffs=[1, 0, 3])

The module is imported once per lesson, in the grader's process only, under a name of
its own, so two lessons may both have an ``inputs.py`` (and both a "poly"). The functions
never cross to the worker: learner code holds a handle (:mod:`grader.sandbox.trusted`).
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

INPUTS_FILE = "inputs.py"  # in the lesson's folder, beside suites/


def load(lesson_folder: Path) -> ModuleType:
    """The ``inputs.py`` of the lesson in ``lesson_folder``, imported once."""
    path = Path(lesson_folder).resolve() / INPUTS_FILE
    name = "course_inputs_" + re.sub(r"\W", "_", path.parent.name)
    module = sys.modules.get(name)
    if module is not None and Path(module.__file__).resolve() == path:
        return module
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or not path.is_file():
        raise FileNotFoundError(f"the lesson has no {INPUTS_FILE}: {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses and pickling look modules up here
    spec.loader.exec_module(module)
    return module


def lesson_inputs(suite_file: str | Path) -> ModuleType:
    """The trusted inputs of the lesson whose hidden suite is ``suite_file``
    (``lessons/<folder>/suites/test_x.py``)."""
    return load(Path(suite_file).resolve().parents[1])
