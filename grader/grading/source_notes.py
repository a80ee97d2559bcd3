"""Python slips that a learner's values cannot show but their source text does.

When an exercise's first check fails, the report adds what these find in the learner's
file, because each explains failures that otherwise look like a wrong formula: a name that
hides a built-in function (``max = max(a, b)``), a mutable default argument that keeps
what one call put in it for the next (``errors=[]``), and a statement that can never run
(a ``return`` indented under a ``raise``).

The file is only parsed (:mod:`ast`), never run, here in the trusted grader: the text is
data. A file that does not parse, or is too large, gives no notes.
"""

from __future__ import annotations

import ast
import builtins

MAX_SOURCE = 1 << 20  # bytes; a solution is a few kB
MAX_NOTES = 2
# Built-in functions a learner calls in these exercises, and so may hide by a variable.
CALLED_BUILTINS = frozenset(
    name
    for name in ("abs", "all", "any", "float", "int", "len", "list", "max", "min", "pow",
                 "range", "round", "sorted", "sum", "zip", "map", "filter", "dict", "set")
    if hasattr(builtins, name)
)  # fmt: skip
_ENDS_BLOCK = (ast.Return, ast.Raise, ast.Continue, ast.Break)


def notes(source: bytes | str) -> list[str]:
    """What the slips above found in ``source``, in the learner's terms, at most
    :data:`MAX_NOTES`, most telling first."""
    if isinstance(source, bytes):
        if len(source) > MAX_SOURCE:
            return []
        source = source.decode("utf-8", errors="replace")
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    found = _shadowed(tree) + _mutable_defaults(tree) + _unreachable(tree)
    return found[:MAX_NOTES]


def _shadowed(tree: ast.Module) -> list[str]:
    """Built-in names both assigned and called: the call then reaches the value."""
    called = {
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    out, seen = [], set()
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        elif isinstance(node, ast.For):
            targets = [node.target]
        for target in targets:
            for name in ast.walk(target):
                if (
                    isinstance(name, ast.Name)
                    and name.id in CALLED_BUILTINS
                    and name.id in called
                    and name.id not in seen
                ):
                    seen.add(name.id)
                    out.append(
                        f"Line {node.lineno} of your file assigns to {name.id}, which is the "
                        f"name of Python's built-in {name.id}(): from then on (in a function, "
                        f"everywhere in that function) {name.id}(...) means your value, not "
                        f"the built-in, so calling it fails. Give the variable another name."
                    )
    return out


_MUTATORS = frozenset(
    {"append", "extend", "insert", "update", "add", "setdefault", "pop", "clear", "remove"}
)


def _changed(function: ast.AST, name: str) -> bool:
    """Whether the function changes the object ``name`` holds (not only rebinds it)."""
    for node in ast.walk(function):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == name
            and node.func.attr in _MUTATORS
        ):
            return True
        if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            if node.target.id == name:
                return True
        targets = node.targets if isinstance(node, ast.Assign) else []
        for target in targets:
            if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
                if target.value.id == name:
                    return True
    return False


def _mutable_defaults(tree: ast.Module) -> list[str]:
    out = []
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        arguments = node.args
        named = [*arguments.posonlyargs, *arguments.args]
        positional = named[len(named) - len(arguments.defaults) :]
        pairs = list(zip(positional, arguments.defaults, strict=True))
        pairs += [
            (arg, default)
            for arg, default in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True)
            if default is not None
        ]
        for arg, default in pairs:
            mutable = isinstance(default, (ast.List, ast.Dict, ast.Set)) or (
                isinstance(default, ast.Call)
                and isinstance(default.func, ast.Name)
                and default.func.id in ("list", "dict", "set")
            )
            if mutable and _changed(node, arg.arg):
                out.append(
                    f"In {node.name} (line {node.lineno}), the default "
                    f"{arg.arg}={ast.unparse(default)} is made once, when def runs, and "
                    "shared by every call: what one call puts in it is still there in the "
                    "next. Use None as the default and make a new one inside the function."
                )
    return out


def _unreachable(tree: ast.Module) -> list[str]:
    out = []
    for node in ast.walk(tree):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if not isinstance(block, list):
                continue
            for first, after in zip(block, block[1:], strict=False):
                if isinstance(first, _ENDS_BLOCK) and isinstance(after, ast.stmt):
                    word = type(first).__name__.lower()
                    out.append(
                        f"Line {after.lineno} of your file can never run: it comes after a "
                        f"{word} in the same block (line {first.lineno}), so that block "
                        "ends first. Was it meant one indentation level further left?"
                    )
                    break
    return out
