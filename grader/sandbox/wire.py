"""The plain data format that values cross the worker boundary in.

Both sides import this module. Messages are length-prefixed JSON; values that JSON
cannot hold are tagged objects:

- NumPy arrays and NumPy scalars: ``{"__ndarray__": [dtype, shape, <base64 bytes>]}``
  (``__npscalar__`` for a scalar; a finite float64 scalar is ``{"__f8__": number}``), the
  dtype one of plain numbers, booleans and strings
  (``dtype.str``, e.g. ``"<f8"``), read back with ``np.frombuffer`` once dtype, shape and
  length agree, so no object arrays and no pickle ever cross.
- NumPy scalar types and dtypes ``{"__dtype__": "float32"}`` (bool, int, uint, float and
  complex kinds), decoded to the scalar type, e.g. ``np.float32``.
- tuples ``{"__tuple__": [...]}``, complex numbers ``{"__complex__": [re, im]}``,
  dicts ``{"__dict__": [[key, value], ...]}`` (keys may be any encodable value), integers
  of 2**63 and beyond ``{"__bigint__": "digits"}``, non-finite floats ``{"__float__": "nan"}``.
- SymPy expressions ``{"__sympy__": srepr text}``, rebuilt on the grader's side by
  :mod:`grader.sandbox.symbolic`, which walks the text's syntax tree and never calls ``eval``.
- Trusted functions passed into learner code ``{"__fn__": index}``: a handle into the
  sender's ``functions`` list, resolved by the receiver's ``resolve_fn``. No name and no
  parameters cross.
- Functions a suite wrote to run in the worker (:mod:`grader.sandbox.worker_code`)
  ``{"__code__": [index, source, names]}``, compiled by the worker's ``resolve_code``.
  Only the grader sends them: the grader's side never passes ``resolve_code``.

Anything else is refused on encoding, so a learner object with a strange ``__eq__``
can never reach the grader.

What the worker sends is learner-controlled (its code can write its own replies), so the
grader's side reads it within bounds: :func:`parse_message` refuses a body by its size and
a cheap count of its JSON values before ``json.loads`` runs, and :func:`decode_value`
bounds nesting, values, array elements (from the shape, before allocating),
integer digits and string lengths. Decoding never computes anything expensive. Values
beyond a bound raise :class:`TooLarge`, whose text is a sentence for the learner.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
import struct
import sys
from collections.abc import Callable
from typing import Any, BinaryIO

# Limits. Honest values in this course are numbers, short lists, small arrays and short
# expressions; the largest honest array is about 1e6 floats, which crosses as raw bytes
# (10.7 MB of base64), not as JSON values. Each limit leaves a wide margin above that.
MAX_MESSAGE_BYTES = 64 * 1024 * 1024
# JSON values in one message. Parsing costs the grader 40 to 90 bytes per value (a
# forged 16 MiB body of empty lists would cost 1.6 GiB), so at most ~45 MB here.
MAX_MESSAGE_VALUES = 500_000
MAX_JSON_DEPTH = 200  # JSON nesting of a whole message: three levels per value level
MAX_DEPTH = 64  # nesting of one value: lists, tuples, dicts inside each other
MAX_VALUES = 500_000  # values (list items, dict entries, ...) in one decoded value
MAX_ARRAY_ELEMENTS = 4_000_000
MAX_INT_DIGITS = 1_000
MAX_STRING_CHARS = 1_000_000
# Kinds of array that may cross: bool, ints, floats, complex, bytes, str, raw void.
ARRAY_KINDS = "biufcUSV"
DTYPE_KINDS = "biufc"  # kinds of NumPy scalar type that may cross as __dtype__

_HEADER = struct.Struct(">I")


class WireError(Exception):
    """A value could not be encoded or a message could not be decoded."""


class TooLarge(WireError):
    """A value or message beyond the grader's limits.

    ``str()`` is a complete sentence for the learner, e.g. "Your function returned
    something too large to check (an array of 300,000,000 elements; the limit is
    4,000,000 elements). Return only the value the exercise asks for." The caller may
    change who is speaking with :meth:`about` ("The constant RATE holds").
    """

    def __init__(
        self,
        what: str,
        limit: str,
        *,
        subject: str = "Your function returned",
        advice: str = "Return only the value the exercise asks for.",
    ):
        self.what, self.limit, self.subject, self.advice = what, limit, subject, advice
        super().__init__(self.sentence())

    def sentence(self) -> str:
        return (
            f"{self.subject} something too large to check ({self.what}; the limit is "
            f"{self.limit}). {self.advice}"
        )

    def __str__(self) -> str:
        return self.sentence()

    def about(self, subject: str) -> TooLarge:
        """The same refusal, said of something else: ``error.about("Your file defines")``."""
        self.subject = subject
        self.args = (self.sentence(),)
        return self


# --- values -------------------------------------------------------------------------------


def _numpy():
    # NumPy is imported only when a value needs it: the grader sends its first message
    # before NumPy has loaded, so that the worker's start-up overlaps with its own.
    import numpy as np

    return np


def _encode_array(value) -> dict:
    np = _numpy()
    array = np.asarray(value)
    _check_array_dtype(array.dtype)
    if array.size > MAX_ARRAY_ELEMENTS:
        raise TooLarge(f"an array of {array.size:,} elements", f"{MAX_ARRAY_ELEMENTS:,} elements")
    # The raw bytes, with the dtype and shape beside them: four times faster both ways
    # than the .npy format, and every trusted function's call crosses this way twice.
    data = base64.b64encode(np.ascontiguousarray(array).tobytes()).decode("ascii")
    tag = "__ndarray__" if isinstance(value, np.ndarray) else "__npscalar__"
    return {tag: [array.dtype.str, list(array.shape), data]}


def _check_array_dtype(dtype) -> None:
    if (
        dtype.hasobject
        or dtype.kind not in ARRAY_KINDS
        or dtype.fields is not None
        or dtype.subdtype is not None
    ):
        raise WireError(f"an array of dtype {dtype} cannot be sent")


# Functions that cross as handles: the grader's TrustedFunction, and in the worker the
# RemoteFunction standing for one (learner code may pass it on to another trusted function).
_FUNCTION_TYPES = ("TrustedFunction", "RemoteFunction")


def _is_function_handle(value: Any) -> bool:
    # Exact types, looked up where they live: if grader.sandbox.trusted is not loaded, nothing
    # can be one of its functions, and a look-alike class of the same name is not one.
    module = sys.modules.get("grader.sandbox.trusted")
    if module is None:
        return False
    return any(type(value) is getattr(module, name, None) for name in _FUNCTION_TYPES)


def _is_worker_code(value: Any) -> bool:
    module = sys.modules.get("grader.sandbox.worker_code")
    return module is not None and type(value) is module.WorkerCode


def _function_index(item: Any, functions: list | None) -> int:
    """``item``'s place in ``functions`` (appended if new): the handle the receiver resolves."""
    if functions is None:
        raise WireError("a function cannot be sent here")
    for index, known in enumerate(functions):
        if known is item:
            return index
    functions.append(item)
    return len(functions) - 1


def _dtype_name(value: Any) -> str | None:
    """The name of a NumPy scalar type or dtype instance that may cross, else None."""
    np = _numpy()
    if type(value) is type and issubclass(value, np.generic) and value.__module__ == "numpy":
        dtype = np.dtype(value)
    elif isinstance(value, np.dtype) and type(value).__module__ == "numpy.dtypes":
        dtype = value
    else:
        return None
    if dtype.kind not in DTYPE_KINDS:
        raise WireError(f"the dtype {dtype} cannot be sent")
    return dtype.name


class _Budget:
    """Counts the values one encoding or decoding visits, against MAX_VALUES."""

    def __init__(self) -> None:
        self.values = 0

    def visit(self, depth: int) -> None:
        self.values += 1
        if self.values > MAX_VALUES:
            raise TooLarge(f"more than {MAX_VALUES:,} values in all", f"{MAX_VALUES:,} values")
        if depth > MAX_DEPTH:
            raise TooLarge(
                f"a value nested more than {MAX_DEPTH} levels deep", f"{MAX_DEPTH} levels"
            )


def _check_string(text: str) -> None:
    if len(text) > MAX_STRING_CHARS:
        raise TooLarge(f"a string of {len(text):,} characters", f"{MAX_STRING_CHARS:,} characters")


def _check_int_digits(digits: int) -> None:
    if digits > MAX_INT_DIGITS:
        raise TooLarge(f"an integer of {digits:,} digits", f"{MAX_INT_DIGITS:,} digits")


def _check_int(n: int) -> None:
    """Bound an integer's digits from its bit length: str() of a huge one is slow (and
    refused by Python past 4,300 digits). The estimate is exact or one too many."""
    estimate = math.floor(abs(n).bit_length() * math.log10(2)) + 1
    if estimate - 1 > MAX_INT_DIGITS:
        raise TooLarge(
            f"an integer of more than {estimate - 1:,} digits", f"{MAX_INT_DIGITS:,} digits"
        )
    if estimate > MAX_INT_DIGITS:
        _check_int_digits(len(str(abs(n))))


def encode_value(value: Any, *, functions: list | None = None) -> Any:
    """Turn a Python value into JSON-ready data, or raise :class:`WireError`.

    A function of :mod:`grader.sandbox.trusted` (a ``TrustedFunction``, or in the worker the
    ``RemoteFunction`` standing for one) is appended to ``functions`` and sent as its
    index there, ``{"__fn__": index}``; with ``functions=None`` it is refused.
    """
    budget = _Budget()

    def encode(item: Any, depth: int) -> Any:
        budget.visit(depth)
        # Exact type checks: a subclass of float or ndarray may override comparisons.
        kind = type(item)
        if item is None or kind is bool:
            return item
        if kind is str:
            _check_string(item)
            return item
        if kind is int:
            if abs(item) < 2**63:
                return item
            _check_int(item)
            return {"__bigint__": str(item)}
        if kind is float:
            return item if math.isfinite(item) else {"__float__": repr(item)}
        if kind is complex:
            return {"__complex__": [encode(item.real, depth + 1), encode(item.imag, depth + 1)]}
        if kind is list:
            return [encode(x, depth + 1) for x in item]
        if kind is tuple:
            return {"__tuple__": [encode(x, depth + 1) for x in item]}
        if kind is dict:
            return {
                "__dict__": [[encode(k, depth + 1), encode(v, depth + 1)] for k, v in item.items()]
            }
        if _is_function_handle(item):
            return {"__fn__": _function_index(item, functions)}
        if _is_worker_code(item):
            return {"__code__": [_function_index(item, functions), item.source, list(item.names)]}
        if kind.__module__.startswith("sympy"):
            return _encode_sympy(item)
        if kind.__module__ == "numpy" or kind.__module__.startswith("numpy."):
            np = _numpy()
            if kind is np.float64 and math.isfinite(item):
                # The commonest value of all (what a trusted f returns for a number): a
                # JSON number is exact for a float64 and far cheaper than its bytes.
                return {"__f8__": float(item)}
            if kind is np.ndarray or (isinstance(item, np.generic) and kind.__module__ == "numpy"):
                return _encode_array(item)
        if kind is type or kind.__module__ == "numpy.dtypes":
            name = _dtype_name(item)
            if name is not None:
                return {"__dtype__": name}
        raise WireError(f"a value of type {kind.__module__}.{kind.__qualname__} cannot be sent")

    return encode(value, 0)


def _encode_sympy(value: Any) -> dict:
    import sympy

    from grader.sandbox import symbolic

    if not isinstance(value, sympy.Basic):
        raise WireError(f"a value of type {type(value).__qualname__} cannot be sent")
    # order="none" writes each node's arguments in their stored order, so the receiver,
    # rebuilding without evaluation, gets back the very same tree.
    text = sympy.srepr(value, order="none")
    if len(text) > symbolic.MAX_TEXT:
        raise symbolic.ExpressionTooLarge(
            f"an expression of {len(text):,} characters", f"{symbolic.MAX_TEXT:,} characters"
        )
    return {"__sympy__": text}


def decode_value(
    data: Any,
    *,
    resolve_fn: Callable[[int], Any] | None = None,
    parse_sympy: Callable[[str], Any] | None = None,
    resolve_code: Callable[[int, str, list[str]], Any] | None = None,
) -> Any:
    """Rebuild a value from :func:`encode_value` data, within the limits of this module.

    ``resolve_fn(index)`` turns a ``__fn__`` handle into a function; ``parse_sympy(text)``
    rebuilds an expression; ``resolve_code(index, source, names)`` compiles a suite's
    function (in the worker only). Without them, those tags are refused. Values beyond a limit
    raise :class:`TooLarge`, other malformed data :class:`WireError`.
    """
    budget = _Budget()

    def walk(item: Any, depth: int) -> Any:
        budget.visit(depth)
        kind = type(item)
        if item is None or kind in (bool, float):
            return item
        if kind is int:
            _check_int(item)
            return item
        if kind is str:
            _check_string(item)
            return item
        if kind is list:
            return [walk(x, depth + 1) for x in item]
        if kind is not dict:
            raise WireError(f"unexpected {kind.__name__} in a value")
        if len(item) != 1:
            raise WireError("malformed tagged value")
        ((tag, payload),) = item.items()
        if tag == "__f8__":
            if type(payload) is not float:
                raise WireError("malformed float64")
            return _numpy().float64(payload)
        if tag in ("__ndarray__", "__npscalar__"):
            return _decode_array(payload, scalar=tag == "__npscalar__")
        if tag == "__dtype__":
            return _decode_dtype(payload)
        if tag == "__tuple__":
            return tuple(walk(x, depth + 1) for x in _list(payload, tag))
        if tag == "__dict__":
            result = {}
            for pair in _list(payload, tag):
                if type(pair) is not list or len(pair) != 2:
                    raise WireError("malformed dictionary entry")
                key = _hashable(walk(pair[0], depth + 1))
                result[key] = walk(pair[1], depth + 1)
            return result
        if tag == "__float__":
            if payload not in ("nan", "inf", "-inf"):
                raise WireError("malformed non-finite float")
            return float(payload)
        if tag == "__bigint__":
            return _decode_bigint(payload)
        if tag == "__complex__":
            parts = _list(payload, tag)
            if len(parts) != 2:
                raise WireError("malformed complex number")
            real, imag = (walk(p, depth + 1) for p in parts)
            if type(real) not in (int, float) or type(imag) not in (int, float):
                raise WireError("malformed complex number")
            return complex(real, imag)
        if tag == "__sympy__":
            if parse_sympy is None:
                raise WireError("symbolic values are not expected here")
            if type(payload) is not str:
                raise WireError("malformed symbolic value")
            return parse_sympy(payload)
        if tag == "__fn__":
            if resolve_fn is None:
                raise WireError("functions are not expected here")
            if type(payload) is not int or payload < 0:
                raise WireError("malformed function handle")
            return resolve_fn(payload)
        if tag == "__code__":
            if resolve_code is None:
                raise WireError("functions are not expected here")
            parts = _list(payload, tag)
            if len(parts) != 3 or type(parts[0]) is not int or type(parts[1]) is not str:
                raise WireError("malformed function")
            names = _list(parts[2], tag)
            if not all(type(n) is str for n in names):
                raise WireError("malformed function")
            return resolve_code(parts[0], parts[1], names)
        raise WireError(f"unknown tag {str(tag)[:40]!r}")

    return walk(data, 0)


def _list(payload: Any, tag: str) -> list:
    if type(payload) is not list:
        raise WireError(f"malformed {tag.strip('_')} value")
    return payload


def _decode_bigint(payload: Any) -> int:
    if type(payload) is not str:
        raise WireError("malformed integer")
    digits = payload[1:] if payload.startswith("-") else payload
    _check_int_digits(len(digits))
    if not digits.isascii() or not digits.isdigit():
        raise WireError("malformed integer")
    return int(payload)


def _decode_dtype(payload: Any):
    np = _numpy()
    if type(payload) is not str or not payload.isascii() or not payload.isalnum():
        raise WireError("malformed dtype")
    if len(payload) > 16:
        raise WireError("malformed dtype")
    try:
        dtype = np.dtype(payload)
    except TypeError:
        raise WireError(f"unknown dtype {payload!r}") from None
    if dtype.kind not in DTYPE_KINDS or dtype.name != payload:
        raise WireError(f"the dtype {payload!r} cannot be sent")
    return dtype.type


# A dtype as ``dtype.str`` writes it for the kinds allowed (e.g. "<f8", "|b1", "<U5").
_DTYPE_TEXT = re.compile(r"[<>|=][biufcUSV][0-9]{1,6}")
_MAX_DIMENSIONS = 32  # NumPy's own limit is 64; no honest value of this course comes close


def _decode_array(payload: Any, *, scalar: bool):
    """An array from ``[dtype text, shape, base64 bytes]``. The dtype, the shape and the
    data's length are all checked before anything is allocated."""
    np = _numpy()

    if type(payload) is not list or len(payload) != 3:
        raise WireError("malformed array")
    dtype_text, shape, data = payload
    if type(dtype_text) is not str or not _DTYPE_TEXT.fullmatch(dtype_text):
        raise WireError("malformed array dtype")
    dtype = np.dtype(dtype_text)
    _check_array_dtype(dtype)
    if (
        type(shape) is not list
        or len(shape) > _MAX_DIMENSIONS
        or not all(type(n) is int and n >= 0 for n in shape)
    ):
        raise WireError("malformed array shape")
    if scalar and shape != []:
        raise WireError("malformed NumPy scalar")
    elements = math.prod(shape)  # exact: Python integers, so no overflow to hide a size
    if elements > MAX_ARRAY_ELEMENTS:
        raise TooLarge(f"an array of {elements:,} elements", f"{MAX_ARRAY_ELEMENTS:,} elements")
    if type(data) is not str or not data.isascii():
        raise WireError("malformed array data")
    size = len(data) * 3 // 4 - data[-2:].count("=")
    if size != elements * dtype.itemsize:
        raise WireError("the array's data does not match its shape")
    try:
        raw = bytearray(base64.b64decode(data, validate=True))  # writable, like any array
    except (ValueError, binascii.Error):
        raise WireError("malformed array data") from None
    array = np.frombuffer(raw, dtype=dtype).reshape(shape)
    return array[()] if scalar else array


def _hashable(key: Any) -> Any:
    if type(key).__name__ == "ndarray":
        raise WireError("an array cannot be a dictionary key")
    try:
        hash(key)
    except TypeError:
        raise WireError(f"a {type(key).__name__} cannot be a dictionary key") from None
    return key


# --- messages -----------------------------------------------------------------------------


def frame_message(message: dict) -> bytes:
    """One message as it crosses: a 4-byte big-endian length, then UTF-8 JSON."""
    body = json.dumps(message, allow_nan=False, separators=(",", ":")).encode("utf-8")
    return _HEADER.pack(len(body)) + body


def write_message(stream: BinaryIO, message: dict) -> None:
    """Send one message (:func:`frame_message`) and flush it."""
    stream.write(frame_message(message))
    stream.flush()


def read_exactly(stream: BinaryIO, size: int) -> bytes:
    chunks, remaining = [], size
    while remaining:
        chunk = stream.read(remaining)
        if not chunk:
            raise EOFError("the other side closed the channel")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def read_message(stream: BinaryIO) -> dict:
    """Receive one message written by :func:`write_message` (the worker reading the
    trusted grader; the grader reads the worker with :func:`parse_message`)."""
    (size,) = _HEADER.unpack(read_exactly(stream, _HEADER.size))
    if size > MAX_MESSAGE_BYTES:
        raise WireError(f"a message of {size} bytes is larger than allowed")
    message = json.loads(read_exactly(stream, size))
    if not isinstance(message, dict):
        raise WireError("a message must be an object")
    return message


_REPLY = "Your code sent back"


def check_size(size: int) -> None:
    """Refuse a message by the size its length prefix announces, before reading it."""
    if size > MAX_MESSAGE_BYTES:
        raise TooLarge(f"a reply of {size:,} bytes", f"{MAX_MESSAGE_BYTES:,} bytes", subject=_REPLY)


def parse_message(body: bytes) -> dict:
    """The grader's bounded parse of one message body from the worker.

    Before ``json.loads`` runs, the body is refused if it is too long or if a count of
    the bytes that open or separate JSON values (``[ { , :``) says it holds too many
    values: a count that can only overestimate, costs no allocation, and bounds what
    parsing can allocate. Integers are bounded while parsing, nesting after. A body
    beyond a bound raises :class:`TooLarge`; one that is not a JSON object, WireError.
    """
    check_size(len(body))
    values = 1 + sum(body.count(c) for c in (b"[", b"{", b",", b":"))
    if values > MAX_MESSAGE_VALUES:
        raise TooLarge(
            f"a reply of up to {values:,} values",
            f"{MAX_MESSAGE_VALUES:,} values",
            subject=_REPLY,
        )
    try:
        message = json.loads(body, parse_int=_parse_int)
    except RecursionError:
        raise _too_deep() from None
    except ValueError:  # JSONDecodeError, UnicodeDecodeError
        raise WireError("the reply is not readable JSON") from None
    if type(message) is not dict:
        raise WireError("a message must be a JSON object")
    _check_json_depth(message)
    return message


def _parse_int(text: str) -> int:
    # json would call int() on a digit string of any length: quadratic time.
    _check_int_digits(len(text) - text.startswith("-"))
    return int(text)


def _too_deep() -> TooLarge:
    return TooLarge(
        f"a reply nested more than {MAX_JSON_DEPTH} levels deep",
        f"{MAX_JSON_DEPTH} levels",
        subject=_REPLY,
    )


def _check_json_depth(message: dict) -> None:
    # Iterative, so that a deep message cannot exhaust the grader's own stack here.
    stack: list[tuple[Any, int]] = [(message, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise _too_deep()
        if type(item) is list:
            stack.extend((x, depth + 1) for x in item if type(x) in (list, dict))
        elif type(item) is dict:
            stack.extend((x, depth + 1) for x in item.values() if type(x) in (list, dict))
