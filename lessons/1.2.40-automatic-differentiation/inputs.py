"""The trusted inputs of lesson 1.2.40: what its hidden suites pass into learner code, and
the probes that read the learner's Duals in the worker.

A learner's Dual exists only in the worker, so a suite sends it short functions as text
(:class:`grader.sandbox.worker_code.WorkerCode`): ``PROBE`` builds Duals from drawn numbers,
evaluates expressions on them and sends back the parts of each result as plain numbers;
``DERIVATIVE_PROBE`` hands an ``f`` written by the suite to the learner's
``derivative(f, x)``. What the probes carry is the suite's own text, never an expected
value: those are computed in the grader, from the rules.

The helpers here are shared by the suites of 1.2.40.1 (Dual numbers) and 1.2.40.2
(elementary functions): a ``Setting`` of Duals and numbers, a ``Case`` with its expected
parts and what common mistakes give instead, the drawing of operands at which the values
name the mistake, and :class:`DualProbes`, which runs a probe and fails in the suite's own
section with its own ``ERROR_ADVICE``. Loaded by the suites with
``grader.grading.inputs.lesson_inputs(__file__)``, in the grader's process only. Private to
the grader: no worker can read this file.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np

from grader.grading import checks
from grader.grading.plugin import explain
from grader.sandbox.worker_code import WorkerCode
from grader.sandbox.workers import LearnerError

RTOL = 1e-12  # relative to the sum of the magnitudes of the terms: round-off only

# --- the probes: text run in the worker, on the learner's Dual ----------------------------

# The probe: builds the Duals named in SETUP, evaluates the expressions in order, and
# reads each result's parts as floats (or says why it cannot).
PROBE = """
def probe({params}):
{setup}
    found = []
    for out in ({expressions},):
        if not isinstance(out, Dual):
            try:
                shown = repr(out)[:80]
            except Exception:
                shown = "?"
            found.append(["not a Dual", type(out).__name__, shown])
            continue
        parts = ["dual"]
        for name in ("value", "derivative"):
            if not hasattr(out, name):
                names = [k for k in dir(out) if not k.startswith("_")]
                names = [k for k in names if not callable(getattr(out, k, None))]
                parts = ["no attribute", name, names]
                break
            part = getattr(out, name)
            try:
                parts.append(float(part))
            except (TypeError, ValueError):
                parts = ["not a number", name, type(part).__name__]
                break
        found.append(parts)
    return found
"""

# derivative(f, point) for f(x) = BODY: what it returned, and how many times it called f.
DERIVATIVE_PROBE = """
def probe(point):
    calls = [0]
    last = [None]

    def f(x):
        calls[0] += 1
        last[0] = {body}
        return last[0]

    out = derivative(f, point)
    if isinstance(out, bool):
        return ["other", "bool", repr(out), calls[0]]
    if isinstance(out, Dual):
        nested = out is not last[0] and out is getattr(last[0], "derivative", None)
        shown = []
        for part in (getattr(out, "value", None), getattr(out, "derivative", None)):
            try:
                shown.append(format(float(part), ".10g"))
            except (TypeError, ValueError):
                shown.append("a " + type(part).__name__)
        text = "Dual(" + ", ".join(shown) + ")"
        return ["nested" if nested else "Dual", text, "", calls[0]]
    try:
        return ["number", float(out), "", calls[0]]
    except (TypeError, ValueError):
        return ["other", type(out).__name__, repr(out)[:80], calls[0]]
"""

# --- how messages show numbers and Duals --------------------------------------------------


def fmt(number: float) -> str:
    return f"{float(number) + 0.0:.10g}"  # + 0.0: -0.0 shows as 0


def shown_dual(value: float, deriv: float) -> str:
    return f"Dual({fmt(value)}, {fmt(deriv)})"


def where_raised(info: dict) -> str:
    """' (in __rsub__)': the learner's function the exception came from, if known."""
    found = re.findall(r", in (\w+)\n", info.get("traceback", ""))
    return f" (in {found[-1]})" if found and found[-1] != "<module>" else ""


# --- operands, cases, and drawing them ----------------------------------------------------


@dataclass
class Setting:
    """Duals and numbers a probe starts from: x = Dual(a, b), y = Dual(c, d), k."""

    duals: dict[str, tuple[float, float]] = field(default_factory=dict)
    numbers: dict[str, float] = field(default_factory=dict)

    def params(self) -> list[str]:
        names = [f"{n}_{p}" for n in self.duals for p in ("value", "deriv")]
        return names + list(self.numbers)

    def args(self) -> list[float]:
        values = [v for pair in self.duals.values() for v in pair]
        return values + list(self.numbers.values())

    def setup(self) -> str:
        lines = [f"    {n} = Dual({n}_value, {n}_deriv)" for n in self.duals]
        return "\n".join(lines) or "    pass"

    def probe(self, expressions: list[str]) -> str:
        """The text of ``PROBE`` reading ``expressions`` from these Duals and numbers."""
        return PROBE.format(
            params=", ".join(self.params()),
            setup=self.setup(),
            expressions=", ".join(expressions),
        )

    def words(self, expression: str) -> str:
        """'with x = Dual(1.5, 0.25) and n = 3': the names ``expression`` uses."""
        used = set(re.findall(r"[A-Za-z_]\w*", expression))
        parts = [f"{n} = {shown_dual(*pair)}" for n, pair in self.duals.items() if n in used]
        parts += [f"{n} = {v!r}" for n, v in self.numbers.items() if n in used]
        if not parts:
            return ""
        return "with " + ", ".join(parts[:-1]) + " and " * (len(parts) > 1) + parts[-1]


@dataclass
class Case:
    """One operation: its expected parts, and what common mistakes give instead."""

    expression: str
    expected: tuple[float, float]
    scale: tuple[float, float]  # the magnitudes of the terms: the round-off tolerance
    why: str  # the rule, for a miss no mistake explains
    mistakes: list[tuple[tuple[float, float], str]] = field(default_factory=list)

    def tolerance(self) -> tuple[float, float]:
        pairs = zip(self.scale, self.expected, strict=True)
        return tuple(RTOL * max(s, abs(e)) + 1e-300 for s, e in pairs)


def agrees(got: tuple[float, float], want: tuple[float, float], tol) -> bool:
    return all(abs(g - w) <= t for g, w, t in zip(got, want, tol, strict=True))


def distinct(case: Case) -> bool:
    """No mistake of the case gives its right answer, or another mistake's answer, within
    a million times the tolerance: at these operands the values name the mistake."""
    tol = [1e6 * t for t in case.tolerance()]
    pairs = [case.expected] + [pair for pair, _ in case.mistakes]
    return all(not agrees(p, q, tol) for i, p in enumerate(pairs) for q in pairs[i + 1 :]) and all(
        math.isfinite(v) for p in pairs for v in p
    )


def draw_part(rng, low: float = 0.5, high: float = 3.0) -> float:
    """A number of magnitude in [low, high], either sign, to two decimals (readable)."""
    return float(np.round(rng.uniform(low, high), 2) * rng.choice([-1.0, 1.0]))


def draw_until(rng, build, tries: int = 200):
    """``build(rng)`` -> (setting, cases), drawn again until every case is ``distinct``."""
    for _ in range(tries):
        setting, cases = build(rng)
        if all(distinct(case) for case in cases):
            return setting, cases
    return setting, cases  # pragma: no cover - the ranges make this unreachable


# --- running the probes, and failing in the suite's words ---------------------------------


@dataclass(frozen=True)
class DualProbes:
    """The probes of one suite: they fail in its ``section``, explain the learner's
    exceptions with its ``advice`` (its ``ERROR_ADVICE``), and let the ``f`` of
    ``derivative(f, x)`` call the learner's functions ``f_names`` (sin, exp, ...)."""

    section: str
    advice: dict[str, str]
    f_names: tuple[str, ...] = ()

    def learner_failed(self, error: LearnerError, what: str, function: str = "") -> None:
        """Fail with what the learner's exception usually means, for the operation ``what``."""
        info = error.error
        kind = error.type_name
        line = f", line {info['line']} of your file" if info.get("line") else ""
        said = info.get("message", "").strip().rstrip(".")
        python = f' (Python says: "{said}")' if said else ""
        if kind == "NotImplementedError":
            raise error  # the report names what is still the stub's, once for all checks
        why = explain(info, self.advice, function)
        checks.fail(
            f"{what} raised {kind}{where_raised(info)}{line}. {why}{python}".strip(), self.section
        )

    def evaluate(
        self, submission, setting: Setting, expressions: list[str], names=("Dual",)
    ) -> list[list]:
        """The readings of ``expressions`` (then of the operands, unchanged or not) in the
        worker: one ["dual", value, derivative] or a reason per expression."""
        code = WorkerCode(setting.probe(expressions), names=names, description=expressions[0])
        try:
            return submission.run(code, *setting.args())
        except LearnerError as error:
            self.learner_failed(error, f"{expressions[0]}, {setting.words(expressions[0])},")

    def as_pair(self, reading: list, what: str) -> tuple[float, float]:
        """The (value, derivative) of one reading, or a failure saying what came back."""
        kind = reading[0]
        if kind == "dual":
            return float(reading[1]), float(reading[2])
        if kind == "not a Dual":
            _, type_name, shown = reading
            extra = (
                " (None: did you forget a return statement?)"
                if type_name == "NoneType"
                else f" ({shown})"
            )
            checks.fail(
                f"{what} returned a {type_name}{extra}, not a Dual. Every operation on a Dual "
                "returns a new Dual holding the value and the derivative of the result.",
                self.section,
            )
        if kind == "no attribute":
            _, name, names = reading
            has = f" It has {', '.join(names)}." if names else ""
            checks.fail(
                f"{what} returned a Dual without the attribute {name}.{has} The statement "
                "names the two parts value and derivative: Dual(value, derivative=0.0) keeps "
                "them in self.value and self.derivative.",
                self.section,
            )
        _, name, type_name = reading
        nested = (
            " A Dual inside a Dual: a rule multiplied or divided by a whole Dual where its "
            "value part (a number) was meant, or a Dual given as a part to Dual(...)."
            if type_name == "Dual"
            else ""
        )
        checks.fail(
            f"{what} returned a Dual whose {name} is a {type_name}, not a number.{nested} Both "
            "parts of a Dual are plain numbers.",
            self.section,
        )

    def check_case(self, submission, setting: Setting, case: Case, names=("Dual",)) -> None:
        """The learner's ``case.expression`` at ``setting`` has the expected parts, and leaves
        its operands unchanged; a miss a common mistake explains is named."""
        readings = self.evaluate(submission, setting, [case.expression, *setting.duals], names)
        what = f"{case.expression}, {setting.words(case.expression)},"
        got = self.as_pair(readings[0], what)
        tol = case.tolerance()
        said = f"{what} gave {shown_dual(*got)}; expected {shown_dual(*case.expected)}"
        if not agrees(got, case.expected, tol):
            for pair, words in case.mistakes:
                if agrees(got, pair, tol):
                    checks.fail(f"{said}. Those are the values of {words}.", self.section)
            if agrees((got[0], 0.0), (case.expected[0], 0.0), tol):
                checks.fail(
                    f"{said}: the value part is right, the derivative part is not. {case.why}",
                    self.section,
                )
            checks.fail(f"{said}. {case.why}", self.section)
        for name, reading in zip(setting.duals, readings[1:], strict=True):
            now = self.as_pair(reading, name)
            if now != setting.duals[name]:
                checks.fail(
                    f"{what} gave the right result, but changed "
                    f"{name} in place: afterwards {name} is {shown_dual(*now)}. An operation "
                    "returns a new Dual and leaves both operands as they were (x is used again "
                    "after x * y in any longer formula).",
                    self.section,
                )

    # --- derivative(f, x) -----------------------------------------------------------------

    def learner_derivative(self, submission, body: str, x: float, shown: str) -> tuple[float, int]:
        """derivative(f, x) for f(t) = ``body``: the number it returned and the calls of f."""
        source = DERIVATIVE_PROBE.format(body=body)
        what = f"derivative(f, {fmt(x)}) with f(x) = {shown}"
        try:
            kind, first, second, calls = submission.run(
                WorkerCode(source, names=("Dual", "derivative", *self.f_names)), x
            )
        except LearnerError as error:
            self.learner_failed(error, what, "derivative")
        if kind == "Dual":
            checks.fail(
                f"{what} returned a Dual, {first}, not a number. derivative returns only the "
                "derivative part of f(Dual(x, 1.0)), a float.",
                self.section,
            )
        if kind == "nested":
            checks.fail(
                f"{what} returned a Dual, {first}, not a number. derivative read the "
                "derivative part of f(Dual(x, 1.0)), but that part is itself a Dual: an "
                "operation or a function that f uses put a Dual inside a Dual (its own check "
                "above shows which). Both parts of a Dual are plain numbers.",
                self.section,
            )
        if kind == "other":
            extra = " (did you forget a return statement?)" if first == "NoneType" else ""
            checks.fail(
                f"{what} returned a {first}{extra}, {second}; expected a number, f'(x).",
                self.section,
            )
        return float(first), int(calls)

    def check_derivative(self, submission, body, shown, x, value, slope, scale) -> None:
        """derivative(f, x) is ``slope`` to round-off; f(x) is ``value``."""
        got, calls = self.learner_derivative(submission, body, x, shown)
        tol = RTOL * max(scale, abs(slope))
        if abs(got - slope) <= tol:
            return
        said = f"derivative(f, {fmt(x)}) with f(x) = {shown} gave {fmt(got)}; expected {fmt(slope)}"
        if calls == 0:
            checks.fail(
                f"{said}, and f was never called. Call f once, on Dual(x, 1.0), and return the "
                "derivative part of what it gives.",
                self.section,
            )
        if got == 0.0:
            checks.fail(
                f"{said}. 0 is what f gives when x is seeded with 0: Dual(x) or Dual(x, 0.0) "
                "is a constant, so no derivative flows through f. The seed is the derivative "
                "of x with respect to itself, 1.0: call f on Dual(x, 1.0).",
                self.section,
            )
        if abs(got - value) <= RTOL * max(scale, abs(value)) and abs(value - slope) > tol:
            checks.fail(
                f"{said}. {fmt(got)} is f({fmt(x)}) itself: derivative returned the value part "
                "of f(Dual(x, 1.0)), not its derivative part.",
                self.section,
            )
        if calls > 1:
            checks.fail(
                f"{said}, and f was called {calls} times. Forward mode needs one call, on "
                "Dual(x, 1.0): the derivative part of the result is f'(x) exactly, with no "
                "step and no second evaluation.",
                self.section,
            )
        checks.fail(
            f"{said}. derivative(f, x) is right only when every operation and function that "
            "f uses is: if one of their checks above fails, fix that first. If they all pass, "
            "compare how derivative seeds x and reads the result with the statement: f is "
            "called once, on Dual(x, 1.0), and f'(x) is the derivative part of what it returns.",
            self.section,
        )

    def constant_has_derivative_zero(self, submission, rng) -> None:
        """derivative(f, x) is 0.0 for an f that ignores x and returns a plain number."""
        constant, x = draw_part(rng, 0.5, 4.0), draw_part(rng)
        got, _ = self.learner_derivative(submission, repr(constant), x, repr(constant))
        checks.true(
            got == 0.0,
            f"derivative(f, {fmt(x)}) with f(x) = {constant!r} gave {fmt(got)}; expected 0.0. "
            f"f ignores its input and returns the plain number {constant!r}, a constant: its "
            "derivative is 0.0" + (", not its value." if got == constant else "."),
            self.section,
        )
