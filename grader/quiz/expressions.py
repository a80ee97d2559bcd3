"""Typed expressions and numbers, read safely: :mod:`ast` against an allow-list, turned into
SymPy objects node by node (never ``eval``, ``sympify`` or ``parse_expr`` on learner text),
within bounds of size and time."""

from __future__ import annotations

import ast
import math
import re
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from grader.quiz.model import (
    CHECK_SECONDS,
    FUNCTIONS,
    MAX_EXPONENT,
    MAX_EXPRESSION,
    MAX_INTEGER,
    MAX_NODES,
    AnswerError,
    ExpressionError,
)

_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_ALLOWED_TEXT = "numbers, + - * / ** and parentheses"


def _allowed(variables: tuple[str, ...], functions: tuple[str, ...]) -> str:
    names = " and ".join(", ".join(variables).rsplit(", ", 1)) if variables else ""
    parts = [
        f"the names {names}" if len(variables) > 1 else (f"the name {names}" if variables else ""),
        _ALLOWED_TEXT,
    ]
    if functions:
        parts.append("the functions " + ", ".join(f"{f}(...)" for f in functions))
    return "; ".join(p for p in parts if p)


def parse_expression(
    text: str, variables: tuple[str, ...] = ("x", "h"), functions: tuple[str, ...] = ()
) -> Any:
    """Typed text -> a SymPy expression, or :class:`ExpressionError` with a friendly reason.

    The text is parsed by :func:`ast.parse` only; every node is checked against an
    allow-list and rebuilt with SymPy operations. Nothing is evaluated by Python.
    """
    import sympy

    if not isinstance(text, str):
        raise ExpressionError('An expression answer must be text, such as "2*x + h".')
    source = text.strip()
    if not source:
        raise ExpressionError("The answer is empty: type an expression.")
    if len(source) > MAX_EXPRESSION:
        raise ExpressionError(
            f"That is {len(source)} characters long; an answer here fits in {MAX_EXPRESSION}."
        )
    if "^" in source:
        raise ExpressionError("Write powers with ** in Python syntax: x**2, not x^2.")
    _refuse_lookalikes(source)
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(_syntax_message(source, exc)) from None
    nodes = sum(1 for _ in ast.walk(tree))
    if nodes > MAX_NODES:
        raise ExpressionError(
            "That expression is longer than any answer here needs; write it more simply."
        )
    symbols = {name: sympy.Symbol(name) for name in variables}
    allowed = _allowed(variables, functions)

    def refuse(what: str) -> ExpressionError:
        return ExpressionError(f"{what} cannot be used here. Use only {allowed}.")

    def build(node: ast.AST) -> Any:
        if isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise refuse(f"The value {value!r}")
            if isinstance(value, int):
                if abs(value) > MAX_INTEGER:
                    raise ExpressionError(
                        f"The number {value} is larger than this checker accepts."
                    )
                return sympy.Integer(value)
            if not math.isfinite(value):
                raise ExpressionError("Numbers must be finite.")
            return sympy.Rational(repr(value))  # 0.1 stays exactly 1/10
        if isinstance(node, ast.Name):
            if node.id in symbols:
                return symbols[node.id]
            if node.id in functions:
                raise ExpressionError(f"{node.id} is a function: call it, as in {node.id}(x).")
            raise refuse(f"The name {node.id!r}")
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = build(node.operand)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            left, right = build(node.left), build(node.right)
            if isinstance(node.op, ast.Pow):
                return _power(left, right)
            if isinstance(node.op, ast.Add):
                return left + right
            if isinstance(node.op, ast.Sub):
                return left - right
            if isinstance(node.op, ast.Mult):
                return left * right
            return left / right
        if isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else None
            if name is None or name not in functions:
                shown = name or ast.unparse(node.func)[:40]
                raise refuse(f"The call {shown}(...)")
            if node.keywords or len(node.args) != 1:
                raise ExpressionError(f"{name}(...) takes exactly one argument.")
            return getattr(sympy, FUNCTIONS[name])(build(node.args[0]))
        if isinstance(node, ast.BinOp):
            raise refuse(f"The operator in {ast.unparse(node)[:40]!r}")
        raise refuse(f"{ast.unparse(node)[:40]!r}")

    try:
        with time_limit(CHECK_SECONDS):
            expr = build(tree.body)
    except ExpressionError:
        raise
    except Exception as exc:  # SymPy refused an operation: an answer, not a grader crash
        raise ExpressionError(
            f"That expression could not be read ({type(exc).__name__}); write it in a simpler form."
        ) from None
    if expr.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        raise ExpressionError("That expression divides by zero.")
    return expr


# Characters a learner types from habit (a word processor, a phone, another language's
# conventions) that Python does not read; each gets a sentence instead of a syntax error.
_LOOKALIKES = {
    "\u2212": ("−", "-", "a minus sign"),
    "\u2013": ("–", "-", "a minus sign"),
    "\u00d7": ("×", "*", "a product"),
    "\u00b7": ("·", "*", "a product"),
    "\u22c5": ("⋅", "*", "a product"),
    "\u00f7": ("÷", "/", "a division"),
    "\u00b2": ("²", "**2", "a square"),
    "\u00b3": ("³", "**3", "a cube"),
}


def _refuse_lookalikes(source: str) -> None:
    for char, (shown, plain, what) in _LOOKALIKES.items():
        if char in source:
            raise ExpressionError(
                f"Type {plain} for {what}, not {shown}: the answer is read as Python, "
                "which knows only the keyboard's plain symbols."
            )
    if re.search(r"\d\s*,\s*\d", source):
        raise ExpressionError(
            "Write decimals with a point, not a comma: 3.01, not 3,01 (the answer is read "
            "as Python)."
        )
    if re.search(r"\d*\.\d*\.", source):
        raise ExpressionError("A number has at most one decimal point, as in 3.01.")


def _power(base: Any, exponent: Any) -> Any:
    import sympy

    if not exponent.is_Number or abs(exponent) > MAX_EXPONENT:
        raise ExpressionError(
            f"Powers must be plain numbers between -{MAX_EXPONENT} and {MAX_EXPONENT}, as in x**2."
        )
    if base.is_Number and base != 0:
        # Bound the size of a number before SymPy computes it: 9**20**20 would never end.
        if abs(float(exponent)) * abs(math.log10(abs(float(base)))) > 300:
            raise ExpressionError("That power is larger than this checker accepts.")
    result = sympy.Pow(base, exponent)
    for power in result.atoms(sympy.Pow):  # (x**20)**20 becomes x**400
        if power.exp.is_Number and abs(power.exp) > MAX_EXPONENT:
            raise ExpressionError(f"Powers must stay between -{MAX_EXPONENT} and {MAX_EXPONENT}.")
    return result


def _syntax_message(source: str, exc: SyntaxError) -> str:
    opened, closed = source.count("("), source.count(")")
    if opened != closed:
        reason = f"the parentheses do not match: {opened} opened and {closed} closed"
    elif re.search(r"\d\s*[A-Za-z_(]|\)\s*[\w(]|[A-Za-z_]\w*\s+[\w(]", source):
        reason = "a multiplication sign seems to be missing: write 2*x, not 2x or 2 x"
    elif re.search(r"[-+*/]\s*$", source):
        reason = "it ends with an operator; something is missing after it"
    else:
        reason = (exc.msg or "invalid syntax").removesuffix(".")
    pointer = ""
    if exc.offset and exc.lineno == 1:
        column = min(max(exc.offset - 1, 0), len(source))
        pointer = f"\n    {source}\n    {' ' * column}^"
    return (
        f"I could not read that as an expression: {reason}.{pointer}\nUse Python "
        "syntax, e.g. (x + h)**2 for a square and 2*h for a product."
    )


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Stop a symbolic computation that runs too long (main thread on POSIX only; else a
    no-op). A learner's answer is small, so this is a guard against crafted input."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable or _timer_depth[0]:  # nested: the outer limit already runs
        yield
        return

    def expire(signum, frame):
        raise ExpressionError("Checking that expression took too long; write it more simply.")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    _timer_depth[0] += 1
    try:
        yield
    finally:
        _timer_depth[0] -= 1
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


_timer_depth = [0]


def parse_number(text: str) -> float:
    """A typed number: ``3.01``, ``1e-5``, or arithmetic on numbers (``(1.331-0.729)/0.2``)."""
    if isinstance(text, bool) or not isinstance(text, (str, int, float)):
        raise AnswerError("The answer should be a number, such as 3.5 or 1e-5.")
    if isinstance(text, (int, float)):
        value = float(text)
    else:
        try:
            value = float(text.strip())
        except ValueError:
            try:
                expr = parse_expression(text, variables=())
            except ExpressionError as exc:
                raise AnswerError(
                    "The answer should be a number, such as 3.5 or 1e-5 "
                    f"(arithmetic on numbers works too). {exc}"
                ) from None
            value = float(expr)
    if not math.isfinite(value):
        raise AnswerError("The answer should be a finite number.")
    return value
