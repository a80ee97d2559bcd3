"""Functions a suite writes that run in the worker, on the learner's own objects.

A trusted function (:mod:`.trusted`) stays in the grader: it takes numbers and arrays. An
automatic-differentiation exercise needs the opposite: ``derivative(f, x)`` calls ``f`` on
the learner's own ``Dual``, and a check of a ``Var`` builds a computation from the
learner's class. So a suite may write a short function as source text, a
:class:`WorkerCode`; it crosses to the worker as that text (``{"__code__": [index, source,
names]}`` in :mod:`.wire`), is compiled there with the learner module's ``names`` in scope
(plus ``math`` and ``np``), and runs on whatever the learner's code gives it.

What may cross is only what the suite chose to write: the function's own text, never an
expected value. The worker counts the calls and reports the count with the reply. That
count lives in the learner's process, so a suite uses it to teach ("f was called 3 times;
one pass per input is 4"), never as the only evidence of a correct answer.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable
from types import CodeType
from typing import Any


class WorkerCode:
    """A function as source text (a ``lambda`` or one ``def``) run in the worker.

    ``names`` are looked up in the learner's module when the text is compiled
    (``("sin", "exp")`` for ``"lambda x: sin(exp(x))"`` in an exercise whose file defines
    them). ``description`` is how feedback shows it (``"f(x) = sin(exp(x))"``). After a
    call of the learner's code that was given it, :attr:`calls` holds how many times the
    learner's code called it, in total over every call it was given to.
    """

    def __init__(self, source: str, names: tuple[str, ...] = (), description: str = ""):
        _entry(source)  # a mistake in a suite is found where it is written
        self.source, self.names = source, tuple(names)
        self.description = description or source
        self.calls = 0

    def __repr__(self) -> str:
        return self.description


@functools.lru_cache(maxsize=1024)  # suites make the same few sources over and over
def _entry(source: str) -> str | None:
    """The name of the one function ``source`` defines, or None for a lambda."""
    tree = ast.parse(source)
    if len(tree.body) != 1:
        raise ValueError("worker code is one lambda or one def")
    node = tree.body[0]
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Lambda):
        return None
    if isinstance(node, ast.FunctionDef):
        return node.name
    raise ValueError("worker code is one lambda or one def")


class CountedCode:
    """In the worker: the compiled function, counting its calls."""

    def __init__(self, function: Callable, description: str):
        self._function, self._description = function, description
        self.calls = 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return self._function(*args, **kwargs)

    def __repr__(self) -> str:
        return "<function given by the grader>"


def compile_in_worker(source: str, names: list[str], module: Any) -> CountedCode:
    """Compile ``source`` with ``names`` from the learner's ``module`` in scope."""
    import math

    import numpy as np

    scope: dict[str, Any] = {"math": math, "np": np}
    for name in names:
        if not hasattr(module, name):
            raise NameError(f"your file does not define {name}, which this check uses")
        scope[name] = getattr(module, name)
    entry, code = _compiled(source)
    if entry is None:
        function = eval(code, scope)  # noqa: S307 - the grader's own text, never the learner's
    else:
        exec(code, scope)  # noqa: S102 - as above
        function = scope[entry]
    return CountedCode(function, source)


@functools.lru_cache(maxsize=1024)  # a suite sends the same source with call after call
def _compiled(source: str) -> tuple[str | None, CodeType]:
    entry = _entry(source)
    return entry, compile(source, "<the grader's check>", "eval" if entry is None else "exec")
