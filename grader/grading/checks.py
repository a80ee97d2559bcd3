"""Assertions for hidden suites, whose failure messages are written for a learner.

A failed check says what was called, what came back, what was expected or which property
failed. The plugin adds the lesson section that helps. Use these instead of bare
``assert`` so that the message teaches and never shows a grader traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from grader.sandbox.workers import LearnerError


class CheckFailed(AssertionError):
    """A check did not pass; ``message`` is shown to the learner as it is."""

    def __init__(self, message: str, section: str | None = None):
        super().__init__(message)
        self.message, self.section = message, section


def fail(message: str, section: str | None = None):
    raise CheckFailed(message, section)


def show(value: Any, limit: int = 160) -> str:
    """A short, readable rendering of a value for a feedback message."""
    if isinstance(value, np.ndarray):
        if value.size <= 8:
            text = np.array2string(
                value, precision=6, separator=", ", threshold=8, max_line_width=10_000
            )
            # As NumPy writes it: the dtype only where the numbers do not show it.
            plain = value.dtype in (np.float64, np.int64, np.bool_) and value.size
            return f"array({text})" if plain else f"array({text}, dtype={value.dtype})"
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, (float, np.floating)):
        text = f"{float(value):.10g}"
        # 1.0 stays 1.0, as the learner wrote it: "f(1)" would read as an integer.
        return text if any(c in text for c in ".ena") else text + ".0"
    if isinstance(value, (np.generic,)):
        return f"{value!r}"
    if type(value).__name__ in ("TrustedFunction", "WorkerCode"):
        return repr(value)  # the suite's own description, whole: a cut formula misleads
    # Containers item by item, stopping at the limit: repr() of a dict of arrays writes out
    # every array first, which made describing calls a visible part of grading time.
    if type(value) is dict:
        items = (f"{k!r}: {show(v, limit)}" for k, v in value.items())
        return _joined(items, "{", "}", limit)
    if type(value) in (list, tuple):
        items = (show(v, limit) for v in value)
        return _joined(items, "[" if type(value) is list else "(", _closing(value), limit)
    text = repr(value)
    return _cut(text, limit)


def _closing(value: list | tuple) -> str:
    if type(value) is list:
        return "]"
    return ",)" if len(value) == 1 else ")"


def _joined(items, opening: str, closing: str, limit: int) -> str:
    """Whole items up to ``limit``, then ``...`` and the closing bracket: never an item cut
    in the middle, and never an opening bracket left unclosed."""
    text = opening
    for i, item in enumerate(items):
        longer = text + (", " if i else "") + item
        if len(longer) > limit:
            if not i:  # one long item: its beginning, still closed
                return _cut(longer, limit - len(closing)) + closing.lstrip(",")
            return text + ", ..." + closing.lstrip(",")
        text = longer
    return text + closing


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _called(call: str | None) -> str:
    return call if call else "Your function"


def as_float(value: Any, call: str | None = None, what: str = "a number") -> float:
    """The learner's value as a float; accepts floats, ints, NumPy scalars and 0-d arrays."""
    if isinstance(value, (bool, np.bool_)):
        fail(f"{_called(call)} returned {show(value)} (a bool); expected {what}.")
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, (int, float, np.integer, np.floating)):
        number = float(value)
        if np.isnan(number):
            fail(
                f"{_called(call)} returned nan; expected {what}. A nan usually comes from "
                "0/0 or from an operation on a nan further up."
            )
        return number
    kind = "None (did you forget a return statement?)" if value is None else show(value)
    fail(f"{_called(call)} returned {kind}; expected {what}.")


def as_array(
    value: Any,
    call: str | None = None,
    *,
    shape: tuple[int, ...] | None = None,
    what: str = "an array",
    why_shape: str = "the same as the input",
) -> np.ndarray:
    """The learner's value as a float array of the given shape (lists are accepted);
    ``why_shape`` says why that shape is expected."""
    if value is None:
        fail(
            f"{_called(call)} returned None (did you forget a return statement?); expected {what}."
        )
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        fail(f"{_called(call)} returned {show(value)}, which is not numeric; expected {what}.")
    if shape is not None and array.shape != tuple(shape):
        fail(
            f"{_called(call)} returned {what} of shape {array.shape}; expected shape "
            f"{tuple(shape)}, {why_shape}."
        )
    if np.isnan(array).any():
        fail(
            f"{_called(call)} returned {show(array)} containing nan; expected {what} of "
            "finite numbers."
        )
    return array


def close(
    actual: Any,
    expected: Any,
    call: str | None = None,
    *,
    rtol: float = 1e-7,
    atol: float = 0.0,
    why: str = "",
    section: str | None = None,
) -> None:
    """``actual`` equals ``expected`` within ``atol + rtol * |expected|``, elementwise."""
    want = np.asarray(expected, dtype=float)
    if want.ndim == 0:
        got = as_float(actual, call)
    else:
        got = as_array(actual, call, shape=want.shape)
    error = np.abs(np.asarray(got) - want)
    bound = atol + rtol * np.abs(want)
    if np.all(error <= bound):
        return
    worst = int(np.argmax(error - bound)) if want.ndim else 0
    if want.ndim:
        index = np.unravel_index(worst, want.shape)
        detail = (
            f"at index {tuple(int(i) for i in index)} it gave "
            f"{show(np.asarray(got)[index])} where {show(want[index])} was expected"
        )
    else:
        detail = f"it gave {show(got)}; expected {show(float(want))}"
    off, allowed = float(error.ravel()[worst]), float(np.ravel(bound)[worst])
    # The tolerance helps only when the miss is near it; a simple factor names a mistake.
    near = f", where {show(allowed)} is allowed" if off <= 1000 * allowed else ""
    factor = _simple_factor(float(np.ravel(got)[worst]), float(want.ravel()[worst]))
    message = f"{_called(call)}: {detail} (off by {show(off)}{near}){factor}."
    fail(f"{message} {why}".strip(), section)


_FACTORS = {
    2.0: "twice the expected value",
    0.5: "half the expected value",
    -1.0: "the expected value with its sign flipped",
    -2.0: "twice the expected value, with its sign flipped",
    -0.5: "half the expected value, with its sign flipped",
    4.0: "four times the expected value",
    0.25: "a quarter of the expected value",
}


def _simple_factor(got: float, want: float) -> str:
    """ ": exactly twice the expected value" where ``got`` is such a multiple of ``want``
    (up to round-off): it points at a formula's factor, whatever the exercise."""
    if not (np.isfinite(got) and np.isfinite(want)) or want == 0:
        return ""
    ratio = got / want
    for factor, words in _FACTORS.items():
        if abs(ratio - factor) <= 1e-9 * abs(factor):
            return f": exactly {words}"
    return ""


def raises(
    function: Callable,
    exception: str,
    *args: Any,
    why: str = "",
    section: str | None = None,
    **kwargs: Any,
) -> LearnerError:
    """Calling ``function`` on the learner's side raises ``exception`` (or a subclass)."""
    try:
        function(*args, **kwargs)
    except LearnerError as error:
        if error.is_a(exception):
            return error
        call = getattr(error, "call_text", "Your function")
        if error.type_name == "NotImplementedError":
            raise
        fail(
            f"{call} raised {error.type_name}: {error.error.get('message', '')}; expected "
            f"{exception}. {why}".strip(),
            section,
        )
    call = getattr(function, "last_call_text", lambda: "Your function")()
    fail(f"{call} returned normally; expected it to raise {exception}. {why}".strip(), section)


def true(condition: bool, message: str, section: str | None = None) -> None:
    """A property holds; otherwise ``message`` explains which and why it matters."""
    if not bool(condition):
        fail(message, section)
