"""Hidden checks for 1.2.40.2, sin, cos, exp, log, sqrt on floats and Duals, and
derivative(f, x).

The learner's functions return the learner's objects, which exist only in the worker: a
probe (``WorkerCode``) calls one function on Dual(a, b) built from drawn numbers, with the
stub's own Dual, and sends back the parts of the result (and of the argument, to see it was
left alone) as plain numbers. Expected values come from the math module here: g(a) and
g'(a) * b. Before a check asserts, ``diagnose`` compares a miss with what the common
mistakes give for the same a and b (the incoming derivative b forgotten, cos with the
derivative +sin, log with log(a) for 1/a, sqrt without its 2, sin with -cos), drawn so
that each mistake gives other values than the rule (``distinct``). A part that is itself a
Dual (a rule that divides by the whole Dual) is named from its type.

Floats must come back as floats: the probe reports the type of the result for a Python
float and for a NumPy float64, and the value is compared with the math module's. The
compositions of the statement are differentiated by the learner's own derivative with
the learner's functions (worker code naming them), at drawn points away from the zeros of
their derivatives, within 1e-12 relative. Domain errors are checked for floats and for
Duals, never at exactly 0 for a Dual. The probes, ``Setting``, ``Case`` and the checks that
run them are shared with the 1.2.40.1 suite, in the lesson's ``inputs.py``.
"""

import math

import numpy as np
import pytest

from grader.grading import checks
from grader.grading.inputs import lesson_inputs
from grader.sandbox.worker_code import WorkerCode
from grader.sandbox.workers import LearnerError

SECTION = "elementary-rules"
FUNCTIONS = ("sin", "cos", "exp", "log", "sqrt")

# What a learner-code exception usually means in this exercise (grader/grading/plugin.py).
ERROR_ADVICE = {
    "AttributeError/has no attribute 'value'": "A plain float reached code that reads "
    ".value or .derivative, which only a Dual has. Each function takes a float or a Dual: "
    "check which one it was given (isinstance(x, Dual)) before reading its parts.",
    "AttributeError/has no attribute 'derivative'": "A plain number reached code that "
    "reads .derivative. Each function takes a float or a Dual: check which one it was "
    "given before reading its parts. In derivative, f may return a plain number (it "
    "ignored its input), and its derivative is 0.0.",
    "TypeError/must be real number": "A Dual reached a math-module function (math.sin, "
    "math.exp, ...), which takes plain numbers only. Apply it to the value part, x.value, "
    "and build the result's derivative part with the rule.",
    "TypeError/loop of ufunc does not support": "A Dual reached a NumPy function (np.sin, "
    "np.exp, ...), which knows nothing of your class. Apply it to the value part, x.value, "
    "and build the result's derivative part with the rule.",
}

inputs = lesson_inputs(__file__)  # the probes and helpers the 1.2.40 suites share (inputs.py)
probes = inputs.DualProbes(SECTION, ERROR_ADVICE, f_names=FUNCTIONS)
draw_part, fmt, shown_dual = inputs.draw_part, inputs.fmt, inputs.shown_dual
# --- the rules, and what common mistakes give instead ----------------------------------


def domain(name: str, rng) -> float:
    """A value inside the function's domain, away from 1 (where log(a) is 0)."""
    if name in ("log", "sqrt"):
        value = float(np.round(rng.uniform(0.2, 4.0), 2))
        return value if abs(value - 1.0) > 0.2 else value + 1.0
    return draw_part(rng, 0.3, 2.5)


def rule_cases(name: str, a: float, b: float) -> inputs.Case:
    """The case g(x) for x = Dual(a, b): its parts, and the common mistakes' parts."""
    if name == "sin":
        value, slope = math.sin(a), math.cos(a)
        mistakes = [
            (
                (value, -slope * b),
                "-cos(a) * b: the derivative of sin is +cos, the minus "
                "belongs to the derivative of cos",
            ),
            ((value, value * b), "sin(a) * b: the derivative of sin is cos"),
            (
                (value, -slope),
                "-cos(a): the derivative of sin is +cos, and it is multiplied "
                "by the incoming derivative b",
            ),
        ]
    elif name == "cos":
        value, slope = math.cos(a), -math.sin(a)
        mistakes = [
            ((value, -slope * b), "sin(a) * b: the derivative of cos is -sin, with a minus sign"),
            ((value, value * b), "cos(a) * b: the derivative of cos is -sin"),
            (
                (value, -slope),
                "sin(a): the derivative of cos is -sin, and it is multiplied "
                "by the incoming derivative b",
            ),
        ]
    elif name == "exp":
        value, slope = math.exp(a), math.exp(a)
        mistakes = [
            (
                (value, a * value * b),
                "a * exp(a) * b: exp is its own derivative; the power rule does not apply to e**a",
            ),
        ]
    elif name == "log":
        value, slope = math.log(a), 1.0 / a
        mistakes = [
            ((value, value * b), "log(a) * b: the derivative of log is 1/a, not log(a)"),
            ((value, value), "log(a): the derivative part is (1/a) * b, not log of anything"),
            (
                (value, -b / a**2),
                "-b/a**2, the derivative of 1/a: the derivative of log(a) is 1/a itself, times b",
            ),
            ((value, b * a), "a * b: the derivative of log(a) is 1/a, a division"),
        ]
    else:  # sqrt
        value, slope = math.sqrt(a), 0.5 / math.sqrt(a)
        mistakes = [
            (
                (value, b / math.sqrt(a)),
                "b / sqrt(a), the rule missing the 2: the derivative of sqrt(a) is 1 / (2 sqrt(a))",
            ),
            (
                (value, 1 / math.sqrt(a)),
                "1 / sqrt(a), the rule missing the 2 and the "
                "incoming derivative b: the derivative part is b / (2 sqrt(a))",
            ),
            (
                (value, b / (2 * a)),
                "b / (2a): the derivative of sqrt(a) is 1 / (2 sqrt(a)), "
                "with the root in the denominator",
            ),
            (
                (value, 0.5 * value * b),
                "sqrt(a) * b / 2, the root multiplying where it divides: Python reads "
                "b / 2 * r as (b / 2) * r, so 2 * r needs parentheses; the rule is "
                "b / (2 sqrt(a))",
            ),
        ]
    prime = {
        "sin": "cos(a)",
        "cos": "-sin(a)",
        "exp": "exp(a)",
        "log": "1/a",
        "sqrt": "1 / (2 sqrt(a))",
    }[name]
    chain = (
        f"{prime} alone, without the incoming derivative b: the derivative part is "
        f"{prime} * b, the chain rule's factor b being the derivative part of the argument"
    )
    mistakes.insert(0, ((value, slope), chain))
    rule = {
        "sin": "The rule: sin(a + b eps) = sin(a) + cos(a) * b eps.",
        "cos": "The rule: cos(a + b eps) = cos(a) - sin(a) * b eps.",
        "exp": "The rule: exp(a + b eps) = exp(a) + exp(a) * b eps.",
        "log": "The rule: log(a + b eps) = log(a) + (b / a) eps.",
        "sqrt": "The rule: sqrt(a + b eps) = sqrt(a) + b / (2 sqrt(a)) eps.",
    }[name]
    return inputs.Case(
        f"{name}(x)", (value, slope * b), (abs(value), abs(slope * b)), rule, mistakes
    )


def rules(rng, name: str):
    a, b = domain(name, rng), draw_part(rng, 0.25, 2.0)
    return inputs.Setting(duals={"x": (a, b)}), [rule_cases(name, a, b)]


# --- checks -----------------------------------------------------------------------------


def on_a_dual(name: str):
    """The check that name(Dual(a, b)) follows its rule, as a test of its own."""

    @pytest.mark.points(1)
    def check(submission, rng):
        for _ in range(2):
            setting, cases = inputs.draw_until(rng, lambda r: rules(r, name))
            probes.check_case(submission, setting, cases[0], names=("Dual", name))

    check.__doc__ = f"{name}(Dual(a, b)) has value {name}(a) and derivative {name}'(a) * b."
    return check


test_sin_of_a_dual = on_a_dual("sin")
test_cos_of_a_dual = on_a_dual("cos")
test_exp_of_a_dual = on_a_dual("exp")
test_log_of_a_dual = on_a_dual("log")
test_sqrt_of_a_dual = on_a_dual("sqrt")


FLOAT_PROBE = """
def probe(t):
    found = []
    for given in (t, np.float64(t)):
        out = {name}(given)
        if isinstance(out, Dual):
            found.append(["Dual", type(given).__name__, repr(out)[:80]])
        elif isinstance(out, (bool, np.bool_)):
            found.append(["other", type(given).__name__, "bool", repr(out)])
        elif isinstance(out, (float, np.floating)):
            found.append(["float", type(given).__name__, float(out)])
        else:
            found.append(["other", type(given).__name__, type(out).__name__, repr(out)[:80]])
    return found
"""


def float_check(name: str):
    """The check that name(t) is a float for a float t, as a test of its own."""

    @pytest.mark.points(0.4)
    def check(submission, rng):
        floats_give_floats(submission, rng, name)

    check.__doc__ = f"{name}(t) of a Python float or a NumPy float64 is a float, math.{name}(t)."
    return check


def floats_give_floats(submission, rng, name: str) -> None:
    t = domain(name, rng)
    code = WorkerCode(FLOAT_PROBE.format(name=name), names=("Dual", name))
    try:
        found = submission.run(code, t)
    except LearnerError as error:
        probes.learner_failed(error, f"{name}({t!r})", name)
    want = getattr(math, name)(t)
    for kind, given, *rest in found:
        what = f"{name}({t!r})" if given == "float" else f"{name}(np.float64({t!r}))"
        if kind == "Dual":
            checks.fail(
                f"{what} returned a Dual, {rest[0]}; a float gives a float. Only a Dual "
                "argument gets a Dual back: check the argument's type, and give a plain "
                "number to the math module's function as it is.",
                SECTION,
            )
        if kind == "other":
            type_name, shown = rest
            extra = " (did you forget a return statement?)" if type_name == "NoneType" else ""
            checks.fail(
                f"{what} returned a {type_name}{extra}, {shown}; expected a float, {fmt(want)}.",
                SECTION,
            )
        checks.close(
            rest[0],
            want,
            what,
            rtol=1e-14,
            why="A float gives the math module's value.",
            section=SECTION,
        )


test_sin_of_a_float = float_check("sin")
test_cos_of_a_float = float_check("cos")
test_exp_of_a_float = float_check("exp")
test_log_of_a_float = float_check("log")
test_sqrt_of_a_float = float_check("sqrt")


def composition_points(rng):
    """(body, shown, x, value, slope, scale) for the statement's compositions, at drawn
    points where the derivative is not near 0 (so that 1e-12 relative is round-off)."""
    out = []
    while True:
        x = float(np.round(rng.uniform(-1.0, 1.4), 3))
        if abs(math.cos(math.exp(x))) > 0.05 and x != 0:
            break
    e = math.exp(x)
    out.append(("sin(exp(x))", x, math.sin(e), math.cos(e) * e, abs(math.cos(e) * e)))
    x = draw_part(rng, 0.3, 3.0)
    top, bottom = 2 * x, 1 + x * x
    out.append(("log(1 + x*x)", x, math.log(bottom), top / bottom, abs(top / bottom)))
    while True:
        x = draw_part(rng, 0.2, 3.0)
        if abs(math.sin(2 * x)) > 0.1:
            break
    s, c = math.sin(x), math.cos(x)
    root = math.sqrt(s * s + 1)
    out.append(("sqrt(sin(x)**2 + 1)", x, root, s * c / root, abs(s * c / root)))
    while True:
        x = draw_part(rng, 0.2, 3.0)
        if abs(math.sin(x)) > 0.1:
            break
    slope = -math.sin(x) * math.exp(math.cos(x))
    out.append(("exp(cos(x))", x, math.exp(math.cos(x)), slope, abs(slope)))
    return out


@pytest.mark.points(3)
def test_derivatives_of_compositions(submission, rng):
    """derivative(f, x) for sin(exp(x)), log(1 + x*x), sqrt(sin(x)**2 + 1) and exp(cos(x))
    within 1e-12 relative of the exact derivative."""
    for body, x, value, slope, scale in composition_points(rng):
        probes.check_derivative(submission, body, body, x, value, slope, scale)


@pytest.mark.points(1)
def test_a_constant_function_has_derivative_zero(submission, rng):
    """derivative(f, x) is 0.0 for an f that ignores x and returns a plain number."""
    probes.constant_has_derivative_zero(submission, rng)


RAISES_PROBE = """
def probe(t, b):
    given = Dual(t, b) if b is not None else t
    out = {name}(given)
    if isinstance(out, Dual):
        parts = []
        for part in (out.value, out.derivative):
            try:
                parts.append(float(part))
            except (TypeError, ValueError):
                parts.append(type(part).__name__)
        return ["Dual", parts]
    try:
        return ["number", float(out)]
    except (TypeError, ValueError):
        return ["other", type(out).__name__, repr(out)[:80]]
"""

OUTSIDE = {
    "log": "log is defined for values above 0 only",
    "sqrt": "sqrt is defined for values from 0 on only",
}


def check_raises(submission, name: str, t: float, b: float | None) -> None:
    """name(t), or name(Dual(t, b)), raises ValueError."""
    what = f"{name}({t!r})" if b is None else f"{name}(Dual({t!r}, {b!r}))"
    code = WorkerCode(RAISES_PROBE.format(name=name), names=("Dual", name))
    try:
        found = submission.run(code, t, b)
    except LearnerError as error:
        if error.is_a("ValueError"):
            return
        if error.type_name == "NotImplementedError":
            probes.learner_failed(error, what, name)
        info = error.error
        said = info.get("message", "").strip()
        checks.fail(
            f"{what} raised {error.type_name}{inputs.where_raised(info)}"
            + (f' ("{said}")' if said else "")
            + f"; expected ValueError, the error math.{name} raises outside its domain "
            f"({OUTSIDE[name]}). Raise ValueError there (an assert raises AssertionError, "
            "and may be switched off).",
            SECTION,
        )
    kind, *rest = found
    if kind == "other" and rest[0] == "complex":
        checks.fail(
            f"{what} returned the complex number {rest[1]} instead of raising ValueError. In "
            "Python a negative number ** 0.5 is a complex number, not an error: check the "
            "value and raise ValueError when it is below 0.",
            SECTION,
        )
    shown = rest[0] if kind != "other" else rest[1]
    numpy = ""
    if any(isinstance(v, float) and not math.isfinite(v) for v in np.ravel(shown).tolist()):
        numpy = (
            " NumPy's functions give nan or -inf outside the domain, with a warning, "
            "instead of raising."
        )
    checks.fail(
        f"{what} returned {kind if kind != 'number' else 'the number'} {shown} instead of "
        f"raising ValueError: {OUTSIDE[name]}.{numpy} Check the "
        + ("value" if b is None else "value part")
        + " yourself and raise ValueError outside the domain.",
        SECTION,
    )


@pytest.mark.points(2)
def test_outside_the_domain_raises_value_error(submission, rng):
    """log(0.0), log(-t), sqrt(-t) raise ValueError, for floats and for Duals of those
    values (never at exactly 0 for a Dual); sqrt(0.0) is 0.0."""
    t, b = float(np.round(rng.uniform(0.2, 4.0), 2)), draw_part(rng, 0.25, 2.0)
    for name, value, deriv in (
        ("log", 0.0, None),
        ("log", -t, None),
        ("sqrt", -t, None),
        ("log", -t, b),
        ("sqrt", -t, b),
    ):
        check_raises(submission, name, value, deriv)
    code = WorkerCode(FLOAT_PROBE.format(name="sqrt"), names=("Dual", "sqrt"))
    try:
        found = submission.run(code, 0.0)
    except LearnerError as error:
        if error.is_a("ValueError"):
            checks.fail(
                "sqrt(0.0) raised ValueError; expected 0.0. The square root is defined at "
                "0 (sqrt(0) = 0): raise only for values below 0.",
                SECTION,
            )
        probes.learner_failed(error, "sqrt(0.0)", "sqrt")
    kind, _, *rest = found[0]
    checks.true(
        kind == "float" and rest[0] == 0.0,
        f"sqrt(0.0) returned {rest[-1]!r}; expected the float 0.0.",
        SECTION,
    )
