"""Typed expressions and numbers, read safely and checked exactly.

One definition, implemented twice: here for the terminal and ``course grade``, and in
site/assets/course/quiz.js for the site. Both read the text with the same small grammar
(numbers, the question's variables, + - * / **, parentheses; never ``eval``, ``ast`` or
SymPy on learner text), give the same message for the same mistake, and compute with the
same exact arithmetic: every answer is a rational function of the variables (polynomials
with rational coefficients, over one another), so "depends on h", "equals 2*x" and "the
limit as h -> 0" are decided exactly, and printed the same way, in both. The project's
tests run a corpus of answers per lesson through both (tests/test_quiz_agreement.py).
"""

from __future__ import annotations

import math
import re
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction

from grader.quiz.model import (
    CHECK_SECONDS,
    MAX_DEGREE,
    MAX_EXPONENT,
    MAX_EXPRESSION,
    MAX_INTEGER,
    MAX_NODES,
    MAX_TERMS,
    AnswerError,
    ExpressionError,
)

_ALLOWED_TEXT = "numbers, + - * / ** and parentheses"
_SPACE = " \t\r\n\f\v"
_NUMBER = re.compile(r"(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
SYNTAX_HELP = "Use Python syntax, e.g. (x + h)**2 for a square and 2*h for a product."

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


def allowed_text(variables: tuple[str, ...]) -> str:
    if not variables:
        return _ALLOWED_TEXT
    if len(variables) == 1:
        return f"the name {variables[0]}; {_ALLOWED_TEXT}"
    names = ", ".join(variables[:-1]) + " and " + variables[-1]
    return f"the names {names}; {_ALLOWED_TEXT}"


# --- exact arithmetic: polynomials and rational functions ---------------------------------
# A polynomial is a dict {exponents: Fraction} with no zero coefficient; exponents is a
# tuple, one entry per variable in the question's order. A rational function is a pair
# (numerator, denominator) of polynomials, the denominator never zero.

Poly = dict


def _const(value: Fraction, n: int) -> Poly:
    return {(0,) * n: Fraction(value)} if value else {}


def _var(index: int, n: int) -> Poly:
    return {tuple(1 if i == index else 0 for i in range(n)): Fraction(1)}


def _put(out: dict, key, value: Fraction) -> None:
    """Add ``value`` to the coefficient of ``key`` in ``out``; a term that cancels goes."""
    total = out.get(key, 0) + value
    if total:
        out[key] = total
    else:
        out.pop(key, None)


def _add(a: dict, b: dict, sign: int = 1) -> dict:
    """a + sign * b for sums kept as {term: coefficient}: a Poly or a written sum below."""
    out = dict(a)
    for key, value in b.items():
        _put(out, key, sign * value)
    return out


def _mul(a: Poly, b: Poly) -> Poly:
    out: Poly = {}
    for ka, va in a.items():
        for kb, vb in b.items():
            _put(out, tuple(x + y for x, y in zip(ka, kb, strict=True)), va * vb)
    return out


def _scale(a: Poly, factor: Fraction) -> Poly:
    return {k: v * factor for k, v in a.items()} if factor else {}


def _is_const(a: Poly) -> bool:
    return all(not any(k) for k in a)


def _const_value(a: Poly) -> Fraction:
    return next(iter(a.values())) if a else Fraction(0)


def _derivative(a: Poly, index: int) -> Poly:
    out: Poly = {}
    for key, value in a.items():
        if key[index]:
            new = list(key)
            new[index] -= 1
            out[tuple(new)] = value * key[index]
    return out


def _order(key: tuple[int, ...]) -> tuple:
    """Sort key of a term: highest total degree first, then by the variables in order."""
    return (-sum(key), tuple(-e for e in key))


def _sorted(a: Poly) -> list[tuple[tuple[int, ...], Fraction]]:
    return sorted(a.items(), key=lambda item: _order(item[0]))


def _divide_exactly(a: Poly, b: Poly) -> Poly | None:
    """a / b when b divides a exactly, else None (division by leading terms)."""
    if not b:
        return None
    lead_key, lead = _sorted(b)[0]
    quotient: Poly = {}
    rest = dict(a)
    while rest:
        key, value = _sorted(rest)[0]
        diff = tuple(x - y for x, y in zip(key, lead_key, strict=True))
        if min(diff) < 0:
            return None
        term = {diff: value / lead}
        quotient = _add(quotient, term)
        rest = _add(rest, _mul(term, b), -1)
    return quotient


@dataclass(frozen=True)
class Rational:
    """A rational function num/den of the variables; den is never the zero polynomial."""

    num: Poly
    den: Poly

    def depends_on(self, index: int) -> bool:
        """Whether the value changes with variable ``index``: d/dv (num/den) is not 0."""
        top = _add(
            _mul(_derivative(self.num, index), self.den),
            _mul(self.num, _derivative(self.den, index)),
            -1,
        )
        return bool(top)

    def equals(self, other: Rational) -> bool:
        return not _add(_mul(self.num, other.den), _mul(other.num, self.den), -1)

    def is_constant(self) -> bool:
        return _is_const(self.num) and _is_const(self.den)

    def value(self) -> Fraction:
        return _const_value(self.num) / _const_value(self.den)


def _normal(num: Poly, den: Poly, n: int) -> Rational:
    if not den:
        raise ExpressionError("That expression divides by zero.")
    if not num:
        return Rational({}, _const(Fraction(1), n))
    if _is_const(den):
        return _guard(Rational(_scale(num, 1 / _const_value(den)), _const(Fraction(1), n)))
    low = tuple(min(k[i] for k in (*num, *den)) for i in range(n))
    if any(low):
        num = {tuple(x - y for x, y in zip(k, low, strict=True)): v for k, v in num.items()}
        den = {tuple(x - y for x, y in zip(k, low, strict=True)): v for k, v in den.items()}
    return _guard(Rational(num, den))


def _guard(value: Rational) -> Rational:
    for poly in (value.num, value.den):
        if len(poly) > MAX_TERMS or any(e > MAX_DEGREE for k in poly for e in k):
            raise ExpressionError(
                "That expression grows too large once multiplied out; write it more simply."
            )
    return value


def _r_add(a: Rational, b: Rational, n: int, sign: int = 1) -> Rational:
    if a.den == b.den:
        return _normal(_add(a.num, b.num, sign), a.den, n)
    return _normal(_add(_mul(a.num, b.den), _mul(b.num, a.den), sign), _mul(a.den, b.den), n)


def _r_mul(a: Rational, b: Rational, n: int) -> Rational:
    return _normal(_mul(a.num, b.num), _mul(a.den, b.den), n)


def _r_div(a: Rational, b: Rational, n: int) -> Rational:
    if not b.num:
        raise ExpressionError("That expression divides by zero.")
    return _normal(_mul(a.num, b.den), _mul(a.den, b.num), n)


def _log10(value: Fraction) -> float:
    return math.log10(abs(value.numerator)) - math.log10(value.denominator)


def _r_pow(base: Rational, exponent: Rational, n: int) -> Rational:
    if not exponent.is_constant() or abs(exponent.value()) > MAX_EXPONENT:
        raise ExpressionError(
            f"Powers must be plain numbers between -{MAX_EXPONENT} and {MAX_EXPONENT}, as in x**2."
        )
    power = exponent.value()
    if power.denominator != 1:
        raise ExpressionError("Powers must be whole numbers here, as in x**2 or h**-1.")
    k = int(power)
    if base.is_constant() and base.num and abs(k) * abs(_log10(base.value())) > 300:
        raise ExpressionError("That power is larger than this checker accepts.")
    result = Rational(_const(Fraction(1), n), _const(Fraction(1), n))
    for _ in range(abs(k)):
        result = _r_mul(result, base, n)
    if k < 0:
        result = _r_div(Rational(_const(Fraction(1), n), _const(Fraction(1), n)), result, n)
    return result


def _shift(poly: Poly, index: int, by: Fraction, n: int) -> Poly:
    """poly with variable ``index`` replaced by (variable + by)."""
    if not by:
        return poly
    out: Poly = {}
    step = Rational(_add(_var(index, n), _const(by, n)), _const(Fraction(1), n)).num
    for key, value in poly.items():
        rest = list(key)
        rest[index] = 0
        term: Poly = {tuple(rest): value}
        for _ in range(key[index]):
            term = _mul(term, step)
        out = _add(out, term)
    return out


def _lowest(poly: Poly, index: int) -> tuple[int, Poly]:
    """(k, p0): poly = v**k * (p0 + terms with v), p0 free of v, for v the variable ``index``."""
    k = min(key[index] for key in poly)
    return k, {
        tuple(0 if i == index else e for i, e in enumerate(key)): value
        for key, value in poly.items()
        if key[index] == k
    }


def limit_of(expr: Expression, name: str, at: Fraction) -> Rational | None:
    """The limit of ``expr`` as the variable ``name`` goes to ``at``, exactly: write the
    rational function as v**(a - b) * p0/q0 around the point; None when it is infinite."""
    n = len(expr.variables)
    index = expr.variables.index(name)
    num = _shift(expr.value.num, index, at, n)
    den = _shift(expr.value.den, index, at, n)
    if not num:
        return Rational({}, _const(Fraction(1), n))
    a, p0 = _lowest(num, index)
    b, q0 = _lowest(den, index)
    if a > b:
        return Rational({}, _const(Fraction(1), n))
    if a < b:
        return None
    return _normal(p0, q0, n)


# --- printing, the same in quiz.js ---------------------------------------------------------


def _term_text(key: tuple[int, ...], coeff: Fraction, names: tuple[str, ...]) -> str:
    factors = [name if e == 1 else f"{name}**{e}" for name, e in zip(names, key, strict=True) if e]
    size = abs(coeff)
    if not factors:
        return str(size)
    text = "*".join(factors)
    if size.numerator != 1:
        text = f"{size.numerator}*{text}"
    if size.denominator != 1:
        text = f"{text}/{size.denominator}"
    return text


def poly_text(poly: Poly, names: tuple[str, ...]) -> str:
    if not poly:
        return "0"
    out = ""
    for i, (key, coeff) in enumerate(_sorted(poly)):
        term = _term_text(key, coeff, names)
        if i == 0:
            out = ("-" if coeff < 0 else "") + term
        else:
            out += (" - " if coeff < 0 else " + ") + term
    return out


def rational_text(value: Rational, names: tuple[str, ...]) -> str:
    """A rational function as a learner would write it: ``2*x + h``, ``x/(x + h)``."""
    num, den = value.num, value.den
    if _is_const(den):
        return poly_text(_scale(num, 1 / _const_value(den)), names)
    quotient = _divide_exactly(num, den)
    if quotient is not None:
        return poly_text(quotient, names)
    # Whole coefficients with no common factor, and a positive leading denominator term.
    coeffs = [*num.values(), *den.values()]
    lcm = 1
    for c in coeffs:
        lcm = lcm * c.denominator // math.gcd(lcm, c.denominator)
    num, den = _scale(num, Fraction(lcm)), _scale(den, Fraction(lcm))
    common = 0
    for c in (*num.values(), *den.values()):
        common = math.gcd(common, c.numerator)
    sign = 1 if _sorted(den)[0][1] > 0 else -1
    num, den = _scale(num, Fraction(sign, common)), _scale(den, Fraction(sign, common))
    flipped = _divide_exactly(den, num)
    if flipped is not None:
        num, den = _const(Fraction(1), len(names)), flipped
        if _sorted(den)[0][1] < 0:
            num, den = _scale(num, Fraction(-1)), _scale(den, Fraction(-1))
    top = poly_text(num, names)
    bottom = poly_text(den, names)
    if len(num) > 1:
        top = f"({top})"
    single = len(den) == 1 and _sorted(den)[0][1] == 1 and sum(1 for e in next(iter(den)) if e) == 1
    if not single:
        bottom = f"({bottom})"
    return f"{top}/{bottom}"


# --- the written form: what "depends on h" means ------------------------------------------
# The central difference of x**2 equals 2*x exactly, and so does 2*x*h/h: only the way an
# answer is written tells a difference quotient from a derivative with h decorating it. The
# written form keeps every sum that is multiplied, divided or raised to a power as one
# opaque factor (as a program computes f(x + h)), and otherwise combines like terms and
# cancels equal factors, as SymPy does on its own: 2*x*h/h becomes 2*x, but
# ((x + h)**2 - (x - h)**2)/(2*h) keeps its h. A sum is a dict {monomial: Fraction}; a
# monomial a sorted tuple of (factor, exponent), a factor a variable's name or a frozen
# sum's text.


def _w_text(a: dict) -> str:
    def term(key, value) -> str:
        return "*".join([str(value), *(f"{f}**{e}" for f, e in key)])

    return "(" + " + ".join(term(k, v) for k, v in sorted(a.items())) + ")"


def _w_freeze(a: dict, frees: dict) -> dict:
    """A sum of several terms, as one factor; a single term as it is."""
    if len(a) < 2:
        return a
    text = _w_text(a)
    frees[text] = frozenset(v for key in a for f, _ in key for v in frees.get(f, {f}))
    return {((text, 1),): Fraction(1)}


def _w_monomial(*parts: tuple) -> tuple:
    exps: dict[str, int] = {}
    for part, times in parts:
        for f, e in part:
            exps[f] = exps.get(f, 0) + e * times
    return tuple(sorted((f, e) for f, e in exps.items() if e))


def _w_mul(a: dict, b: dict, frees: dict, divide: bool = False) -> dict:
    a = a if _w_number(a) is not None else _w_freeze(a, frees)
    b = b if _w_number(b) is not None else _w_freeze(b, frees)
    out: dict = {}
    for ka, va in a.items():
        for kb, vb in b.items():
            key = _w_monomial((ka, 1), (kb, -1 if divide else 1))
            out = _add(out, {key: va / vb if divide else va * vb})
    return out


def _w_number(a: dict) -> Fraction | None:
    if not a:
        return Fraction(0)
    if len(a) == 1 and () in a:
        return a[()]
    return None


def _w_pow(a: dict, k: int, frees: dict) -> dict:
    number = _w_number(a)
    if number is not None:
        return {(): number**k} if number**k else {}
    a = _w_freeze(a, frees)
    ((key, value),) = a.items()
    return {_w_monomial((key, k)): value**k}


def _written(node: Node, frees: dict, number) -> dict:
    if node.type == "num":
        value = number(node.text)
        return {(): value} if value else {}
    if node.type == "var":
        return {((node.text, 1),): Fraction(1)}
    if node.type == "neg":
        return {k: -v for k, v in _written(node.left, frees, number).items()}
    left = _written(node.left, frees, number)
    right = _written(node.right, frees, number)
    if node.text in "+-":
        return _add(left, right, 1 if node.text == "+" else -1)
    if node.text == "*":
        return _w_mul(left, right, frees)
    if node.text == "/":
        return _w_mul(left, right, frees, divide=True)
    return _w_pow(left, int(_w_number(right)), frees)


def _w_variables(a: dict, frees: dict) -> frozenset[str]:
    return frozenset(v for key in a for f, _ in key for v in frees.get(f, {f}))


# --- reading typed text -------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    kind: str  # number, name, op, bad
    text: str


@dataclass(frozen=True)
class Node:
    type: str  # num, var, neg, bin, call
    text: str = ""  # the number or name as typed, or the operator
    left: Node | None = None
    right: Node | None = None


@dataclass(frozen=True)
class Expression:
    """A typed expression, read: its value and the variables some divisor depends on."""

    value: Rational
    variables: tuple[str, ...]
    divides_by: frozenset[str]
    written: frozenset[str]  # the variables its written form keeps (see above)

    def depends_on(self, name: str) -> bool:
        """Whether the answer, as written, still holds ``name`` once equal factors cancel."""
        return name in self.written

    def text(self) -> str:
        return rational_text(self.value, self.variables)


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


def tokenize(source: str) -> list[Token]:
    tokens = []
    i = 0
    while i < len(source):
        c = source[i]
        if c in _SPACE:
            i += 1
            continue
        match = _NUMBER.match(source, i) if (c.isascii() and c.isdigit()) or c == "." else None
        if match and match.group(0) != ".":
            tokens.append(Token("number", match.group(0)))
            i = match.end()
            continue
        match = _NAME.match(source, i)
        if match:
            tokens.append(Token("name", match.group(0)))
            i = match.end()
            continue
        if source.startswith("**", i):
            tokens.append(Token("op", "**"))
            i += 2
        elif c in "+-*/()":
            tokens.append(Token("op", c))
            i += 1
        else:
            tokens.append(Token("bad", c))
            i += 1
    return tokens


def read_tree(source: str, variables: tuple[str, ...]) -> Node:
    """Typed text -> a syntax tree, or :class:`ExpressionError` with a friendly reason."""
    allowed = allowed_text(variables)

    def refuse(what: str) -> ExpressionError:
        return ExpressionError(f"{what} cannot be used here. Use only {allowed}.")

    def unreadable(reason: str) -> ExpressionError:
        return ExpressionError(f"I could not read that as an expression: {reason}. {SYNTAX_HELP}")

    tokens = tokenize(source)
    opened = sum(1 for t in tokens if t.text == "(")
    closed = sum(1 for t in tokens if t.text == ")")
    if opened != closed:
        raise unreadable(f"the parentheses do not match, {opened} opened and {closed} closed")
    pos = 0

    def peek() -> Token | None:
        return tokens[pos] if pos < len(tokens) else None

    def take(text: str) -> bool:
        nonlocal pos
        if pos < len(tokens) and tokens[pos].kind == "op" and tokens[pos].text == text:
            pos += 1
            return True
        return False

    def expression() -> Node:
        node = term()
        while peek() is not None and peek().kind == "op" and peek().text in "+-":
            op = tokens[pos].text
            advance()
            node = Node("bin", op, node, term())
        return node

    def term() -> Node:
        node = unary()
        while peek() is not None and peek().kind == "op" and peek().text in ("*", "/"):
            op = tokens[pos].text
            advance()
            node = Node("bin", op, node, unary())
        return node

    def advance() -> None:
        nonlocal pos
        pos += 1

    def unary() -> Node:
        if take("-"):
            return Node("neg", "-", unary())
        if take("+"):
            return unary()
        return power()

    def power() -> Node:
        base = atom()
        if take("**"):
            return Node("bin", "**", base, unary())
        return base

    def atom() -> Node:
        token = peek()
        if token is None:
            raise unreadable("it ends with an operator; something is missing after it")
        advance()
        if token.kind == "number":
            node = Node("num", token.text)
        elif token.kind == "name":
            after = peek()
            if token.text not in variables and after is not None and after.text == "(":
                raise ExpressionError(
                    f"The call {token.text}(...) cannot be used here: write out the value it "
                    f"stands for, using only {allowed}. For example, where f(x) = x**2, "
                    "f(x + h) is written (x + h)**2."
                )
            if token.text in variables:
                node = Node("var", token.text)
            else:
                raise refuse(f"The name '{token.text}'")
        elif token.kind == "bad":
            raise refuse(f"The character {token.text}")
        elif token.text == "(":
            node = expression()
            if not take(")"):
                raise unreadable("a closing parenthesis ) is missing")
        else:
            raise unreadable(f"something is missing before {token.text}")
        after = peek()
        if after is not None and after.kind == "bad":
            raise refuse(f"The character {after.text}")
        if after is not None and (after.kind in ("number", "name") or after.text == "("):
            raise ExpressionError(
                f"A * is missing before {after.text}: a product needs its multiplication "
                "sign, as in 2*x (not 2x or 2 x) and x*(x + h). " + SYNTAX_HELP
            )
        return node

    tree = expression()
    if pos < len(tokens):
        raise unreadable(f"there is a {tokens[pos].text} without a matching (")
    return tree


def _count(node: Node | None) -> int:
    return 0 if node is None else 1 + _count(node.left) + _count(node.right)


def _number(text: str) -> Fraction:
    if re.fullmatch(r"\d+", text):
        value = int(text)
        if value > MAX_INTEGER:
            raise ExpressionError(f"The number {value} is larger than this checker accepts.")
        return Fraction(value)
    number = float(text)
    if not math.isfinite(number):
        raise ExpressionError("Numbers must be finite.")
    return Fraction(repr(number))  # 0.1 stays exactly 1/10: the shortest decimal, read exactly


def parse_expression(
    text: str, variables: tuple[str, ...] = ("x", "h"), functions: tuple[str, ...] = ()
) -> Expression:
    """Typed text -> an :class:`Expression`, or :class:`ExpressionError` with a friendly
    reason. Nothing is evaluated by Python: the text is read by a small grammar."""
    del functions  # no question uses functions (model.py refuses them)
    if not isinstance(text, str):
        raise ExpressionError('An expression answer must be text, such as "2*x + h".')
    source = text.strip(_SPACE)
    if not source:
        raise ExpressionError("The answer is empty: type an expression.")
    if len(source) > MAX_EXPRESSION:
        raise ExpressionError(
            f"That is {len(source)} characters long; an answer here fits in {MAX_EXPRESSION}."
        )
    if "^" in source:
        raise ExpressionError("Write powers with ** in Python syntax: x**2, not x^2.")
    _refuse_lookalikes(source)
    variables = tuple(variables)
    tree = read_tree(source, variables)
    if _count(tree) > MAX_NODES:
        raise ExpressionError(
            "That expression is longer than any answer here needs; write it more simply."
        )
    n = len(variables)
    divides_by: set[str] = set()

    def build(node: Node) -> Rational:
        if node.type == "num":
            return Rational(_const(_number(node.text), n), _const(Fraction(1), n))
        if node.type == "var":
            return Rational(_var(variables.index(node.text), n), _const(Fraction(1), n))
        if node.type == "neg":
            inner = build(node.left)
            return Rational(_scale(inner.num, Fraction(-1)), inner.den)
        left, right = build(node.left), build(node.right)
        if node.text == "+":
            return _r_add(left, right, n)
        if node.text == "-":
            return _r_add(left, right, n, -1)
        if node.text == "*":
            return _r_mul(left, right, n)
        if node.text == "/":
            divides_by.update(v for i, v in enumerate(variables) if right.depends_on(i))
            return _r_div(left, right, n)
        result = _r_pow(left, right, n)
        if right.value() < 0:
            divides_by.update(v for i, v in enumerate(variables) if left.depends_on(i))
        return result

    with time_limit(CHECK_SECONDS):
        value = build(tree)  # refuses what cannot be computed, before the written form
        frees: dict = {}
        written = _w_variables(_written(tree, frees, _number), frees)
    return Expression(value, variables, frozenset(divides_by), written)


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Stop a computation that runs too long (main thread on POSIX only; else a no-op). A
    learner's answer is small and bounded in size, so this is a guard against crafted
    input."""
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


def parse_number(text) -> float:
    """A typed number: ``3.01``, ``1e-5``, or arithmetic on numbers (``(1.331-0.729)/0.2``),
    read by the same grammar as an expression, with no names."""
    if isinstance(text, bool) or not isinstance(text, (str, int, float)):
        raise AnswerError("The answer should be a number, such as 3.5 or 1e-5.")
    if isinstance(text, (int, float)):
        value = float(text)
    else:
        try:
            expr = parse_expression(text, variables=())
        except ExpressionError as exc:
            raise AnswerError(
                "The answer should be a number, such as 3.5 or 1e-5 "
                f"(arithmetic on numbers works too). {exc}"
            ) from None
        try:
            value = float(expr.value.value())
        except OverflowError:
            value = math.inf
    if not math.isfinite(value):
        raise AnswerError("The answer should be a finite number.")
    return value
