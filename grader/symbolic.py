"""Rebuild SymPy expressions from text without evaluating arbitrary code.

The worker sends ``sympy.srepr(expr)``, e.g. ``Add(Symbol('x'), Integer(2))``. We parse it
with :mod:`ast` and accept only calls of SymPy classes on an allow-list, with literal
arguments. ``sympy.parse_expr`` would ``eval`` the text, which a learner controls.
"""

from __future__ import annotations

import ast
from typing import Any

# srepr only ever produces constructors like these; anything else is refused.
_ALLOWED = {
    "Symbol",
    "Dummy",
    "Function",
    "Integer",
    "Rational",
    "Float",
    "Half",
    "One",
    "Zero",
    "NegativeOne",
    "Pi",
    "E",
    "ImaginaryUnit",
    "Infinity",
    "NegativeInfinity",
    "ComplexInfinity",
    "NaN",
    "Add",
    "Mul",
    "Pow",
    "Derivative",
    "Subs",
    "Tuple",
    "Order",
    "Abs",
    "sign",
    "sin",
    "cos",
    "tan",
    "exp",
    "log",
    "sqrt",
    "sinh",
    "cosh",
    "tanh",
    "AppliedUndef",
    "Integral",
    "oo",
    "zoo",
    "nan",
    "I",
    "pi",
    "BooleanTrue",
    "BooleanFalse",
    "UndefinedFunction",
}
MAX_TEXT = 200_000


class SymbolicError(ValueError):
    """The text is not a SymPy expression the grader accepts."""


def parse_srepr(text: str) -> Any:
    """Turn ``srepr`` text into a SymPy object, refusing anything but known constructors."""
    import sympy

    if not isinstance(text, str) or len(text) > MAX_TEXT:
        raise SymbolicError("the expression text is missing or too long")
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise SymbolicError(f"unreadable expression text: {exc.msg}") from None

    undefined: dict[str, Any] = {}

    def build(node: ast.AST) -> Any:
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float, str, bool)):
            return node.value
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -build(node.operand)
        if isinstance(node, ast.Tuple):
            return tuple(build(e) for e in node.elts)
        if isinstance(node, ast.Name) and node.id in _ALLOWED:
            return getattr(sympy, node.id) if hasattr(sympy, node.id) else _special(node.id)
        if isinstance(node, ast.Call):
            # Applied undefined functions look like Function('f')(Symbol('x')).
            if isinstance(node.func, ast.Call):
                maker = build(node.func)
                return maker(*[build(a) for a in node.args])
            if not isinstance(node.func, ast.Name) or node.func.id not in _ALLOWED:
                name = getattr(node.func, "id", "?")
                raise SymbolicError(f"{name!r} is not allowed in an expression")
            args = [build(a) for a in node.args]
            kwargs = {k.arg: build(k.value) for k in node.keywords}
            if node.func.id == "Function":
                key = (args[0], tuple(sorted(kwargs.items())))
                return undefined.setdefault(key, sympy.Function(*args, **kwargs))
            return getattr(sympy, node.func.id)(*args, **kwargs)
        raise SymbolicError(f"unexpected {type(node).__name__} in an expression")

    return build(tree.body)


def _special(name: str) -> Any:
    import sympy

    return {"AppliedUndef": sympy.core.function.AppliedUndef}.get(name) or sympy.S(name)
