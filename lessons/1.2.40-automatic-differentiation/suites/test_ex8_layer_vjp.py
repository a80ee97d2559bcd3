"""Hidden checks for 1.2.40.8: linear_vjp(W, x, b, upstream), relu_vjp(z, upstream) and
sigmoid_vjp(z, upstream).

The reference gradients are the central differences of L = sum(upstream * y), computed
here entry by entry (``numeric``); a learner's gradient must be within a relative
difference of 1e-7 of them, the measure of 1.2.39's gradient check, and close to the
exact formulas too. L is linear in each of W, x and b, so the central difference is exact
up to round-off there; ReLU is probed only at |z| >= 0.1, where a step of 1e-5 never
crosses its kink, and at exact zeros separately, where the statement fixes the
derivative at 0.

Shapes are drawn with k, n and m all different and m >= 2, so that a transposed gradient,
a bias gradient that was not summed (or summed over the wrong axis) and a division by m
are each told apart by shape or value. Before a check fails, ``diagnose`` compares the
learner's value with what the common mistakes give on the same inputs, computed here,
and names the one that matches. A matrix product whose shapes do not fit raises in the
learner's code; then ``square_probe`` calls linear_vjp again on a layer with k = n = m,
where every product fits, to see which product it was.
"""

from functools import partial

import numpy as np
import pytest

from grader.grading import checks
from grader.sandbox.workers import LearnerError

TOLERANCE = 1e-7  # relative difference to the numeric gradient, as in 1.2.39's check
EXACT_RTOL = 1e-9  # to the exact formula, relative to the largest entry

SHAPE_RULE = (
    "Each gradient has the shape of what it is the gradient of: dW is (k, n) like W, dx is "
    "(n, m) like x and db is (k, 1) like b. With upstream (k, m), x (n, m) and W (k, n), "
    "only one order of the factors, and which of them is transposed, makes each product fit."
)

ERROR_ADVICE = {
    "linear_vjp:ValueError/matmul": "A matrix product whose shapes do not fit. " + SHAPE_RULE,
    "linear_vjp:ValueError/not aligned": "A matrix product whose shapes do not fit. " + SHAPE_RULE,
    "ValueError/could not be broadcast": "Two arrays whose shapes do not fit met in one "
    "operation: upstream has the output's shape, the same as z for relu and sigmoid.",
}

DIVIDED = (
    "exactly the right gradient divided by m = {m}, the number of examples. The 1/m of a "
    "loss that averages over the examples is already inside upstream (it is dL/dy of that "
    "loss), so dividing again counts it twice: this function takes upstream as it is"
)


# --- drawing and the reference gradients ----------------------------------------------


def draw_sizes(rng) -> tuple[int, int, int]:
    """k, n, m all different, m >= 2: shapes that tell a transposed or unsummed gradient
    apart from the right one."""
    while True:
        k, n, m = (int(rng.integers(2, 7)) for _ in range(3))
        if len({k, n, m}) == 3:
            return k, n, m


def draw_layer(rng, k: int, n: int, m: int):
    W = rng.normal(size=(k, n))
    x = rng.normal(size=(n, m))
    b = rng.normal(size=(k, 1))
    upstream = rng.normal(size=(k, m))
    return W, x, b, upstream


def linear_loss(W, x, b, upstream) -> float:
    return float(np.sum(upstream * (W @ x + b)))


def numeric(loss, arrays: list[np.ndarray], which: int, h: float) -> np.ndarray:
    """The central-difference gradient of loss(*arrays) with respect to arrays[which],
    one entry at a time."""
    point = [np.array(a, dtype=float) for a in arrays]
    flat = point[which].reshape(-1)
    grad = np.empty(flat.size)
    for i in range(flat.size):
        saved = flat[i]
        flat[i] = saved + h
        ahead = loss(*point)
        flat[i] = saved - h
        behind = loss(*point)
        flat[i] = saved
        grad[i] = (ahead - behind) / (2 * h)
    return grad.reshape(point[which].shape)


def relative_difference(got: np.ndarray, reference: np.ndarray) -> float:
    """||got - reference|| / (||got|| + ||reference||), 0 when both are 0."""
    scale = np.linalg.norm(got) + np.linalg.norm(reference)
    return float(np.linalg.norm(got - reference) / scale) if scale else 0.0


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


# --- checking one gradient ----------------------------------------------------------------


def as_numbers(got):
    """The learner's value as a float array, or None when it is not numeric."""
    try:
        array = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return None
    return array


def matching(got, candidates) -> str:
    """The words of the first candidate value that ``got`` equals (shape and value)."""
    array = as_numbers(got)
    if array is None:
        return ""
    for value, words in candidates:
        value = np.asarray(value, dtype=float)
        if array.shape == value.shape and np.allclose(array, value, rtol=1e-9, atol=1e-12):
            return words
    return ""


def check_gradient(
    call: str,
    name: str,
    got,
    reference: np.ndarray,
    exact: np.ndarray,
    candidates: list,
    why_shape: str,
) -> None:
    """``got`` has ``exact``'s shape, is within TOLERANCE of the numeric ``reference`` and
    close to ``exact``; a miss that a candidate mistake explains is named."""
    if (words := matching(got, candidates)) and not matching(got, [(exact, "right")]):
        shape = as_numbers(got).shape
        said = f" of shape {shape}, where {exact.shape} is expected" if shape != exact.shape else ""
        checks.fail(f"{call} returned {name}{said}: it is {words}.")
    array = checks.as_array(got, call, shape=exact.shape, what=name, why_shape=why_shape)
    difference = relative_difference(array, reference)
    scale = max(float(np.abs(exact).max()), 1e-300)
    if difference < TOLERANCE and np.all(np.abs(array - exact) <= EXACT_RTOL * scale):
        return
    where = np.unravel_index(int(np.argmax(np.abs(array - reference))), exact.shape)
    at = tuple(int(i) for i in where)
    checks.fail(
        f"{call}: {name} differs from the central-difference gradient of L = sum(upstream "
        f"* y) by a relative difference of {difference:.3g} (below {TOLERANCE:g} passes); "
        f"at index {at} it is {float(array[where]):.10g} where the numeric gradient is "
        f"{float(reference[where]):.10g}."
    )


def linear_call(W, x, b, upstream) -> str:
    """The call as a message shows it: the shapes, which are the point here."""
    shapes = ", ".join(
        f"{n} {a.shape}" for n, a in zip("W x b upstream".split(), (W, x, b, upstream), strict=True)
    )
    return f"linear_vjp(W, x, b, upstream) with {shapes}"


def elementwise_call(name: str, z) -> str:
    return f"{name}(z, upstream) with z and upstream of shape {z.shape}"


def tuple_of_three(call: str, got) -> tuple:
    if isinstance(got, (tuple, list)) and len(got) == 3:
        return tuple(got)
    checks.fail(
        f"{call} returned {checks.show(got)}; expected the tuple (dW, dx, db) of three "
        "arrays, in that order."
    )


# --- linear_vjp -------------------------------------------------------------------------


def linear_candidates(W, x, upstream) -> dict[str, list]:
    """What the common mistakes give for each of dW, dx and db."""
    k, m = upstream.shape
    n = x.shape[0]
    right = {"dW": upstream @ x.T, "dx": W.T @ upstream}
    sums = upstream.sum(axis=1)
    return {
        "dW": [
            (
                x @ upstream.T,
                f"the transpose of dW: its shape is ({n}, {k}), W's is ({k}, {n}). The "
                "factors are in the wrong order (or both transposed): each gradient has "
                "the shape of what it is the gradient of",
            ),
            (right["dW"] / m, DIVIDED.format(m=m)),
            (-right["dW"], "the right gradient with its sign flipped"),
        ],
        "dx": [
            (
                upstream.T @ W,
                f"the transpose of dx: its shape is ({m}, {n}), x's is ({n}, {m}). The "
                "factors are in the wrong order: each gradient has the shape of what it is "
                "the gradient of",
            ),
            (right["dx"] / m, DIVIDED.format(m=m)),
            (-right["dx"], "the right gradient with its sign flipped"),
        ],
        "db": [
            (
                sums,
                f"upstream summed over the columns, which is right, but as a flat array of "
                f"shape ({k},): b is a ({k}, 1) column and so is its gradient. Keep the "
                "summed axis (keepdims) or reshape to a column",
            ),
            (
                sums / m,
                f"upstream averaged over the columns, a flat array of shape ({k},): the sum "
                f"divided by m = {m}, which upstream already accounts for, and not the "
                f"({k}, 1) column of b's shape",
            ),
            (
                upstream,
                f"upstream itself, of shape ({k}, {m}): not summed. b is added to every one "
                f"of the m = {m} columns, so its gradient adds up the upstream gradient of "
                "every column",
            ),
            (
                upstream.sum(axis=0),
                f"upstream summed over the wrong axis: axis 0 adds up the k = {k} rows and "
                f"gives one number per example, shape ({m},). b is added to every column, "
                "so its gradient sums over the columns (the examples)",
            ),
            (
                upstream.sum(axis=0, keepdims=True),
                f"upstream summed over the wrong axis: axis 0 adds up the k = {k} rows and "
                f"gives one number per example, shape (1, {m}). b is added to every "
                "column, so its gradient sums over the columns (the examples)",
            ),
            (
                upstream.sum(),
                "the sum of every entry of upstream, one number: b has one entry per row, "
                "so its gradient keeps one sum per row, a (k, 1) column",
            ),
            (sums[:, None] / m, DIVIDED.format(m=m)),
        ],
    }


def square_probe(submission, rng) -> str:
    """After linear_vjp raised: call it on a layer with k = n = m, where every product
    fits, and name a product that only fits there, or ""."""
    size = 3
    W, x, b, upstream = draw_layer(rng, size, size, size)
    try:
        got = submission.linear_vjp(W, x, b, upstream)
    except LearnerError:
        return ""
    if not (isinstance(got, (tuple, list)) and len(got) == 3):
        return ""
    dW, dx, _ = got
    products = [
        (
            dx,
            W @ upstream,
            "dx = W @ upstream: W is (k, n) and upstream (k, m), so that product fits only "
            "when k == n, and then it is not the gradient. dx must have x's shape (n, m): "
            "(n, k) times (k, m), with W transposed",
        ),
        (
            dW,
            upstream @ x,
            "dW = upstream @ x: upstream is (k, m) and x is (n, m), so that product fits "
            "only when m == n, and then it is not the gradient. dW must have W's shape "
            "(k, n): (k, m) times (m, n), with x transposed",
        ),
        (
            dx,
            upstream @ W,
            "dx = upstream @ W, which fits only when m == k. dx must have x's shape (n, m): "
            "(n, k) times (k, m), with W transposed and first",
        ),
    ]
    for mine, value, words in products:
        array = as_numbers(mine)
        if array is not None and array.shape == value.shape and np.allclose(array, value):
            return words
    return ""


def call_linear(submission, rng, W, x, b, upstream) -> tuple:
    try:
        got = submission.linear_vjp(W, x, b, upstream)
    except LearnerError as error:
        if error.type_name == "NotImplementedError":
            raise
        call = linear_call(W, x, b, upstream)
        if words := square_probe(submission, rng):
            python = error.error.get("message", "").strip()
            checks.fail(
                f'{call} raised {error.type_name} (Python says: "{python}"). Called again '
                f"on a layer where k = n = m, so that every product fits, it computed {words}."
            )
        raise
    return tuple_of_three(linear_call(W, x, b, upstream), got)


def check_linear_part(submission, rng, part: str) -> None:
    """For three drawn layers, the gradient ``part`` ("dW", "dx" or "db") of linear_vjp."""
    index = {"dW": 0, "dx": 1, "db": 2}[part]
    for _ in range(3):
        k, n, m = draw_sizes(rng)
        W, x, b, upstream = draw_layer(rng, k, n, m)
        got = call_linear(submission, rng, W, x, b, upstream)
        call = linear_call(W, x, b, upstream)
        exact = (upstream @ x.T, W.T @ upstream, upstream.sum(axis=1, keepdims=True))[index]
        reference = numeric(linear_loss, [W, x, b, upstream], index, h=1e-4)
        why = {
            "dW": f"W's shape, (k, n) = ({k}, {n})",
            "dx": f"x's shape, (n, m) = ({n}, {m})",
            "db": f"b's shape, a (k, 1) = ({k}, 1) column",
        }[part]
        candidates = linear_candidates(W, x, upstream)[part]
        check_gradient(call, part, got[index], reference, exact, candidates, why)


@pytest.mark.points(2)
def test_linear_weight_gradient(submission, rng):
    """dW of linear_vjp matches the numeric gradient and has W's shape (k, n)."""
    check_linear_part(submission, rng, "dW")


@pytest.mark.points(2)
def test_linear_input_gradient(submission, rng):
    """dx of linear_vjp matches the numeric gradient and has x's shape (n, m)."""
    check_linear_part(submission, rng, "dx")


@pytest.mark.points(2)
def test_linear_bias_gradient_is_a_column(submission, rng):
    """db of linear_vjp matches the numeric gradient and is a (k, 1) column like b."""
    check_linear_part(submission, rng, "db")


# --- relu_vjp and sigmoid_vjp -----------------------------------------------------------


def relu_candidates(z, upstream) -> list:
    return [
        (
            np.where(z >= 0, upstream, 0.0),
            "upstream passed on where z is exactly 0 too: a mask z >= 0 treats 0 as "
            "positive. The statement uses the derivative 0 at z == 0, so the mask is z > 0",
        ),
        (
            np.where(z > 0, upstream, np.where(z == 0, upstream / 2, 0.0)),
            "half of upstream where z is exactly 0, the average of the two one-sided "
            "slopes: the statement fixes the derivative at 0 to 0",
        ),
        (
            np.where(upstream > 0, upstream, 0.0),
            "upstream kept where upstream is positive: the mask was taken from upstream, "
            "but it is z, the input of relu, that decides where the slope is 1",
        ),
        (
            upstream * np.maximum(z, 0.0),
            "upstream times relu(z), the function itself, instead of times its derivative "
            "(1 where z > 0, 0 elsewhere)",
        ),
        (
            (z > 0).astype(float),
            "the derivative of relu alone (1 where z > 0, else 0), not multiplied by "
            "upstream: a vector-Jacobian product carries upstream through",
        ),
    ]


def sigmoid_candidates(z, upstream) -> list:
    s = sigmoid(z)
    return [
        (
            upstream * z * (1 - z),
            "upstream * z * (1 - z): the slope of sigmoid is s * (1 - s) with s = "
            "sigmoid(z), the output, instead of z, the input",
        ),
        (
            upstream * s,
            "upstream times s = sigmoid(z) alone: the slope of sigmoid is s * (1 - s)",
        ),
        (
            upstream * (1 - s),
            "upstream times (1 - s) alone: the slope of sigmoid is s * (1 - s)",
        ),
        (
            s * (1 - s),
            "the slope of sigmoid alone, s * (1 - s), not multiplied by upstream: a "
            "vector-Jacobian product carries upstream through",
        ),
        (-upstream * s * (1 - s), "the right gradient with its sign flipped"),
    ]


def check_elementwise(submission, name: str, z, upstream, function, candidates) -> None:
    got = getattr(submission, name)(z, upstream)
    call = elementwise_call(name, z)
    reference = numeric(lambda v, u: float(np.sum(u * function(v))), [z, upstream], 0, 1e-5)
    exact = {"relu_vjp": np.where(z > 0, upstream, 0.0)}.get(name)
    if exact is None:
        s = sigmoid(z)
        exact = upstream * s * (1 - s)
    if (words := matching(got, candidates)) and not matching(got, [(exact, "right")]):
        checks.fail(f"{call} returned {checks.show(as_numbers(got))}: that is {words}.")
    check_gradient(call, "the gradient", got, reference, exact, [], "z's shape")


def draw_away_from_zero(rng, shape) -> np.ndarray:
    return rng.uniform(0.1, 2.0, size=shape) * rng.choice([-1.0, 1.0], size=shape)


@pytest.mark.points(1)
def test_relu_passes_the_gradient_where_z_is_positive(submission, rng):
    """relu_vjp matches the numeric gradient (away from the kink at 0)."""
    for shape in ((int(rng.integers(2, 6)), int(rng.integers(2, 7))), (7,)):
        z = draw_away_from_zero(rng, shape)
        upstream = rng.normal(size=shape)
        check_elementwise(
            submission,
            "relu_vjp",
            z,
            upstream,
            lambda v: np.maximum(v, 0.0),
            relu_candidates(z, upstream),
        )


@pytest.mark.points(1)
def test_relu_blocks_the_gradient_at_exactly_zero(submission, rng):
    """relu_vjp gives 0 where z is exactly 0."""
    shape = (int(rng.integers(2, 6)), int(rng.integers(3, 7)))
    z = draw_away_from_zero(rng, shape)
    zeros = rng.permutation(z.size)[: max(2, z.size // 3)]
    z.reshape(-1)[zeros] = 0.0
    upstream = rng.normal(size=shape)
    got = submission.relu_vjp(z, upstream)
    call = f"{elementwise_call('relu_vjp', z)}, z holding {zeros.size} exact zeros"
    exact = np.where(z > 0, upstream, 0.0)
    if (words := matching(got, relu_candidates(z, upstream))) and not matching(
        got, [(exact, "right")]
    ):
        checks.fail(f"{call} returned {checks.show(as_numbers(got))}: that is {words}.")
    checks.close(
        got,
        exact,
        call,
        rtol=1e-12,
        why="relu_vjp passes upstream where z > 0 and gives 0 elsewhere, at z == 0 too.",
    )


@pytest.mark.points(1)
def test_sigmoid_multiplies_by_its_slope(submission, rng):
    """sigmoid_vjp matches the numeric gradient."""
    for shape in ((int(rng.integers(2, 6)), int(rng.integers(2, 7))), (6,)):
        z = rng.normal(size=shape) * 2.5
        upstream = rng.normal(size=shape)
        check_elementwise(
            submission, "sigmoid_vjp", z, upstream, sigmoid, sigmoid_candidates(z, upstream)
        )


# --- inputs left alone -----------------------------------------------------------------

ARGUMENTS = {
    "linear_vjp": ("W", "x", "b", "upstream"),
    "relu_vjp": ("z", "upstream"),
    "sigmoid_vjp": ("z", "upstream"),
}


def check_unchanged(submission, name: str) -> None:
    changed = [ARGUMENTS[name][int(i)] for i in submission.last.mutated if str(i).isdigit()]
    changed += [str(i) for i in submission.last.mutated if not str(i).isdigit()]
    if not changed:
        return
    which = " and ".join(changed)
    checks.fail(
        f"{name}({', '.join(ARGUMENTS[name])}) changed {which} in place, the caller's own "
        f"{'array' if len(changed) == 1 else 'arrays'}, which the caller still needs (upstream "
        "feeds other gradients, z other layers). Setting entries of an argument (such as "
        "upstream[z <= 0] = 0) or an in-place operator (*=, +=) on it changes the caller's "
        "array: compute into a new array instead."
    )


def scored_with_the_result(check, *args) -> None:
    try:
        check(*args)
    except checks.CheckFailed as failure:
        raise checks.CheckFailed(
            "The arrays given were left unchanged, but this check is scored only together "
            f"with a right result, and that failed here: {failure.message}",
            failure.section,
        ) from None


@pytest.mark.points(1)
def test_no_input_is_changed(submission, rng):
    """None of the arrays given to the three functions is changed in place."""
    k, n, m = draw_sizes(rng)
    W, x, b, upstream = draw_layer(rng, k, n, m)
    got = call_linear(submission, rng, W, x, b, upstream)
    check_unchanged(submission, "linear_vjp")
    call = linear_call(W, x, b, upstream)
    exact = (upstream @ x.T, W.T @ upstream, upstream.sum(axis=1, keepdims=True))
    for index, part in enumerate(("dW", "dx", "db")):
        reference = numeric(linear_loss, [W, x, b, upstream], index, h=1e-4)
        scored_with_the_result(
            check_gradient, call, part, got[index], reference, exact[index], [], "its shape"
        )
    z = draw_away_from_zero(rng, (k, m))
    z.reshape(-1)[0] = 0.0
    for name in ("relu_vjp", "sigmoid_vjp"):
        got = getattr(submission, name)(z, upstream)
        check_unchanged(submission, name)
        call = elementwise_call(name, z)
        if name == "relu_vjp":
            exact = np.where(z > 0, upstream, 0.0)
        else:
            exact = upstream * sigmoid(z) * (1 - sigmoid(z))
        scored_with_the_result(partial(checks.close, rtol=1e-9, atol=1e-12), got, exact, call)
