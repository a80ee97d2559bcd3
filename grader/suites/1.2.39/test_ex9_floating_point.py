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
"""

import ast
import math

import numpy as np
import pytest

from grader import checks
from grader.sandbox import LearnerError, WorkerFailure

FLOATS = (np.float16, np.float32, np.float64)
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
    hint = ""
    if got == eps_of(np.float64) and dtype not in (np.float64, None):
        hint = (
            " That is float64's epsilon: the halving ran in Python floats. Make every "
            "value of that type: t = np.dtype(dtype).type, then t(1), t(2), eps = t(1)."
        )
    elif got == want / 2:
        hint = " That is half of it: stop halving as soon as 1 + eps/2 == 1, and return eps."
    elif got == want * 2:
        hint = " That is twice it: keep halving while 1 + eps/2 != 1."
    checks.fail(
        f"{shown} returned {got!r}; the machine epsilon of "
        f"{named(dtype or np.float64)} is {want!r} (2**{round(math.log2(want))}).{hint}"
    )


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
    check_epsilon(submission, np.float32)
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


# --- optimal_step -------------------------------------------------------------------------


def draw_points(rng) -> list[float]:
    """A point inside (-1, 1), a large positive one and a large negative one."""
    return [
        float(rng.uniform(-0.9, 0.9)),
        float(10 ** rng.uniform(1, 4)),
        -float(10 ** rng.uniform(1, 4)),
    ]


def check_steps(submission, rng, method: str, root: int, formula: str) -> None:
    for dtype in FLOATS:
        for x in draw_points(rng):
            ideal = eps_of(dtype) ** (1 / root) * max(1.0, abs(x))
            shown = f"optimal_step({method!r}, {x:.6g}, {named(dtype)})"
            got = call(submission, "optimal_step", method, x, dtype, shown=shown)
            got = checks.as_float(got, shown, "a step (a number)")
            checks.true(
                ideal / 4 <= got <= ideal * 4,
                f"{shown} returned {got:.4g}; expected about {ideal:.4g}, that is {formula} "
                f"with eps = {eps_of(dtype):.4g} for {named(dtype)} (within a factor 4). "
                "Use the epsilon of the dtype asked for, and scale by max(1, |x|) so the "
                "step stays above the spacing of the numbers near x.",
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
    checks.true(
        ideal / 4 <= got <= ideal * 4,
        f"{shown} returned {got:.4g}; expected about {ideal:.4g}, cbrt(eps) * max(1, |x|). "
        "Raise ValueError only for a method other than 'forward' and 'central'.",
    )


# --- digits_lost --------------------------------------------------------------------------


def digits(a: float, b: float) -> float:
    a, b = float(a), float(b)
    return max(0.0, math.log10(max(abs(a), abs(b)) / abs(a - b)))


def check_digits(submission, a, b, why: str = "") -> None:
    got = submission.digits_lost(a, b)
    checks.close(
        got,
        digits(a, b),
        submission.last_text,
        rtol=0,
        atol=0.01,
        why=why or "Digits lost: log10(max(|a|, |b|) / |a - b|), in base 10.",
    )


@pytest.mark.points(1)
@pytest.mark.section("cancellation")
def test_digits_lost_subtracting_one_plus_1e8(submission):
    """digits_lost(1, 1 + 1e-8) is about 8: half of float64's 16 digits cancel."""
    got = submission.digits_lost(1.0, 1.0 + 1e-8)
    checks.close(
        got,
        8.0,
        submission.last_text,
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


@pytest.mark.points(1)
@pytest.mark.section("cancellation")
def test_digits_lost_edge_cases(submission, rng):
    """a == b loses every digit (inf); opposite signs or a zero lose none (0.0)."""
    a = float(rng.uniform(1, 100))
    got = submission.digits_lost(a, a)
    checks.true(
        isinstance(got, float | np.floating) and math.isinf(got) and got > 0,
        f"{submission.last_text} returned {checks.show(got)}; when a == b every digit cancels: "
        "return math.inf (and check a == b before dividing by a - b).",
    )
    for b in (-float(rng.uniform(1, 100)), 0.0):
        got = submission.digits_lost(a, b)
        checks.close(
            got,
            0.0,
            submission.last_text,
            rtol=0,
            atol=1e-12,
            why="Nothing cancels when |a - b| is as large as the numbers: the "
            "result is never negative, so return max(0.0, ...).",
        )
