"""The plain data format between grader and worker: round trips, what it refuses, and the
bounds within which the grader reads what a worker (learner-controlled) sends."""

import base64
import io
import json
import math
import subprocess
import sys
import textwrap
import tracemalloc

import numpy as np
import pytest
import sympy

from grader.grading.inputs import load as load_inputs
from grader.sandbox import symbolic, wire
from grader.sandbox.trusted import RemoteFunction
from tests.support import ROOT

LESSON = ROOT / "lessons" / "1.2.39-numerical-differentiation"
INPUTS = load_inputs(LESSON)  # the lesson's trusted functions

MiB = 1024 * 1024


def from_worker(data, *, resolve_fn=None):
    """Decode as the grader does where a check expects symbolic values."""
    return wire.decode_value(data, resolve_fn=resolve_fn, parse_sympy=symbolic.parse_srepr)


def round_trip(value):
    """Encode, send through JSON and the grader's bounded parse, decode."""
    body = wire.frame_message({"value": wire.encode_value(value)})[4:]
    return from_worker(wire.parse_message(body)["value"])


def peak_bytes(action) -> tuple[object, int]:
    """What ``action()`` returned or raised, and the peak of the memory it allocated
    (tracemalloc sees Python objects and NumPy's buffers alike)."""
    tracemalloc.start()
    try:
        try:
            outcome = action()
        except Exception as exc:  # noqa: BLE001 - the caller asserts on it
            outcome = exc
        return outcome, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# --- honest values round-trip -------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        0,
        -3,
        2**70,
        -(10**300),
        1.5,
        -0.0,
        float("inf"),
        float("-inf"),
        True,
        None,
        "text",
        [1, [2.5]],
        (1, 2),
        ((1, (2.0, "three")), [()]),
        {"a": 1, 3: [4]},
        {(1, 2): "tuple key", "nested": {"b": (3,)}},
        complex(1, -2),
        complex(float("inf"), 0.5),
    ],
)
def test_plain_values_round_trip(value):
    back = round_trip(value)
    assert back == value and type(back) is type(value)


def test_nan_round_trips_as_nan():
    assert math.isnan(round_trip(float("nan")))
    assert math.isnan(round_trip(complex(float("nan"), 1.0)).real)


@pytest.mark.parametrize("dtype", ["float64", "float32", "float16", "int64", "bool", "complex128"])
def test_arrays_keep_dtype_shape_and_values(dtype):
    array = (np.arange(12).reshape(3, 4) % 3).astype(dtype)
    back = round_trip(array)
    assert back.dtype == array.dtype and back.shape == array.shape
    assert np.array_equal(back, array)


def test_fortran_ordered_and_empty_arrays_round_trip():
    fortran = np.asfortranarray(np.arange(6.0).reshape(2, 3))
    assert np.array_equal(round_trip(fortran), fortran)
    empty = np.zeros((0, 3))
    assert round_trip(empty).shape == (0, 3)


@pytest.mark.parametrize(
    "scalar",
    [
        np.bool_(True),
        np.int8(-5),
        np.int64(2**40),
        np.uint16(7),
        np.uint64(2**63 + 1),
        np.float16(0.5),
        np.float32(1.5),
        np.float64(-2.25),
        np.longdouble(3.5),
        np.complex64(1 - 2j),
        np.complex128(0.5j),
    ],
    ids=lambda s: type(s).__name__,
)
def test_numpy_scalars_of_each_kind_stay_what_they_are(scalar):
    back = round_trip(scalar)
    assert type(back) is type(scalar) and back == scalar


def test_zero_d_arrays_stay_arrays():
    zero_d = round_trip(np.array(2.0))
    assert isinstance(zero_d, np.ndarray) and zero_d.shape == ()


@pytest.mark.parametrize(
    "kind",
    [np.float32, np.float64, np.float16, np.int32, np.int64, np.uint8, np.bool_, np.complex128],
)
def test_numpy_scalar_types_cross_as_types(kind):
    back = round_trip(kind)
    assert back is kind
    assert wire.encode_value(kind) == {"__dtype__": np.dtype(kind).name}
    assert type(back(1)) is kind  # what a learner writes for dtype=np.float32
    if np.dtype(kind).kind == "f":
        assert np.finfo(back).eps == np.finfo(kind).eps


def test_a_dtype_instance_arrives_as_its_scalar_type():
    assert round_trip(np.dtype("float32")) is np.float32
    assert round_trip(np.dtype(">f8")) is np.float64  # byte order is the array's business
    assert round_trip([np.float32, (np.dtype("int16"),)]) == [np.float32, (np.int16,)]


@pytest.mark.parametrize("kind", [np.datetime64, np.str_, np.object_, np.void])
def test_other_dtypes_are_refused(kind):
    with pytest.raises(wire.WireError):
        wire.encode_value(kind)


@pytest.mark.parametrize(
    "name", ["object", "O", "datetime64", "str", "f8", "float32 ", 5, "x" * 40]
)
def test_forged_dtype_names_are_refused(name):
    with pytest.raises(wire.WireError) as caught:
        from_worker({"__dtype__": name})
    assert not isinstance(caught.value, wire.TooLarge)


def test_sympy_expressions_come_back_as_the_same_tree():
    x, h = sympy.symbols("x h")
    f = sympy.Function("f")
    for expr in [
        h**2 / 6 * sympy.Derivative(f(x), (x, 3)) + sympy.Rational(1, 2) * sympy.sin(x),
        -(h**4) / 30 * sympy.Derivative(f(x), (x, 5)),
        sympy.expand((f(x + 2 * h) - f(x - h)) / (3 * h)),
        sympy.series(f(x + h), h, 0, 4),  # Subs, Dummy and O(h**4)
        sympy.Float("2.25", 30) * x + 1 / (x + h) ** 2,
        sympy.exp(-x) * sympy.sqrt(2) - sympy.oo * sympy.I,
    ]:
        back = round_trip(expr)
        # The same tree, not merely an equal value: nothing was re-evaluated on the way.
        assert back == expr and sympy.srepr(back) == sympy.srepr(expr)


def test_rebuilding_an_expression_evaluates_nothing():
    three_to_fifty = symbolic.parse_srepr("Pow(Integer(3), Integer(50))")
    assert isinstance(three_to_fifty, sympy.Pow)  # not the 24-digit integer
    one_plus_two = symbolic.parse_srepr("Add(Integer(1), Integer(2))")
    assert isinstance(one_plus_two, sympy.Add) and one_plus_two.doit() == 3
    sine = symbolic.parse_srepr("sin(Integer(0))")
    assert isinstance(sine, sympy.sin)


# --- values with behaviour of their own are refused -------------------------------------------


class AlwaysEqual(float):
    def __eq__(self, other):
        return True


class SneakyArray(np.ndarray):
    def __eq__(self, other):
        return np.ones(self.shape, dtype=bool)


@pytest.mark.parametrize(
    "value",
    [
        AlwaysEqual(1.0),
        np.zeros(3).view(SneakyArray),
        object(),
        np.array([object()]),
        {1, 2},
        lambda: 1,
        float,
        np.zeros(2, dtype=[("a", "f8")]),
    ],
)
def test_values_with_custom_behaviour_are_refused(value):
    with pytest.raises(wire.WireError):
        wire.encode_value(value)


def test_unknown_tags_and_pickled_arrays_are_refused():
    with pytest.raises(wire.WireError):
        from_worker({"__pickle__": "x"})
    buffer = io.BytesIO()
    np.save(buffer, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    pickled = base64.b64encode(buffer.getvalue()).decode()
    for payload in (pickled, ["|O", [1], pickled], ["<f8", [1], pickled]):
        with pytest.raises(wire.WireError):
            from_worker({"__ndarray__": payload})


@pytest.mark.parametrize(
    "data",
    [
        {"__complex__": ["a", 1]},
        {"__complex__": [1.0]},
        {"__float__": "1e999"},
        {"__bigint__": "12a"},
        {"__tuple__": 5},
        {"__dict__": [[[1], 2]]},
        {"__dict__": [[1, 2, 3]]},
        {"a": 1, "b": 2},
        {"__ndarray__": "not base64!"},
        {"__npscalar__": wire.encode_value(np.zeros(2))["__ndarray__"]},
        {"__sympy__": ["Symbol('x')"]},
        (1, 2),
    ],
)
def test_malformed_data_is_a_plain_wire_error(data):
    with pytest.raises(wire.WireError) as caught:
        from_worker(data)
    assert not isinstance(caught.value, wire.TooLarge)


# --- trusted functions cross as handles --------------------------------------------------------


def test_functions_cross_as_handles_and_nothing_else():
    f = INPUTS.get("poly", coeffs=[1.0, 2.0])
    g = INPUTS.get("ufunc", name="sin")
    sent: list = []
    data = wire.encode_value({"f": f, "pair": (g, f)}, functions=sent)
    assert sent == [f, g]  # each function once, in the order met
    assert data == {
        "__dict__": [["f", {"__fn__": 0}], ["pair", {"__tuple__": [{"__fn__": 1}, {"__fn__": 0}]}]]
    }
    assert "poly" not in json.dumps(data) and "coeffs" not in json.dumps(data)
    asked: list[int] = []

    def resolve(index: int):
        asked.append(index)
        return sent[index]

    back = wire.decode_value(data, resolve_fn=resolve)
    assert back == {"f": f, "pair": (g, f)} and asked == [0, 1, 0]


def test_the_workers_stand_in_for_a_function_crosses_back_as_its_handle():
    remote = RemoteFunction(3, lambda index, args, kwargs: None)
    handles: list = []
    assert wire.encode_value([remote, remote], functions=handles) == [{"__fn__": 0}] * 2
    assert handles == [remote]


def test_functions_are_refused_where_none_are_expected():
    f = INPUTS.get("poly", coeffs=[1.0])
    with pytest.raises(wire.WireError):
        wire.encode_value(f)  # e.g. a learner's function returning the f it was given
    with pytest.raises(wire.WireError):
        from_worker({"__fn__": 0})


def test_a_look_alike_function_class_is_not_a_trusted_function():
    fake = type("TrustedFunction", (), {"__module__": "grader.sandbox.trusted"})()
    with pytest.raises(wire.WireError):
        wire.encode_value(fake, functions=[])


@pytest.mark.parametrize("handle", [["poly", {"coeffs": [1.0]}], "0", True, -1, 1.0])
def test_a_function_handle_is_a_non_negative_integer(handle):
    with pytest.raises(wire.WireError):
        wire.decode_value({"__fn__": handle}, resolve_fn=lambda index: index)


# --- the grader's bounded parse of a message --------------------------------------------------


def test_messages_are_length_prefixed_json(tmp_path):
    path = tmp_path / "channel"
    with path.open("wb") as out:
        wire.write_message(out, {"op": "call", "args": [1]})
    with path.open("rb") as stream:
        assert wire.read_message(stream) == {"op": "call", "args": [1]}
        with pytest.raises(EOFError):
            wire.read_message(stream)
    framed = path.read_bytes()
    assert wire.parse_message(framed[4:]) == {"op": "call", "args": [1]}
    assert int.from_bytes(framed[:4], "big") == len(framed) - 4


def test_sixteen_mebibytes_of_empty_lists_are_refused_before_parsing():
    body = b"[" + b"[]," * (16 * MiB // 3) + b"[]]"
    outcome, peak = peak_bytes(lambda: wire.parse_message(body))
    assert isinstance(outcome, wire.TooLarge)
    assert str(outcome).startswith("Your code sent back something too large to check (a reply")
    assert "the limit is 500,000 values" in str(outcome)
    assert peak < MiB  # json.loads never ran: it would have taken 1.6 GiB


def test_a_hundred_thousand_deep_nesting_is_refused_without_recursion():
    body = b"[" * 100_000 + b"]" * 100_000
    outcome, peak = peak_bytes(lambda: wire.parse_message(body))
    assert isinstance(outcome, wire.TooLarge)
    assert "nested more than 200 levels deep" in str(outcome)
    assert peak < MiB


def test_nesting_deeper_than_the_bound_but_within_pythons_is_refused_too():
    body = b'{"value":' + b"[" * 300 + b"]" * 300 + b"}"
    with pytest.raises(wire.TooLarge, match="nested more than 200 levels"):
        wire.parse_message(body)
    shallow = b'{"value":' + b"[" * 150 + b"]" * 150 + b"}"
    value, depth = wire.parse_message(shallow)["value"], 1
    while value:
        value, depth = value[0], depth + 1
    assert depth == 150


def test_a_reply_longer_than_allowed_is_refused_by_its_announced_size():
    wire.check_size(wire.MAX_MESSAGE_BYTES)  # the largest allowed passes
    with pytest.raises(wire.TooLarge) as caught:
        wire.check_size(wire.MAX_MESSAGE_BYTES + 1)
    assert f"a reply of {wire.MAX_MESSAGE_BYTES + 1:,} bytes" in str(caught.value)


def test_a_huge_integer_literal_is_refused_before_int_runs():
    # Switch off Python's own guard on int(): the grader's bound must hold without it.
    previous = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        body = b'{"value":' + b"1" + b"0" * 100_000 + b"}"
        outcome, peak = peak_bytes(lambda: wire.parse_message(body))
    finally:
        sys.set_int_max_str_digits(previous)
    assert isinstance(outcome, wire.TooLarge)
    assert "an integer of 100,001 digits; the limit is 1,000 digits" in str(outcome)
    assert peak < MiB


@pytest.mark.parametrize(
    "body", [b"[1, 2]", b'"text"', b"{not json", b'{"a": "\xff"}', b"", b"NaN"]
)
def test_a_body_that_is_not_a_json_object_is_a_plain_wire_error(body):
    with pytest.raises(wire.WireError) as caught:
        wire.parse_message(body)
    assert not isinstance(caught.value, wire.TooLarge)


def test_the_graders_memory_stays_small_on_sixteen_mebibyte_hostile_bodies(tmp_path):
    """Measured as the OS sees it (peak resident size), in a fresh process that reads
    each body from a file: the growth while parsing is what the grader would pay."""
    size = 16 * MiB
    n = wire.MAX_MESSAGE_VALUES // 3 - 10  # "k":{} pairs: three values each, all allowed
    pairs = b",".join(b'"%d":{}' % i for i in range(n))
    bodies = {
        "empty_lists": b"[" + b"[]," * ((size - 2) // 3) + b"[]]",
        "deep": b"[" * (size // 2) + b"]" * (size // 2),
        "one_string": b'{"a":"' + b"x" * (size - 8) + b'"}',
        "most_values": b"{" + pairs + b',"pad":"' + b"x" * (size - len(pairs) - 12) + b'"}',
    }
    for name, body in bodies.items():
        (tmp_path / name).write_bytes(body)
    script = textwrap.dedent(
        """
        import json, resource, sys
        from grader.sandbox import wire
        for path in sys.argv[1:]:
            body = open(path, "rb").read()
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            try:
                wire.parse_message(body)
                outcome = "parsed"
            except wire.TooLarge:
                outcome = "too large"
            grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
            print(json.dumps([path.rsplit("/", 1)[1], outcome, grown * 1024]))
        """
    )
    run = subprocess.run(
        [sys.executable, "-c", script, *(str(tmp_path / n) for n in bodies)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    grown = {
        name: (outcome, size)
        for name, outcome, size in map(json.loads, run.stdout.split("\n")[:-1])
    }
    assert grown["empty_lists"][0] == grown["deep"][0] == "too large"
    assert grown["empty_lists"][1] < 4 * MiB and grown["deep"][1] < 4 * MiB
    # Accepted bodies cost their text plus at most ~90 bytes per allowed value.
    assert grown["one_string"][0] == grown["most_values"][0] == "parsed"
    assert grown["one_string"][1] < size + 8 * MiB
    assert grown["most_values"][1] < size + wire.MAX_MESSAGE_VALUES * 90 + 8 * MiB


# --- the bounds of a decoded value ------------------------------------------------------------


def forged_array(shape: list, data: bytes, dtype: str = "<f8") -> dict:
    """An array as a forged reply would write it: a shape that need not match the data."""
    return {"__ndarray__": [dtype, shape, base64.b64encode(data).decode()]}


def test_a_huge_declared_array_is_refused_from_its_shape_before_allocation():
    outcome, peak = peak_bytes(lambda: from_worker(forged_array([300_000_000], bytes(64))))
    assert isinstance(outcome, wire.TooLarge)
    assert str(outcome) == (
        "Your function returned something too large to check (an array of 300,000,000 "
        "elements; the limit is 4,000,000 elements). Return only the value the exercise "
        "asks for."
    )
    assert peak < MiB  # 2.4 GB were announced; not even the payload was decoded


def test_an_array_whose_data_is_shorter_than_its_shape_says_allocates_nothing():
    outcome, peak = peak_bytes(lambda: from_worker(forged_array([3_000_000], bytes(8))))
    assert isinstance(outcome, wire.WireError) and not isinstance(outcome, wire.TooLarge)
    assert "does not match its shape" in str(outcome)
    assert peak < MiB  # a reader trusting the shape would have allocated 24 MB first


@pytest.mark.parametrize(
    "payload",
    [
        ["<f8", [-1], ""],
        ["<f8", [1.5], "AAAAAAAAAAA="],
        ["<f8", [1] * 40, "AAAAAAAAAAA="],
        ["(1000000000,)f8", [1], ""],
        ["<f8", [1], "not base64!!"],
        ["<f8", [1]],
    ],
)
def test_forged_array_descriptions_are_refused(payload):
    with pytest.raises(wire.WireError):
        from_worker({"__ndarray__": payload})


def test_arrays_beyond_the_element_bound_are_refused_when_encoded_too():
    view = np.broadcast_to(np.float64(0.0), (10**9,))  # a billion elements, no memory
    with pytest.raises(wire.TooLarge, match="1,000,000,000 elements"):
        wire.encode_value(view)


def test_a_googol_thousand_is_refused_as_a_big_int_from_its_digit_count():
    digits = "1" + "0" * 100_000
    outcome, peak = peak_bytes(lambda: from_worker({"__bigint__": digits}))
    assert isinstance(outcome, wire.TooLarge)
    assert "an integer of 100,001 digits; the limit is 1,000 digits" in str(outcome)
    assert peak < MiB  # int() was never called on it
    with pytest.raises(wire.TooLarge, match="an integer of more than 100,000 digits"):
        wire.encode_value(10**100_000)  # refused from its bit length, before str()
    assert round_trip(10**999) == 10**999  # 1,000 digits: the largest allowed
    assert round_trip(-(2**3320)) == -(2**3320)  # 1,000 digits too, by its bit length
    with pytest.raises(wire.TooLarge, match="an integer of 1,001 digits"):
        wire.encode_value(10**1000)


def test_values_nested_beyond_the_bound_are_refused_without_recursing():
    deep: list = []
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(wire.TooLarge, match="nested more than 64 levels"):
        from_worker(deep)
    with pytest.raises(wire.TooLarge, match="nested more than 64 levels"):
        wire.encode_value(deep)
    tuples: object = []
    for _ in range(70):
        tuples = {"__tuple__": [tuples]}
    with pytest.raises(wire.TooLarge):
        from_worker(tuples)


def test_values_with_too_many_parts_are_refused():
    with pytest.raises(wire.TooLarge, match="more than 500,000 values"):
        from_worker([0] * (wire.MAX_VALUES + 1))
    assert len(from_worker([0] * 1000)) == 1000


def test_strings_beyond_the_bound_are_refused():
    with pytest.raises(wire.TooLarge, match="a string of 1,000,001 characters"):
        from_worker("x" * 1_000_001)
    with pytest.raises(wire.TooLarge):
        wire.encode_value({"key": "x" * 1_000_001})


def test_too_large_can_say_what_it_was_said_of():
    error = wire.TooLarge("an array of 5 elements", "4 elements")
    assert isinstance(error, wire.WireError)
    assert str(error.about("Your constant RATE holds")).startswith(
        "Your constant RATE holds something too large to check (an array of 5 elements"
    )


# --- symbolic values: rebuilt without evaluation, refused when later use could run long ------


def sympy_reply(text: str):
    return from_worker({"__sympy__": text})


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("Pow(Integer(3), Integer(100000000))", "a power with exponent 100000000"),
        ("Pow(Symbol('x'), Integer(-1000))", "a power with exponent -1000"),
        ("Float('1.5', precision=100000000)", "a Float of 100,000,000 bits of precision"),
        ("Float('1e100000000', precision=53)", "a Float of the order of 10**100,000,000"),
        (f"Integer({10**150})", "an integer of 151 digits"),
        ("Integer(1" + "0" * 5000 + ")", "a number written with more than 433 digits"),
        (
            "Derivative(Function('f')(Symbol('x')), Tuple(Symbol('x'), Integer(1000000000)))",
            "a derivative of order 1,000,000,000",
        ),
        (
            "Mul(" + ", ".join(f"Add(Symbol('a{i}'), Symbol('b{i}'))" for i in range(20)) + ")",
            "expansion could grow past 2,000 terms",
        ),
        (
            "Pow(Pow(Pow(Integer(3), Integer(100)), Integer(100)), Integer(100))",
            "numbers of more than 1,000 digits",
        ),
        ("Pow(Symbol('x'), Mul(Integer(100), Integer(100)))", "an expression of degree"),
        (
            f"Subs(Pow(Symbol('x'), Integer(100)), Tuple(Symbol('x')), Tuple(Integer({10**50})))",
            "numbers of more than 1,000 digits",
        ),
        (
            f"Subs(Pow(Symbol('x'), Symbol('n')), Tuple(Symbol('n')), Tuple(Integer({10**50})))",
            "an expression of degree",
        ),
        (
            "Derivative(Mul(sin(Symbol('x')), exp(Symbol('x')), cos(Symbol('x'))), "
            "Tuple(Symbol('x'), Integer(20)))",
            "expansion could grow past 2,000 terms",
        ),
        ("Add(" * 150 + "Symbol('x')" + ")" * 150, "nested more than 100 levels deep"),
        ("Add(" * 100_000 + "Symbol('x')" + ")" * 100_000, "an expression of 500,011 characters"),
        ("Add(" + ", ".join(["I"] * 3000) + ")", "more than 5,000 parts"),
    ],
    ids=lambda v: v[:30] if isinstance(v, str) else v,
)
def test_expressions_whose_use_could_run_long_are_refused(text, said):
    outcome, peak = peak_bytes(lambda: sympy_reply(text))
    assert isinstance(outcome, wire.TooLarge), outcome
    assert isinstance(outcome, symbolic.SymbolicError)
    assert said in str(outcome)
    assert str(outcome).startswith("Your function returned something too large to check (")
    assert str(outcome).endswith(
        "Return only the expression the exercise asks for, in its simplest form."
    )
    assert peak < 8 * MiB


def test_bounds_leave_room_for_honest_expressions():
    x, h = sympy.symbols("x h")
    f = sympy.Function("f")
    taylor = sum(h**n / sympy.factorial(n) * sympy.diff(f(x), x, n) for n in range(12))
    honest = [
        sympy.expand(taylor),
        sympy.series(f(x + 3 * h), h, 0, 10),
        sympy.Rational(-1, 30) * h**4 * sympy.Derivative(f(x), (x, 5)),
        (x + h) ** 12,
        sympy.Float("0.1", 50) * x**20,
    ]
    for expr in honest:
        assert round_trip(expr) == expr


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os').system('true')",
        "Symbol('x').__class__",
        "open('/etc/passwd')",
        "Add(Symbol('x'), lambda: 1)",
        "Integer(1) + Integer(2)",
        "Integral(Symbol('x'), Tuple(Symbol('x'), Integer(0), Integer(1)))",
        "Symbol('x', evil=True)",
        "Symbol(**{'name': 'x'})",
        "Float('1.5; import os')",
        "-Symbol('x')",
        "Function('f')(Integer(1), evaluate=True)",
    ],
)
def test_symbolic_parser_refuses_anything_but_constructors(text):
    with pytest.raises(symbolic.SymbolicError) as caught:
        symbolic.parse_srepr(text)
    assert not isinstance(caught.value, wire.TooLarge)


def test_symbolic_values_are_refused_where_none_are_expected():
    with pytest.raises(wire.WireError):
        wire.decode_value({"__sympy__": "Symbol('x')"})
