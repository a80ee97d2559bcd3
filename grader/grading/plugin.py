"""The pytest plugin behind a grading run: fixtures for suites, and result collection.

Suites get these fixtures:

- ``submission``: a proxy of the learner's module. ``submission.forward_difference(f, x, h)``
  runs in the worker and returns the decoded value; ``submission.last`` describes the call.
- ``rng``: a NumPy generator seeded from the run's seed and the check's name, so a failure
  reproduces with ``course grade ID --seed N``.
- ``exercise``: the :class:`grader.catalog.Exercise` being graded.
- ``submission_path``: the submitted file, for data submissions such as quiz answers.

Checks may carry ``@pytest.mark.points(w)`` (relative weight, default 1) and
``@pytest.mark.section("anchor")`` (the lesson section that helps, default the exercise's).
"""

from __future__ import annotations

import inspect
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from grader.catalog import Exercise
from grader.grading import source_notes
from grader.grading.checks import CheckFailed, show
from grader.grading.results import Check
from grader.sandbox.worker_code import WorkerCode
from grader.sandbox.workers import CallResult, LearnerError, Sandbox, WorkerFailure

OUTPUT_IN_REPORT = 500  # characters of a check's printed output kept in the report


@dataclass
class Target:
    """One exercise in a run: which file is graded, and what its checks found."""

    exercise: Exercise
    submission: Path
    sandbox: Sandbox
    checks: list[Check] = field(default_factory=list)
    suite_error: str = ""


class SubmissionFunction:
    """A callable standing for one learner function; calls run in the worker."""

    def __init__(self, owner: Submission, name: str):
        self.owner, self.name = owner, name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.owner.call(self.name, args, kwargs).value

    def last_call_text(self) -> str:
        return self.owner.last_text


class Submission:
    """The learner's module as the suites see it."""

    def __init__(self, target: Target):
        self._target = target
        self.last: CallResult | None = None
        self._last_call: tuple | None = None  # (name, args, kwargs), written out on demand
        self._last_text = ""
        self.outputs: list[str] = []

    @property
    def last_text(self) -> str:
        """The last call as a learner would write it, e.g. ``square(array([1., 2.]))``.
        Written out only when a message needs it: doing so for every call cost a twentieth
        of a whole lesson's grading."""
        if self._last_call is not None:
            self._last_text, self._last_call = describe_call(*self._last_call), None
        return self._last_text

    def __getattr__(self, name: str) -> SubmissionFunction:
        if name.startswith("_"):
            raise AttributeError(name)
        return SubmissionFunction(self, name)

    @property
    def constants(self) -> dict[str, Any]:
        """Module-level constants listed in the manifest, decoded."""
        from grader.sandbox import wire
        from grader.sandbox.workers import decode_from_worker

        raw = self._target.sandbox.loaded().get("constants", {})
        try:  # a constant may be symbolic (rebuilt without evaluating, within bounds)
            return {k: decode_from_worker(v, symbolic=True) for k, v in raw.items()}
        except wire.TooLarge as exc:
            raise CheckFailed(str(exc.about("A constant in your file holds"))) from None
        except (wire.WireError, ValueError, TypeError, RecursionError) as exc:
            raise CheckFailed(f"A constant in your file could not be read ({exc}).") from None

    def constant(self, name: str) -> Any:
        values = self.constants
        if name not in values:
            raise CheckFailed(
                f"Your file does not define the constant {name}. Add it at the "
                "top level of the file, as the stub shows."
            )
        return values[name]

    def run(self, code: WorkerCode, *args: Any, **kwargs: Any) -> Any:
        """Run a function the suite wrote (:mod:`grader.sandbox.worker_code`) in the
        worker, with the learner's classes and functions it names in scope: how a suite
        checks a learner's ``Dual`` or ``Var``, which only exist there."""
        return self.call(code.description, args, kwargs, code=code).value

    def call(
        self, name: str, args: tuple, kwargs: dict, code: WorkerCode | None = None
    ) -> CallResult:
        # A snapshot: the suite may change its own arrays after the call.
        self._last_call = (name, _snapshot(args), _snapshot(kwargs))
        names = self._target.sandbox.loaded()["names"]
        needed = code.names if code is not None else (name,)
        missing = [n for n in needed if n not in names]
        if missing:
            what = f"a function named {name}" if code is None else missing[0]
            raise CheckFailed(
                f"Your file does not define {what}. Keep the "
                "name and the parameters exactly as the stub has them."
            )
        try:
            result = self._target.sandbox.call(name, args, kwargs, code=code)
        except (LearnerError, WorkerFailure) as error:
            error.call_text = self.last_text
            if isinstance(error, LearnerError):
                self._keep_output(error.output)
            raise
        self._keep_output(result.output)
        self.last = result
        return result

    def _keep_output(self, output: dict) -> None:
        if output and output.get("text"):
            self.outputs.append(output["text"])


def _snapshot(value: Any) -> Any:
    """``value`` with its arrays, lists and dicts copied (everything else is immutable
    or is not changed by the suites)."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, (list, tuple)):
        return type(value)(_snapshot(v) for v in value)
    if isinstance(value, dict):
        return {k: _snapshot(v) for k, v in value.items()}
    return value


def describe_call(name: str, args: tuple, kwargs: dict) -> str:
    parts = [show(a, 60) for a in args] + [f"{k}={show(v, 60)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


def unwritten_function(error: BaseException | None) -> str:
    """The learner's function that still raises the stub's NotImplementedError, or "": the
    innermost function of their file that raised it (a method such as ``__init__`` when a
    suite's probe built a learner's object), else the function the suite called."""
    if isinstance(error, LearnerError) and error.type_name == "NotImplementedError":
        raised = re.findall(r", in (\w+)\n", error.error.get("traceback", ""))
        if raised and raised[-1] != "<module>":
            return raised[-1]
        call = getattr(error, "call_text", "")
        return call.split("(")[0] if call else "This function"
    return ""


# What an exception raised by learner code usually means, whatever the exercise. A suite
# may add what it usually means in its own exercise: a module-level ``ERROR_ADVICE`` dict
# from an exception's type name (any name in its class hierarchy), or from
# "function:TypeName" for one function of the exercise, to a sentence; either may end in
# "/words" to apply only when Python's message holds those words ("ValueError/not
# aligned"). See :func:`explain` for the order.
GENERAL_ADVICE = {
    "ZeroDivisionError": "A division by zero: look for a denominator that can be 0 "
    "(a step, a norm, a sum) and decide what the answer is in that case.",
    "UFuncTypeError": "NumPy could not store a float result in an integer array: an "
    "in-place operation such as x += h on an integer input. Convert first with "
    "np.asarray(x, dtype=float), or compute into a new array.",
    "NameError": "A name is used before it is defined: a typo, or a variable set only "
    "inside an if or a loop.",
    "UnboundLocalError": "A variable is read before it is set on this path through the "
    "function: set it before the if or the loop.",
    "IndexError": "An index past the end of an array or list: check the range of the "
    "loop against the length.",
    "KeyError": "A dictionary has no such key: check the spelling, and which keys the "
    "dictionary really has.",
    "AttributeError": "An object has no such attribute: often a Python number where a "
    "NumPy array was expected (use np.asarray), or a misspelt name.",
    "TypeError": "A value of the wrong type reached an operation: compare what the "
    "function was given (shown above) with what your code assumes.",
    "ValueError": "A value NumPy or Python could not use here: shapes that do not match, "
    "or a conversion that cannot be made.",
    "OverflowError": "A number grew beyond what a float can hold: look for a power or "
    "exponential of a large value.",
}


# Python's or NumPy's words that say more than the exception's type: (type name, words
# in the message, what they usually mean). Checked before the advice by type alone.
MESSAGE_ADVICE = (
    (
        "Exception",
        "bitwise_xor",  # x ^ 2: a power in maths, XOR in Python
        "In Python ^ is the bitwise XOR, not a power: write x ** 2 (or x * x).",
    ),
    (
        "ValueError",
        "not aligned",
        "np.dot and @ are the matrix product (rows times columns), not an elementwise "
        "product: multiply entry by entry with * (x * x, or x ** 2).",
    ),
    (
        "ValueError",
        "matmul",
        "@ (np.matmul) is the matrix product, not an elementwise product: multiply entry "
        "by entry with *.",
    ),
    (
        "ValueError",
        "truth value of an array",
        "An if, and, or or met a whole array where one True or False was needed, as in "
        "`if d == 0` when d is an array. Find which value is an array here (a norm written "
        "by hand: v.T @ v of a matrix is a matrix, not a number) and make it one number.",
    ),
    (
        "ValueError",
        "could not be broadcast",
        "Two arrays whose shapes do not fit together met in one operation: compare their "
        "shapes, which Python's words below give.",
    ),
    (
        "TypeError",
        "cannot be interpreted as an integer",
        "A whole number was needed here (an axis, a size, a count) and a float came: "
        "np.max(a, b) reads b as the axis (compare two numbers with max(a, b) or "
        "np.maximum(a, b)), and range() takes ints only.",
    ),
    (
        "TypeError",
        "unsupported operand type(s) for -: 'list'",
        "Python lists do not subtract elementwise: convert with np.asarray(..., dtype=float) "
        "first.",
    ),
    (
        "TypeError",
        "object is not callable",
        "A value was called like a function: a name that held a function holds a number or "
        "an array by then. Often a variable named like a built-in (sum, max, min, abs, len) "
        "or like one of your own functions hides it: give the variable another name.",
    ),
    (
        "IndexError",
        "too many indices",
        "An array was indexed with more indices than it has dimensions, such as x[i, j] on a "
        "flat array: check the shape of what you index.",
    ),
)


def _with_source_notes(message: str, target: Target) -> str:
    """The first failing check's message, with what the learner's source shows that
    values cannot (:mod:`grader.grading.source_notes`)."""
    path = Path(target.submission)
    if path.suffix != ".py":
        return message
    try:
        found = source_notes.notes(path.read_bytes()[: source_notes.MAX_SOURCE + 1])
    except OSError:
        return message
    # Advice that already said it (a hidden built-in) is not said twice.
    found = [n for n in found if not ("another name" in n and "another name" in message)]
    return " ".join([message.rstrip(), *found]) if found else message


def explain(info: dict, advice: dict[str, str], function: str = "") -> str:
    """What usually causes the learner's exception, the most specific first, matched on the
    exception's class hierarchy (``info["mro"]``) and Python's message:

    1. the suite's ``ERROR_ADVICE`` for the function that raised it, with words of the
       message ("relative_difference:ValueError/truth value"), then without;
    2. the suite's advice for its exercise with words of the message ("ValueError/not
       aligned"), then :data:`MESSAGE_ADVICE`, which holds for any exercise;
    3. the suite's advice by type alone ("KeyError"), then :data:`GENERAL_ADVICE`."""
    message = info.get("message", "")
    names = info.get("mro") or [info.get("type", "")]
    local = re.search(r"local variable '(\w+)'", message)
    if "UnboundLocalError" in names and local and local.group(1) in source_notes.CALLED_BUILTINS:
        name = local.group(1)
        return (
            f"{name} is assigned somewhere in this function, which makes {name} a local "
            f"variable in ALL of it: the built-in {name}() is hidden even on the lines before "
            f"that assignment. Give the variable another name than {name}."
        )

    def worded(prefix: str) -> str:
        for key, text in advice.items():
            kind, slash, words = key.partition("/")
            if slash and kind in [f"{prefix}{name}" for name in names] and words in message:
                return text
        return ""

    if function and (found := worded(f"{function}:")):
        return found
    for key in (f"{function}:{name}" for name in names):
        if function and key in advice:
            return advice[key]
    if found := worded(""):
        return found
    for kind, words, text in MESSAGE_ADVICE:
        if (kind in names or kind == "Exception") and words in message:
            return text
    for name in names:
        if name in advice:
            return advice[name]
    for name in names:
        if name in GENERAL_ADVICE:
            return GENERAL_ADVICE[name]
    return ""


def learner_message(
    error: BaseException, exercise: Exercise, advice: dict[str, str] | None = None
) -> str:
    """A learner's-words account of an exception that ended a check; ``advice`` is the
    suite's ``ERROR_ADVICE`` (what an exception usually means in this exercise)."""
    if isinstance(error, CheckFailed):
        return error.message
    call = getattr(error, "call_text", "")
    if isinstance(error, WorkerFailure):
        return f"{call}: {error.message}" if call else error.message
    if isinstance(error, LearnerError):
        info = error.error
        kind = info.get("type", "Exception")
        line = f" (your file, line {info['line']})" if info.get("line") else ""
        if name := unwritten_function(error):
            return (
                f"{name} still raises NotImplementedError: replace the body of the stub "
                "with your implementation."
            )
        if not call:  # the file failed to import
            return import_error_message(info)
        if kind == "MemoryError":
            return f"{call} ran out of memory{line} (the limit is {exercise.limits.memory_mb} MiB)."
        if kind == "RecursionError":
            # A suite may know better (a correct recursion that is simply too deep).
            why = explain(info, advice or {}, call.split("(")[0])
            return f"{call} recursed too deeply{line}: " + (
                why or "check the recursion's base case."
            )
        if kind in ("OSError", "PermissionError") and any(
            phrase in info.get("message", "") for phrase in _FILE_TROUBLE
        ):
            return f"{call}{line}: {_file_trouble(info['message'], exercise)}"
        if kind == "Unsendable":  # the worker could not send the value: it says why
            return f"{call}: {info.get('message', '')}"
        if kind in ("SystemExit", "KeyboardInterrupt"):
            return f"{call} tried to stop the program ({kind}){line}. Return a value instead."
        said = info.get("message", "").strip().rstrip(".")
        if info.get("own_raise") is True:
            # The learner's own raise or assert refused this input: what Python or NumPy
            # usually means by that exception says nothing about their check.
            quoted = f': "{said}"' if said else ""
            return (
                f"{call} raised {kind} from a check of your own{line}{quoted}. This input "
                "is one the exercise accepts (see the check's title and the statement), so "
                "that check should let it through: compare the condition you test with "
                "what the statement allows."
            )
        # What usually causes it comes first: a one-line summary keeps it, and Python's
        # own words, the technical part, come last.
        why = explain(info, advice or {}, call.split("(")[0])
        if not why:
            return f"{call} raised {kind}{line}" + (f": {said}." if said else ".")
        python = f' (Python says: "{said}")' if said else ""
        return f"{call} raised {kind}{line}. {why}{python}"
    detail = f"{type(error).__name__}: {error}"[:300]
    return (
        f"The grader hit an internal problem in this check ({detail}). This is not your "
        "fault; please report it to the course maintainers."
    )


_FILE_TROUBLE = ("File too large", "No space left", "Read-only file system")


def _file_trouble(message: str, exercise: Exercise) -> str:
    if "Read-only" in message:
        return (
            "your code tried to write a file outside its scratch folder. The grader runs "
            "your code with a read-only file system; write only to the current folder."
        )
    return (
        f"your code wrote more than the file-size limit of {exercise.limits.file_mb} MiB. "
        "Solutions to these exercises need no large files."
    )


def import_error_message(info: dict) -> str:
    kind, message, line = info.get("type", ""), info.get("message", ""), info.get("line")
    if kind in ("SyntaxError", "IndentationError", "TabError"):
        text = f": {info['text'].strip()}" if info.get("text") else ""
        return (
            f"Your file has a {kind} at line {line}: {message}{text}. Python could not "
            "read the file, so no check could run."
        )
    where = f" at line {line}" if line else ""
    if kind in ("ModuleNotFoundError", "ImportError"):
        return f"Your file could not import something{where}: {message}."
    if kind == "SystemExit":
        return f"Your file stopped the program while being imported{where} (SystemExit)."
    return f"Importing your file raised {kind}{where}: {message}."


class GraderPlugin:
    """Registered by :mod:`grader.grading.runner` for one pytest session."""

    def __init__(self, targets: list[Target], seed: int):
        self.begin(targets, seed)

    def begin(self, targets: list[Target], seed: int) -> None:
        """Serve a run of these targets with this seed (a kept session's next run,
        :mod:`grader.grading.kept_session`)."""
        self.seed = seed
        self.by_suite = {t.exercise.path(t.exercise.suite).resolve(): t for t in targets}
        self._by_node_path: dict[Path, Target] = {}  # resolve() costs syscalls: once per suite

    def pytest_configure(self, config: pytest.Config) -> None:
        # Without the terminal plugin pytest has no --tb option and builds a long traceback,
        # parsing source, for every failing check; the grader never shows it. "native" is
        # cheap, and check messages come from the exceptions themselves.
        config.option.tbstyle = "native"

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        # A failing check's report would carry a traceback pytest formats (about a tenth
        # of a batch's grading time); the grader reads the exception itself and never
        # that text, so each check's report carries only the exception's own line.
        for item in items:
            item.repr_failure = _exception_line
            item._repr_failure_py = _exception_line

    def target_for(self, node: pytest.Item) -> Target:
        if node.path not in self._by_node_path:
            self._by_node_path[node.path] = self.by_suite[Path(node.path).resolve()]
        return self._by_node_path[node.path]

    @pytest.fixture
    def exercise(self, request: pytest.FixtureRequest) -> Exercise:
        return self.target_for(request.node).exercise

    @pytest.fixture
    def submission(self, request: pytest.FixtureRequest) -> Submission:
        proxy = Submission(self.target_for(request.node))
        request.node.grader_submission = proxy
        return proxy

    @pytest.fixture
    def submission_path(self, request: pytest.FixtureRequest) -> Path:
        """The submitted file itself, for submissions that are data (a quiz's answers),
        read and parsed in the grader without running anything."""
        return self.target_for(request.node).submission

    @pytest.fixture
    def rng(self, request: pytest.FixtureRequest) -> np.random.Generator:
        name = request.node.name.encode()
        return np.random.default_rng([self.seed, zlib.crc32(name)])

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        outcome = yield
        report = outcome.get_result()
        if report.when == "call" or (report.when == "setup" and not report.passed):
            self._record(item, call, report)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            path = Path(report.fspath).resolve() if report.fspath else None
            target = self.by_suite.get(path)
            if target is not None:
                target.suite_error = str(report.longrepr)[-2000:]

    def _record(self, item: pytest.Item, call: pytest.CallInfo, report) -> None:
        target = self.target_for(item)
        exercise = target.exercise
        # The title is the docstring's first paragraph, however many lines it is wrapped on.
        text = inspect.cleandoc(getattr(item, "function", None).__doc__ or "")
        doc = [" ".join(text.split("\n\n")[0].split())] if text else []
        weight = item.get_closest_marker("points")
        section = item.get_closest_marker("section")
        check = Check(
            name=item.name.removeprefix("test_"),
            title=doc[0] if doc else item.name.removeprefix("test_").replace("_", " "),
            passed=report.passed,
            weight=float(weight.args[0]) if weight else 1.0,
            section=section.args[0] if section else exercise.section,
        )
        if not report.passed:
            error = call.excinfo.value if call.excinfo else None
            if report.skipped or error is None:
                check.message = "This check did not run."
            else:
                advice = getattr(getattr(item, "module", None), "ERROR_ADVICE", None)
                check.message = learner_message(error, exercise, advice)
                check.unwritten = unwritten_function(error)
                if not check.unwritten and not any(not c.passed for c in target.checks):
                    check.message = _with_source_notes(check.message, target)
                if isinstance(error, CheckFailed) and error.section:
                    check.section = error.section
        proxy = getattr(item, "grader_submission", None)
        if proxy is not None and proxy.outputs:
            check.output = "".join(proxy.outputs)[:OUTPUT_IN_REPORT]
        target.checks.append(check)

    def pytest_sessionfinish(self) -> None:
        for target in self.by_suite.values():
            target.sandbox.close()


def _exception_line(excinfo: pytest.ExceptionInfo, style: str | None = None) -> str:
    """What a failing check's report says: the exception's type and message."""
    return excinfo.exconly()
