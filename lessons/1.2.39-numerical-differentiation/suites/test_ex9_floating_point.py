"""Hidden checks for 1.2.39.9, machine_epsilon, optimal_step and digits_lost.

Expected values come from NumPy's own description of each type (np.finfo, read here on
the grader's side only), from the step formulas sqrt(eps)*max(1, |x|) and
cbrt(eps)*max(1, |x|), and from log10(max(|a|, |b|) / |a - b|) on pairs drawn at grade
time.

Dtypes cross to the worker as what the signature's default is, a NumPy scalar type
(np.float16, np.float32, np.float64, np.longdouble), never as a name: a learner's natural
``dtype(1)``, ``np.finfo(dtype)`` or ``np.dtype(dtype)`` then works as it did when they
tried their code.

What cannot be checked from outside: whether machine_epsilon really halves. Its value is
the same however it is found, so one check reads the submitted source (parsed with ast,
never run here) and refuses the direct look-ups named in the stub. A determined learner
can hide a look-up; the check is there to catch the honest shortcut, not to prove.

Each check compares a wrong value with what the common mistakes give (the halving in
another type, once too often, down to the smallest number; the square and cube roots
swapped, float64's epsilon for every type, no scaling by max(1, |x|), ``eps ** 1/2``; the
natural logarithm, no logarithm) and names the mistake it recognises.
"""

import ast
import math

import numpy as np
import pytest

from grader.grading import checks
from grader.sandbox.workers import LearnerError, WorkerFailure

FLOATS = (np.float16, np.float32, np.float64)

# What a learner-code exception usually means in this exercise (see grader/grading/plugin.py).
ERROR_ADVICE = {
    "ZeroDivisionError": "In digits_lost this is a == b: a - b is 0, every digit cancels, "
    "and the answer is math.inf. Handle a == b before dividing by |a - b| (lesson section "
    "'Catastrophic cancellation').",
    "digits_lost:ValueError/math domain error": "math.log10 got zero or a negative "
    "number: its argument must be a positive ratio. digits_lost compares sizes, |a|, |b| "
    "and |a - b|, and for a != b the ratio max(|a|, |b|) / |a - b| is positive even when a "
    "or b is 0 or their signs differ.",
    "optimal_step:ValueError/math domain error": "math.sqrt (or another math function) got "
    "a negative number: eps is positive and so is the scale max(1, |x|), so the step is a "
    "root of a positive number.",
    "optimal_step:ValueError": "In optimal_step, a ValueError is right only for a method "
    "other than 'forward' and 'central'; for those two, any x and dtype give a step.",
    "digits_lost:TypeError/cannot be interpreted as an integer": "A whole number was "
    "needed and a float came. In digits_lost that is usually np.max (or np.amax) given two "
    "numbers, as MATLAB's max(a, b) takes them: NumPy's np.max takes ONE array, and reads "
    "its second argument as the axis, which must be an integer. The larger of two numbers "
    "is Python's built-in max of the two (or np.maximum).",
    "AttributeError": "dtype arrives as a NumPy type such as np.float32, a class, not a "
    "dtype object: np.dtype(dtype) makes the dtype object from it (or from a name), and "
    "its .type gives back the type whose t(1) is a number of that type.",
}
LOOKUPS = {"finfo", "float_info", "spacing", "nextafter", "ulp", "MachAr"}


def eps_of(dtype: type) -> float:
    return float(np.finfo(dtype).eps)


def named(dtype: type) -> str:
    """How the learner writes the type: np.float32, np.longdouble."""
    return "np.longdouble" if dtype is np.longdouble else f"np.{np.dtype(dtype).name}"


def call(submission, function: str, *args, shown: str):
    """Call the learner's ``function``; ``shown`` is the call as the learner would write
    it (a type's repr, "<class 'numpy.float32'>", is not how anyone writes it)."""
    try:
        return getattr(submission, function)(*args)
    except (LearnerError, WorkerFailure) as error:
        error.call_text = shown
        raise


# --- machine_epsilon ----------------------------------------------------------------------


def check_epsilon(submission, dtype: type | None) -> None:
    want = eps_of(dtype or np.float64)
    shown = f"machine_epsilon({named(dtype) if dtype else ''})"
    got = call(submission, "machine_epsilon", *([dtype] if dtype else []), shown=shown)
    got = checks.as_float(got, shown, "machine epsilon (a number)")
    if got == want:
        return
    hint = epsilon_mistake(got, dtype or np.float64)
    checks.fail(
        f"{shown} returned {got!r}; the machine epsilon of "
        f"{named(dtype or np.float64)} is {want!r} (2**{round(math.log2(want))}).{hint}"
    )


def epsilon_mistake(got: float, dtype: type) -> str:
    """Words for a wrong machine epsilon that a common mistake gives, or ""."""
    want = eps_of(dtype)
    others = [t for t in (*FLOATS, np.longdouble) if eps_of(t) != want]
    if got == eps_of(np.float64) and dtype is not np.float64:
        return (
            " That is float64's epsilon: the halving ran in float64, as it does with Python "
            "floats such as 1.0 and 2, whatever dtype asks for. Every number in the loop has "
            f"to be of type {named(dtype)}, so that each sum is rounded in that type (the "
            "exercise statement shows how to make such numbers)."
        )
    if other := next((t for t in others if got == eps_of(t)), None):
        return (
            f" That is {named(other)}'s epsilon: the halving ran in {named(other)}, not in the "
            "type asked for."
        )
    if got == want / 2:
        return (
            " That is half of it: one halving too many. Stop as soon as 1 + eps/2 rounds to "
            "1, and return that eps, the last one that still changed 1."
        )
    if got == want * 2:
        return " That is twice it: one halving too few. Keep halving while 1 + eps/2 != 1."
    if got == 1.0:
        return " The loop never halved eps: keep halving while 1 + eps/2 is still not 1."
    if got == float(np.finfo(dtype).smallest_subnormal) or got == 0.0:
        return (
            " That is where halving eps itself runs out, not where adding it to 1 stops "
            "changing 1: compare 1 + eps/2 with 1, not eps with 0."
        )
    halvings = -math.log2(want)
    if got > 1 and abs(got - halvings) <= 1:
        return (
            f" That is the number of halvings; machine epsilon is the number eps itself, "
            f"2**-{halvings:g}."
        )
    return ""


@pytest.mark.points(3)
@pytest.mark.section("machine-epsilon")
def test_machine_epsilon_of_float16_float32_float64(submission):
    """machine_epsilon gives 2**-10, 2**-23 and 2**-52, and float64 by default."""
    for dtype in FLOATS:
        check_epsilon(submission, dtype)
    check_epsilon(submission, None)


@pytest.mark.points(1)
@pytest.mark.section("machine-epsilon")
def test_machine_epsilon_of_longdouble(submission):
    """The same loop works for np.longdouble (its epsilon depends on the machine)."""
    check_epsilon(submission, np.longdouble)


def reachable_code(tree: ast.Module, name: str) -> list[ast.AST]:
    """The function ``name`` and the module-level functions and assignments it refers to,
    transitively: a look-up moved into a helper or a module constant is still found."""
    defined: dict[str, ast.AST] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            defined[node.name] = node
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for item in ast.walk(target):
                    if isinstance(item, ast.Name):
                        defined[item.id] = node
    found: dict[str, ast.AST] = {}
    todo = [name]
    while todo:
        current = todo.pop()
        if current in found or current not in defined:
            continue
        found[current] = defined[current]
        todo += [n.id for n in ast.walk(defined[current]) if isinstance(n, ast.Name)]
    return list(found.values())


def lookups_in(nodes: list[ast.AST], imported: dict[str, str]) -> set[str]:
    """Look-ups used in ``nodes``: attributes such as np.finfo, names imported from a
    module under a look-up's name, and getattr-style strings."""
    used = set()
    for node in nodes:
        for item in ast.walk(node):
            if isinstance(item, ast.Attribute) and item.attr in LOOKUPS:
                used.add(item.attr)
            elif isinstance(item, ast.Name) and item.id in imported:
                used.add(imported[item.id])
            elif isinstance(item, ast.Constant) and item.value in LOOKUPS:
                used.add(item.value)
    return used


@pytest.mark.points(1)
@pytest.mark.section("machine-epsilon")
def test_machine_epsilon_is_found_not_looked_up(submission, submission_path):
    """machine_epsilon computes the value: its source uses no np.finfo and the like."""
    try:
        tree = ast.parse(submission_path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError, RecursionError):
        checks.fail("The grader could not read the source of your file to look at machine_epsilon.")
    imported = {
        alias.asname or alias.name: alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if alias.name in LOOKUPS
    }
    used = lookups_in(reachable_code(tree, "machine_epsilon"), imported)
    checks.true(
        not used,
        f"machine_epsilon uses {', '.join(sorted(used))}, which looks the answer up. The "
        "exercise is to find it: halve eps, in the requested type, until 1 + eps/2 == 1.",
    )
    # No look-up; the point still needs a machine_epsilon that finds the value (the stub
    # has no look-up either).
    try:
        check_epsilon(submission, np.float32)
    except checks.CheckFailed as failure:
        checks.fail(
            "machine_epsilon uses none of the look-ups (np.finfo, sys.float_info, np.spacing, "
            "np.nextafter, math.ulp): that part is right. This check gives its point only "
            "together with a right value, and the value is not right yet: "
            f"{failure.message}"
        )


# --- optimal_step -------------------------------------------------------------------------


def draw_points(rng) -> list[float]:
    """A point near 0, a large positive one and a large negative one. The first has
    |x| < 0.2, so that a step scaled by |x| instead of max(1, |x|) is off by more than
    the factor 4 allowed."""
    return [
        float(rng.uniform(0.01, 0.2) * rng.choice([-1.0, 1.0])),
        float(10 ** rng.uniform(1, 4)),
        -float(10 ** rng.uniform(1, 4)),
    ]


def step_mistake(got: float, method: str, x: float, dtype: type) -> str:
    """Words for a wrong step that a common mistake gives (to a relative 1e-6), or ""."""
    root = {"forward": 2, "central": 3}[method]
    other = {"forward": ("cbrt", 3, "central"), "central": ("sqrt", 2, "forward")}[method]
    eps, scale = eps_of(dtype), max(1.0, abs(x))
    candidates = [
        (
            eps ** (1 / other[1]) * scale,
            f"{other[0]}(eps) * max(1, |x|), the step for {other[2]} differences: the square "
            "and cube roots are swapped. Forward differences balance h against eps/h (a square "
            "root), central ones h**2 against eps/h (a cube root)",
        ),
        (
            eps_of(np.float64) ** (1 / root) * scale,
            f"the step for float64's epsilon, not {named(dtype)}'s: use the machine epsilon of "
            "the dtype asked for",
        ),
        (
            eps ** (1 / root),
            "the step for x = 1, not scaled with x: next to a large x the numbers are spaced "
            "|x| times wider, so the step grows with max(1, |x|)"
            + (
                ". For a negative x, max(1, x) is 1: the scale needs the absolute value, "
                "max(1, |x|)"
                if x < -1
                else ""
            ),
        ),
        (
            eps ** (1 / root) * abs(x),
            "the step scaled by |x| alone: for |x| < 1 that makes it smaller than the step "
            "at 1 and round-off grows; scale by max(1, |x|)",
        ),
        (
            eps / root * scale,
            f"eps divided by {root}: Python reads eps ** 1/{root} as (eps ** 1) / {root}. "
            "Put the exponent in parentheses",
        ),
        (eps * scale, f"eps itself, without the {'square' if root == 2 else 'cube'} root"),
    ]
    for value, words in candidates:
        if value > 0 and abs(got - value) <= 1e-6 * value:
            return words
    return ""


def check_steps(submission, rng, method: str, root: int, formula: str) -> None:
    for dtype in FLOATS:
        for x in draw_points(rng):
            ideal = eps_of(dtype) ** (1 / root) * max(1.0, abs(x))
            shown = f"optimal_step({method!r}, {x:.6g}, {named(dtype)})"
            got = call(submission, "optimal_step", method, x, dtype, shown=shown)
            got = checks.as_float(got, shown, "a step (a number)")
            if ideal / 4 <= got <= ideal * 4:
                continue
            words = step_mistake(got, method, x, dtype)
            checks.fail(
                f"{shown} returned {got:.4g}; expected about {ideal:.4g}, that is {formula} "
                f"with eps = {eps_of(dtype):.4g} for {named(dtype)} (within a factor 4)."
                + (f" What came back is {words}." if words else "")
            )


@pytest.mark.points(2)
@pytest.mark.section("total-error")
def test_optimal_step_forward(submission, rng):
    """Forward differences: h near sqrt(eps) * max(1, |x|) in float16, float32, float64."""
    check_steps(submission, rng, "forward", 2, "sqrt(eps) * max(1, |x|)")


@pytest.mark.points(2)
@pytest.mark.section("total-error")
def test_optimal_step_central(submission, rng):
    """Central differences: h near cbrt(eps) * max(1, |x|), a larger step than forward."""
    check_steps(submission, rng, "central", 3, "cbrt(eps) * max(1, |x|)")


@pytest.mark.points(0.5)
@pytest.mark.section("total-error")
def test_optimal_step_refuses_unknown_methods(submission, rng):
    """A method other than "forward" or "central" raises ValueError; those two do not."""
    for method in ("simpson", ""):
        x = float(rng.uniform(0.5, 2))
        shown = f"optimal_step({method!r}, {x:.6g}, np.float64)"

        def optimal_step(*args, shown=shown):
            return call(submission, "optimal_step", *args, shown=shown)

        optimal_step.last_call_text = lambda shown=shown: shown  # for the message
        checks.raises(
            optimal_step,
            "ValueError",
            method,
            x,
            np.float64,
            why="Only 'forward' and 'central' have a rule here; for anything else "
            "raise ValueError rather than return a step that means nothing.",
        )
    # ... and only for those: a known method still gives its step.
    x = float(rng.uniform(0.5, 2))
    shown = f"optimal_step('central', {x:.6g}, np.float64)"
    got = checks.as_float(
        call(submission, "optimal_step", "central", x, np.float64, shown=shown), shown, "a step"
    )
    ideal = eps_of(np.float64) ** (1 / 3)
    words = step_mistake(got, "central", x, np.float64)
    checks.true(
        ideal / 4 <= got <= ideal * 4,
        f"{shown} returned {got:.4g}; expected about {ideal:.4g}, cbrt(eps) * max(1, |x|)."
        + (f" What came back is {words}." if words else ""),
    )


# --- digits_lost --------------------------------------------------------------------------


def digits(a: float, b: float) -> float:
    a, b = float(a), float(b)
    return max(0.0, math.log10(max(abs(a), abs(b)) / abs(a - b)))


def digits_mistake(got, want: float) -> str:
    """Words for a wrong number of digits that a common mistake gives, or ""."""
    if isinstance(got, float | np.floating) and math.isnan(got):
        return (
            "nan, which np.log10 gives for a negative number: a - b is negative when b > a. "
            "The digits lost depend on the sizes |a|, |b| and |a - b|"
        )
    if not isinstance(got, int | float | np.integer | np.floating) or want <= 0.01:
        return ""
    got = float(got)
    bases = [
        (
            math.log(10),
            "the natural logarithm (math.log or np.log): decimal digits are counted by log10",
        ),
        (
            math.log2(10),
            "the base-2 logarithm, which counts bits: decimal digits are counted by log10",
        ),
        (-1.0, "the logarithm of the ratio upside down: it is max(|a|, |b|) / |a - b|"),
    ]
    for factor, words in bases:
        if abs(got - factor * want) <= 0.01 * abs(factor):
            return words
    if got > 0 and abs(got - 10**-want) <= 1e-6 * 10**-want:
        return (
            "the relative difference |a - b| / max(|a|, |b|) itself: the digits lost are "
            "minus its log10"
        )
    if got > 0 and abs(got - 10**want) <= 1e-6 * 10**want:
        return "the ratio max(|a|, |b|) / |a - b| itself: the digits lost are its log10"
    return ""


def number(value) -> str:
    """A number as the learner would write it, with every digit it has: two numbers that
    differ far down (the pairs here) must not look equal, as they do at 10 digits."""
    if isinstance(value, np.floating) and not isinstance(value, np.float64):
        return f"{named(type(value))}({float(value)!r})"
    return repr(float(value))


def lost(submission, a, b):
    """digits_lost(a, b) on the learner's side, and the call as it is shown."""
    shown = f"digits_lost({number(a)}, {number(b)})"
    return call(submission, "digits_lost", a, b, shown=shown), shown


def smaller_on_top(got, a: float, b: float) -> bool:
    """``got`` is the count with min(|a|, |b|) where max(|a|, |b|) belongs, and the pair
    tells the two apart (their counts differ by far more than the tolerance)."""
    if not isinstance(got, int | float | np.integer | np.floating) or isinstance(got, bool):
        return False
    a, b = float(a), float(b)
    small = min(abs(a), abs(b))
    if small == 0 or a == b:
        return False
    wrong = max(0.0, math.log10(small / abs(a - b)))
    if abs(wrong - digits(a, b)) <= 0.03:
        return False
    return abs(float(got) - wrong) <= 1e-9 * max(1.0, wrong)


def check_digits_apart(submission, a: float, b: float) -> None:
    """A pair further apart, in both orders. The smaller size on top is named only when
    both orders give its count: one order alone could be |a| or |b| used by position."""
    (got, shown), (back, _) = lost(submission, a, b), lost(submission, b, a)
    if smaller_on_top(got, a, b) and smaller_on_top(back, b, a):
        checks.fail(
            f"{shown} returned {checks.show(got)} where {digits(a, b):.4g} digits are lost "
            "(and so did the call with a and b swapped): that is log10(min(|a|, |b|) / "
            "|a - b|), with the smaller of the two sizes on top. The digits lost are counted "
            "against the larger one, max(|a|, |b|): the two agree for nearly equal numbers, "
            "but not for numbers further apart, as here."
        )
    check_digits(submission, a, b)
    check_digits(submission, b, a)


def check_digits(submission, a, b, why: str = "") -> None:
    got, shown = lost(submission, a, b)
    if words := digits_mistake(got, digits(a, b)):
        checks.fail(
            f"{shown} returned {checks.show(got)} where {digits(a, b):.4g} digits "
            f"are lost: that is {words}."
        )
    checks.close(
        got,
        digits(a, b),
        shown,
        rtol=0,
        atol=0.01,
        why=why or "Digits lost: log10(max(|a|, |b|) / |a - b|), in base 10.",
    )


@pytest.mark.points(1)
@pytest.mark.section("cancellation")
def test_digits_lost_subtracting_one_plus_1e8(submission):
    """digits_lost(1, 1 + 1e-8) is about 8: half of float64's 16 digits cancel."""
    got, shown = lost(submission, 1.0, 1.0 + 1e-8)
    if words := digits_mistake(got, digits(1.0, 1.0 + 1e-8)):
        checks.fail(f"{shown} returned {checks.show(got)}; expected about 8: that is {words}.")
    checks.close(
        got,
        8.0,
        shown,
        rtol=0,
        atol=0.01,
        why="1 and 1 + 1e-8 agree in their first 8 digits, and those cancel.",
    )


@pytest.mark.points(2)
@pytest.mark.section("cancellation")
def test_digits_lost_on_pairs_drawn_at_grade_time(submission, rng):
    """Nearly equal pairs of any size and sign, in either order, and float32 numbers."""
    for _ in range(4):
        a = float(rng.choice([-1, 1]) * 10 ** rng.uniform(-5, 5))
        b = a * (1 + float(rng.choice([-1, 1]) * 10 ** -rng.uniform(2.5, 13)))
        check_digits(submission, a, b)
        check_digits(submission, b, a)
    a32 = np.float32(rng.uniform(1, 10))
    b32 = np.float32(a32 * (1 + 10 ** -rng.uniform(2.5, 6)))
    if a32 != b32:
        check_digits(
            submission,
            a32,
            b32,
            "float32 numbers work too: convert with float(a) before computing.",
        )


def sign_flipped(submission, got, shown: str, a: float, b: float) -> None:
    """Fail naming the mistake when ``got`` is minus the (negative) log10 of the ratio,
    where no digit is lost: the sign of a negative count flipped, as abs() does, instead
    of a clamp at 0. Named only when digits_lost(1, 1 + 1e-8) is right, about 8: that
    shows the ratio is the right way up (upside down, it would be minus the count too)."""
    if not isinstance(got, int | float | np.integer | np.floating) or isinstance(got, bool):
        return
    raw = math.log10(max(abs(a), abs(b)) / abs(a - b))
    if raw > -1e-3 or abs(float(got) + raw) > 1e-9 * abs(raw):
        return
    near, _ = lost(submission, 1.0, 1.0 + 1e-8)
    if not isinstance(near, int | float | np.integer | np.floating) or isinstance(near, bool):
        return
    if abs(float(near) - digits(1.0, 1.0 + 1e-8)) > 0.01:
        return
    checks.fail(
        f"{shown} returned {checks.show(got)}; expected 0. Here log10(max(|a|, |b|) / "
        f"|a - b|) is {raw:.4g}, negative because |a - b| is larger than both numbers, and "
        f"{checks.show(got)} is that count with its sign flipped (what abs() of it gives). "
        "A negative count means that no digit is lost: the answer there is 0, so clamp the "
        "count at 0 (keep the larger of it and 0) instead of making it positive."
    )


@pytest.mark.points(1)
@pytest.mark.section("cancellation")
def test_digits_lost_edge_cases(submission, rng):
    """a == b loses every digit (inf); opposite signs or a zero lose none (0.0)."""
    a = float(rng.uniform(1, 100))
    got, shown = lost(submission, a, a)
    checks.true(
        isinstance(got, float | np.floating) and math.isinf(got) and got > 0,
        f"{shown} returned {checks.show(got)}; when a == b every digit cancels: "
        "return math.inf (and check a == b before dividing by a - b).",
    )
    for b in (-float(rng.uniform(1, 100)), 0.0):
        got, shown = lost(submission, a, b)
        negative = isinstance(got, int | float | np.integer | np.floating) and got < 0
        sign_flipped(submission, got, shown, a, b)
        checks.close(
            got,
            0.0,
            shown,
            rtol=0,
            atol=1e-12,
            why="Nothing cancels when |a - b| is as large as the numbers, so no digit is lost"
            + (
                ": a negative count means nothing, and the loss is never below 0."
                if negative
                else "."
            ),
        )


@pytest.mark.points(1)
@pytest.mark.section("cancellation")
def test_digits_lost_on_pairs_further_apart(submission, rng):
    """Pairs further apart (|a - b| 10% to 30% of the larger), in either order: the count is
    against the larger size, which nearly equal pairs cannot tell from the smaller one."""
    for _ in range(2):
        a = float(rng.choice([-1, 1]) * rng.uniform(2, 10))
        b = a * (1 - float(rng.uniform(0.1, 0.3)))
        check_digits_apart(submission, a, b)
