"""Hidden checks for 1.2.39.6, leading_error_term(approximation) and the two orders.

A stencil sum_j w_j f(x + k_j*s*h) / (s*h) expands, term by term of the Taylor series, to
sum_n m_n (s*h)**(n-1) f^(n)(x) with moments m_n = sum_j w_j k_j**n / n!. Its error is
that minus f'(x), so the expected leading term is the first n whose moment (minus 1 when
n == 1) is non-zero. The suite computes it from the weights with exact rationals; the
learner's answer, a SymPy expression rebuilt by the safe parser, is compared symbolically
and exactly: the statement asks for exact coefficients, so a Float anywhere in the answer
(.evalf(), 0.5 * h) is a mistake, named as such; what else is wrong is judged on the
answer read as exact fractions.
"""

import fractions
import math
import numbers

import pytest
import sympy

from grader.grading import checks

# What an error raised by a learner's leading_error_term usually means in this exercise.
ERROR_ADVICE = {
    "TypeError": "In this exercise that is usually a SymPy object used where Python needs a "
    "plain number or True/False: a symbolic power of h in range() or in an if, or a SymPy "
    "expression compared with < before .doit() made its terms concrete. Also check that f is "
    'sympy.Function("f") and that x and h are sympy.symbols("x h").',
    "ValueError": "In this exercise that is usually min() or max() over no terms at all: the "
    "expansion came out as 0 because it stopped before any error term survived. Expand "
    "further (grow n) instead of taking the lowest power of an empty sum.",
    "AttributeError": "In this exercise that is usually a plain Python number where a SymPy "
    "expression was expected (0 has no .removeO() or .doit(); sympy.S.Zero has), or a "
    "method called on a list of terms instead of one expression.",
    "RecursionError": "A function that calls itself (or sympy.Function replacements that "
    "expand into themselves) without end: build the Taylor polynomial of each f(x + k*h) "
    "once, with a loop over the powers of h.",
}

X, H = sympy.symbols("x h")
F = sympy.Function("f")
R = sympy.Rational
ONE = R(1)

FORWARD = {1: R(1), 0: R(-1)}
BACKWARD = {0: R(1), -1: R(-1)}
CENTRAL = {1: R(1, 2), -1: R(-1, 2)}
FIVE_POINT = {-2: R(1, 12), -1: R(-8, 12), 1: R(8, 12), 2: R(-1, 12)}
ONE_SIDED_AHEAD = {0: R(-3, 2), 1: R(2), 2: R(-1, 2)}
ONE_SIDED_BEHIND = {0: R(3, 2), -1: R(-2), -2: R(1, 2)}
STEPS = [R(2), R(3), R(1, 2), R(1, 3), R(3, 2), R(5)]  # steps s*h drawn at grade time


def approximation(weights: dict, step=ONE, expanded: bool = False) -> sympy.Expr:
    """sum_k w_k f(x + k*step*h) / (step*h), factored (SymPy's default) or expanded."""
    expr = sum(w * F(X + k * step * H) for k, w in weights.items()) / (step * H)
    return sympy.expand(expr) if expanded else expr


def error_terms(weights: dict, step=ONE, count: int = 1, factorials: bool = True) -> list:
    """The first ``count`` non-zero terms of approximation(weights, step) - f'(x), lowest
    power of h first, from the moments; ``factorials=False`` gives the terms of a Taylor
    series written without its 1/n! (a common slip, recognised in feedback)."""
    found = []
    for n in range(0, 40):
        moment = sum(w * R(k) ** n for k, w in weights.items())
        if factorials:
            moment /= math.factorial(n)
        if n == 1:
            moment -= 1
        if moment != 0:
            derivative = F(X) if n == 0 else sympy.Derivative(F(X), (X, n))
            found.append(moment * (step * H) ** (n - 1) * derivative)
            if len(found) == count:
                return found
    raise AssertionError("the suite built an exact stencil")  # cannot happen: n < 40


def leading_term(weights: dict, step=ONE) -> sympy.Expr:
    """The exact leading term of approximation(weights, step) - f'(x), from the moments."""
    return error_terms(weights, step)[0]


def draw_step(rng):
    return STEPS[int(rng.integers(len(STEPS)))]


def draw_stencil(rng) -> dict:
    """3 or 4 distinct integer offsets in [-3, 3], weights exact for polynomials of
    degree m - 1 (the highest order m nodes can reach), solved in exact rationals."""
    m = int(rng.integers(3, 5))
    offsets = sorted(int(k) - 3 for k in rng.choice(7, size=m, replace=False))
    vandermonde = sympy.Matrix([[R(k) ** n for k in offsets] for n in range(m)])
    target = sympy.Matrix([1 if n == 1 else 0 for n in range(m)])  # only f'(x) survives
    weights = vandermonde.LUsolve(target)
    return {k: sympy.nsimplify(w) for k, w in zip(offsets, weights, strict=True)}


# --- comparing a learner's answer ---------------------------------------------------------


MAX_OPS = 400  # a one-term answer is tiny; larger ones are not simplified (time bound)


def normalised(value: sympy.Expr) -> sympy.Expr:
    """Subs(...) evaluated, and any symbol named x or h (whatever its assumptions) made
    the plain one, so that mathematically equal answers compare equal."""
    subs = value.atoms(sympy.Subs)
    if subs:  # only the Subs(...) that series() writes; nothing else is evaluated
        value = value.xreplace({item: item.doit() for item in subs})
    plain = {"x": X, "h": H}
    swap = {
        s: plain[s.name]
        for s in value.free_symbols
        if isinstance(s, sympy.Symbol) and s.name in plain and s != plain[s.name]
    }
    return value.xreplace(swap) if swap else value


def equal(got: sympy.Expr, expected: sympy.Expr) -> bool:
    if sympy.expand(got - expected) == 0:
        return True
    if sympy.count_ops(got) > MAX_OPS:
        return False
    ratio = sympy.simplify(got / expected)
    if ratio.is_number and ratio.is_finite:  # exact: a Float never gets here (floats_in)
        return ratio == 1
    return sympy.simplify(got - expected) == 0


# --- float numbers in an answer -----------------------------------------------------------


def exact_number(value: sympy.Float) -> sympy.Rational:
    """The simplest fraction within 1e-12 (relative) of a Float: 0.166666666666667 is 1/6.
    Denominators grow by powers of 10 (limit_denominator keeps the best one below each)."""
    number = fractions.Fraction(float(value))
    for digits in range(1, 16):
        close = number.limit_denominator(10**digits)
        if abs(close - number) <= 1e-12 * abs(number):
            return sympy.Rational(close.numerator, close.denominator)
    return sympy.Rational(repr(float(value)))  # its shortest decimal: 1e-30 is 1/10**30


def finite_floats(value: sympy.Expr) -> list:
    """The finite Floats of ``value``, those that are not whole numbers first."""
    items = [item for item in value.atoms(sympy.Float) if math.isfinite(float(item))]
    return sorted(items, key=lambda item: (float(item).is_integer(), str(item)))


def as_exact(value: sympy.Expr) -> sympy.Expr:
    """``value`` with each finite Float replaced by its exact_number (exact fractions)."""
    return value.xreplace({item: exact_number(item) for item in finite_floats(value)})


def float_shown(value: sympy.Expr) -> str:
    """'the exact 1/6 into 0.166666666666667': which exact number became a float."""
    items = finite_floats(value)
    if not items:
        return "exact numbers into floats"
    return f"the exact {exact_number(items[0])} into {items[0]}"


def floats_in(got: sympy.Expr, weights: dict, step) -> str:
    """The message for an answer holding a Float (the statement asks for exact
    coefficients). If its exact reading is the leading term, the floats alone are the
    mistake; else what is wrong with that exact reading is said, floats named as well."""
    made = float_shown(got)
    floats = (
        f".evalf() (or float coefficients) turns {made}; return the term with exact "
        "rational coefficients, as the statement asks"
    )
    exact = as_exact(got)
    if exact.atoms(sympy.Float):  # nan or inf: no exact reading
        return f"it returned {text(got)}, with float numbers in it: {floats}."
    problem = what_is_wrong(exact, weights, step)
    if problem is None:
        return (
            f"it returned {text(got)}, with float numbers in it: the term is right, but "
            f"{floats}. Answers are compared exactly, not to round-off."
        )
    rest = problem.removeprefix("it returned ")
    return (
        f"it returned {text(got)}, with float numbers in it. Read as exact fractions it is "
        f"{rest} Keep the numbers exact as well: {floats}."
    )


def text(value) -> str:
    return checks.show(value, 200)


def power_of_h(term: sympy.Expr):
    return term.as_coeff_exponent(H)[1]


def what_is_wrong(got, weights: dict, step=ONE) -> str | None:
    """None if ``got`` is the leading term of the formula, else a sentence naming how it
    differs, in the learner's terms: the common slips are recognised from the value."""
    expected = leading_term(weights, step)
    if type(got) in (int, float):  # a plain number such as 0 is judged as one
        got = sympy.Integer(got) if type(got) is int else sympy.Float(got)
    if not isinstance(got, sympy.Expr):
        kind = "None (did you forget a return statement?)" if got is None else text(got)
        return (
            f"it returned {kind}; expected a SymPy expression such as "
            "h/2 * Derivative(f(x), (x, 2))."
        )
    unevaluated = bool(got.atoms(sympy.Subs))
    if got.has(sympy.Order):
        return (
            f"it returned {text(normalised(got))}, which still holds an O(...) term. Drop it "
            "with .removeO() and keep only the leading term."
        )
    if got.atoms(sympy.Float):
        return floats_in(got, weights, step)
    got = normalised(got)
    if equal(got, expected):
        return None
    p = power_of_h(expected)
    if unevaluated:
        # series() writes f'(x) as Subs(Derivative(f(_xi_1), _xi_1), _xi_1, x): it does not
        # cancel against Derivative(f(x), x) until .doit(), so a loop that stops at the
        # first non-zero term stops at a term that is really 0.
        evaluated = "0" if got == 0 else text(got)
        return (
            "it returned an expression with an unevaluated Subs(...), SymPy's way of "
            "writing a derivative of f at x after series(). It does not cancel against the "
            "Derivative(f(x), x) you subtracted until you call .doit(); evaluated, your "
            f"answer is {evaluated}. Call .doit() on the expansion before you test its terms "
            "or return one."
        )
    untouched = sorted(
        str(call) for call in got.atoms(sympy.core.function.AppliedUndef) if call != F(X)
    )
    if untouched:
        return (
            f"it returned {text(got)}, which still holds {untouched[0]}: the values "
            "f(x + k*h) were not expanded in h. If you made your own x and h, create them as "
            'sympy.symbols("x h") with no assumptions (real=True or positive=True makes a '
            "different symbol that the approximation does not contain), and expand in that h."
        )
    if got == 0:
        return (
            f"it returned 0, but this formula is not exact: its error terms cancel up to "
            f"h**{p - 1}, and the first one that survives is in h**{p}. Expanding to a fixed "
            "power of h (a fixed n in series(..., n), series(expr, h) with its default n = 6, "
            "or a loop with a fixed end) always misses some formula: grow n until a term "
            "survives."
        )
    if equal(got, sympy.Derivative(F(X), X)) or equal(got, expected + sympy.Derivative(F(X), X)):
        return (
            f"it returned {text(got)}, which holds f'(x) itself: the approximation's own "
            "leading term, not its error. Subtract sympy.Derivative(f(x), x) from the "
            "approximation first; then the f'(x) terms cancel and the error is left."
        )
    if equal(got * H**p, expected):
        return (
            f"it returned {text(got)}, the coefficient of the leading term without its power "
            f"of h: the term itself is that coefficient times h**{p}. Taking a coefficient "
            "out of the expansion (.coeff(h, p), as_coeff_exponent) leaves h**p behind: "
            "return the whole term, power of h included."
        )
    terms = sympy.Add.make_args(sympy.expand(got))
    if len(terms) > 1:
        return (
            f"it returned {len(terms)} terms, {text(got)}; return only the term with the "
            "lowest power of h."
        )
    if equal(got, -expected):
        return (
            f"it returned {text(got)}, which has the wrong sign: the error is the "
            "approximation minus f'(x), not the other way round."
        )
    later = error_terms(weights, step, count=4)[1:]
    if any(equal(got, term) for term in later):
        return (
            f"it returned {text(got)}, a later term of the error: the leading term is the "
            f"one with the LOWEST power of h, here h**{p}."
        )
    if step != ONE and equal(got, leading_term(weights)):
        return (
            f"it returned {text(got)}, the term this formula would have with a step of h, "
            f"but it steps by {step}*h: work from the expression you are given (expand each "
            "f(x + k*h) as it is written), do not recognise a formula and answer from memory."
        )
    if equal(got, error_terms(weights, step, factorials=False)[0]):
        return (
            f"it returned {text(got)}: the power of h and the derivative are right, but the "
            "coefficient is that of a Taylor series without the 1/n! of each term: "
            "f(x + s) = sum of s**n / n! * f^(n)(x)."
        )
    got_power = power_of_h(got)
    if got_power == 0 and got.has(sympy.Derivative):
        return (
            f"it returned {text(got)}, a term in h**0 with a derivative of f in it. In the "
            "error, approximation minus f'(x), the approximation's f'(x) cancels the "
            "Derivative(f(x), x) subtracted, and no other term is free of h: the leading "
            f"term holds a power of h, here h**{p}."
        )
    if got_power != p:
        return (
            f"it returned {text(got)}, a term in h**{got_power}; the leading term here is in "
            f"h**{p}. The lower powers of h must cancel exactly."
        )
    if got.atoms(sympy.Derivative) != expected.atoms(sympy.Derivative):
        return (
            f"it returned {text(got)}: the power of h is right, but the derivative of f is "
            "not. The term in h**p comes from the (p + 1)-th derivative."
        )
    return (
        f"it returned {text(got)}: the power of h and the derivative are right, the "
        "coefficient is not. Check the 1/n! of each Taylor term and the weights of the formula."
    )


def check_term(submission, weights: dict, step=ONE, expanded: bool = False, why: str = ""):
    got = submission.leading_error_term(approximation(weights, step, expanded))
    problem = what_is_wrong(got, weights, step)
    if problem:
        expected = leading_term(weights, step)
        checks.fail(f"{submission.last_text}: {problem} Expected {expected}. {why}".strip())


# --- checks -------------------------------------------------------------------------------


@pytest.mark.points(2)
def test_forward_difference(submission, rng):
    """The forward difference: leading error (h/2) f'', also with a step of s*h."""
    why = "Expand f(x + h) = f + h f' + h**2/2 f'' + ...: the f and f' terms cancel."
    check_term(submission, FORWARD, why=why)
    check_term(submission, FORWARD, draw_step(rng), why=why)


# Steps s*h drawn at grade time are checked on the forward, central and one-sided formulas
# and on the drawn stencils; not on every formula, because a learner's series-based answer
# can take most of a second per formula (the five-point one most).


@pytest.mark.points(1)
def test_backward_difference(submission):
    """The backward difference: leading error -(h/2) f''."""
    check_term(submission, BACKWARD)


@pytest.mark.points(2)
def test_central_difference(submission, rng):
    """The central difference: the h f'' terms cancel, leaving (h**2/6) f'''."""
    why = "In f(x + h) - f(x - h) the even powers of h cancel, so the error starts at h**2."
    check_term(submission, CENTRAL, why=why)
    check_term(submission, CENTRAL, draw_step(rng), why=why)


@pytest.mark.points(2)
def test_five_point_stencil(submission):
    """The five-point stencil: -(h**4/30) f^(5), which needs the series up to h**4."""
    why = "Its errors in h, h**2 and h**3 all cancel; keep expanding until one survives."
    check_term(submission, FIVE_POINT, why=why)


@pytest.mark.points(2)
def test_one_sided_second_order_stencils(submission, rng):
    """One-sided second-order stencils (3 points on one side): -(h**2/3) f'''."""
    check_term(submission, ONE_SIDED_AHEAD)
    check_term(submission, ONE_SIDED_BEHIND, draw_step(rng))


@pytest.mark.points(2)
def test_stencils_drawn_at_grade_time_in_any_form(submission, rng):
    """Stencils drawn at grade time, factored or expanded, give their own leading term."""
    why = (
        "The formula can come in any algebraically equal form: work from the expression "
        "itself (Taylor-expand each f(x + k*h)), not from its layout."
    )
    for expanded in (False, True):
        check_term(submission, draw_stencil(rng), draw_step(rng), expanded, why=why)


def draw_high_order_stencil(rng) -> dict:
    """A symmetric stencil on offsets +-1 .. +-k, k drawn from 5 or 6: exact up to degree
    2k, so its leading error is in h**10 or h**12, beyond the n = 6, 8 or 10 that a learner
    who expands to a fixed power would pick."""
    k = int(rng.integers(5, 7))
    offsets = [j for j in range(-k, k + 1) if j != 0]
    vandermonde = sympy.Matrix([[R(j) ** n for j in offsets] for n in range(2 * k)])
    target = sympy.Matrix([1 if n == 1 else 0 for n in range(2 * k)])
    weights = vandermonde.LUsolve(target)
    return dict(zip(offsets, weights, strict=True))


@pytest.mark.points(1)
def test_a_high_order_stencil(submission, rng):
    """A wide symmetric stencil drawn at grade time: its leading error is in h**10 or h**12,
    so only an expansion that grows until a term survives finds it."""
    check_term(
        submission,
        draw_high_order_stencil(rng),
        draw_step(rng),
        why="The statement's rule: never stop at a fixed number of Taylor terms.",
    )


ORDERS = (("FORWARD_ORDER", 1, "(h/2) f''"), ("CENTRAL_ORDER", 2, "(h**2/6) f'''"))


def is_number(value, order: int) -> bool:
    return not isinstance(value, bool) and isinstance(value, numbers.Real) and value == order


def orders_message(values: dict) -> str:
    """What is wrong with the two constants, both named in one message; "" if nothing.
    A value one more than the order is the derivative's order in the term, or the power of
    h before the division by h: said when every wrong constant is that."""
    wrong = [(n, order, term) for n, order, term in ORDERS if not is_number(values[n], order)]
    if not wrong:
        return ""
    one = len(wrong) == 1
    said = " and ".join(f"{name} is {values[name]!r}" for name, _, _ in wrong)
    terms = " and ".join(term for _, _, term in wrong)
    start = "" if one else "Both constants are wrong: "
    plural = ("", "is", "That is") if one else ("s", "are", "Those are")
    message = f"{start}{said}, but the leading error term{plural[0]} {plural[1]} {terms}"
    if all(values[name] is None for name, _, _ in wrong):
        return f"{message}. Replace None with the order, the power of h in the term."
    if all(is_number(values[name], order + 1) for name, order, _ in wrong):
        taylor = " and ".join(f"h**{p + 1}/{p + 1}! f^({p + 1})" for _, p, _ in wrong)
        return (
            f"{message}. {plural[2]} the order of the derivative in the term, or the power "
            f"of h in the Taylor term{plural[0]} {taylor} before the division by h. The "
            "order is the power of h left in the error after that division, not the order "
            "of the derivative: halve h and the error shrinks by 2**order."
        )
    if any(
        isinstance(values[n], bool) or not isinstance(values[n], numbers.Real) for n, *_ in wrong
    ):
        return (
            f"{message}. Write each order as a whole number (an int), the power of h in the term."
        )
    return (
        f"{message}: the order is the power of h in the leading error term (halve h and the "
        "error shrinks by 2**order), not the order of the derivative in the term."
    )


@pytest.mark.points(2)
def test_orders_of_forward_and_central(submission):
    """FORWARD_ORDER and CENTRAL_ORDER are the powers of h in the two leading terms."""
    message = orders_message({name: submission.constant(name) for name, _, _ in ORDERS})
    if message:
        checks.fail(message)
