"""Hidden checks for 1.2.40.5, the class Var with vsin, vexp, vlog and backward().

A learner's Var only exists in the worker, so every check is a probe (a WorkerCode): it
builds a computation from NEW Vars of the learner's class, calls backward() on the
output, and sends back plain floats (values and grads). The probe's text is only the
construction; every expected value is computed here, from analytic derivatives (by hand
for the fixed graphs, with SymPy for the drawn expressions), at values drawn at grade
time.

Before a check asserts, ``diagnose``-style helpers compare the returned grads with what
the common mistakes give on the same graph: an output grad never seeded with 1, grads
overwritten (=) instead of added (+=), the product rule's local derivatives swapped, the
wrong sign in a subtraction or division rule, the wrong derivative of vsin or vlog, the
factor of a power, a node that passes its grad on before every user has added its share
(no topological order), the order run from the inputs to the output, and a recursive
walk that the chain of 1,000 operations takes past Python's recursion limit.
"""

import math

import pytest

from grader.grading import checks
from grader.grading.plugin import explain
from grader.sandbox.worker_code import WorkerCode
from grader.sandbox.workers import LearnerError

SECTION = "reverse-mode"
GRAPH = "computational-graph"
RTOL = 1e-10  # the learner may order a local derivative's arithmetic otherwise

# What a learner-code exception usually means in this exercise (see grader/grading/plugin.py).
ERROR_ADVICE = {
    "TypeError/unsupported operand": "An operation between a Var and something else has "
    "no method: Var + Var needs __add__ to accept a Var, and when the plain number comes "
    "first (3 - x, 2 / x, 2 * x) Python calls the Var's reflected method (__rsub__, "
    "__rtruediv__, __rmul__) with the Var as self and the number as other.",
    "TypeError/must be real number": "A math function (math.sin, math.exp, math.log) was "
    "given a Var: it takes a plain number. Apply it to x.value, and record the local "
    "derivative (cos, exp, 1/x of that value) for backward().",
    "AttributeError/'backward'": "An operation returned a plain number instead of a Var, "
    "so the result cannot run backward(): every operation, also one with a plain number "
    "on either side, returns a new Var that records its inputs.",
    "AttributeError/'grad'": "A Var has no grad attribute: Var(value) sets self.grad = 0.0 "
    "in __init__, before any backward() runs.",
    "AttributeError/'value'": "Something without a .value reached your code: a plain "
    "number (the c in x + c or c - x) has no .value. Treat a number as a constant, which "
    "gets no grad, rather than as a Var.",
    "TypeError/float() argument": "The grader reads value and grad as plain numbers, and "
    "one of them holds something else here (a Var, a list, None): grad is a float that "
    "backward() adds into, and value the float the operation computed.",
    "ValueError/math domain": "vlog was given a Var whose value is not positive here, or "
    "a power with a fractional exponent met a negative value: the checks stay inside the "
    "domain, so look at which value your code really passed.",
}


# --- running probes ------------------------------------------------------------------------


def probe(body: str, params: str, names: tuple[str, ...], description: str) -> WorkerCode:
    """A function run in the worker: ``body`` (indented lines) builds Vars from the plain
    numbers ``params`` and returns plain floats."""
    return WorkerCode(f"def check({params}):\n{body}", names=names, description=description)


def run(submission, code: WorkerCode, *args):
    """Run ``code`` in the worker; an exception from the learner's class is told in the
    words of what the probe was building."""
    try:
        return submission.run(code, *args)
    except LearnerError as error:
        if error.is_a("NotImplementedError"):
            raise  # the report names what is still the stub's, once for all checks
        checks.fail(error_words(error, code.description))


def error_words(error: LearnerError, what: str) -> str:
    info = error.error
    line = f" (your file, line {info['line']})" if info.get("line") else ""
    said = info.get("message", "").strip().rstrip(".")
    if error.is_a("RecursionError"):
        return (
            f"Building {what} raised RecursionError{line}: Python's stack ran out, most "
            "likely because backward() (or the topological sort it uses) calls itself "
            "once for every node. Your chain rule may well be right; it is the recursion "
            "that cannot go this deep: a chain of 1,000 operations needs 1,000 nested "
            "calls, and Python stops at its default recursion limit of 1,000. Rewrite the "
            "walk as a loop over an explicit stack (a list of nodes still to visit, "
            "popped and pushed in a while loop), which goes as deep as memory allows "
            "(lesson section 'Reverse mode')."
        )
    if error.type_name == "Unsendable":
        return (
            f"Building {what}: a value or a grad of your Var is not a plain number, so "
            f"the grader could not read it ({said}). value and grad hold floats."
        )
    why = explain(info, ERROR_ADVICE)
    python = f' (Python says: "{said}")' if said else ""
    return f"Building {what} raised {error.type_name}{line}. {why}{python}".strip()


def near(got: float, want: float, scale: float = 1.0) -> bool:
    return abs(got - want) <= RTOL * max(abs(want), scale * 1e-2) + 1e-13


def fmt(value: float) -> str:
    return f"{value:.10g}"


NOT_SEEDED = (
    "every grad is still 0.0 after out.backward(), out's own grad included: the output's "
    "grad was not seeded with 1. backward() starts by setting the output's grad to 1.0 "
    "(d out / d out = 1); every other grad is that 1 multiplied along the paths"
)


def seeded(what: str, out_grad: float, leaf_grads: list[float], wanted: list[float]) -> None:
    """Fail with the right words when backward() left the output's own grad at 0 (or
    anything but 1)."""
    if out_grad == 0.0 and not any(leaf_grads) and any(wanted):
        checks.fail(f"{what}: {NOT_SEEDED}.", SECTION)
    if not near(out_grad, 1.0):
        checks.fail(
            f"{what}: out.grad is {fmt(out_grad)} after out.backward(); expected 1.0. The "
            "output's grad was not seeded with 1: d out / d out is 1, and backward() "
            "sets it before passing anything on.",
            SECTION,
        )


# --- a new Var -----------------------------------------------------------------------------

NEW_VAR = probe(
    "    x = Var(a)\n    return float(x.value), float(x.grad)\n",
    "a",
    ("Var",),
    "x = Var(a)",
)


@pytest.mark.points(1)
def test_a_new_var_holds_its_value_and_grad_zero(submission, rng):
    """Var(a).value is a, and its grad is 0.0 before any backward()."""
    for a in (float(rng.uniform(-3, 3)), 0.0, float(rng.integers(-5, 6))):
        value, grad = run(submission, NEW_VAR, a)
        checks.true(
            value == a,
            f"Var({fmt(a)}).value is {fmt(value)}; expected {fmt(a)}: Var(value) keeps "
            "the number it is given.",
        )
        checks.true(
            grad == 0.0,
            f"Var({fmt(a)}).grad is {fmt(grad)} before any backward(); expected 0.0: a "
            "grad is only known once backward() has run from an output.",
        )


# --- each operation --------------------------------------------------------------------

BINARY = (
    "    x, y = Var(a), Var(b)\n    out = {expr}\n    out.backward()\n"
    "    return float(out.value), float(out.grad), float(x.grad), float(y.grad)\n"
)


def cases(a: float, b: float) -> list[tuple]:
    """(expression, value, dx, dy, mistakes): mistakes map (dx, dy) a wrong rule gives to
    what it is."""
    la = abs(a)
    return [
        ("x + y", a + b, 1.0, 1.0, {}),
        (
            "x - y",
            a - b,
            1.0,
            -1.0,
            {(1.0, 1.0): "the subtraction rule's sign: d(x - y)/dy is -1, and y got +1"},
        ),
        (
            "x * y",
            a * b,
            b,
            a,
            {
                (a, b): "the product rule's local derivatives swapped: d(x * y)/dx is the "
                "value of y and d(x * y)/dy the value of x, and each Var got its own value"
            },
        ),
        (
            "x / y",
            a / b,
            1 / b,
            -a / b**2,
            {
                (1 / b, a / b**2): "the division rule's sign: d(x / y)/dy is -x / y**2, and "
                "y got +x / y**2",
                (1 / b, -a / b): "the division rule for the denominator without its "
                "square: d(x / y)/dy is -x / y**2, and y got -x / y",
                (b, -a / b**2): "the division rule for the numerator: d(x / y)/dx is 1 / y, "
                "and x got y",
            },
        ),
        ("-x", -a, -1.0, 0.0, {(1.0, 0.0): "unary minus passing +1: d(-x)/dx is -1"}),
        (
            "vsin(x)",
            math.sin(a),
            math.cos(a),
            0.0,
            {
                (math.sin(a), 0.0): "the vsin derivative: d sin(x)/dx is cos(x), and x got sin(x)",
                (-math.cos(a), 0.0): "the vsin derivative's sign: d sin(x)/dx is +cos(x)",
            },
        ),
        (
            "vexp(x)",
            math.exp(a),
            math.exp(a),
            0.0,
            {(1.0, 0.0): "the vexp derivative: d exp(x)/dx is exp(x) itself, and x got 1"},
        ),
        (
            "vlog(x)",
            math.log(la),
            1 / la,
            0.0,
            {
                (math.log(la), 0.0): "the vlog derivative: d log(x)/dx is 1/x, and x got log(x)",
                (la, 0.0): "the vlog derivative: d log(x)/dx is 1/x, and x got x",
                (-1 / la, 0.0): "the vlog derivative's sign: d log(x)/dx is +1/x",
                (-1 / la**2, 0.0): "the vlog derivative: d log(x)/dx is 1/x, and x got "
                "-1/x**2 (the derivative of 1/x)",
                (math.exp(la), 0.0): "the vlog derivative: d log(x)/dx is 1/x, and x got exp(x)",
            },
        ),
    ]


def names_in(expr: str) -> tuple[str, ...]:
    return ("Var",) + tuple(f for f in ("vsin", "vexp", "vlog") if f in expr)


@pytest.mark.points(3)
def test_each_operation_has_its_value_and_local_derivatives(submission, rng):
    """Each operation's value and grads: +, -, *, /, unary minus, vsin, vexp, vlog.

    y.grad stays 0.0 where the output does not use y."""
    a = float(rng.uniform(0.4, 2.5) * rng.choice([-1, 1]))
    b = float(rng.uniform(0.4, 2.5) * rng.choice([-1, 1]))
    for expr, value, dx, dy, mistakes in cases(a, b):
        x_value = abs(a) if expr == "vlog(x)" else a
        code = probe(BINARY.format(expr=expr), "a, b", names_in(expr), f"out = {expr}")
        got_value, out_grad, gx, gy = run(submission, code, x_value, b)
        what = f"With x = Var({fmt(x_value)}), y = Var({fmt(b)}) and out = {expr}"
        seeded(what, out_grad, [gx, gy], [dx, dy])
        checks.true(
            near(got_value, value, abs(value) + 1),
            f"{what}: out.value is {fmt(got_value)}; expected {fmt(value)}. The value of "
            "each new Var is the operation applied to the values of its inputs.",
        )
        if near(gx, dx) and near(gy, dy):
            continue
        for (wx, wy), words in mistakes.items():
            if near(gx, wx) and near(gy, wy):
                checks.fail(
                    f"{what}, after out.backward(): x.grad is {fmt(gx)} and y.grad "
                    f"{fmt(gy)}; expected {fmt(dx)} and {fmt(dy)}. That is {words}.",
                    SECTION,
                )
        unused = " (y is not used, so its grad stays 0.0)" if "y" not in expr else ""
        checks.fail(
            f"{what}, after out.backward(): x.grad is {fmt(gx)} and y.grad {fmt(gy)}; "
            f"expected {fmt(dx)} and {fmt(dy)}{unused}. backward() gives each input "
            "out.grad (1.0) times the local derivative of the operation with respect to "
            "that input.",
            SECTION,
        )


# --- plain numbers on either side ---------------------------------------------------------

WITH_NUMBERS = ("x + c", "c + x", "x - c", "c - x", "x * c", "c * x", "x / c", "c / x")
NUMBER = (
    "    x = Var(a)\n    out = {expr}\n    out.backward()\n"
    "    return float(out.value), float(out.grad), float(x.grad)\n"
)


def number_cases(a: float, c: float) -> dict[str, tuple]:
    """expression -> (value, dx, {(value, dx) a mistake gives: what it is})."""
    return {
        "x + c": (a + c, 1.0, {}),
        "c + x": (c + a, 1.0, {}),
        "x - c": (a - c, 1.0, {}),
        "c - x": (
            c - a,
            -1.0,
            {
                (c - a, 1.0): "the reflected subtraction's sign: d(c - x)/dx is -1, and x got +1",
                (a - c, 1.0): "c - x computed as x - c: in __rsub__, self is x and other is "
                "the number, and the result is other - self, whose derivative is -1",
                (a - c, -1.0): "the value of c - x computed as x - c: in __rsub__, self is x "
                "and other is the number, and the result is other - self",
            },
        ),
        "x * c": (a * c, c, {}),
        "c * x": (c * a, c, {}),
        "x / c": (a / c, 1 / c, {}),
        "c / x": (
            c / a,
            -c / a**2,
            {
                (a / c, 1 / c): "c / x computed as x / c: in __rtruediv__, self is x and "
                "other is the number, and the result is other / self",
                (c / a, c / a**2): "the reflected division's sign: d(c / x)/dx is -c / x**2",
                (c / a, -c / a): "the reflected division without the square: d(c / x)/dx "
                "is -c / x**2",
            },
        ),
    }


@pytest.mark.points(2)
def test_numbers_on_either_side(submission, rng):
    """x + c, c + x, x - c, c - x, x * c, c * x, x / c, c / x: values and x.grad."""
    a = float(rng.uniform(0.4, 2.5) * rng.choice([-1, 1]))
    c = float(rng.uniform(0.5, 4.0) * rng.choice([-1, 1]))
    for expr, (value, dx, mistakes) in number_cases(a, c).items():
        code = probe(NUMBER.format(expr=expr), "a, c", ("Var",), f"out = {expr}")
        got_value, out_grad, gx = run(submission, code, a, c)
        what = f"With x = Var({fmt(a)}), c = {fmt(c)} and out = {expr}"
        seeded(what, out_grad, [gx], [dx])
        if near(got_value, value, abs(value) + 1) and near(gx, dx):
            continue
        for (wv, wx), words in mistakes.items():
            if near(got_value, wv, abs(wv) + 1) and near(gx, wx):
                checks.fail(
                    f"{what}: out.value is {fmt(got_value)} and x.grad {fmt(gx)} after "
                    f"out.backward(); expected {fmt(value)} and {fmt(dx)}. That is {words}.",
                    SECTION,
                )
        checks.fail(
            f"{what}: out.value is {fmt(got_value)} and x.grad {fmt(gx)} after "
            f"out.backward(); expected {fmt(value)} and {fmt(dx)}. A plain number is a "
            "constant: it has no grad, and the Var's local derivative is what the "
            "operation gives with the number held fixed.",
            SECTION,
        )


# --- powers --------------------------------------------------------------------------------

POWER = (
    "    x = Var(a)\n    out = x ** p\n    out.backward()\n"
    "    return float(out.value), float(out.grad), float(x.grad)\n"
)


@pytest.mark.points(1)
def test_powers_with_numeric_exponents(submission, rng):
    """x ** p for p = 2, 3, -1, 0.5 and a drawn float, at a drawn x > 0."""
    a = float(rng.uniform(0.5, 2.5))
    code = probe(POWER, "a, p", ("Var",), "out = x ** p")
    for p in (2, 3, -1, 0.5, round(float(rng.uniform(-2.5, 2.5)), 3)):
        got_value, out_grad, gx = run(submission, code, a, p)
        what = f"With x = Var({fmt(a)}) and out = x ** {p}"
        want = p * a ** (p - 1)
        seeded(what, out_grad, [gx], [want])
        checks.true(
            near(got_value, a**p, 1),
            f"{what}: out.value is {fmt(got_value)}; expected {fmt(a**p)}.",
        )
        if near(gx, want):
            continue
        words = {
            p * a**p: "the power rule with x**p where x**(p - 1) belongs",
            a ** (p - 1): "the power rule without its factor p",
            p * a: "p times x, the power rule only for p = 2",
            a**p: "x**p itself, the value, where the derivative p * x**(p - 1) belongs",
        }
        found = next((w for wrong, w in words.items() if near(gx, wrong)), "")
        checks.fail(
            f"{what}: x.grad is {fmt(gx)} after out.backward(); expected p * x**(p - 1) "
            f"with p = {p}, that is {fmt(want)}" + (f". That is {found}." if found else "."),
            SECTION,
        )


# --- a shared input ----------------------------------------------------------------------

SHARED = (
    "    x = Var(a)\n    out = {expr}\n    out.backward()\n"
    "    return float(out.value), float(out.grad), float(x.grad)\n"
)
OVERWRITTEN = (
    "the share of one use only: x is used twice, and each use adds its own contribution "
    "to x.grad. Your backward() overwrote the grad (=) instead of accumulating it (+=), so "
    "only the last contribution written is left. Add into grad"
)
ONE_PATH = (
    "the share of one path only ({shares}). x * x alone came out right, so adding into "
    "grad works; the order does not: a node passed its grad on before it had received "
    "all of its own (x * x gave x its share while its own grad was still incomplete, or "
    "x's direct share came after). Visit the nodes in a topological order, from the "
    "output back, so that each node's grad is complete before it is passed on"
)


@pytest.mark.points(2)
def test_a_shared_input_adds_up_its_paths(submission, rng):
    """x * x gives 2x; x * x + x gives 2x + 1; x + x + x gives 3."""
    a = float(rng.uniform(0.6, 2.5) * rng.choice([-1, 1]))
    for expr, want, shares in (
        ("x * x", 2 * a, {"x through each factor": a}),
        ("x * x + x", 2 * a + 1, {"directly": 1.0, "through x * x": 2 * a}),
        ("x + x + x", 3.0, {"directly": 1.0, "through x + x": 2.0}),
    ):
        code = probe(SHARED.format(expr=expr), "a", ("Var",), f"out = {expr}")
        _, out_grad, gx = run(submission, code, a)
        what = f"With x = Var({fmt(a)}) and out = {expr}"
        seeded(what, out_grad, [gx], [want])
        if near(gx, want):
            continue
        words = ""
        if expr == "x * x" and near(gx, a):
            words = OVERWRITTEN
        elif expr != "x * x" and any(near(gx, s) for s in shares.values()):
            words = ONE_PATH.format(shares=", ".join(f"{k}: {fmt(v)}" for k, v in shares.items()))
        checks.fail(
            f"{what}: x.grad is {fmt(gx)} after out.backward(); expected {fmt(want)}"
            + (f". That is {words}." if words else ": every path from out to x adds its share."),
            SECTION,
        )


# --- diamonds --------------------------------------------------------------------------

DIAMOND = (
    "    x, y = Var(a), Var(b)\n    u = x * y\n    out = {expr}\n    out.backward()\n"
    "    return (float(out.value), float(out.grad), float(u.grad), float(x.grad), "
    "float(y.grad))\n"
)


def check_diamond(submission, a: float, b: float, expr: str, shares: dict[str, float], names):
    """u = x * y; out = ``expr`` (using u on two branches whose local shares of du are
    ``shares``): out.grad, u.grad, x.grad, y.grad against the chain rule, with the
    mistakes of order and accumulation named."""
    u = a * b
    du = sum(shares.values())
    code = probe(DIAMOND.format(expr=expr), "a, b", names, f"u = x * y; out = {expr}")
    _, out_grad, gu, gx, gy = run(submission, code, a, b)
    what = f"With x = Var({fmt(a)}), y = Var({fmt(b)}), u = x * y (= {fmt(u)}) and out = {expr}"
    seeded(what, out_grad, [gu, gx, gy], [du])
    got = f"u.grad is {fmt(gu)}, x.grad {fmt(gx)} and y.grad {fmt(gy)} after out.backward()"
    want = f"expected {fmt(du)}, {fmt(du * b)} and {fmt(du * a)}"
    if near(gu, du) and near(gx, du * b) and near(gy, du * a):
        return
    branches = " and ".join(f"{fmt(s)} through {path}" for path, s in shares.items())
    if not near(gu, du) and any(near(gu, s) for s in shares.values()):
        checks.fail(
            f"{what}: {got}; {want}. u.grad holds one branch's share only: u is used on two "
            f"branches, which give {branches}. Each use adds its contribution: grads are "
            "accumulated (+=), never overwritten (=).",
            SECTION,
        )
    if near(gu, du) and any(near(gx, s * b) and near(gy, s * a) for s in shares.values()):
        checks.fail(
            f"{what}: {got}; {want}. u.grad is right in the end, but x and y got u's grad "
            f"from one branch only ({branches}): u passed its grad on to x and y before "
            "every node that uses u had added its share. That is the order of the walk: "
            "visit the nodes in a topological order (each node only after all the nodes "
            "that use it), from the output back, so a node's grad is complete when it is "
            "passed on.",
            GRAPH,
        )
    if gx == 0.0 and gy == 0.0:
        checks.fail(
            f"{what}: {got}; {want}. Nothing reached x and y: the nodes were visited from "
            "the inputs to the output, so x and y were handled while the grads above "
            "them were still 0. Walk the topological order in reverse, from the output "
            "back to the inputs.",
            GRAPH,
        )
    if near(gu, du) and b != 0 and a != 0 and not near(gx / b, gy / a):
        pass  # x and y disagree about what reached them: no single cause to name
    elif near(gu, du):
        # u ends right, x and y do not, and both got the same multiple of what u passed:
        # u passed its grad on more than once, or before it was complete.
        reached = gx / b if b else gy / a
        checks.fail(
            f"{what}: {got}; {want}. u.grad is right in the end, but x and y received "
            f"{fmt(reached)} from u instead of u's final grad {fmt(du)}: u passed its grad "
            f"on more than once, or before it was complete (its branches give {branches}). "
            "A walk that pushes a node's grad each time it reaches the node, path by path, "
            "does this. Visit each node once, in a topological order (each node only after "
            "all the nodes that use it), from the output back.",
            GRAPH,
        )
    checks.fail(
        f"{what}: {got}; {want}. By the chain rule u.grad is the sum over u's uses "
        f"({branches}), and then x.grad = u.grad * y and y.grad = u.grad * x.",
        SECTION,
    )


@pytest.mark.points(2)
def test_a_diamond_whose_top_is_an_intermediate_node(submission, rng):
    """A diamond on an intermediate node: u = x * y; out = vsin(u) + u * u.

    u.grad = cos(u) + 2u, and then x.grad = u.grad * y and y.grad = u.grad * x."""
    a = float(rng.uniform(0.3, 1.4) * rng.choice([-1, 1]))
    b = float(rng.uniform(0.3, 1.4) * rng.choice([-1, 1]))
    u = a * b
    shares = {"vsin(u)": math.cos(u), "u * u": 2 * u}
    check_diamond(submission, a, b, "vsin(u) + u * u", shares, ("Var", "vsin"))


@pytest.mark.points(2)
def test_a_diamond_whose_branches_differ_in_length(submission, rng):
    """A diamond with branches of different lengths: u = x * y; out = u + vexp(vsin(u)).

    One branch from out to u is one step long, the other three."""
    a = float(rng.uniform(0.3, 1.4) * rng.choice([-1, 1]))
    b = float(rng.uniform(0.3, 1.4) * rng.choice([-1, 1]))
    u = a * b
    shares = {"the direct + u": 1.0, "vexp(vsin(u))": math.exp(math.sin(u)) * math.cos(u)}
    check_diamond(submission, a, b, "u + vexp(vsin(u))", shares, ("Var", "vsin", "vexp"))


# --- a long chain ---------------------------------------------------------------------------

CHAIN = probe(
    "    x = Var(a)\n    out = x\n    for _ in range(steps):\n        out = out * c + x\n"
    "    out.backward()\n    return float(out.value), float(out.grad), float(x.grad)\n",
    "a, c, steps",
    ("Var",),
    "a chain of 1,000 operations (out = out * c + x, 500 times)",
)


@pytest.mark.points(2)
def test_a_chain_of_1000_operations(submission, rng):
    """A chain of 1,000 operations runs without RecursionError, with the right grad.

    out = x, then out = out * c + x 500 times: x.grad = c**500 + (c**500 - 1) / (c - 1)."""
    a = float(rng.uniform(0.5, 2.0) * rng.choice([-1, 1]))
    c = 1.0 + float(rng.uniform(0.002, 0.008) * rng.choice([-1, 1]))
    steps = 500
    power = c**steps
    want = power + (power - 1.0) / (c - 1.0)  # x enters once at the start and once per step
    value, out_grad, gx = run(submission, CHAIN, a, c, steps)
    what = (
        f"With x = Var({fmt(a)}), out = x and then out = out * {fmt(c)} + x repeated "
        f"{steps} times (1,000 operations)"
    )
    seeded(what, out_grad, [gx], [want])
    checks.true(
        abs(value - a * want) <= 1e-9 * abs(a * want),
        f"{what}: out.value is {fmt(value)}; expected {fmt(a * want)}.",
    )
    checks.true(
        abs(gx - want) <= 1e-9 * abs(want),
        f"{what}: x.grad is {fmt(gx)} after out.backward(); expected c**{steps} + "
        f"(c**{steps} - 1) / (c - 1) = {fmt(want)}: x reaches out once through the start "
        "of the chain and once more through every step, and those contributions add up.",
        SECTION,
    )


# --- drawn expressions ------------------------------------------------------------------

VARIABLES = ("x", "y", "z")


def draw_expression(rng, depth: int):
    """A random expression as (source text for Vars, SymPy expression). The source uses
    only the statement's operations, and stays inside every function's domain: vlog and
    fractional powers get positive arguments, divisions a denominator of at least 1."""
    import sympy

    if depth == 0:
        name = VARIABLES[int(rng.integers(3))]
        return name, sympy.Symbol(name)
    kind = int(rng.integers(12))
    a_text, a = draw_expression(rng, depth - 1)
    c = round(float(rng.uniform(0.5, 3.0) * rng.choice([-1, 1])), 2)
    cs = sympy.Rational(c)  # the float c exactly, as Python reads its text
    if kind < 4:
        b_text, b = draw_expression(rng, depth - 1)
        op = "+-*/"[kind]
        if op == "/":
            return f"({a_text}) / (({b_text}) * ({b_text}) + 1)", a / (b * b + 1)
        return f"({a_text}) {op} ({b_text})", {"+": a + b, "-": a - b, "*": a * b}[op]
    if kind == 4:
        return f"vsin({a_text})", sympy.sin(a)
    if kind == 5:
        return f"vexp(vsin({a_text}))", sympy.exp(sympy.sin(a))
    if kind == 6:
        return f"vlog(({a_text}) * ({a_text}) + 1)", sympy.log(a * a + 1)
    if kind == 7:
        p = [0.5, 1.5, -0.5, 3][int(rng.integers(4))]
        return f"(({a_text}) * ({a_text}) + 0.5) ** {p}", (a * a + sympy.Rational(1, 2)) ** (
            sympy.Rational(p)
        )
    if kind == 8:
        return f"-({a_text})", -a
    if kind == 9:
        return f"{c} - ({a_text})", cs - a
    if kind == 10:
        return f"{c} / (({a_text}) * ({a_text}) + 1)", cs / (a * a + 1)
    return f"{c} * ({a_text}) + {c}", cs * a + cs


EXPRESSION = (
    "    x, y, z = Var(a), Var(b), Var(c)\n    out = {expr}\n    out.backward()\n"
    "    return float(out.value), float(out.grad), float(x.grad), float(y.grad), "
    "float(z.grad)\n"
)


@pytest.mark.points(2)
def test_drawn_expressions_match_their_exact_derivatives(submission, rng):
    """Drawn expressions in x, y, z: the grads equal the exact partial derivatives.

    The expressions mix every operation; the exact derivatives come from SymPy."""
    import sympy

    for _ in range(4):
        text, expr = draw_expression(rng, 3)
        while not expr.free_symbols or len(text) > 240:
            text, expr = draw_expression(rng, 3)
        point = [round(float(v), 4) for v in rng.uniform(-1.5, 1.5, size=3)]
        subs = {sympy.Symbol(n): sympy.Rational(v) for n, v in zip(VARIABLES, point, strict=True)}
        value = float(expr.evalf(30, subs=subs))
        want = [float(sympy.diff(expr, sympy.Symbol(n)).evalf(30, subs=subs)) for n in VARIABLES]
        code = probe(EXPRESSION.format(expr=text), "a, b, c", names_in(text), f"out = {text}")
        got_value, out_grad, *got = run(submission, code, *point)
        at = ", ".join(f"{n} = Var({v})" for n, v in zip(VARIABLES, point, strict=True))
        what = f"With {at} and out = {text}"
        seeded(what, out_grad, got, want)
        scale = max(1.0, abs(value), *(abs(w) for w in want))
        checks.true(
            abs(got_value - value) <= 1e-9 * scale,
            f"{what}: out.value is {fmt(got_value)}; expected {fmt(value)}.",
        )
        for n, g, w in zip(VARIABLES, got, want, strict=True):
            checks.true(
                abs(g - w) <= 1e-9 * scale,
                f"{what}: {n}.grad is {fmt(g)} after out.backward(); expected the exact "
                f"d out/d{n} = {fmt(w)} (the grads of x, y, z: {fmt(got[0])}, {fmt(got[1])}, "
                f"{fmt(got[2])}; expected {fmt(want[0])}, {fmt(want[1])}, {fmt(want[2])}). "
                "The other checks pass each rule alone; here they meet in one graph, so "
                "look at the rule this expression uses that the others do not, and at "
                "variables used on several paths.",
                SECTION,
            )
