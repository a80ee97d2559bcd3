"""The plain data format that values cross the worker boundary in.

Both sides import this module. Messages are length-prefixed JSON; values that JSON
cannot hold are tagged objects:

- NumPy arrays and NumPy scalars: ``{"__ndarray__": <base64 .npy>}``, read back with
  ``np.load(allow_pickle=False)``, so no object arrays and no pickle ever cross.
- tuples ``{"__tuple__": [...]}``, complex numbers ``{"__complex__": [re, im]}``,
  dicts ``{"__dict__": [[key, value], ...]}`` (keys may be any encodable value).
- SymPy expressions ``{"__sympy__": srepr text}``, rebuilt on the grader's side by
  :mod:`grader.symbolic`, which walks the text's syntax tree and never calls ``eval``.
- Trusted functions passed into learner code ``{"__fn__": [name, params]}``.

Anything else is refused on encoding, so a learner object with a strange ``__eq__``
can never reach the grader.
"""

from __future__ import annotations

import base64
import io
import json
import math
import struct
from typing import Any, BinaryIO

MAX_MESSAGE_BYTES = 256 * 1024 * 1024
_HEADER = struct.Struct(">I")


class WireError(Exception):
    """A value could not be encoded or a message could not be decoded."""


# --- values -------------------------------------------------------------------------------


def _encode_array(value) -> dict:
    import numpy as np

    array = np.asarray(value)
    if array.dtype.hasobject or array.dtype.kind not in "biufcUSV" or array.dtype.fields:
        raise WireError(f"an array of dtype {array.dtype} cannot be sent")
    buffer = io.BytesIO()
    np.save(buffer, np.ascontiguousarray(array) if array.ndim else array, allow_pickle=False)
    tag = "__ndarray__" if isinstance(value, np.ndarray) else "__npscalar__"
    return {tag: base64.b64encode(buffer.getvalue()).decode("ascii")}


def encode_value(value: Any, _depth: int = 0) -> Any:
    """Turn a Python value into JSON-ready data, or raise :class:`WireError`."""
    if _depth > 64:
        raise WireError("the value is nested too deeply")
    # NumPy is imported here, not at the top: the grader sends its first message before
    # NumPy has loaded, so that the worker's start-up overlaps with its own.
    import numpy as np

    # Exact type checks: a subclass of float or ndarray may override comparisons.
    kind = type(value)
    if value is None or kind in (bool, str):
        return value
    if kind is int:
        return value if abs(value) < 2**63 else {"__bigint__": str(value)}
    if kind is float:
        return value if math.isfinite(value) else {"__float__": repr(value)}
    if kind is complex:
        return {"__complex__": [encode_value(value.real), encode_value(value.imag)]}
    if kind is np.ndarray or (isinstance(value, np.generic) and type(value).__module__ == "numpy"):
        return _encode_array(value)
    if kind is list:
        return [encode_value(item, _depth + 1) for item in value]
    if kind is tuple:
        return {"__tuple__": [encode_value(item, _depth + 1) for item in value]}
    if kind is dict:
        return {
            "__dict__": [
                [encode_value(k, _depth + 1), encode_value(v, _depth + 1)] for k, v in value.items()
            ]
        }
    if kind.__module__.startswith("sympy"):
        import sympy

        if isinstance(value, sympy.Basic):
            return {"__sympy__": sympy.srepr(value)}
    ref = getattr(value, "__wire_ref__", None)
    if ref is not None and kind.__module__ == "grader.functions":
        name, params = ref()
        return {"__fn__": [name, encode_value(params, _depth + 1)]}
    raise WireError(f"a value of type {kind.__module__}.{kind.__qualname__} cannot be sent")


def decode_value(data: Any, *, resolve_fn=None, parse_sympy=None) -> Any:
    """Rebuild a value from :func:`encode_value` data. Unknown tags are an error."""

    def walk(item: Any) -> Any:
        if isinstance(item, list):
            return [walk(x) for x in item]
        if not isinstance(item, dict):
            return item
        if len(item) != 1:
            raise WireError("malformed tagged value")
        ((tag, payload),) = item.items()
        if tag in ("__ndarray__", "__npscalar__"):
            import numpy as np

            raw = base64.b64decode(payload.encode("ascii"), validate=True)
            array = np.load(io.BytesIO(raw), allow_pickle=False)
            return array if tag == "__ndarray__" else array[()]
        if tag == "__tuple__":
            return tuple(walk(x) for x in payload)
        if tag == "__dict__":
            return {_hashable(walk(k)): walk(v) for k, v in payload}
        if tag == "__float__":
            return float(payload)
        if tag == "__bigint__":
            return int(payload)
        if tag == "__complex__":
            return complex(walk(payload[0]), walk(payload[1]))
        if tag == "__sympy__":
            if parse_sympy is None:
                raise WireError("symbolic values are not expected here")
            return parse_sympy(payload)
        if tag == "__fn__":
            if resolve_fn is None:
                raise WireError("functions are not expected here")
            name, params = payload
            return resolve_fn(name, walk(params))
        raise WireError(f"unknown tag {tag!r}")

    return walk(data)


def _hashable(key: Any) -> Any:
    if type(key).__name__ == "ndarray":
        raise WireError("an array cannot be a dictionary key")
    return key


# --- messages -----------------------------------------------------------------------------


def write_message(stream: BinaryIO, message: dict) -> None:
    """Send one message: a 4-byte big-endian length, then UTF-8 JSON."""
    body = json.dumps(message, allow_nan=False, separators=(",", ":")).encode("utf-8")
    stream.write(_HEADER.pack(len(body)) + body)
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
    """Receive one message written by :func:`write_message`."""
    (size,) = _HEADER.unpack(read_exactly(stream, _HEADER.size))
    if size > MAX_MESSAGE_BYTES:
        raise WireError(f"a message of {size} bytes is larger than allowed")
    message = json.loads(read_exactly(stream, size))
    if not isinstance(message, dict):
        raise WireError("a message must be an object")
    return message
