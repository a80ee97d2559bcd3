"""Hidden checks for 1.2.39.7, numeric_gradient(f, x, h=1e-5).

Expected gradients are analytic (2x; Rosenbrock's; 0.5 (P X Q + P^T X Q^T) + cos(X) for
the matrix function f(X) = 0.5 sum(X * (P @ X @ Q)) + sum(sin(X))). The central
difference is exact for the quadratic parts, and for sin it gives cos(v) * sin(h)/h
exactly, so the tolerances are round-off bounds plus, for Rosenbrock, its h**2 truncation
term. Inputs are drawn at grade time; f is a trusted function, so the grader counts its
calls and sees the arrays it was called with.

The statement gives f an array of x's shape. The matrix function needs it (P @ X uses
X's rows; any other shape makes it raise), and every check first looks at the shapes f
was given, so that a flattened copy passed to f is named as such, also where f raised.

Before a check asserts, ``diagnose`` runs the common mistakes (a forward or backward
difference, entry i never put back, every entry moved at once, / h for / (2 * h), a fixed
step, steps lost in integers) on the grader's side with the same f, x and h, so the first
message names the mistake the learner's values show. The points f was called at name two
more: both calls of a pair at one point, and a -h point that is the +h point moved back (an
assignment taken for a copy). A changed x is told apart by calling again with x as float32:
left alone then, the "copy" was a conversion such as np.asarray(x, dtype=float), which
copies only when the dtype changes.
"""

import numpy as np
import pytest

from grader.grading import checks
from grader.grading.inputs import lesson_inputs
from grader.sandbox.workers import LearnerError, WorkerFailure

get = lesson_inputs(__file__).get  # the lesson's trusted functions (inputs.py)

EPS = np.finfo(float).eps

# What a learner-code exception usually means in this exercise (see grader/grading/plugin.py).
ERROR_ADVICE = {
    "UFuncTypeError": "Here that is a step taken in place (+= h or -= h) on an integer x, "
    "or on a copy that kept x's integer dtype: the float result cannot be stored in "
    "integers. Make your working copy a float array first (lesson section 'Gradients').",
    "IndexError": "With one index, x[i] walks only the first axis of an array of several "
    "dimensions, so i runs past its end: visit every entry through a flat view of your "
    "copy (reshape(-1)) or with np.ndindex(x.shape).",
    "TypeError": "f takes one array shaped like x and returns a number: call it with the "
    "whole moved copy of x, never with single entries or with several arguments.",
    "ValueError": "If Python says 'setting an array element with a sequence', an array "
    "was stored into one entry of the gradient: entry i holds one number, the difference "
    "of two values of f divided by 2h.",
}


# --- recognising the common mistakes ------------------------------------------------------


def watched(name: str, **params):
    """The trusted function ``name`` that also keeps (on the grader's side, where every
    call of it is evaluated) a copy of the point of each call, in ``.seen``: the points
    show where the learner's code evaluated f, which no value of the gradient can."""
    return get(name, **params).watch()


def unwatched(f):
    """The same trusted function without the record, for the grader's own evaluations
    (they are not the learner's calls)."""
    return f.fresh()


def walk(f, x: np.ndarray, h: float, kind: str) -> np.ndarray:
    """The gradient one way of stepping gives, computed here with a fresh copy of f (so the
    learner's call count is untouched). ``kind``: "central", "forward", "backward", or
    "left_behind" / "left_ahead": central, but entry i is never put back after its two
    calls, so it stays at x_i - h (moved +h, then -h) or at x_i + h (-h, then +h)."""
    f = f.fresh()
    point = np.array(x, dtype=float)
    flat = point.reshape(-1)
    here = f(point)
    out = np.empty(flat.size)
    for i in range(flat.size):
        saved = flat[i]
        flat[i] = saved + h
        ahead = f(point)
        flat[i] = saved - h
        behind = f(point)
        if kind == "left_ahead":  # the minus call came first, the plus call last
            flat[i] = saved + h
        slope = {"forward": (ahead - here) / h, "backward": (here - behind) / h}
        out[i] = slope.get(kind, (ahead - behind) / (2 * h))
        if not kind.startswith("left"):
            flat[i] = saved
    return out.reshape(point.shape)


FORWARD = (
    "a forward difference per entry, (f(x + h e_i) - f(x)) / h, whose error grows with h. "
    "Move entry i to both sides, x_i + h and x_i - h, and divide the change in f by 2h"
)
BACKWARD = (
    "a backward difference per entry, (f(x) - f(x - h e_i)) / h, whose error grows with h. "
    "Move entry i to both sides, x_i + h and x_i - h, and divide the change in f by 2h"
)
OVER_H = "twice the gradient: the difference was divided by h instead of 2h"
SIGN = "the gradient with its sign flipped: subtract f(x - h e_i) from f(x + h e_i)"
ALL_AT_ONCE = (
    "the same number in every entry: every entry was moved at once, which gives the "
    "slope along (1, 1, ..., 1). Move entry i alone, with the others where they were"
)


ROWS = (
    "one number per row: x[i] with a single index is a whole row of a matrix, so each "
    "step moved the entire row i and the gradient got one slope per row. Move one entry "
    "at a time: loop over every index of x (np.ndindex(x.shape), or a flat view)"
)


def left_moved(index: tuple[int, ...], where: str) -> str:
    return (
        f"right at index {index}, then off: entry i was never put back after its two calls, "
        f"so it stayed at x_i {where} h and every later partial derivative was taken at a "
        "moved point. Put entry i back to its saved value before moving the next one"
    )


def same_point(points: list, x: np.ndarray, h: float) -> str:
    """Where f was evaluated, if the learner's code called it twice at the same point (to
    round-off, far less than h) for every entry: in n pairs, maybe after or before one
    call at x. Then no difference of f holds a slope, whatever the code did with it."""
    point = np.asarray(x, dtype=float).reshape(-1)
    n = point.size
    if len(points) not in (2 * n, 2 * n + 1) or any(p is None or p.size != n for p in points):
        return ""
    near = 4 * EPS * np.maximum(1.0, np.abs(point)) + 1e-3 * h
    for start in range(len(points) - 2 * n + 1):
        pairs = [(points[start + 2 * k], points[start + 2 * k + 1]) for k in range(n)]
        if all(np.all(np.abs(p.reshape(-1) - q.reshape(-1)) <= near) for p, q in pairs):
            break
    else:
        return ""
    places = set()
    for i, (p, _) in enumerate(pairs):
        moved = p.reshape(-1) - point
        others = np.all(np.delete(np.abs(moved), i) <= np.delete(near, i))
        if np.all(np.abs(moved) <= near):
            places.add("both at x itself, with no step in them")
        elif others and abs(moved[i] - h) <= near[i]:
            places.add("both at x + h e_i")
        elif others and abs(moved[i] + h) <= near[i]:
            places.add("both at x - h e_i")
        else:
            places.add("")
    where = places.pop() if len(places) == 1 else ""
    causes = (
        # f never saw a step at all: the steps went elsewhere, or were undone in time.
        ". f never saw a step. Likely causes: a step undone before the call, or entries "
        "moved in a copy while f is called with another array: x.flatten(), np.copy(x) "
        "and .copy() each make a new array, so moving its entries does not move the array "
        "you pass to f. Move the entries of x.reshape(-1), a view of your copy, or call f "
        "with the moved copy reshaped"
        if where.startswith("both at x itself")
        else " (a -h copy that never moved, a step undone before the call, or both copies "
        "moved the same way all give this)"
    )
    return (
        "0 in every entry (up to round-off), though f is not constant: for each entry i "
        f"your code called f twice at one and the same point{f' (here {where})' if where else ''}"
        ", so the two values cancel and no difference holds a slope. The two evaluations "
        "must be at two points: a copy with x_i moved by +h and another copy with x_i moved "
        f"by -h{causes}"
    )


def moved_then_back(
    f, points: list, x: np.ndarray, h: float, got: np.ndarray, tolerance: np.ndarray
) -> str:
    """Words for ``got`` when, for every entry i, the learner's code called f at x moved
    by h (both by +h or both by -h) at entry i alone and then at x itself (to round-off), and
    each entry is the difference of those two values over 2h: what a second point made by
    assignment gives (x_minus = x_plus is the same array, so its -h undoes the +h), or "".
    The values are recomputed from f at the very points seen."""
    point = np.asarray(x, dtype=float).reshape(-1)
    n = point.size
    if len(points) not in (2 * n, 2 * n + 1) or any(p is None or p.size != n for p in points):
        return ""
    near = 4 * EPS * np.maximum(1.0, np.abs(point)) + 1e-3 * h
    fresh = f.fresh()
    for start in range(len(points) - 2 * n + 1):
        pairs = [(points[start + 2 * k], points[start + 2 * k + 1]) for k in range(n)]
        signs, back = set(), False
        for i, (p, q) in enumerate(pairs):
            moved, there = p.reshape(-1) - point, q.reshape(-1) - point
            others = np.all(np.delete(np.abs(moved), i) <= np.delete(near, i))
            sign = 1.0 if moved[i] > 0 else -1.0
            if not (others and abs(abs(moved[i]) - h) <= near[i] and np.all(np.abs(there) <= near)):
                break
            signs.add(sign)
            # entry i of the second point is (x_i + h) - h, not x_i: moved there and back
            back |= bool(q.reshape(-1)[i] != point[i])
        else:
            if len(signs) != 1:
                continue
            sign = signs.pop()
            value = np.array([sign * (fresh(p) - fresh(q)) / (2 * h) for p, q in pairs])
            value = value.reshape(np.shape(x))
            if np.all(np.abs(got - value) <= tolerance + 1e-12 * np.abs(value)):
                return _moved_then_back_words(sign, back)
    return ""


def _moved_then_back_words(sign: float, back: bool) -> str:
    first, other = ("+", "-") if sign > 0 else ("-", "+")
    moved, second = ("plus", "minus") if sign > 0 else ("minus", "plus")
    difference = "(f(x + h e_i) - f(x)) / (2h)" if sign > 0 else "(f(x) - f(x - h e_i)) / (2h)"
    there = f" (entry i moved there and back, to (x_i {first} h) {other} h)" if back else ""
    return (
        f"half a one-sided difference: for each entry i your code called f at x {first} h "
        f"e_i and then at x itself{there}, never at x {other} h e_i, so each entry is "
        f"{difference}, about half the slope for a small h. "
        f"The second point was not x {other} h e_i (for instance: a second point made by "
        f"assignment, which is the same array; a {second} point copied from the already "
        f"moved {moved} point; or {other}h applied to the moved point, which only moves it "
        "back). Each of "
        "the two points is x with only entry i moved, one by +h and the other by -h"
    )


INTEGER_STEP = (
    "0 where x is an integer array, while the same x given as floats gives the right "
    "gradient: the step was stored in integers (x itself, a copy of it, or a step array "
    "made like it), which cuts h to 0, so f(x + h e_i) - f(x - h e_i) is 0. Take the steps "
    "in a float copy of x"
)
INTEGER_OTHER = (
    "not what the same x given as floats gives (that one is right), so the integer dtype "
    "of x is what changes the result: a step stored in integers is cut to a whole number, "
    "and the point moves by 0 or by a whole 1 instead of by h. Take the steps, and keep "
    "the slopes, in a float copy of x"
)


def diagnose(
    f,
    x: np.ndarray,
    h: float,
    got: np.ndarray,
    missed: np.ndarray,
    tolerance: np.ndarray,
    calls: int,
    points: list | None = None,
    float_input_right: bool = False,
) -> str:
    """The common mistake that gives ``got`` for f at x with step h, or "". A mistake is
    named only when it gives ``got`` at every entry (within ``tolerance``) and differs from
    the right gradient where the check failed. ``points`` are where the learner's code
    evaluated f in this call; ``float_input_right``: for an integer x, whether the same x
    as floats gave the right gradient (only then is the integer dtype the cause)."""
    if calls == 0 and not got.any():
        return "zeros, and f was never called: call f at x + h e_i and x - h e_i for each entry i"
    if float_input_right:
        return INTEGER_STEP if not got[missed].any() else INTEGER_OTHER
    if points and np.all(np.abs(got) <= tolerance) and (where := same_point(points, x, h)):
        return where
    if points and (words := moved_then_back(f, points, x, h, got, tolerance)):
        return words
    central = walk(f, x, h, "central")
    candidates = [
        (walk(f, x, h, "forward"), FORWARD),
        (walk(f, x, h, "backward"), BACKWARD),
        (2 * central, OVER_H),
        (-central, SIGN),
    ]
    for kind, where in (("left_behind", "-"), ("left_ahead", "+")):
        stale = walk(f, x, h, kind)
        first = np.unravel_index(0, np.shape(x)) if np.ndim(x) else ()
        candidates.append((stale, left_moved(tuple(int(i) for i in first), where)))
    point = np.asarray(x, dtype=float)
    moved = get(f.name, **f.params)
    together = (moved(point + h) - moved(point - h)) / (2 * h)
    candidates.append((np.full(point.shape, together), ALL_AT_ONCE))
    if point.ndim > 1:  # x[i] += h on a matrix moves row i: one slope per row
        rows = np.empty(point.shape)
        for i in range(point.shape[0]):
            ahead, behind = point.copy(), point.copy()
            ahead[i] += h
            behind[i] -= h
            rows[i] = (moved(ahead) - moved(behind)) / (2 * h)
        candidates.append((rows, ROWS))
    if h != 1e-5:
        words = (
            f"a central difference with the step 1e-05 whatever h is given (here h = {h:.4g}): "
            "use the step passed in"
        )
        candidates.append((walk(f, x, 1e-5, "central"), words))
    for value, words in candidates:
        near = tolerance + 1e-9 * np.abs(value)
        if np.all(np.abs(got - value) <= near) and np.all(
            np.abs(value - central)[missed] > near[missed]
        ):
            return words
    return ""


def check_gradient(submission, f, x, h: float, got, expected, bound, why: str = "") -> None:
    """``got`` is ``expected`` within ``bound``; a miss that a common mistake explains is
    named first."""
    call = submission.last_text
    calls = submission.last.fn_calls[0] if submission.last and submission.last.fn_calls else 0
    shape = np.shape(x)
    if got is not None and np.shape(got) != shape and np.size(got) == np.prod(shape):
        checks.fail(
            f"{call} returned an array of shape {np.shape(got)}: the right number of entries, "
            f"but the gradient has x's own shape {shape}, entry [i, j] holding df/dX[i, j]. "
            "Give the result x's shape before returning it."
        )
    array = checks.as_array(got, call, shape=shape, why_shape="x's own shape")
    want = np.asarray(expected, dtype=float)
    tolerance = np.broadcast_to(np.asarray(bound, dtype=float), want.shape)
    missed = np.abs(array - want) > tolerance
    if missed.any():
        seen = getattr(f, "seen", None)
        # Every call of f is kept, unless there were too many to keep.
        whole = seen is not None and len(seen) == f.calls
        points = seen[len(seen) - calls :] if whole and calls else None
        float_right = np.asarray(x).dtype.kind in "iub" and right_with_floats(
            submission, f, x, h, want, tolerance
        )
        words = diagnose(f, np.asarray(x), h, array, missed, tolerance, calls, points, float_right)
        if words:
            where = np.unravel_index(int(np.argmax(missed)), shape)
            checks.fail(
                f"{call}: at index {tuple(int(i) for i in where)} it gave "
                f"{float(array[where])!r} where {float(want[where])!r} was expected: that is "
                f"{words}."
            )
    checks.close(array, want, call, rtol=0, atol=bound, why=why)


SHAPE_REFUSED = "f takes an array of shape"  # how the matrix function refuses another shape


def gradient_of(submission, f, x: np.ndarray, **kwargs):
    """``numeric_gradient(f, x, **kwargs)`` by the learner, with f watched; a call of f with
    an array of another shape than x's fails the check first, whether or not f could take
    it (the statement gives f an array of x's shape; the matrix functions raise on any
    other), and an error that f raised for that reason is told as the learner's."""
    before = len(f.seen)
    try:
        got = submission.numeric_gradient(f, x, **kwargs)
    except LearnerError as error:
        said = error.error.get("message", "")
        # f raised: for a shape (the matrix function's own words), or for another cause,
        # such as two arguments, which the exercise's ERROR_ADVICE explains.
        if "given by the grader" not in said:
            check_shapes_given_to_f(submission, f, x, before)
        elif SHAPE_REFUSED in said:
            check_shapes_given_to_f(submission, f, x, before, error.type_name)
        raise
    check_shapes_given_to_f(submission, f, x, before)
    return got


def check_shapes_given_to_f(submission, f, x: np.ndarray, before: int, raised: str = "") -> None:
    """Fail if the learner's code called f (since its ``before``-th watched call) with an
    array whose shape is not x's; ``raised``: the error f raised then, if it did."""
    shape = np.shape(x)
    for point in f.seen[before:]:
        if point is None or point.shape == shape:
            continue
        refused = f" (f raised {raised}: it cannot take that shape)" if raised else ""
        flat = point.ndim < len(shape) and point.size == np.prod(shape)
        checks.fail(
            f"{submission.last_text}: f was called with an array of shape {point.shape}, "
            f"where x has shape {shape}{refused}. Pass f an array of x's own shape: "
            + (
                "a flat view is fine for moving entry i, but f takes the whole point shaped like x."
                if flat
                else "f takes the whole point, shaped like x, as the statement says."
            )
        )


def right_with_floats(submission, f, x, h: float, want, tolerance) -> bool:
    """Whether the learner's function gives the right gradient for the same integer x
    converted to floats (with a fresh f, so that the call being judged keeps its counts)."""
    try:
        got = submission.numeric_gradient(get(f.name, **f.params), np.asarray(x, float), h=h)
        array = np.asarray(got, dtype=float)
    except (LearnerError, WorkerFailure, TypeError, ValueError):
        return False
    return array.shape == want.shape and bool(np.all(np.abs(array - want) <= tolerance))


def also_needs_the_gradient(submission, done: str, *args) -> None:
    """``check_gradient(submission, *args)`` for a check whose own topic (``done``, what
    the call did right) has passed: a wrong gradient then fails it with a message that
    says so, rather than one that reads as if the topic itself were wrong."""
    call = submission.last_text
    try:
        check_gradient(submission, *args)
    except checks.CheckFailed as failure:
        rest = failure.message
        if rest.startswith(call):
            rest = rest[len(call) :].lstrip(": ")
            rest = "it " + rest if rest.startswith("returned") else rest
        checks.fail(
            f"Not yet: this check also needs a right gradient, and {call} did not return "
            f"one: {rest} (What the check is about is right: it {done}.)"
        )


def roundoff(f_size: float, x: np.ndarray, gradient: np.ndarray, h: float) -> np.ndarray:
    """A generous per-entry bound on the round-off of a central difference: f is known to
    a few eps*|f| and the step x_i + h is itself rounded by up to eps*|x_i|."""
    return 64 * EPS * (1.0 + f_size + np.abs(x) * np.abs(gradient)) / h


def matrix_function(rng, shape: tuple[int, int]):
    """A trusted f(X) = 0.5 sum(X * (P @ X @ Q)) + sum(sin(X)) of a matrix X, watched, and
    its gradient at X. f takes X in its own shape only (P @ X needs X's rows): a copy
    flattened or reshaped otherwise makes it raise. With a step h the gradient is that of
    central differences: exact on the quadratic part, cos(X) * sin(h)/h on sin."""
    rows, columns = shape
    left = rng.normal(size=(rows, rows)) / np.sqrt(rows)
    right = rng.normal(size=(columns, columns)) / np.sqrt(columns)
    f = watched("matrix_product_form", left=left.tolist(), right=right.tolist())

    def gradient(point: np.ndarray, h: float | None = None) -> np.ndarray:
        shrink = 1.0 if h is None else np.sin(h) / h
        quadratic = 0.5 * (left @ point @ right + left.T @ point @ right.T)
        return quadratic + np.cos(point) * shrink

    def size(point: np.ndarray) -> float:
        """A bound on the terms that make up f(point), for its round-off."""
        return float(np.sum(np.abs(point * (left @ point @ right))) + point.size)

    return f, gradient, size


def changed_x(submission, f, point: np.ndarray) -> str:
    """The message for a call that changed the caller's float64 array ``point``. The
    learner's function is called again with the same point as float32: left unchanged
    then, its copy is a conversion that copies only when the dtype changes (np.asarray(x,
    dtype=float) and the like), which for a float64 x is x itself."""
    call = submission.last_text
    said = (
        f"{call} changed the array x it was given: its entries were moved and not all put "
        "back exactly: the entries your code moved were x's own, not a copy's."
    )
    fix = (
        "Make the copy with np.array(x, dtype=float) or x.astype(float), which always copy, "
        "and move the entries of that copy (lesson section 'Gradients')."
    )
    try:
        submission.numeric_gradient(unwatched(f), point.astype(np.float32), h=1e-3)
        converts = not submission.last.mutated
    except (LearnerError, WorkerFailure, TypeError, ValueError):
        converts = False
    if converts:
        return (
            f"{said} The same x as a float32 array is left unchanged: that is what a "
            "conversion such as np.asarray(x, dtype=float) does. It makes a new array only "
            "when the dtype changes; for an x that is already float64 it gives back x "
            "itself (so does x.astype(float, copy=False)), and a reshape of it is a view "
            f"of x, so moving its entries moves the caller's x. {fix}"
        )
    return (
        f"{said} An assignment (xc = x), np.asarray(x, dtype=float) of an x that is already "
        "a float array, and x.reshape(...) all give back x or a view of it, never a copy. "
        f"{fix}"
    )


def check_squares(submission, f, point: np.ndarray, why: str) -> None:
    """The learner's gradient of the sum of squares f at ``point`` is 2 * point, within the
    round-off of central differences with the default step; ``why`` explains a miss."""
    got = gradient_of(submission, f, point)
    bound = roundoff(float(np.sum(point**2)), point, 2 * point, 1e-5)
    check_gradient(submission, f, point, 1e-5, got, 2 * point, bound, why=why)


@pytest.mark.points(3)
def test_gradient_of_x_squared_plus_y_squared(submission, rng):
    """f(x, y) = x**2 + y**2: the gradient is (2x, 2y), to round-off."""
    f = watched("sum_of_squares")
    for scale in (1.0, 100.0):
        point = rng.normal(size=2) * scale
        why = (
            "Move one coordinate at a time by +h and -h and divide the change in f by 2h; "
            "for squares the central difference is exact."
        )
        check_squares(submission, f, point, why)


@pytest.mark.points(2)
def test_gradient_of_rosenbrock(submission, rng):
    """The Rosenbrock function of 3 to 6 variables: its analytic gradient, within h**2."""
    n = int(rng.integers(3, 7))
    a, b = float(rng.uniform(0.5, 2.0)), float(rng.uniform(10.0, 100.0))
    point = rng.uniform(-1.5, 1.5, size=n)
    f = watched("rosenbrock", a=a, b=b)
    exact = get("gradient", of="rosenbrock", params={"a": a, "b": b})(point)
    h = 1e-5
    got = gradient_of(submission, f, point, h=h)
    # truncation h**2/6 * f''' with f''' = 24 b v_i for the b*v_i**4 part, plus round-off
    bound = 5 * b * (np.abs(point) + 0.1) * h**2 + roundoff(unwatched(f)(point), point, exact, h)
    check_gradient(
        submission,
        f,
        point,
        h,
        got,
        exact,
        bound,
        why="Each entry i needs its own pair f(x + h e_i), f(x - h e_i), where e_i "
        "is 1 at entry i and 0 elsewhere.",
    )


@pytest.mark.points(2)
def test_function_of_a_matrix(submission, rng):
    """f of a (3, 4) matrix: a (3, 4) gradient whose entries match the analytic ones."""
    shape = (3, 4)
    f, gradient, size = matrix_function(rng, shape)
    point = rng.normal(size=shape)
    exact = gradient(point)
    got = gradient_of(submission, f, point)
    # sin's truncation h**2/6 is below 1e-10; the rest is round-off
    bound = 1e-10 + roundoff(size(point), point, exact, 1e-5)
    check_gradient(
        submission,
        f,
        point,
        1e-5,
        got,
        exact,
        bound,
        why="Entry [i, j] of the gradient holds df/dX[i, j]: move X[i, j] alone.",
    )


@pytest.mark.points(1)
def test_other_shapes_including_a_single_entry(submission, rng):
    """Arrays of shape (1,) and (2, 2, 3) work and keep their shape."""
    f = watched("sum_of_squares")
    for shape in ((1,), (2, 2, 3)):
        point = rng.normal(size=shape) * 3
        why = (
            "Loop over every entry whatever the number of dimensions, e.g. over range(x.size) "
            "on a flattened copy, and reshape the result at the end."
        )
        check_squares(submission, f, point, why)


@pytest.mark.points(2)
def test_the_given_step_is_used_with_central_differences(submission, rng):
    """With a large h the result is exactly the central difference for that h."""
    shape = (2, 3)
    f, gradient, _ = matrix_function(rng, shape)
    point = rng.normal(size=shape)
    h = float(rng.uniform(0.1, 0.5))
    # central differences are exact on the quadratic part; on sin they give cos*sin(h)/h
    expected = gradient(point, h)
    got = gradient_of(submission, f, point, h=h)
    check_gradient(
        submission,
        f,
        point,
        h,
        got,
        expected,
        1e-12 + 1e-9 * np.abs(expected),
        why=f"With h = {h:.4g} only the central difference (f(x + h e_i) - f(x - h e_i)) / (2h) "
        "with that same h gives this value.",
    )


@pytest.mark.points(2)
def test_integer_input_gives_a_float_array(submission, rng):
    """An integer x gives a float array of the same shape, with the right values."""
    f = watched("sum_of_squares")
    point = rng.integers(-9, 10, size=(2, 3))
    got = gradient_of(submission, f, point)
    dtype = np.asarray(got).dtype if got is not None else None
    checks.true(
        dtype is not None and dtype.kind == "f",
        f"{submission.last_text} returned values of dtype {dtype}; expected a float array. "
        "The gradient array took x's integer dtype (np.zeros_like or np.empty_like of an "
        "integer x does that), so every slope stored in it was cut to an integer: make it "
        "from a float copy of x.",
    )
    bound = roundoff(float(np.sum(point**2)), point, 2 * point, 1e-5)
    check_gradient(
        submission,
        f,
        point,
        1e-5,
        got,
        2.0 * point,
        bound,
        why="An integer x is a point like any other: its gradient is the one the same x "
        "given as floats has.",
    )
    checks.true(
        not submission.last.mutated,
        f"{submission.last_text} changed the integer array it was given.",
    )


@pytest.mark.points(1)
def test_the_input_is_not_changed(submission, rng):
    """The caller's x is exactly the same after the call, and the gradient still right."""
    f = watched("sum_of_squares")
    point = rng.normal(size=8) * 10.0 ** rng.uniform(-1, 2, size=8)
    got = gradient_of(submission, f, point, h=1e-3)
    if submission.last.mutated:
        checks.fail(changed_x(submission, f, point))
    # Leaving x alone earns the point only together with a right answer.
    bound = roundoff(float(point @ point), point, 2 * point, 1e-3)
    also_needs_the_gradient(
        submission, "left the caller's x exactly as it was", f, point, 1e-3, got, 2 * point, bound
    )


@pytest.mark.points(1)
def test_at_most_two_calls_of_f_per_entry(submission, rng):
    """f is called at most 2n + 1 times for an x with n entries (and the answer is right)."""
    shape = (3, 4)
    f, gradient, size = matrix_function(rng, shape)
    point = rng.normal(size=shape)
    got = gradient_of(submission, f, point)
    calls = submission.last.fn_calls[0] if submission.last.fn_calls else 0
    n = point.size
    checks.true(
        calls <= 2 * n + 1,
        f"{submission.last_text} called f {calls} times for an x with {n} entries "
        f"({calls / n:.3g} per entry); central differences need two calls per entry "
        f"({2 * n}), plus at most one more. On a model with millions of weights every extra "
        "call costs a full forward pass.",
    )
    # Few calls earn the point only with a gradient that was computed from them.
    checks.true(
        calls >= n + 1,
        f"{submission.last_text} called f {calls} time{'s' if calls != 1 else ''} for an "
        f"x with {n} entries: a numeric gradient evaluates f at x + h e_i and x - h e_i "
        "for every entry i.",
    )
    exact = gradient(point)
    bound = 1e-10 + roundoff(size(point), point, exact, 1e-5)
    done = f"called f {calls} times for an x with {n} entries, within the {2 * n + 1} allowed"
    also_needs_the_gradient(submission, done, f, point, 1e-5, got, exact, bound)
