"""Functions that hidden suites pass into learner code, and the handles that stand for them.

A learner's ``forward_difference(f, x, h)`` needs an ``f``. A lesson's ``inputs.py`` builds
it (see :class:`Registry`) and the suite passes it in. It never crosses to the worker:
:mod:`.wire` sends an opaque handle, the worker holds a :class:`RemoteFunction`, and each
call the learner's code makes of it comes back to the grader, which evaluates the
:class:`TrustedFunction` here and counts the call. So learner code can read nothing about
the function (which one it is, its parameters, a planted bug) and cannot forge how often
it was called.

A builder takes JSON-friendly parameters and returns ``(callable, description)``; the
description is how feedback names the function ("f(x) = sin(x)").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

Builder = Callable[..., tuple[Callable, str]]
MAX_SEEN = 10_000  # points kept by a watched function


class TrustedFunction:
    """A function built by name and parameters from a lesson's inputs, called in the grader."""

    def __init__(self, name: str, params: dict[str, Any], builder: Builder, /):
        self.name, self.params, self._builder = name, dict(params), builder
        self._call, self.description = builder(**self.params)
        self.calls = 0
        self.seen: list | None = None  # the points it was called at, once watched

    def __call__(self, *args, **kwargs):
        self.calls += 1
        if self.seen is not None and args and len(self.seen) < MAX_SEEN:
            try:
                self.seen.append(np.array(args[0], dtype=float))
            except (TypeError, ValueError):
                self.seen.append(None)
        # sin(inf) and the like warn; in the worker that warning would land in "your code
        # printed" although the learner's code did not print it. The value (nan) is enough.
        with np.errstate(all="ignore"):
            return self._call(*args, **kwargs)

    def watch(self) -> TrustedFunction:
        """Keep a copy of the point of every call from now on, in :attr:`seen`: where the
        learner's code evaluated f, which no returned value can show."""
        self.seen = []
        return self

    def fresh(self) -> TrustedFunction:
        """The same function with no calls counted or seen, for the grader's own use."""
        return TrustedFunction(self.name, self.params, self._builder)

    def __repr__(self) -> str:
        return self.description


class Registry:
    """A lesson's named builders of trusted functions (its ``inputs.py`` makes one)."""

    def __init__(self) -> None:
        self._builders: dict[str, Builder] = {}

    def register(self, name: str) -> Callable[[Builder], Builder]:
        def wrap(builder: Builder) -> Builder:
            self._builders[name] = builder
            return builder

        return wrap

    def get(self, name: str, /, **params: Any) -> TrustedFunction:
        """The trusted function ``name`` built with ``params``."""
        if name not in self._builders:
            raise KeyError(f"no trusted function named {name!r}")
        return TrustedFunction(name, params, self._builders[name])


# The builders' functions behave like the NumPy code a learner tests with, say
# ``lambda x: np.sin(2.0 * x)``: a number gives a NumPy scalar (np.float64, not a Python
# float), an array an array; float32 and complex inputs keep their type (a complex step
# works), and only integers and bools are taken as float64, as np.sin takes them.


def inexact(x: Any) -> np.ndarray:
    """``x`` as an array of a floating or complex type: its own if it has one, else float64."""
    x = np.asarray(x)
    return x if np.issubdtype(x.dtype, np.inexact) else x.astype(np.float64)


def numpy_result(result: Any) -> Any:
    """An array as it is; a 0-d result as the NumPy scalar NumPy's own functions return."""
    result = np.asarray(result)
    return result[()] if result.ndim == 0 else result


class RemoteFunction:
    """In the worker, a function given by the grader: calling it asks the grader, which
    evaluates the :class:`TrustedFunction` and counts the call. Nothing about the function
    (its name, its parameters) is here for the learner's code to read."""

    def __init__(self, index: int, ask: Callable[[int, tuple, dict], Any], /):
        self.index, self._ask = index, ask

    def __call__(self, *args, **kwargs):
        return self._ask(self.index, args, kwargs)

    def __repr__(self) -> str:
        return "<function given by the grader>"
