"""Rebuild SymPy expressions from text, without ``eval`` and without evaluation.

The worker sends ``sympy.srepr(expr, order="none")``, e.g. ``Add(Symbol('x'),
Integer(2))``. We parse it with :mod:`ast` and accept only calls of SymPy classes on an
allow-list, with literal arguments (``sympy.parse_expr`` would ``eval`` the text, which a
learner controls). Every node is built with ``evaluate=False``: rebuilding computes
nothing, and it gives back exactly the tree that was sent.

The text is learner-controlled, and the suites go on to expand, substitute, simplify and
print what they get. So an expression is refused, with a sentence for the learner
(:class:`ExpressionTooLarge`), when its literals are out of bounds (integer digits,
exponents, Float precision, derivative orders, size) or when an estimate of what later
use could produce is: the digits of any number, the terms of its full expansion, its
polynomial degree, after substituting what its ``Subs`` would substitute. Honest answers
are a few terms in h and derivatives of f, far inside every bound.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from grader.sandbox import wire

# A twelve-term Taylor series is about 2,500 characters and 600 syntax-tree nodes.
MAX_TEXT = 20_000  # characters of srepr text; parsing costs up to ~10 MB for this many
MAX_PARTS = 5_000  # syntax-tree nodes of that text (about three per SymPy node)
MAX_DEPTH = 100  # nesting of the syntax tree
MAX_NAME = 100  # characters of a symbol or function name
MAX_INTEGER_DIGITS = 100  # of an integer or rational written in the text
MAX_EXPONENT = 100  # size of a number as an exponent
MAX_FLOAT_PRECISION = 1_000  # bits (53 is a double)
MAX_FLOAT_EXPONENT = 1_000  # decimal exponent of a Float
MAX_DERIVATIVE_ORDER = 30
# Estimates of what later use (expand, Subs.doit, simplify, printing) could produce.
MAX_DIGITS = 1_000  # of any number; printing refuses integers past 4,300 digits
MAX_TERMS = 2_000  # of the full expansion of any part (about 0.3 s of sympy.expand)
MAX_DEGREE = 200  # polynomial degree of any part
MAX_WORK = 20_000  # terms summed over all parts

_ADVICE = "Return only the expression the exercise asks for, in its simplest form."
# No run of digits in the text may be longer than a Float of MAX_FLOAT_PRECISION needs:
# checked before parsing, which would turn every integer literal into an int.
_LONGEST_DIGITS = MAX_FLOAT_PRECISION // 3 + 100
_LONG_NUMBER = re.compile(rf"\d{{{_LONGEST_DIGITS + 1}}}")
_FLOAT_TEXT = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE]([-+]?\d+))?")


class SymbolicError(ValueError):
    """The text is not a SymPy expression the grader accepts."""


class ExpressionTooLarge(wire.TooLarge, SymbolicError):
    """An expression beyond the grader's bounds; ``str()`` is a sentence for the learner."""

    def __init__(self, what: str, limit: str):
        super().__init__(what, limit, advice=_ADVICE)


def parse_srepr(text: str) -> Any:
    """Turn ``srepr`` text into a SymPy object, refusing anything but known constructors
    and anything whose later use could compute for long. Nothing is evaluated."""
    import sympy

    if not isinstance(text, str):
        raise SymbolicError("the expression text is missing")
    if len(text) > MAX_TEXT:
        raise ExpressionTooLarge(
            f"an expression of {len(text):,} characters", f"{MAX_TEXT:,} characters"
        )
    if _LONG_NUMBER.search(text):
        raise ExpressionTooLarge(
            f"a number written with more than {_LONGEST_DIGITS:,} digits",
            f"{_LONGEST_DIGITS:,} digits",
        )
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        if "nested" in (exc.msg or ""):
            raise _too_deep() from None
        raise SymbolicError(f"unreadable expression text: {exc.msg}") from None
    except (RecursionError, MemoryError):
        raise _too_deep() from None
    _check_tree(tree)
    expr = _Builder(sympy).build(tree.body)
    if isinstance(expr, sympy.Basic):
        check_cost(expr)
    return expr


def _too_deep() -> ExpressionTooLarge:
    return ExpressionTooLarge(
        f"an expression nested more than {MAX_DEPTH} levels deep", f"{MAX_DEPTH} levels"
    )


def _check_tree(tree: ast.AST) -> None:
    """Size and depth of the syntax tree, iteratively (before any recursion over it)."""
    parts = 0
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        parts += 1
        if parts > MAX_PARTS:
            raise ExpressionTooLarge(
                f"an expression of more than {MAX_PARTS:,} parts", f"{MAX_PARTS:,} parts"
            )
        if depth > MAX_DEPTH:
            raise _too_deep()
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


# --- building -----------------------------------------------------------------------------

_CONSTANTS = ("pi", "E", "I", "oo", "zoo", "nan", "true", "false")
_FUNCTIONS = (
    "sin",
    "cos",
    "tan",
    "exp",
    "log",
    "sqrt",
    "sinh",
    "cosh",
    "tanh",
    "asin",
    "acos",
    "atan",
    "Abs",
    "sign",
)
# Integral is left out on purpose: Subs(...).doit(), which suites call, would integrate.


class _Builder:
    """Builds SymPy objects from an allow-listed syntax tree, each with evaluate=False."""

    def __init__(self, sympy) -> None:
        from sympy.core.assumptions import _assume_defined

        self.sympy = sympy
        self.assumptions = _assume_defined
        self.functions: dict[tuple, Any] = {}
        self.calls: dict[str, Callable[..., Any]] = {
            "Symbol": self.symbol,
            "Dummy": self.symbol,
            "Function": self.function,
            "Integer": self.integer,
            "Rational": self.rational,
            "Float": self.make_float,
            "Add": self.operation,
            "Mul": self.operation,
            "Pow": self.power,
            "Derivative": self.derivative,
            "Subs": self.subs,
            "Tuple": self.make_tuple,
            "Order": self.order,
            **dict.fromkeys(_FUNCTIONS, self.operation),
        }

    def build(self, node: ast.AST) -> Any:
        sympy = self.sympy
        if isinstance(node, ast.Constant) and type(node.value) in (int, str, bool):
            if type(node.value) is int:
                _check_integer(node.value)
            return node.value
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            if isinstance(node.operand, ast.Name) and node.operand.id == "oo":
                return sympy.S.NegativeInfinity
            if isinstance(node.operand, ast.Constant) and type(node.operand.value) is int:
                return -self.build(node.operand)
            raise SymbolicError("a minus sign is allowed only before a number or oo")
        if isinstance(node, ast.Name) and node.id in _CONSTANTS:
            return getattr(sympy, node.id)
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Call):  # an applied function: Function('f')(x)
                maker = self.build(node.func)
                if not isinstance(maker, sympy.core.function.UndefinedFunction) or node.keywords:
                    raise SymbolicError("only a Function('name') can be applied")
                return self.construct(maker, self.expressions(node.args), {"evaluate": False})
            name = getattr(node.func, "id", None) if isinstance(node.func, ast.Name) else None
            if name not in self.calls:
                shown = name if name is not None else type(node.func).__name__
                raise SymbolicError(f"{shown!r} is not allowed in an expression")
            args = [self.build(a) for a in node.args]
            if any(k.arg is None for k in node.keywords):
                raise SymbolicError("** is not allowed in an expression")
            kwargs = {k.arg: self.build(k.value) for k in node.keywords}
            return self.calls[name](name, args, kwargs)
        raise SymbolicError(f"unexpected {type(node).__name__} in an expression")

    def expressions(self, nodes: list[ast.AST]) -> list[Any]:
        built = [self.build(n) for n in nodes]
        for item in built:
            if not isinstance(item, self.sympy.Basic):
                raise SymbolicError(f"{type(item).__name__} where an expression belongs")
        return built

    def construct(self, cls, args: list, kwargs: dict) -> Any:
        try:
            return cls(*args, **kwargs)
        except (TypeError, ValueError, AttributeError) as exc:
            raise SymbolicError(f"an invalid {getattr(cls, '__name__', cls)}: {exc}") from None

    # One method per constructor: what its arguments may be.

    def symbol(self, name: str, args: list, kwargs: dict) -> Any:
        if len(args) != 1 or type(args[0]) is not str or len(args[0]) > MAX_NAME:
            raise SymbolicError(f"{name} needs a name of at most {MAX_NAME} characters")
        extra = {"dummy_index"} if name == "Dummy" else set()
        for key, value in kwargs.items():
            if key in extra and type(value) is int:
                continue
            if key not in self.assumptions or type(value) is not bool:
                raise SymbolicError(f"{name} does not take {key}={value!r}")
        return self.construct(getattr(self.sympy, name), args, kwargs)

    def function(self, name: str, args: list, kwargs: dict) -> Any:
        self.symbol("Symbol", args, kwargs)  # the same rules for its name and assumptions
        key = (args[0], tuple(sorted(kwargs.items())))
        if key not in self.functions:
            self.functions[key] = self.construct(self.sympy.Function, args, kwargs)
        return self.functions[key]

    def integer(self, name: str, args: list, kwargs: dict) -> Any:
        if len(args) != 1 or type(args[0]) is not int or kwargs:
            raise SymbolicError("Integer needs one whole number")
        return self.sympy.Integer(args[0])

    def rational(self, name: str, args: list, kwargs: dict) -> Any:
        if len(args) != 2 or any(type(a) is not int for a in args) or kwargs or not args[1]:
            raise SymbolicError("Rational needs two whole numbers, the second not zero")
        return self.sympy.Rational(*args)

    def make_float(self, name: str, args: list, kwargs: dict) -> Any:
        if len(args) != 1 or type(args[0]) is not str or set(kwargs) - {"precision"}:
            raise SymbolicError("Float needs its digits as text and, optionally, a precision")
        match = _FLOAT_TEXT.fullmatch(args[0])
        if match is None:
            raise SymbolicError(f"{args[0][:40]!r} is not a number")
        precision = kwargs.get("precision", 53)
        if type(precision) is not int or precision < 1:
            raise SymbolicError("a Float's precision is a positive whole number")
        if precision > MAX_FLOAT_PRECISION:
            raise ExpressionTooLarge(
                f"a Float of {precision:,} bits of precision", f"{MAX_FLOAT_PRECISION:,} bits"
            )
        exponent = int(match.group(3) or 0)
        if abs(exponent) > MAX_FLOAT_EXPONENT:
            raise ExpressionTooLarge(
                f"a Float of the order of 10**{exponent:,}",
                f"10**{MAX_FLOAT_EXPONENT:,} either way",
            )
        return self.sympy.Float(args[0], precision=precision)

    def operation(self, name: str, args: list, kwargs: dict) -> Any:
        if kwargs:
            raise SymbolicError(f"{name} takes no keywords here")
        if not args and name not in ("Add", "Mul"):
            raise SymbolicError(f"{name} needs an argument")
        for item in args:
            if not isinstance(item, self.sympy.Basic):
                raise SymbolicError(f"{type(item).__name__} where an expression belongs")
        return self.construct(getattr(self.sympy, name), args, {"evaluate": False})

    def power(self, name: str, args: list, kwargs: dict) -> Any:
        if len(args) != 2:
            raise SymbolicError("Pow needs a base and an exponent")
        return self.operation(name, args, kwargs)

    def derivative(self, name: str, args: list, kwargs: dict) -> Any:
        sympy = self.sympy
        if kwargs or not args:
            raise SymbolicError("Derivative needs an expression and its variables")
        order = 0
        for spec in args[1:]:
            if isinstance(spec, sympy.Tuple) and len(spec) == 2:
                count = spec[1]
                if not isinstance(count, sympy.Integer) or count < 0:
                    raise SymbolicError("a derivative's order must be a whole number")
                order += int(count)
            elif isinstance(spec, (sympy.Symbol, sympy.Tuple)):
                order += 1
            else:
                raise SymbolicError("a derivative is taken with respect to a symbol")
            if order > MAX_DERIVATIVE_ORDER:
                raise ExpressionTooLarge(
                    f"a derivative of order {order:,}", f"order {MAX_DERIVATIVE_ORDER}"
                )
        return self.operation(name, args, kwargs)

    def subs(self, name: str, args: list, kwargs: dict) -> Any:
        if len(args) != 3:
            raise SymbolicError("Subs needs an expression, variables and points")
        return self.operation(name, args, kwargs)

    def make_tuple(self, name: str, args: list, kwargs: dict) -> Any:
        if kwargs:
            raise SymbolicError("Tuple takes no keywords")
        return self.construct(self.sympy.Tuple, self.expressions_of(args), {})

    def expressions_of(self, args: list) -> list:
        for item in args:
            if not isinstance(item, self.sympy.Basic):
                raise SymbolicError(f"{type(item).__name__} where an expression belongs")
        return args

    def order(self, name: str, args: list, kwargs: dict) -> Any:
        # Order's constructor has no evaluate=False: it works out a leading term, which for
        # several variables can take seconds. The one-variable O(...) that series() writes
        # is stored as sent instead, as its canonical form already is.
        sympy = self.sympy
        if kwargs or len(args) != 2 or not isinstance(args[0], sympy.Basic):
            raise SymbolicError("O(...) is accepted in one variable only")
        spec = args[1]
        if not (
            isinstance(spec, sympy.Tuple)
            and len(spec) == 2
            and isinstance(spec[0], sympy.Symbol)
            and spec[1].is_Atom
        ):
            raise SymbolicError("O(...) is accepted in one variable only")
        return sympy.Expr.__new__(sympy.Order, args[0], spec)


def _check_integer(value: int) -> None:
    digits = len(str(abs(value)))  # bounded: the text has no longer digit runs
    if digits > MAX_INTEGER_DIGITS:
        raise ExpressionTooLarge(
            f"an integer of {digits:,} digits", f"{MAX_INTEGER_DIGITS:,} digits"
        )


# --- what later use could cost ------------------------------------------------------------


@dataclass(frozen=True)
class Cost:
    """Upper estimates for one expression, after evaluation, expansion and substitution.

    digits: of any number that evaluating it can produce; terms: of its full expansion;
    degree: as a polynomial in its symbols and function values; interior: products,
    powers and function applications, each of which the product or chain rule turns into
    several terms per differentiation.
    """

    digits: int
    terms: int
    degree: int
    interior: int


_ATOM = Cost(digits=0, terms=1, degree=1, interior=0)
_CONSTANT = Cost(digits=1, terms=1, degree=0, interior=0)


def check_cost(expr: Any) -> Cost:
    """The cost estimate of ``expr``; raises :class:`ExpressionTooLarge` past a bound."""
    return _Costing().cost(expr, {})


class _Costing:
    def __init__(self) -> None:
        import sympy

        self.sympy = sympy
        self.work = 0

    def cost(self, expr: Any, env: dict) -> Cost:
        result = self._cost(expr, env)
        self.work += result.terms
        if self.work > MAX_WORK:
            raise ExpressionTooLarge(
                f"an expression whose expansion could grow past {MAX_WORK:,} terms in all",
                f"{MAX_WORK:,} terms",
            )
        if result.terms > MAX_TERMS:
            raise ExpressionTooLarge(
                f"an expression whose expansion could grow past {MAX_TERMS:,} terms",
                f"{MAX_TERMS:,} terms",
            )
        if result.digits > MAX_DIGITS:
            raise ExpressionTooLarge(
                f"an expression that could work out to numbers of more than {MAX_DIGITS:,} digits",
                f"{MAX_DIGITS:,} digits",
            )
        if result.degree > MAX_DEGREE:
            raise ExpressionTooLarge(
                f"an expression of degree {result.degree:,}", f"degree {MAX_DEGREE}"
            )
        return result

    def _cost(self, expr: Any, env: dict) -> Cost:
        sympy = self.sympy
        if expr in env:
            return env[expr]
        if isinstance(expr, sympy.Symbol):
            return _ATOM
        if isinstance(expr, sympy.Float):
            mpf = expr._mpf_  # (sign, mantissa, exponent, bit count)
            magnitude = abs(mpf[2] + mpf[3]) if mpf[1] else 0
            return Cost(_digits_of_bits(expr._prec) + _digits_of_bits(magnitude), 1, 0, 0)
        if isinstance(expr, sympy.Rational):  # Integer too
            return Cost(_digits(expr.p) + (_digits(expr.q) if expr.q != 1 else 0), 1, 0, 0)
        if isinstance(expr, sympy.Number) or expr.is_Atom:  # pi, I, oo, nan, true, ...
            return _CONSTANT
        if isinstance(expr, sympy.Subs):
            body, variables, points = expr.args
            inner = dict(env)
            for variable, point in zip(variables, points, strict=True):
                inner[variable] = self.cost(point, env)
            return self.cost(body, inner)
        parts = [self.cost(arg, env) for arg in expr.args]
        interior = sum(p.interior for p in parts)
        if isinstance(expr, sympy.Add):
            return Cost(
                sum(p.digits for p in parts),
                sum(p.terms for p in parts),
                max((p.degree for p in parts), default=0),
                interior,
            )
        if isinstance(expr, sympy.Mul):
            return Cost(
                sum(p.digits for p in parts),
                _product((p.terms for p in parts), MAX_TERMS),
                sum(p.degree for p in parts),
                interior + 1,
            )
        if isinstance(expr, sympy.Pow):
            base, exponent = parts
            times = self.exponent_bound(expr.args[1], exponent)
            return Cost(
                base.digits * times + exponent.digits,
                _monomials(base.terms, times, MAX_TERMS),
                base.degree * times,
                interior + 1,
            )
        if isinstance(expr, sympy.Derivative):
            body = parts[0]
            order = sum(int(count) for _, count in expr.variable_count)
            growth = _product([1 + body.interior] * order, MAX_TERMS)
            return Cost(
                body.digits + order * _digits(max(body.degree, 1)),
                _product([body.terms, growth], MAX_TERMS),
                body.degree,
                body.interior,
            )
        if isinstance(expr, (sympy.Tuple, sympy.Order)):
            return Cost(
                max((p.digits for p in parts), default=0),
                sum(p.terms for p in parts),
                max((p.degree for p in parts), default=0),
                interior,
            )
        if isinstance(expr, sympy.Function):  # sin(x), f(x): one term, a new generator
            own = 0 if isinstance(expr, sympy.core.function.AppliedUndef) else 1
            return Cost(max((p.digits for p in parts), default=0), 1, 1, interior + own)
        raise SymbolicError(f"{type(expr).__name__} is not allowed in an expression")

    def exponent_bound(self, exponent: Any, cost: Cost) -> int:
        """How many times a power multiplies its base, at most (1 for roots)."""
        sympy = self.sympy
        if isinstance(exponent, (sympy.Rational, sympy.Float)):
            if abs(exponent) > MAX_EXPONENT:
                raise ExpressionTooLarge(
                    f"a power with exponent {_short(exponent)}",
                    f"an exponent between -{MAX_EXPONENT} and {MAX_EXPONENT}",
                )
            return max(1, math.ceil(abs(float(exponent))))
        # An unevaluated exponent may work out to any number its digits can write.
        return 10 ** min(cost.digits, 7)


def _digits(n: int) -> int:
    n = abs(n)
    return 1 if n < 10 else math.floor(n.bit_length() * math.log10(2)) + 1


def _digits_of_bits(bits: int) -> int:
    return math.ceil(bits * math.log10(2))


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:20] + "..." + text[-10:]


def _product(values, cap: int) -> int:
    """The product of positive integers, saturating just above ``cap``."""
    result = 1
    for value in values:
        result *= value
        if result > cap:
            return cap + 1
    return result


def _monomials(terms: int, power: int, cap: int) -> int:
    """Terms of (t_1 + ... + t_terms) ** power expanded: C(power + terms - 1, terms - 1),
    saturating just above ``cap``."""
    result = 1
    for i in range(1, terms):
        result = result * (power + i) // i
        if result > cap:
            return cap + 1
    return result
