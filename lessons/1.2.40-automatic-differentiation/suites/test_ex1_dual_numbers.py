"""Hidden checks for 1.2.40.1, class Dual(value, derivative=0.0) and derivative(f, x).

A learner's Dual exists only in the worker, so each check sends a short probe
(``WorkerCode``) that builds Duals from drawn numbers, applies one operation, and sends
back the parts of the result (and of the operands, to see that they were left alone) as
plain numbers. The probe text holds the operation only; every expected value is computed
here, from the rule the algebra gives: for x = a + b eps and y = c + d eps,

    x * y = ac + (ad + bc) eps        x / y = a/c + (bc - ad)/c**2 eps
    x ** n = a**n + n a**(n - 1) b eps

Inputs are drawn at grade time, away from the points where a common mistake gives the
right answer (``distinct``), so that ``diagnose`` can name a mistake from the values alone:
each case lists what the common mistakes give for the same operands (the product rule
missing a term or keeping b*d, the quotient rule's sign or its c for c**2, x - 3 for
3 - x, x / 2 for 2 / x, a power rule without the - 1 or without b, ...). derivative(f, x)
is checked on polynomials and rational functions drawn here, written as worker code; the
exact derivative comes from the coefficients. The probes, ``Setting``, ``Case`` and the
checks that run them are shared with the 1.2.40.2 suite, in the lesson's ``inputs.py``.
"""

import math

import pytest

from grader.grading import checks
from grader.grading.inputs import lesson_inputs
from grader.sandbox.worker_code import WorkerCode
from grader.sandbox.workers import LearnerError

SECTION = "dual-numbers"

PLAIN_NUMBER = (
    "A plain number reached code that reads .value or .derivative, and a number has "
    "neither. In an operator, `other` may be a plain number (x + 1, 2 * x): treat it as "
    "the constant Dual(c, 0.0) before reading its parts, or handle it on its own. In "
    "derivative, f may ignore its input and return a plain number, whose derivative is 0.0."
)

# What a learner-code exception usually means in this exercise (grader/grading/plugin.py).
ERROR_ADVICE = {
    "AttributeError/has no attribute 'value'": PLAIN_NUMBER,
    "AttributeError/has no attribute 'derivative'": PLAIN_NUMBER,
    "TypeError/for ** or pow()": "x ** n needs a method __pow__(self, exponent) on Dual, "
    "the exponent being a plain number (an int or a float); it returns a new Dual.",
    "TypeError/unsupported operand type": "An operator between a plain number and a Dual "
    "is not defined. When the number comes first (3 - x, 2 / x), Python asks the number, "
    "which does not know Dual, and then the Dual's reflected method: __radd__, __rsub__, "
    "__rmul__ or __rtruediv__, called with self the Dual and other the number. Define each "
    "one, and let the plain methods accept a number as other too.",
    "TypeError/cannot be interpreted as an integer": "A float exponent reached range(): a "
    "loop of multiplications only works for whole exponents, and x ** 0.5 has none. The "
    "power rule n * a**(n - 1) works for any plain number n.",
    "TypeError/missing 1 required positional argument": "Dual(value) alone must work: the "
    "statement gives derivative the default 0.0, as in Dual(value, derivative=0.0).",
    "RecursionError": "A reflected method that computes other - self or other / self while "
    "other is still a plain number calls itself again: Python hands number - Dual straight "
    "back to __rsub__ (and number / Dual to __rtruediv__). Turn the number into a Dual "
    "first, or write the value and derivative parts out.",
}

inputs = lesson_inputs(__file__)  # the probes and helpers the 1.2.40 suites share (inputs.py)
probes = inputs.DualProbes(SECTION, ERROR_ADVICE)
draw_part, fmt, shown_dual = inputs.draw_part, inputs.fmt, inputs.shown_dual

# --- checks -----------------------------------------------------------------------------


@pytest.mark.points(1)
def test_a_dual_keeps_its_value_and_derivative(submission, rng):
    """Dual(a, b) keeps a and b; Dual(a) has derivative 0.0."""
    a, b = draw_part(rng), draw_part(rng, 0.25, 2.0)
    while abs(abs(a) - abs(b)) < 0.1:
        b = draw_part(rng, 0.25, 2.0)
    made = f"Dual({fmt(a)}, {fmt(b)})"
    setting = inputs.Setting(numbers={"a": a, "b": b})
    reading = probes.evaluate(submission, setting, ["Dual(a, b)"])[0]
    got = probes.as_pair(reading, made)
    if got == (b, a):
        checks.fail(
            f"{made} has value {fmt(got[0])} and derivative {fmt(got[1])}: value and "
            "derivative swapped. Dual(value, derivative) takes the value first.",
            SECTION,
        )
    if got != (a, b):
        checks.fail(
            f"{made} has value {fmt(got[0])} and derivative {fmt(got[1])}; expected value "
            f"{fmt(a)} and derivative {fmt(b)}: keep the two arguments as they are, in "
            "self.value and self.derivative.",
            SECTION,
        )
    reading = probes.evaluate(submission, inputs.Setting(numbers={"a": a}), ["Dual(a)"])[0]
    got = probes.as_pair(reading, f"Dual({fmt(a)})")
    if got != (a, 0.0):
        checks.fail(
            f"Dual({fmt(a)}) has value {fmt(got[0])} and derivative {fmt(got[1])}; expected "
            f"value {fmt(a)} and derivative 0.0. A Dual made from a value alone is a "
            "constant: the statement's default is derivative=0.0.",
            SECTION,
        )


def sums(rng):
    a, c, k = draw_part(rng), draw_part(rng), draw_part(rng)
    b, d = draw_part(rng, 0.25, 2.0), draw_part(rng, 0.25, 2.0)
    n = int(rng.integers(2, 10))  # a whole number on the left, as in 3 - x
    setting = inputs.Setting(duals={"x": (a, b), "y": (c, d)}, numbers={"k": k, "n": n})
    plus_number = (
        "the number added to the derivative part as well. A plain number is the constant "
        "Dual(k, 0.0): its derivative is 0, so it changes only the value part"
    )
    cases = [
        inputs.Case(
            "x + y",
            (a + c, b + d),
            (abs(a) + abs(c), abs(b) + abs(d)),
            "Values add and derivatives add: (a + b eps) + (c + d eps).",
        ),
        inputs.Case(
            "x - y",
            (a - c, b - d),
            (abs(a) + abs(c), abs(b) + abs(d)),
            "Values subtract and derivatives subtract: (a + b eps) - (c + d eps).",
            [((a - c, b + d), "the derivative parts added: x - y subtracts both parts")],
        ),
        inputs.Case(
            "-x",
            (-a, -b),
            (abs(a), abs(b)),
            "-x flips the sign of both parts.",
            [((-a, b), "only the value negated: -x flips the sign of the derivative part too")],
        ),
        inputs.Case(
            "x + k",
            (a + k, b),
            (abs(a) + abs(k), abs(b)),
            "A plain number k is the constant Dual(k, 0.0).",
            [((a + k, b + k), plus_number)],
        ),
        inputs.Case(
            "n + x",
            (n + a, b),
            (abs(a) + n, abs(b)),
            "A plain number on the left is the constant Dual(n, 0.0) too.",
            [((n + a, b + n), plus_number)],
        ),
        inputs.Case(
            "x - k",
            (a - k, b),
            (abs(a) + abs(k), abs(b)),
            "A plain number k is the constant Dual(k, 0.0).",
            [
                (
                    (a - k, b - k),
                    "the number subtracted from the derivative part as well. A "
                    "plain number is the constant Dual(k, 0.0): its derivative is 0",
                )
            ],
        ),
        inputs.Case(
            "n - x",
            (n - a, -b),
            (abs(a) + n, abs(b)),
            "n - x is the constant n minus x: value n - a, derivative -b.",
            [
                (
                    (a - n, b),
                    "x - n instead of n - x: in __rsub__, self is x and other is "
                    "the number n, and the result is other - self, in that order",
                ),
                (
                    (n - a, b),
                    "the value of n - x with the derivative part of x unchanged: "
                    "subtracting x flips the sign of its derivative, -b",
                ),
                (
                    (a - n, -b),
                    "the value of x - n: in __rsub__, self is x and other is the "
                    "number n, and the value is other - self, in that order",
                ),
            ],
        ),
    ]
    return setting, cases


@pytest.mark.points(2)
def test_sums_differences_and_negation(submission, rng):
    """x + y, x - y, -x, and with a plain number on either side (x + k, n + x, x - k, n - x)."""
    setting, cases = inputs.draw_until(rng, sums)
    for case in cases:
        probes.check_case(submission, setting, case)


def products(rng):
    a, c, k = draw_part(rng), draw_part(rng), draw_part(rng)
    b, d = draw_part(rng, 0.25, 2.0), draw_part(rng, 0.25, 2.0)
    n = int(rng.integers(2, 10))
    setting = inputs.Setting(duals={"x": (a, b), "y": (c, d)}, numbers={"k": k, "n": n})
    rule = (
        "The product rule: (a + b eps)(c + d eps) = ac + (ad + bc) eps, as eps**2 = 0. "
        "Both cross terms stay."
    )
    missing = (
        "the product rule missing a term: {kept} alone, without {lost}. Expanding (a + b "
        "eps)(c + d eps) gives two cross terms, ad + bc, and both belong to the derivative"
    )
    scaled = "the number multiplying the value part only. k * (a + b eps) = ka + kb eps"
    cases = [
        inputs.Case(
            "x * y",
            (a * c, a * d + b * c),
            (abs(a * c), abs(a * d) + abs(b * c)),
            rule,
            [
                ((a * c, a * d), missing.format(kept="a*d", lost="b*c")),
                ((a * c, b * c), missing.format(kept="b*c", lost="a*d")),
                (
                    (a * c, a * d + b * c + b * d),
                    "the product rule with an extra term b*d: "
                    "that is the eps**2 term, and eps**2 = 0, so it is dropped",
                ),
                (
                    (a * c, b * d),
                    "the product of the derivative parts, b*d: the derivative "
                    "of a product is not the product of the derivatives; the product rule "
                    "gives ad + bc",
                ),
            ],
        ),
        inputs.Case(
            "x * x",
            (a * a, 2 * a * b),
            (a * a, 2 * abs(a * b)),
            rule,
            [
                (
                    (a * a, a * b),
                    "the product rule missing a term: x * x has derivative "
                    "2ab, a*b from each factor",
                ),
                (
                    (a * a, b * b),
                    "the product of the derivative parts, b*b: the product rule gives 2ab",
                ),
            ],
        ),
        inputs.Case(
            "x * k", (a * k, b * k), (abs(a * k), abs(b * k)), rule, [((a * k, b), scaled)]
        ),
        inputs.Case(
            "n * x", (n * a, n * b), (abs(n * a), abs(n * b)), rule, [((n * a, b), scaled)]
        ),
    ]
    return setting, cases


@pytest.mark.points(2)
def test_products(submission, rng):
    """The product rule for Dual(a, b) * Dual(c, d), x * x, and a number on either side."""
    setting, cases = inputs.draw_until(rng, products)
    for case in cases:
        probes.check_case(submission, setting, case)


def quotients(rng):
    a, c, k = draw_part(rng), draw_part(rng), draw_part(rng)
    b, d = draw_part(rng, 0.25, 2.0), draw_part(rng, 0.25, 2.0)
    while abs(abs(c) - 1.0) < 0.2 or abs(abs(a) - 1.0) < 0.2:  # c and c**2 told apart
        a, c = draw_part(rng), draw_part(rng)
    n = int(rng.integers(2, 10))
    setting = inputs.Setting(duals={"x": (a, b), "y": (c, d)}, numbers={"k": k, "n": n})
    rule = (
        "The quotient rule: (a + b eps) / (c + d eps) = a/c + (bc - ad)/c**2 eps "
        "(multiply top and bottom by c - d eps)."
    )
    top = abs(b * c) + abs(a * d)
    cases = [
        inputs.Case(
            "x / y",
            (a / c, (b * c - a * d) / c**2),
            (abs(a / c), top / c**2),
            rule,
            [
                (
                    (a / c, (a * d - b * c) / c**2),
                    "the quotient rule with its sign flipped, "
                    "(ad - bc)/c**2: the numerator's derivative comes first, (bc - ad)/c**2",
                ),
                (
                    (a / c, (b * c - a * d) / c),
                    "the quotient rule over c instead of c**2: "
                    "the denominator is squared, (bc - ad)/c**2",
                ),
                (
                    (a / c, (a * d - b * c) / c),
                    "the quotient rule with its sign flipped and "
                    "over c instead of c**2: the rule is (bc - ad)/c**2",
                ),
                (
                    (a / c, (b * c + a * d) / c**2),
                    "the quotient rule with + for -: it is "
                    "(bc - ad)/c**2, the denominator's change pulls the other way",
                ),
                (
                    (a / c, b / d),
                    "the derivative parts divided, b/d: the derivative of a "
                    "quotient is not the quotient of the derivatives",
                ),
                (
                    (a / c, b / c),
                    "the quotient rule missing the term -ad/c**2: the change of "
                    "the denominator counts too",
                ),
            ],
        ),
        inputs.Case(
            "x / k",
            (a / k, b / k),
            (abs(a / k), abs(b / k)),
            rule,
            [
                (
                    (a / k, b),
                    "the number dividing the value part only: (a + b eps) / k = a/k + (b/k) eps",
                )
            ],
        ),
        inputs.Case(
            "n / x",
            (n / a, -n * b / a**2),
            (abs(n / a), abs(n * b) / a**2),
            "n / x is the constant Dual(n, 0.0) divided by x: value n/a, derivative -n*b/a**2.",
            [
                (
                    (a / n, b / n),
                    "x / n instead of n / x: in __rtruediv__, self is x and "
                    "other is the number n, and the result is other / self, in that order",
                ),
                (
                    (n / a, -n / a**2),
                    "n / x without the incoming derivative b: the rule is "
                    "-n*b/a**2, and b is the derivative part of x",
                ),
                (
                    (n / a, n * b / a**2),
                    "n / x with the sign of the derivative flipped: it "
                    "is -n*b/a**2, as n/a falls when a grows",
                ),
                ((n / a, -n * b / a), "n / x over a instead of a**2: the derivative is -n*b/a**2"),
            ],
        ),
    ]
    return setting, cases


@pytest.mark.points(2)
def test_quotients(submission, rng):
    """The quotient rule for Dual(a, b) / Dual(c, d), and a number on either side."""
    setting, cases = inputs.draw_until(rng, quotients)
    for case in cases:
        probes.check_case(submission, setting, case)


@pytest.mark.points(1)
def test_division_by_a_dual_of_value_zero_raises(submission, rng):
    """x / Dual(0.0, d) and n / Dual(0.0, d) raise ZeroDivisionError."""
    a, b, d = draw_part(rng), draw_part(rng, 0.25, 2.0), draw_part(rng, 0.25, 2.0)
    n = int(rng.integers(2, 10))
    setting = inputs.Setting(duals={"x": (a, b), "z": (0.0, d)}, numbers={"n": n})
    for expression in ("x / z", "n / z"):
        source = setting.probe([expression])
        what = f"{expression}, {setting.words(expression)},"
        try:
            readings = submission.run(WorkerCode(source, names=("Dual",)), *setting.args())
        except LearnerError as error:
            if error.is_a("ZeroDivisionError"):
                continue
            if error.type_name == "NotImplementedError":
                probes.learner_failed(error, what)
            info = error.error
            checks.fail(
                f"{what} raised {error.type_name}{inputs.where_raised(info)} "
                f'("{info.get("message", "")}"); expected ZeroDivisionError, the error '
                "Python itself raises for a division by 0. Raise that one when the "
                "divisor's value is 0.",
                SECTION,
            )
        got = probes.as_pair(readings[0], what)
        endless = (
            ""
            if all(map(math.isfinite, got))
            else (
                " NumPy numbers divide by 0 to inf or nan with a warning instead of raising, "
                "so a value stored as a NumPy float never raises by itself."
            )
        )
        checks.fail(
            f"{what} returned {shown_dual(*got)}; expected it to raise ZeroDivisionError, "
            f"as the divisor's value is 0.{endless} Check the divisor's value and raise "
            "ZeroDivisionError when it is 0.",
            SECTION,
        )


def powers(rng):
    a, b = draw_part(rng, 0.5, 2.5), draw_part(rng, 0.25, 2.0)
    while abs(abs(a) - 1.0) < 0.2:  # a**n and a**(n - 1) told apart
        a = draw_part(rng, 0.5, 2.5)
    positive = abs(a)
    whole = [3, int(rng.choice([2, 4])), -2]
    fractional = [0.5, float(rng.choice([1.5, 2.5, -0.5]))]
    setting = inputs.Setting(duals={"x": (a, b), "p": (positive, b)})
    rule = "The power rule: (a + b eps)**n = a**n + n a**(n - 1) b eps, for any plain number n."
    cases = []
    for base, value, exponents in (("x", a, whole), ("p", positive, fractional)):
        for n in exponents:
            want = (value**n, n * value ** (n - 1) * b)
            cases.append(
                inputs.Case(
                    f"{base} ** {n!r}",
                    want,
                    (abs(want[0]), abs(want[1])),
                    rule,
                    [
                        (
                            (value**n, n * value**n * b),
                            f"n * a**n * b: the power rule has "
                            f"a**(n - 1), the exponent less one (here a**{n - 1!r})",
                        ),
                        (
                            (value**n, n * value ** (n - 1)),
                            "n * a**(n - 1) without the incoming "
                            f"derivative b: the power rule multiplies by the derivative part of "
                            f"{base}, as the chain rule does",
                        ),
                        (
                            (value**n, value ** (n - 1) * b),
                            "a**(n - 1) * b without the factor n in front",
                        ),
                        (
                            (value**n, n * value**n),
                            "n * a**n: the power rule has a**(n - 1), and "
                            f"it multiplies by the derivative part b of {base}",
                        ),
                    ],
                )
            )
    return setting, cases


@pytest.mark.points(2)
def test_powers(submission, rng):
    """x ** n for whole exponents (3, 2 or 4, -2) and float ones (0.5 and another)."""
    setting, cases = inputs.draw_until(rng, powers)
    for case in cases:
        probes.check_case(submission, setting, case)


# --- derivative(f, x) --------------------------------------------------------------------


def plus(number: float) -> str:
    """' + 2.5' or ' - 2.5': a term as a formula writes it."""
    return f" - {-number!r}" if number < 0 else f" + {number!r}"


def coefficients(rng, count: int) -> list[float]:
    return [draw_part(rng, 0.5, 4.0) for _ in range(count)]


@pytest.mark.points(2)
def test_derivative_of_polynomials_is_exact(submission, rng):
    """derivative(f, x) of drawn cubics, written with powers, in Horner form, and as a
    product of factors, equals the exact derivative up to round-off."""
    c0, c1, c2, c3 = coefficients(rng, 4)
    x = draw_part(rng, 0.5, 2.5)
    powers_form = f"{c0!r}{plus(c1)} * x{plus(c2)} * x ** 2{plus(c3)} * x ** 3"
    horner = f"(({c3!r} * x{plus(c2)}) * x{plus(c1)}) * x{plus(c0)}"
    value = c0 + c1 * x + c2 * x**2 + c3 * x**3
    slope = c1 + 2 * c2 * x + 3 * c3 * x**2
    scale = abs(c1) + abs(2 * c2 * x) + abs(3 * c3 * x * x)
    for body in (powers_form, horner):
        probes.check_derivative(submission, body, body, x, value, slope, scale)
    # (r1 - x) * (x - r2) * (x + r3): the product rule twice, and a number on the left
    r1, r2, r3 = coefficients(rng, 3)
    body = f"({r1!r} - x) * (x{plus(-r2)}) * (x{plus(r3)})"
    u, v, w = r1 - x, x - r2, x + r3
    value = u * v * w
    slope = -v * w + u * w + u * v
    probes.check_derivative(
        submission, body, body, x, value, slope, abs(v * w) + abs(u * w) + abs(u * v)
    )


@pytest.mark.points(1)
def test_derivative_of_a_rational_function(submission, rng):
    """derivative(f, x) of (k - x) / (1 + x * x) + n / x, with a power of -1 as well."""
    k, x = draw_part(rng, 0.5, 4.0), draw_part(rng, 0.5, 2.5)
    n = int(rng.integers(2, 10))
    body = f"({k!r} - x) / (1 + x * x) + {n} / x - x ** -1"
    top, bottom = k - x, 1 + x * x
    value = top / bottom + n / x - 1 / x
    slope = (-bottom - top * 2 * x) / bottom**2 - n / x**2 + 1 / x**2
    scale = (abs(bottom) + abs(top * 2 * x)) / bottom**2 + (n + 1) / x**2
    probes.check_derivative(submission, body, body, x, value, slope, scale)


@pytest.mark.points(1)
def test_a_constant_function_has_derivative_zero(submission, rng):
    """derivative(f, x) is 0.0 for an f that ignores x and returns a plain number."""
    probes.constant_has_derivative_zero(submission, rng)
