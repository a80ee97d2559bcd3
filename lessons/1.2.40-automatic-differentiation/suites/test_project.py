"""Hidden checks for project 1.2.40, backpropagation by a tape, part by part.

The learner's Tensors live in the worker and never cross. Part 1 is checked by probes
(``WorkerCode``): each builds one small computation from the learner's own operations,
reduces it to one number with ``matmul`` (L = u @ (...) @ v for a row u and a column v),
calls ``backward()`` and sends back plain arrays. Everything expected is computed here:
central differences of the same computation written in NumPy, and the vector-Jacobian
products of the lesson when a value is to be recognised as a common mistake.

Parts 2 and 3 load the course's ``network.py`` (the file shipped next to the stub, which
the learner imports) and compare with this file's own hand-derived backpropagation of
that network and its own central differences. Part 4 is arithmetic.
"""

from __future__ import annotations

import importlib.util
import math
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from grader.grading import checks
from grader.sandbox.worker_code import WorkerCode
from grader.sandbox.workers import LearnerError, WorkerFailure

NAMES = ("W1", "b1", "W2", "b2", "W3", "b3")
PROBE_STEP = 1e-6  # the step of the suite's central differences in Part 1
PROBE_TOLERANCE = 1e-6  # relative difference allowed between a grad and those differences
AD_TOLERANCE = 1e-10  # Part 2: relative difference from the hand-derived backward pass
THRESHOLD = 2e-7  # Part 3: a correct check at the default epsilon scores below this
TIGHT_EPSILON = 1e-4  # Part 3: at this step only a central difference ...
TIGHT = 1e-8  # ... scores below this on the project's data

VJP = "vector-jacobian-products"
REVERSE = "reverse-mode"
CHECK = "ad-vs-finite-differences"
COST = "cost-of-each-mode"
PART1 = "project.md#project-part-1"
PART4 = "project.md#project-part-4"


# What an error raised by the learner's code usually means in this project (the grader
# appends it to "... raised X (your file, line N): ...").
ERROR_ADVICE = {
    "ValueError/broadcast": "In this project that is usually the bias in add: b (k, 1) was "
    "added to every one of the m columns of a (k, m), so the grad that comes back is "
    "(k, m), and b's own grad must be summed back over the columns to shape (k, 1) before "
    "it is added to b.grad.",
    "ValueError/matmul": "A matrix product in a backward rule whose inner sizes do not "
    "match. Work from the shapes: each input's grad has that input's shape, and for "
    "out = a @ b the upstream grad has out's shape (k, m); a's grad (k, n) is that grad "
    "times b transposed, and b's grad (n, m) is a transposed times that grad.",
    "AttributeError/backward": "backward() is called on what an operation returned: every "
    "operation (cross_entropy too) must return a Tensor, not a plain number or array.",
    "AttributeError/grad": "Every Tensor needs its grad attribute from the start (an array "
    "of zeros shaped like value), also the Tensors an operation creates.",
    "AttributeError/value": "The operations take Tensors and read their value attribute; "
    "the grader builds every input with your own Tensor(array).",
    "TypeError/NoneType": "A grad or a backward rule is None where an array was expected: "
    "grad starts as zeros shaped like value, and every Tensor that an operation makes "
    "needs its rule for passing grad on to its inputs.",
    "KeyError": "backward_propagation_ad is given the parameters W1, b1, ..., b3 and returns "
    "their gradients under dW1, db1, ..., db3 (with a d).",
    "RecursionError": "The graph here is a few operations deep, so the recursion in "
    "backward() does not stop: check that each Tensor is visited once.",
}


# --- the grader's own network tools ---------------------------------------------------


@cache
def _load_network(path: str):
    spec = importlib.util.spec_from_file_location("course_project_network_1_2_40", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def net(exercise):
    return _load_network(str(Path(exercise.path(exercise.stub)).parent / "network.py"))


def relative(a, b) -> float:
    a, b = np.ravel(a), np.ravel(b)
    denominator = np.linalg.norm(a) + np.linalg.norm(b)
    return float(np.linalg.norm(a - b) / denominator) if denominator else 0.0


def hand_backward(net, X, Y, parameters) -> dict:
    """Backpropagation of the network written out by hand, as in project 1.2.39."""
    _, (Z1, A1, W1, _, Z2, A2, W2, _, _, A3, W3, _) = net.forward_propagation_n(X, Y, parameters)
    m = X.shape[1]
    dZ3 = (A3 - Y) / m
    dZ2 = (W3.T @ dZ3) * (Z2 > 0)
    dZ1 = (W2.T @ dZ2) * (Z1 > 0)
    return {
        "dW1": dZ1 @ X.T,
        "db1": dZ1.sum(axis=1, keepdims=True),
        "dW2": dZ2 @ A1.T,
        "db2": dZ2.sum(axis=1, keepdims=True),
        "dW3": dZ3 @ A2.T,
        "db3": dZ3.sum(axis=1, keepdims=True),
    }


def flat(arrays: dict, prefix: str = "") -> np.ndarray:
    return np.concatenate([np.ravel(arrays[prefix + n]) for n in NAMES])


def numeric_vector(net, X, Y, parameters, epsilon: float, kind: str = "central") -> np.ndarray:
    """Differences of the cost over the whole parameter vector, entry by entry:
    "central" as the project defines it, "forward" the one-sided (J(t + eps) - J(t)) / eps
    that a common mistake computes (to recognise its number)."""
    shapes = {n: parameters[n].shape for n in NAMES}
    theta = flat(parameters).astype(float)

    def cost(vector):
        pieces, start = {}, 0
        for name, shape in shapes.items():
            size = int(np.prod(shape))
            pieces[name] = vector[start : start + size].reshape(shape)
            start += size
        return net.forward_propagation_n(X, Y, pieces)[0]

    here = cost(theta)
    out = np.empty_like(theta)
    for i in range(theta.size):
        plus, minus = theta.copy(), theta.copy()
        plus[i] += epsilon
        minus[i] -= epsilon
        if kind == "forward":
            out[i] = (cost(plus) - here) / epsilon
        else:
            out[i] = (cost(plus) - cost(minus)) / (2 * epsilon)
    return out


def draw_network(net, rng, *, margin=0.02):
    """X, Y, parameters of a network of drawn sizes whose ReLUs all stay at least
    ``margin`` from their kink (steps up to 1e-3 cross none) and whose output is not
    saturated, so that every gradient is worth checking."""
    for _ in range(500):
        n0, n1, n2 = (int(k) for k in rng.integers([2, 3, 2], [8, 8, 6]))
        m = int(rng.integers(2, 9))
        X = rng.standard_normal((n0, m))
        Y = (rng.random((1, m)) < 0.5).astype(float)
        params = {}
        for i, (fan_in, fan_out) in enumerate(((n0, n1), (n1, n2), (n2, 1)), start=1):
            params[f"W{i}"] = rng.standard_normal((fan_out, fan_in)) * 1.3 / math.sqrt(fan_in)
            params[f"b{i}"] = rng.standard_normal((fan_out, 1)) * 0.5
        _, cache_ = net.forward_propagation_n(X, Y, params)
        Z1, Z2, Z3 = cache_[0], cache_[4], cache_[8]
        gradients = hand_backward(net, X, Y, params)
        if (
            np.abs(Z1).min() > margin
            and np.abs(Z2).min() > margin
            and np.abs(Z3).max() < 4
            and (Z1 < 0).any()
            and (Z2 < 0).any()
            and all(np.linalg.norm(gradients["d" + n]) > 3e-2 for n in NAMES)
        ):
            return X, Y, params
    raise RuntimeError("could not draw a network away from the ReLU kinks")


def sizes_text(X, params) -> str:
    layers = [params["W1"].shape[1], params["W1"].shape[0], params["W2"].shape[0], 1]
    return f"a {' -> '.join(str(k) for k in layers)} network with m = {X.shape[1]} examples"


def shuffled(rng, mapping: dict) -> dict:
    """The same dictionary with its keys in another order than its own."""
    keys = list(mapping)
    while True:
        order = rng.permutation(len(keys))
        if order[0] != 0:
            return {keys[i]: mapping[keys[i]] for i in order}


def in_any_order(rng, parameters: dict, check, call: str):
    """``check(parameters)`` runs on a shuffled dictionary. Only when it fails does it run
    again in PARAMETER_NAMES order: if that passes, the answer depends on the order."""
    mixed = shuffled(rng, parameters)
    try:
        return check(mixed)
    except checks.CheckFailed as failure:
        try:
            check(parameters)
        except (checks.CheckFailed, LearnerError, WorkerFailure):
            raise failure from None
    checks.fail(
        f"{call} gives the right answer when parameters lists its keys as W1, b1, W2, b2, "
        f"W3, b3, and a wrong one for the same arrays in another order ({', '.join(mixed)}). "
        "A dictionary's order can be anything: take each parameter by its name, and build "
        "vectors in PARAMETER_NAMES order.",
    )


def run(submission, name: str, *args, shown: str, **kwargs):
    """Call the learner's ``name``; if it raises, show the call as the learner writes it."""
    try:
        return getattr(submission, name)(*args, **kwargs)
    except (LearnerError, WorkerFailure) as error:
        error.call_text = f"{name}({shown})"
        raise


def not_mutated(submission, call: str) -> None:
    checks.true(
        not submission.last.mutated,
        f"{call} changed the arrays it was given: after the call they no longer hold their "
        "old values. Step a copy of theta (never the caller's arrays or a view of them, "
        "such as reshape(-1)), and let Tensor(value) keep a copy or leave its value alone.",
    )


# --- Part 1: the probes ---------------------------------------------------------------


def probe(submission, source: str, names: tuple[str, ...], shown: str, *args):
    """Run a probe in the worker; ``shown`` says in the learner's terms what it builds."""
    code = WorkerCode(source, names=names, description=shown)
    try:
        return submission.run(code, *args)
    except LearnerError as error:
        error.call_text = shown
        raise
    except WorkerFailure as error:
        error.call_text = shown
        raise


TENSOR_PROBE = """
def tensor_probe(a):
    t = Tensor(a)
    return t.value, t.grad
"""

MATMUL_PROBE = """
def matmul_probe(a, b, u, v):
    A, B = Tensor(a), Tensor(b)
    L = matmul(matmul(Tensor(u), matmul(A, B)), Tensor(v))
    L.backward()
    return L.value, A.grad, B.grad
"""

ADD_PROBE = """
def add_probe(a, b, u, v):
    A, B = Tensor(a), Tensor(b)
    L = matmul(matmul(Tensor(u), add(A, B)), Tensor(v))
    L.backward()
    return L.value, A.grad, B.grad
"""

RELU_PROBE = """
def relu_probe(a, u, v):
    A = Tensor(a)
    R = relu(A)
    L = matmul(matmul(Tensor(u), R), Tensor(v))
    L.backward()
    return R.value, A.grad
"""

SIGMOID_PROBE = """
def sigmoid_probe(a, u, v):
    A = Tensor(a)
    S = sigmoid(A)
    L = matmul(matmul(Tensor(u), S), Tensor(v))
    L.backward()
    return S.value, A.grad
"""

CROSS_ENTROPY_PROBE = """
def cross_entropy_probe(p, y):
    P = Tensor(p)
    L = cross_entropy(P, y)
    L.backward()
    return L.value, P.grad
"""

BACKWARD_PROBE = """
def backward_probe(value):
    t = Tensor(value)
    t.backward()
    return t.grad
"""

NOT_SCALAR_PROBE = """
def not_scalar_probe(a, b):
    C = matmul(Tensor(a), Tensor(b))
    try:
        C.backward()
    except ValueError:
        return "ValueError"
    return "returned"
"""

TWICE_ADD_PROBE = """
def twice_add_probe(a, u, v):
    A = Tensor(a)
    L = matmul(matmul(Tensor(u), add(A, A)), Tensor(v))
    L.backward()
    return A.grad
"""

TWICE_MATMUL_PROBE = """
def twice_matmul_probe(a, u, v):
    A = Tensor(a)
    L = matmul(matmul(Tensor(u), matmul(A, A)), Tensor(v))
    L.backward()
    return A.grad
"""

DIAMOND_PROBE = """
def diamond_probe(a, w, u, v):
    A, W = Tensor(a), Tensor(w)
    H = sigmoid(A)
    L = matmul(matmul(Tensor(u), add(H, matmul(W, H))), Tensor(v))
    L.backward()
    return H.grad, A.grad, W.grad
"""


def numeric_grad(f, x: np.ndarray, h: float = PROBE_STEP) -> np.ndarray:
    """Central differences of the NumPy function ``f`` at ``x``, entry by entry."""
    x = np.array(x, dtype=float)
    out = np.empty_like(x)
    for index in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[index] += h
        minus[index] -= h
        out[index] = (f(plus) - f(minus)) / (2 * h)
    return out


def sigmoid_np(z):
    return 1 / (1 + np.exp(-z))


def three_sizes(rng) -> tuple[int, int, int]:
    """k, n, m: three different sizes, so that a transposed grad cannot take the right shape."""
    k, n, m = (int(s) for s in rng.choice(np.arange(2, 7), size=3, replace=False))
    return k, n, m


def away_from_zero(rng, shape, low=0.2) -> np.ndarray:
    return rng.uniform(low, 2.0, size=shape) * rng.choice([-1.0, 1.0], size=shape)


def check_grad(
    got, expected, who: str, shown: str, recognise=(), section=VJP, otherwise: str = ""
) -> np.ndarray:
    """``got``, the grad of ``who`` in ``shown``, matches ``expected`` (the suite's central
    differences). ``recognise``: (value, words) pairs of common mistakes; when ``got`` is
    one of them (and that value is not the right one), the message names it. ``otherwise``
    replaces the general advice of a wrong value that is none of them."""
    if got is None:
        checks.fail(
            f"In {shown}, {who}.grad is None after backward(). grad starts as zeros shaped "
            "like value, and backward() adds into it the derivative of L with respect to "
            f"{who}.",
            section=section,
        )
    try:
        array = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        checks.fail(f"In {shown}, {who}.grad is {checks.show(got)}, not an array of numbers.")
    for value, words in recognise:
        value = np.asarray(value, dtype=float)
        if (
            array.shape == value.shape
            and relative(array, value) < PROBE_TOLERANCE
            and (value.shape != expected.shape or relative(value, expected) > 1e-3)
        ):
            checks.fail(f"In {shown}, {who}.grad is {words}", section)
    if array.shape != expected.shape:
        checks.fail(
            f"In {shown}, {who}.grad has shape {array.shape}; {who} has shape "
            f"{expected.shape}. A grad always has the shape of its own Tensor.",
            section=section,
        )
    difference = relative(array, expected)
    if difference > PROBE_TOLERANCE:
        worst = np.unravel_index(int(np.argmax(np.abs(array - expected))), expected.shape)
        where = tuple(int(i) for i in worst)
        checks.fail(
            f"In {shown}, {who}.grad differs from the central differences of L (relative "
            f"difference {difference:.3g}): at {where} it is {array[where]:.6g}, where the "
            f"numeric derivative is {expected[where]:.6g}. "
            + (
                otherwise
                or f"It should be dL/d{who}: the upstream grad times the operation's local "
                "derivative, one vector-Jacobian product."
            ),
            section=section,
        )
    return array


def reducer(rng, k: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    """u (1, k) and v (m, 1): L = u @ Z @ v turns a (k, m) Tensor Z into one number whose
    grad with respect to Z is the (k, m) array u.T @ v.T, different in every entry."""
    return rng.uniform(0.5, 1.5, size=(1, k)), rng.uniform(0.5, 1.5, size=(m, 1))


@pytest.mark.points(1)
@pytest.mark.section(PART1)
def test_part1_tensor_holds_a_float_value_and_zero_grad(submission, rng):
    """Part 1: Tensor(value) has value (a float ndarray) and grad (zeros of its shape)."""
    k, m = (int(s) for s in rng.integers(2, 5, size=2))
    cases = [
        (rng.integers(-5, 6, size=(k, m)), f"an integer array of shape {(k, m)}"),
        (rng.standard_normal((k, 1)), f"a float array of shape {(k, 1)}"),
    ]
    for a, what in cases:
        value, grad = probe(submission, TENSOR_PROBE, ("Tensor",), "t = Tensor(a)", a)
        shown = f"t = Tensor(a) with a {what}"
        if not isinstance(value, np.ndarray) or value.dtype.kind != "f":
            checks.fail(
                f"{shown}: t.value is {checks.show(value)}; expected a float ndarray. Convert "
                "what you are given with np.array(value, dtype=float): with integer values, "
                "grads and steps added later would be cut to integers.",
            )
        checks.true(
            value.shape == a.shape and np.array_equal(value, a.astype(float)),
            f"{shown}: t.value is {checks.show(value)}; expected the same numbers as a, in "
            f"a's shape {a.shape}.",
        )
        if grad is None or not isinstance(grad, np.ndarray):
            checks.fail(
                f"{shown}: t.grad is {checks.show(grad)} before any backward(); expected an "
                f"array of zeros of shape {a.shape}, so that backward() can add into it.",
            )
        checks.true(
            grad.shape == a.shape and not np.any(grad),
            f"{shown}: t.grad is {checks.show(grad)} before any backward(); expected zeros "
            f"of shape {a.shape}, the shape of value.",
        )


@pytest.mark.points(2)
@pytest.mark.section(VJP)
def test_part1_matmul_grads(submission, rng):
    """Part 1: matmul's grads match central differences on drawn shapes."""
    for _ in range(2):
        k, n, m = three_sizes(rng)
        a, b = rng.standard_normal((k, n)), rng.standard_normal((n, m))
        u, v = reducer(rng, k, m)
        shown = (
            f"L = matmul(matmul(Tensor(u), matmul(A, B)), Tensor(v)) with A {a.shape}, "
            f"B {b.shape}, then L.backward()"
        )
        value, grad_a, grad_b = probe(
            submission, MATMUL_PROBE, ("Tensor", "matmul"), shown, a, b, u, v
        )
        checks.close(
            np.ravel(np.asarray(value, dtype=float)),
            np.ravel(u @ a @ b @ v),
            f"L.value in {shown}",
            rtol=1e-12,
            why="matmul(a, b) holds the matrix product a.value @ b.value.",
        )
        check_grad(
            grad_a,
            numeric_grad(lambda x, u=u, b=b, v=v: (u @ x @ b @ v).item(), a),
            "A",
            shown,
        )
        check_grad(
            grad_b,
            numeric_grad(lambda x, u=u, a=a, v=v: (u @ a @ x @ v).item(), b),
            "B",
            shown,
        )


@pytest.mark.points(2)
@pytest.mark.section(VJP)
def test_part1_add_grads_with_a_bias_column(submission, rng):
    """Part 1: add's grads, for two (k, m) arrays and for a (k, 1) column summed back."""
    k, _, m = three_sizes(rng)
    u, v = reducer(rng, k, m)
    upstream = u.T @ v.T
    for b_shape in ((k, m), (k, 1)):
        a, b = rng.standard_normal((k, m)), rng.standard_normal(b_shape)
        shown = (
            f"L = matmul(matmul(Tensor(u), add(A, B)), Tensor(v)) with A {a.shape}, "
            f"B {b.shape}, then L.backward()"
        )
        value, grad_a, grad_b = probe(
            submission, ADD_PROBE, ("Tensor", "matmul", "add"), shown, a, b, u, v
        )
        checks.close(
            np.ravel(np.asarray(value, dtype=float)),
            np.ravel(u @ (a + b) @ v),
            f"L.value in {shown}",
            rtol=1e-12,
            why="add(a, b) holds a.value + b.value (a (k, 1) b is added to every column).",
        )
        check_grad(grad_a, numeric_grad(lambda x, b=b: (u @ (x + b) @ v).item(), a), "A", shown)
        broadcast = b_shape[1] == 1
        check_grad(
            grad_b,
            numeric_grad(lambda x, a=a: (u @ (a + x) @ v).item(), b),
            "B",
            shown,
            [
                (
                    upstream,
                    f"the upstream grad of shape {(k, m)}, not summed back to B's shape "
                    f"{(k, 1)}. B was added to each of the m = {m} columns, so each entry "
                    "of B reached m outputs: its grad adds up the m columns of the upstream "
                    "grad (summed back over axis 1, keeping shape (k, 1)).",
                ),
                (
                    upstream.mean(axis=1, keepdims=True),
                    f"the mean of the upstream grad over the m = {m} columns, not their "
                    "sum. Each entry of B reached m outputs, and the chain rule adds up "
                    "the m paths: sum the columns back to shape (k, 1).",
                ),
            ]
            if broadcast
            else [],
        )


@pytest.mark.points(2)
@pytest.mark.section(VJP)
def test_part1_relu_grads(submission, rng):
    """Part 1: relu's grad passes the upstream grad where a > 0, 0 elsewhere and at 0."""
    k, _, m = three_sizes(rng)
    u, v = reducer(rng, k, m)
    upstream = u.T @ v.T
    a = away_from_zero(rng, (k, m))
    a[0, 0], a[-1, -1] = 1.0, -1.0  # both sides of the kink, whatever was drawn
    shown = f"L = matmul(matmul(Tensor(u), relu(A)), Tensor(v)) with A {a.shape}, then L.backward()"
    value, grad = probe(submission, RELU_PROBE, ("Tensor", "matmul", "relu"), shown, a, u, v)
    checks.close(
        np.asarray(value, dtype=float),
        np.maximum(a, 0),
        f"relu(A).value in {shown}",
        rtol=1e-15,
        why="relu(a) holds max(0, a) entry by entry.",
    )
    check_grad(
        grad,
        numeric_grad(lambda x: (u @ np.maximum(x, 0) @ v).item(), a),
        "A",
        shown,
        [
            (
                upstream,
                "the upstream grad passed through everywhere, also where A < 0: the mask "
                "let everything through. relu's derivative is 0 where its input is "
                "negative. (A mask built from relu's output with >= 0 is true everywhere, "
                "since that output is never negative.)",
            ),
            (
                np.ones_like(a) * (a > 0),
                "relu's local derivative (1 where A > 0, else 0) without the upstream grad: "
                "the grad passed on is the upstream grad times that mask.",
            ),
        ],
    )
    # At exactly 0 the statement fixes the derivative at 0, as 1.2.39's backward pass does.
    a[0, :] = 0.0
    shown = (
        f"L = matmul(matmul(Tensor(u), relu(A)), Tensor(v)) with A {a.shape}, whose first "
        "row is exactly 0, then L.backward()"
    )
    _, grad = probe(submission, RELU_PROBE, ("Tensor", "matmul", "relu"), shown, a, u, v)
    expected = upstream * (a > 0)
    got = np.asarray(grad, dtype=float)
    if got.shape == a.shape and np.allclose(got[0], upstream[0], rtol=1e-9):
        checks.fail(
            f"In {shown}, A.grad on the row where A is exactly 0 is {checks.show(got[0])}: "
            "the upstream grad, as if relu's derivative at exactly 0 were 1. The statement "
            "takes it as 0 there (as 1.2.39's backward pass does with Z > 0): pass the grad "
            "on only where the input is strictly positive, not >= 0.",
        )
    check_grad(got, expected, "A", shown)


@pytest.mark.points(2)
@pytest.mark.section(VJP)
def test_part1_sigmoid_grads(submission, rng):
    """Part 1: sigmoid's grad is the upstream grad times s * (1 - s), s = sigmoid(a)."""
    k, _, m = three_sizes(rng)
    u, v = reducer(rng, k, m)
    upstream = u.T @ v.T
    a = rng.uniform(-3, 3, size=(k, m))
    s = sigmoid_np(a)
    shown = (
        f"L = matmul(matmul(Tensor(u), sigmoid(A)), Tensor(v)) with A {a.shape}, then L.backward()"
    )
    value, grad = probe(submission, SIGMOID_PROBE, ("Tensor", "matmul", "sigmoid"), shown, a, u, v)
    checks.close(
        np.asarray(value, dtype=float),
        s,
        f"sigmoid(A).value in {shown}",
        rtol=1e-12,
        why="sigmoid(a) holds 1 / (1 + exp(-a)) entry by entry.",
    )
    check_grad(
        grad,
        numeric_grad(lambda x: (u @ sigmoid_np(x) @ v).item(), a),
        "A",
        shown,
        [
            (
                upstream * a * (1 - a),
                "the upstream grad times a * (1 - a), with a the sigmoid's input. The "
                "derivative of the sigmoid is s * (1 - s) with s = sigmoid(a), its output: "
                "use the value the forward pass computed, not the input.",
            ),
            (
                s * (1 - s),
                "s * (1 - s) alone, the sigmoid's local derivative, without the upstream "
                "grad it multiplies.",
            ),
            (
                upstream * s,
                "the upstream grad times s = sigmoid(a); the derivative is s * (1 - s).",
            ),
        ],
    )


@pytest.mark.points(2)
@pytest.mark.section(VJP)
def test_part1_cross_entropy_grads(submission, rng):
    """Part 1: cross_entropy is the mean over the m columns; its grad has the 1/m."""
    for _ in range(2):
        m = int(rng.integers(3, 9))
        p = rng.uniform(0.1, 0.9, size=(1, m))
        y = (rng.random((1, m)) < 0.5).astype(float)
        y[0, 0], y[0, 1] = 1.0, 0.0
        shown = f"L = cross_entropy(Tensor(p), y) with p and y of shape (1, {m}), then L.backward()"

        def cost(q, y=y, m=m):
            return float(-np.sum(y * np.log(q) + (1 - y) * np.log(1 - q)) / m)

        value, grad = probe(
            submission, CROSS_ENTROPY_PROBE, ("Tensor", "cross_entropy"), shown, p, y
        )
        got = np.asarray(value, dtype=float)
        if got.size != 1:
            checks.fail(
                f"In {shown}, L.value has shape {got.shape}; the cost is one number (a "
                f"Tensor of shape (1, 1), (1,) or ()): the mean of the {m} losses.",
            )
        if abs(got.item() - cost(p) * m) <= 1e-9 * abs(cost(p) * m):
            checks.fail(
                f"In {shown}, L.value is {got.item():.6g}, the sum of the {m} losses; the "
                f"cost is their mean, {cost(p):.6g}: divide by m (the 1/m is missing).",
            )
        checks.close(
            got.item(),
            cost(p),
            f"L.value in {shown}",
            rtol=1e-12,
            why="The cost is -(1/m) * sum(y log p + (1 - y) log(1 - p)).",
        )
        local = (1 - y) / (1 - p) - y / p
        check_grad(
            grad,
            numeric_grad(cost, p),
            "P",
            shown,
            [
                (
                    local,
                    f"m = {m} times the right grad: the 1/m is missing. The cost is a mean "
                    "over the m columns, so its derivative with respect to each p carries "
                    "1/m too.",
                ),
                (
                    -local / m,
                    "the right grad with its sign flipped: the cost is minus the mean of "
                    "y log p + (1 - y) log(1 - p).",
                ),
                (
                    (p - y) / m,
                    "(p - y) / m, the grad with respect to the sigmoid's input z. "
                    "cross_entropy's own input is the probability p (the sigmoid's output); "
                    "its grad is (1/m) * ((1 - y) / (1 - p) - y / p), and sigmoid's own "
                    "rule turns it into (p - y) / m further back.",
                ),
            ],
        )


@pytest.mark.points(2)
@pytest.mark.section(REVERSE)
def test_part1_backward_needs_exactly_one_element(submission, rng):
    """Part 1: backward() on a Tensor of shape (1, 1), (1,) or () sets its grad to 1;
    on a Tensor of more than one element it raises ValueError."""
    for shape in ((1, 1), (1,), ()):
        value = rng.standard_normal(shape)
        shown = f"t = Tensor(value) with value of shape {shape}, then t.backward()"
        grad = probe(submission, BACKWARD_PROBE, ("Tensor",), shown, value)
        got = np.asarray(grad, dtype=float) if grad is not None else None
        checks.true(
            got is not None and got.size == 1 and got.item() == 1.0,
            f"In {shown}, t.grad is {checks.show(grad)}; expected 1 (in t's shape): the "
            "derivative of t with respect to itself, where backward() starts.",
            section=REVERSE,
        )
    k, n, m = three_sizes(rng)
    a, b = rng.standard_normal((k, n)), rng.standard_normal((n, m))
    shown = f"C = matmul(Tensor(a), Tensor(b)) of shape {(k, m)}, then C.backward()"
    said = probe(submission, NOT_SCALAR_PROBE, ("Tensor", "matmul"), shown, a, b)
    checks.true(
        said == "ValueError",
        f"{shown} returned normally; expected it to raise ValueError. A Tensor of "
        f"{k * m} elements has a Jacobian, not a gradient: backward() starts from a Tensor "
        "of exactly one element and refuses any other.",
        section=REVERSE,
    )


@pytest.mark.points(2)
@pytest.mark.section(REVERSE)
def test_part1_a_tensor_used_twice_adds_up_both_grads(submission, rng):
    """Part 1: a Tensor used twice (add(A, A), matmul(A, A)) gets the sum of both grads."""
    k, _, m = three_sizes(rng)
    u, v = reducer(rng, k, m)
    upstream = u.T @ v.T
    a = rng.standard_normal((k, m))
    shown = (
        f"L = matmul(matmul(Tensor(u), add(A, A)), Tensor(v)) with A {a.shape}, then L.backward()"
    )
    grad = probe(submission, TWICE_ADD_PROBE, ("Tensor", "matmul", "add"), shown, a, u, v)
    overwritten = (
        "the grad from one use only: A is used twice, and the second grad overwrote the "
        "first instead of being added to it. Every rule must add into an input's grad "
        "(accumulate), never set it."
    )
    check_grad(
        grad,
        numeric_grad(lambda x: (u @ (x + x) @ v).item(), a),
        "A",
        shown,
        [(upstream, overwritten)],
        section=REVERSE,
    )
    a = rng.standard_normal((k, k))
    u, v = reducer(rng, k, k)
    upstream = u.T @ v.T
    shown = (
        f"L = matmul(matmul(Tensor(u), matmul(A, A)), Tensor(v)) with A {a.shape}, then "
        "L.backward()"
    )
    grad = probe(submission, TWICE_MATMUL_PROBE, ("Tensor", "matmul"), shown, a, u, v)
    check_grad(
        grad,
        numeric_grad(lambda x: (u @ x @ x @ v).item(), a),
        "A",
        shown,
        [(upstream @ a.T, overwritten), (a.T @ upstream, overwritten)],
        section=REVERSE,
    )


@pytest.mark.points(2)
@pytest.mark.section(REVERSE)
def test_part1_backward_visits_in_topological_order(submission, rng):
    """Part 1: in a diamond (H used by add directly and through matmul), H passes its grad
    on once, complete: backward() visits the Tensors in reverse topological order."""
    for _ in range(2):
        k, _, m = three_sizes(rng)
        u, v = reducer(rng, k, m)
        upstream = u.T @ v.T
        a, w = rng.uniform(-2, 2, size=(k, m)), rng.standard_normal((k, k))
        h = sigmoid_np(a)
        slope = h * (1 - h)
        shown = (
            f"H = sigmoid(A); L = matmul(matmul(Tensor(u), add(H, matmul(W, H))), Tensor(v)) "
            f"with A {a.shape} and W {w.shape}, then L.backward()"
        )
        grad_h, grad_a, grad_w = probe(
            submission,
            DIAMOND_PROBE,
            ("Tensor", "matmul", "add", "sigmoid"),
            shown,
            a,
            w,
            u,
            v,
        )
        full = upstream + w.T @ upstream  # H's grad from both of its uses
        check_grad(
            grad_w,
            numeric_grad(lambda x, h=h, u=u, v=v: (u @ (h + x @ h) @ v).item(), w),
            "W",
            shown,
        )
        check_grad(
            grad_h,
            full,
            "H",
            shown,
            [
                (
                    upstream,
                    "the grad from add only; the share through matmul(W, H) is lost. H is "
                    "used twice, and the grads of both uses add up.",
                ),
                (
                    w.T @ upstream,
                    "the grad through matmul(W, H) only; add's share is lost. H is used "
                    "twice, and the grads of both uses add up.",
                ),
            ],
            section=REVERSE,
        )
        early = (
            "H passed its grad on to A before that grad was complete, or passed it on more "
            "than once. H is used twice; backward must visit the Tensors in reverse "
            "topological order, so that a Tensor passes its grad on once, after every "
            "Tensor that uses it has added its share."
        )
        check_grad(
            grad_a,
            numeric_grad(
                lambda x, u=u, w=w, v=v: (u @ (sigmoid_np(x) + w @ sigmoid_np(x)) @ v).item(), a
            ),
            "A",
            shown,
            [
                (upstream * slope, f"only the share of add. {early}"),
                (w.T @ upstream * slope, f"only the share of matmul(W, H). {early}"),
                ((2 * upstream + w.T @ upstream) * slope, f"add's share counted twice. {early}"),
                ((upstream + 2 * w.T @ upstream) * slope, f"matmul's share counted twice. {early}"),
            ],
            section=REVERSE,
            otherwise=f"H.grad is right, so the rules are: {early}",
        )


# --- Part 2: the network's gradients from the tape -------------------------------------


def read_gradients(result, call: str, params: dict) -> dict:
    if not isinstance(result, dict):
        checks.fail(
            f"{call} returned {checks.show(result)}; expected a dictionary with the keys "
            "dW1, db1, dW2, db2, dW3, db3."
        )
    missing = [f"d{n}" for n in NAMES if f"d{n}" not in result]
    if missing:
        bare = [n for n in NAMES if n in result]
        hint = (
            " Your keys are the parameters' own names: a gradient's key has a d in front "
            "(dW1 for W1), as in 1.2.39's project."
            if bare
            else ""
        )
        checks.fail(
            f"{call} returned no {', '.join(missing)} (its keys: {', '.join(map(str, result))})."
            + hint
        )
    return {
        "d" + n: checks.as_array(
            result["d" + n],
            call,
            shape=params[n].shape,
            what=f"d{n}",
            why_shape=f"the shape of {n}: each Tensor's grad has the shape of its value",
        )
        for n in NAMES
    }


def factor_of(got: np.ndarray, want: np.ndarray) -> float | None:
    """k when ``got`` is k times ``want`` (up to round-off), else None."""
    scale = float(np.sum(want * want))
    if scale == 0:
        return None
    k = float(np.sum(got * want)) / scale
    return k if relative(got, k * want) < 1e-9 else None


def check_ad_gradients(submission, rng, net, X, Y, params, where: str) -> dict:
    expected = hand_backward(net, X, Y, params)
    m = X.shape[1]
    found = {}

    def check(parameters):
        result = run(
            submission, "backward_propagation_ad", X, Y, parameters, shown="X, Y, parameters"
        )
        call = f"backward_propagation_ad(X, Y, parameters) on {where}"
        not_mutated(submission, call)
        got = read_gradients(result, call, params)
        wrong = [n for n in NAMES if relative(got["d" + n], expected["d" + n]) > AD_TOLERANCE]
        if not wrong:
            found.update(got)
            return
        factors = {n: factor_of(got["d" + n], expected["d" + n]) for n in wrong}
        if len(wrong) == len(NAMES) and all(
            k is not None and abs(k - m) < 1e-6 * m for k in factors.values()
        ):
            checks.fail(
                f"{call}: every gradient is exactly m = {m} times the hand-derived one: the "
                "1/m is missing. The cost is the mean of the m losses, so cross_entropy's "
                "grad carries 1/m, and every gradient behind it inherits it.",
                section=VJP,
            )
        told = []
        for n in wrong:
            k = factors[n]
            extra = f", exactly {k:.6g} times the right one" if k is not None else ""
            told.append(
                f"d{n} (relative difference {relative(got['d' + n], expected['d' + n]):.3g}{extra})"
            )
        checks.fail(
            f"{call}: {len(wrong)} of the 6 gradients differ from the backpropagation "
            f"derived by hand (1.2.39's fixed backward pass) by more than {AD_TOLERANCE:g}: "
            f"{'; '.join(told)}. The tape computes the same numbers exactly, up to "
            "round-off: build the forward pass of network.forward_propagation_n with your "
            "operations only (matmul, add, relu twice, then sigmoid and cross_entropy with "
            "Y) and call backward() once on the cost.",
            section=REVERSE,
        )

    in_any_order(rng, params, check, "backward_propagation_ad(X, Y, parameters)")
    return found


@pytest.mark.points(4)
@pytest.mark.section(REVERSE)
def test_part2_gradients_on_the_project_data(submission, rng, net):
    """Part 2: backward_propagation_ad equals hand-derived backpropagation on
    gradient_check_data() (within 1e-10 relative)."""
    X, Y, params = net.gradient_check_data()
    check_ad_gradients(submission, rng, net, X, Y, params, "the project's data")


@pytest.mark.points(4)
@pytest.mark.section(REVERSE)
def test_part2_gradients_on_drawn_networks(submission, rng, net):
    """Part 2: the same on networks of drawn sizes and batches."""
    for _ in range(3):
        X, Y, params = draw_network(net, rng)
        check_ad_gradients(submission, rng, net, X, Y, params, sizes_text(X, params))


# --- Part 3: the gradient checker on the tape's gradients -------------------------------


def call_check(submission, X, Y, params, epsilon: float | None = None) -> float:
    shown = "X, Y, parameters" + ("" if epsilon is None else f", epsilon={epsilon:g}")
    extra = {} if epsilon is None else {"epsilon": epsilon}
    value = run(submission, "check_with_numeric", X, Y, params, shown=shown, **extra)
    call = f"check_with_numeric({shown})"
    got = checks.as_float(value, call, "the relative difference, a number")
    not_mutated(submission, call)
    return got


def diagnose_check(net, got: float, X, Y, params, epsilon: float, call: str) -> float:
    """The grader's own check at ``epsilon``; if ``got`` is instead what a common mistake
    gives on these inputs, fail with that mistake in the learner's terms."""
    analytic = flat(hand_backward(net, X, Y, params), prefix="d")
    central = numeric_vector(net, X, Y, params, epsilon)
    expected = relative(analytic, central)

    def near(a: float, b: float) -> bool:
        return abs(a - b) <= 1e-2 * abs(b) + 1e-15

    if near(got, expected):
        return expected
    if got == 0:
        checks.fail(
            f"{call} returned exactly 0, where the grader's check gives {expected:.3g}. "
            "A numeric gradient is never identical to the tape's to the last bit: either "
            "the number returned is not ||a - b|| / (||a|| + ||b||) of the two vectors, or "
            "the 'numeric' vector is the tape's gradient again rather than differences of "
            "the cost.",
            section=CHECK,
        )
    candidates = [
        (
            relative(analytic, numeric_vector(net, X, Y, params, epsilon, "forward")),
            "a one-sided (forward) difference, (J(theta + eps) - J(theta)) / eps, whose "
            "error is of order epsilon where the central difference's is of order "
            "epsilon**2. Step entry i both up and down, and divide the difference of the "
            "two costs by 2 * epsilon.",
        ),
        (
            relative(analytic, 2 * central),
            "a numeric gradient twice the true one: the difference of the two costs "
            "divided by epsilon instead of 2 * epsilon.",
        ),
        (
            float(np.linalg.norm(analytic - central)),
            "||a - b|| alone, not divided by ||a|| + ||b||.",
        ),
    ]
    if epsilon != 1e-7:
        candidates.append(
            (
                relative(analytic, numeric_vector(net, X, Y, params, 1e-7)),
                f"the check with epsilon = 1e-7, not the epsilon = {epsilon:g} it was given. "
                "Use the epsilon argument for both steps and in the 2 * epsilon.",
            )
        )
    named = [words for value, words in candidates if near(got, value) and not near(value, expected)]
    if named:
        checks.fail(
            f"{call} returned {got:.6g}, where the grader's check gives {expected:.3g}. "
            f"{got:.6g} is exactly the value of " + " Or: ".join(named),
            section=CHECK,
        )
    return expected


@pytest.mark.points(3)
@pytest.mark.section(CHECK)
def test_part3_check_passes_the_tape_at_the_default_epsilon(submission, rng, net):
    """Part 3: check_with_numeric is below 2e-7 on the project's data at the default
    epsilon, and on a drawn network at epsilon = 1e-5."""
    cases = [(*net.gradient_check_data(), None)]
    cases.append((*draw_network(net, rng), 1e-5))
    for X, Y, params, epsilon in cases:
        where = "the project's data" if epsilon is None else sizes_text(X, params)
        shown = "X, Y, parameters" + ("" if epsilon is None else f", epsilon={epsilon:g}")
        call = f"check_with_numeric({shown}) on {where}"

        def check(parameters, X=X, Y=Y, params=params, epsilon=epsilon, call=call):
            got = call_check(submission, X, Y, parameters, epsilon)
            if 0 <= got < THRESHOLD:
                return
            expected = diagnose_check(net, got, X, Y, params, epsilon or 1e-7, call)
            checks.fail(
                f"{call} returned {got:.6g}; for the tape's gradients, which are exact, a "
                f"correct check gives below {THRESHOLD:g} (the grader's own gives "
                f"{expected:.3g}). Compare the two vectors in the same order "
                "(PARAMETER_NAMES), each cost computed from a copy of theta with only "
                "entry i changed, with ||a - b|| / (||a|| + ||b||).",
            )

        in_any_order(rng, params, check, "check_with_numeric(X, Y, parameters)")


@pytest.mark.points(3)
@pytest.mark.section(CHECK)
def test_part3_check_is_a_central_difference_with_the_epsilon_given(submission, rng, net):
    """Part 3: below 1e-8 on the project's data at epsilon = 1e-4 (only a central
    difference gets there), and the grader's own value at epsilon = 1e-3."""
    X, Y, params = net.gradient_check_data()
    call = f"check_with_numeric(X, Y, parameters, epsilon={TIGHT_EPSILON:g}) on the project's data"

    def tight(parameters):
        got = call_check(submission, X, Y, parameters, TIGHT_EPSILON)
        if 0 <= got < TIGHT:
            return
        expected = diagnose_check(net, got, X, Y, params, TIGHT_EPSILON, call)
        checks.fail(
            f"{call} returned {got:.6g}; a central difference with this step is off by "
            f"~epsilon**2 only and gives below {TIGHT:g} (the grader's gives {expected:.3g}). "
            "Step each entry up and down by the epsilon given and divide by 2 * epsilon.",
        )

    in_any_order(rng, params, tight, "check_with_numeric(X, Y, parameters)")

    X, Y, params = draw_network(net, rng)
    epsilon = 1e-3
    call = f"check_with_numeric(X, Y, parameters, epsilon={epsilon:g}) on {sizes_text(X, params)}"
    # At this step every numeric entry carries the central difference's truncation
    # (~epsilon**2), the same for any correct check and far above round-off: a check that
    # is not computed, or not with this epsilon, does not show it.
    analytic = flat(hand_backward(net, X, Y, params), prefix="d")
    expected = relative(analytic, numeric_vector(net, X, Y, params, epsilon))

    def same_as_grader(parameters):
        got = call_check(submission, X, Y, parameters, epsilon)
        if abs(got - expected) <= 0.05 * expected:
            return
        diagnose_check(net, got, X, Y, params, epsilon, call)
        low = got < expected / 3
        checks.fail(
            f"{call} returned {got:.3g}; the grader's own check gives {expected:.3g}, the "
            "truncation error (~epsilon**2) that every central difference with epsilon = "
            "1e-3 shows on exact gradients. "
            + (
                "A smaller number means the numeric gradient was not computed with the "
                "epsilon given, or not from the cost at all."
                if low
                else "Use the epsilon argument on both sides of each entry."
            ),
        )

    in_any_order(rng, params, same_as_grader, "check_with_numeric(X, Y, parameters)")


# --- Part 4: what a numeric check costs next to the tape --------------------------------


def parameter_count(h: int) -> int:
    return (4 * h + h) + (h * h + h) + (h + 1)  # W1, b1; W2, b2; W3, b3


def whole_number(value, call: str, what: str) -> float:
    number = checks.as_float(value, call, what)
    checks.true(
        number == int(number),
        f"{call} holds {number!r} for {what}; expected a whole number (a count).",
    )
    return number


def parameters_mistake(h: int, got: float) -> str:
    right = parameter_count(h)
    known = {
        right - h: "h fewer than the count: one hidden layer's bias (b1 or b2, h numbers "
        "each) is missing.",
        right - 1: "1 fewer than the count: b3, the output unit's one bias, is missing.",
        right - 2 * h - 1: "the weights only: the biases b1, b2, b3 (h + h + 1 numbers) "
        "are missing.",
        right - 2 * h: "both hidden biases are missing (b1 and b2, h numbers each).",
        6 * h + 1: "W2 counted as h numbers: W2 connects h units to h units, h * h entries.",
        right + h: "h more than the count: one layer too many, or W1 counted as 5h.",
    }
    return known.get(int(got), "")


@pytest.mark.points(4)
@pytest.mark.section(COST)
def test_part4_cost_table(submission, rng):
    """Part 4: one row per width, in order, with the exact counts (h*h + 7h + 1
    parameters, 2 evaluations each, 2 passes of the tape)."""
    sizes = [1, int(rng.integers(2, 10)), int(rng.integers(10, 100)), int(rng.integers(100, 2000))]
    sizes = [sizes[1], sizes[0], sizes[3], sizes[2]]  # not sorted: order is the caller's
    shown = f"gradient_cost_table({sizes})"
    table = run(submission, "gradient_cost_table", sizes, shown=str(sizes))
    if not isinstance(table, list | tuple) or len(table) != len(sizes):
        checks.fail(
            f"{shown} returned {checks.show(table)}; expected a list of {len(sizes)} "
            "dictionaries, one per width, in the order given."
        )
    for h, row in zip(sizes, table, strict=True):
        if not isinstance(row, dict) or not all(
            key in row for key in ("width", "parameters", "numeric_evaluations", "tape_passes")
        ):
            checks.fail(
                f"{shown}: the row for h = {h} is {checks.show(row)}; expected a dictionary "
                "with the keys width, parameters, numeric_evaluations and tape_passes."
            )
        call = f"{shown}, row for h = {h},"
        width = whole_number(row["width"], call, "width")
        checks.true(
            width == h,
            f"{call} has width {width:g}; expected {h}: the rows follow the order of sizes "
            "(the list given is not sorted).",
        )
        count = parameter_count(h)
        got = whole_number(row["parameters"], call, "parameters")
        if got != count:
            why = parameters_mistake(h, got) or (
                "Count the entries: W1 is h x 4, b1 h x 1, W2 h x h, b2 h x 1, W3 1 x h, b3 1 x 1."
            )
            checks.fail(
                f"{call} has parameters = {got:g}; the network 4 -> {h} -> {h} -> 1 has "
                f"{count} (h*h + 7h + 1). Yours is {why}",
                section=PART4,
            )
        got = whole_number(row["numeric_evaluations"], call, "numeric_evaluations")
        if got != 2 * count:
            if got == count:
                why = (
                    "Yours counts one evaluation per parameter, too few even for a "
                    "one-sided difference (which also needs J(theta)). A central difference "
                    "evaluates the cost twice per parameter, at theta_i + eps and at "
                    "theta_i - eps."
                )
            elif got == count + 1:
                why = (
                    "Yours counts one evaluation per parameter plus J(theta): a forward "
                    "difference's count. A central difference evaluates the cost twice per "
                    "parameter."
                )
            else:
                why = "A central difference evaluates the cost twice per parameter."
            checks.fail(
                f"{call} has numeric_evaluations = {got:g}; a full central-difference check "
                f"of {count} parameters needs {2 * count}. {why}",
                section=PART4,
            )
        got = whole_number(row["tape_passes"], call, "tape_passes")
        if got != 2:
            why = (
                "The tape costs one forward and one backward pass for the whole gradient, "
                "whatever the number of parameters."
            )
            if got == 1:
                why = (
                    "1 counts only one of them: the tape needs one forward and one backward "
                    "pass (2), whatever the number of parameters."
                )
            checks.fail(f"{call} has tape_passes = {got:g}; expected 2. {why}", section=COST)
    empty = run(submission, "gradient_cost_table", [], shown="[]")
    checks.true(
        isinstance(empty, list | tuple) and len(empty) == 0,
        f"gradient_cost_table([]) returned {checks.show(empty)}; expected an empty list: "
        "one row per width, and no widths.",
    )
