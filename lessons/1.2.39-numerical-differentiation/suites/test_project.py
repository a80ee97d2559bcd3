"""Hidden checks for project 1.2.39, the gradient checker, part by part.

The grader is its own gradient checker. In this (trusted) process it loads the course's
network module (the ``network.py`` shipped next to the stub, the file the learner
imports), computes the exact backward pass and central-difference gradients itself, and
plants bugs of its own into correct gradients. Parameters, data, caches and gradients
cross to the learner's code as plain data; no function is passed into it.

Expected values are computed here at grade time from networks drawn with ``rng``. Two
analytic truths help: a gradient multiplied by k has relative difference
|k - 1| / (|k| + 1) from the true one (1/3 for k = 2, 3/5 for k = 4), and a linear cost
J = theta * x has every difference quotient equal to x.
"""

from __future__ import annotations

import importlib.util
import math
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from grader.grading import checks
from grader.sandbox.workers import LearnerError, WorkerFailure

NAMES = ("W1", "b1", "W2", "b2", "W3", "b3")
THRESHOLD = 2e-7  # a correct gradient scores below this at epsilon = 1e-7
# The classic gradient-checking assignment's network, with the same two planted bugs,
# scores 0.2850931568 at epsilon = 1e-7, a number its learners know; network.DATA_SEED was
# chosen so that the project's data reproduces it to within 2e-4. A value outside this
# band means that network.py was changed.
CLASSIC_PLANTED_DIFFERENCE = 0.285
CLASSIC_BAND = 0.005
BUG = 1e-4  # a tensor with a larger relative difference holds the injected bug
QUIET = 1e-5  # correct tensors stay below this at epsilon = 1e-7 on the networks drawn here

PART1 = "gradient-checking"
VECTORS = "gradient-checking"
RELATIVE = "relative-difference"
THRESHOLDS = "thresholds"
# The report's format is described on the project page, not the lesson page: a section on
# another page of the lesson is written "page.md#anchor".
REPORT = "project.md#project-part-4"


# What an error raised by the learner's code usually means in this project (the grader
# appends it to "f(...) raised X (your file, line N): ...").
ERROR_ADVICE = {
    "ZeroDivisionError": "In this project that is almost always gradient_check at x = 0: "
    "both gradients are zero there, so |a - b| / (|a| + |b|) is 0/0. Two zero gradients "
    "agree: when the denominator is zero, the relative difference is 0.0 (project page, "
    "Part 1).",
    "gradients_to_vector:KeyError": "The parameters are named W1, b1, ..., b3 and their "
    "gradients dW1, db1, ..., db3 (with a d); a gradients dictionary also holds dZ3, dA2, "
    "... Pick the six you need by name, in PARAMETER_NAMES order.",
    "vector_to_dictionary:KeyError": "vector_to_dictionary is given its names with the "
    "shapes: the grader also passes names other than W1, ..., b3. Take the names, their "
    "order and their shapes from the shapes argument you are given, not from "
    "PARAMETER_NAMES.",
    "KeyError": "A dictionary has no such key: compare the names your code looks up with "
    "the keys of the dictionary it was given (gradients have a d: dW1, db1, ...).",
    "ValueError": "Often a reshape or a matrix product whose sizes do not match: cut theta "
    "back into arrays with the size and shape of each parameter, taken from the arrays you "
    "are given and in PARAMETER_NAMES order (never the dictionary's own order, never the "
    "course network's sizes).",
    "IndexError": "An index past the end of theta or of a parameter: loop over "
    "range(theta.shape[0]), and take each parameter's size from its array.",
}


# --- the grader's own network tools ---------------------------------------------------


@cache
def _load_network(path: str):
    spec = importlib.util.spec_from_file_location("course_project_network_1_2_39", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def net(exercise):
    return _load_network(str(Path(exercise.path(exercise.stub)).parent / "network.py"))


def backward(X, Y, cache_, *, planted=False, relu_mask=True):
    """The exact gradients of the network's cost (the learner's format, all 11 entries)."""
    Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3 = cache_
    m = X.shape[1]
    dZ3 = A3 - Y
    dW3 = dZ3 @ A2.T / m
    db3 = dZ3.sum(axis=1, keepdims=True) / m
    dA2 = W3.T @ dZ3
    dZ2 = dA2 * (Z2 > 0)
    dW2 = dZ2 @ A1.T / m * (2 if planted else 1)
    db2 = dZ2.sum(axis=1, keepdims=True) / m
    dA1 = W2.T @ dZ2
    dZ1 = dA1 * (Z1 > 0) if relu_mask else dA1  # relu_mask=False: a wrong ReLU derivative
    dW1 = dZ1 @ X.T / m
    db1 = dZ1.sum(axis=1, keepdims=True) * ((4 if planted else 1) / m)
    return {
        "dZ3": dZ3,
        "dW3": dW3,
        "db3": db3,
        "dA2": dA2,
        "dZ2": dZ2,
        "dW2": dW2,
        "db2": db2,
        "dA1": dA1,
        "dZ1": dZ1,
        "dW1": dW1,
        "db1": db1,
    }


def numeric(net, X, Y, parameters, epsilon):
    """Central differences of the cost, entry by entry, as the project defines them."""
    params = {name: parameters[name].copy() for name in NAMES}
    result = {}
    for name in NAMES:
        flat = params[name].reshape(-1)
        out = np.empty(flat.size)
        for i in range(flat.size):
            old = flat[i]
            flat[i] = old + epsilon
            plus = net.forward_propagation_n(X, Y, params)[0]
            flat[i] = old - epsilon
            minus = net.forward_propagation_n(X, Y, params)[0]
            flat[i] = old
            out[i] = (plus - minus) / (2 * epsilon)
        result[name] = out.reshape(params[name].shape)
    return result


def numeric_as_written(net, X, Y, parameters, epsilon, mistake: str) -> np.ndarray:
    """The numeric gradient (one column, in PARAMETER_NAMES order) that a checker with a
    common ``mistake`` computes, so that a learner's number can be recognised:
    "forward": (J(theta + eps e_i) - J(theta)) / eps; "kept": entry i is never put back,
    so every later entry is stepped from a point that carries the earlier steps;
    "alias": J(theta - eps e_i) evaluated at theta itself (the minus step undid the plus
    step on the same array), which halves each quotient of a forward difference."""
    shapes = {n: parameters[n].shape for n in NAMES}
    theta = vector(parameters)

    def cost(t):
        arrays, start = {}, 0
        for name, shape in shapes.items():
            size = int(np.prod(shape))
            arrays[name] = t[start : start + size].reshape(shape)
            start += size
        return net.forward_propagation_n(X, Y, arrays)[0]

    out = np.empty_like(theta)
    plus, minus = theta.copy(), theta.copy()
    here = cost(theta)
    for i in range(theta.shape[0]):
        if mistake != "kept":
            plus, minus = theta.copy(), theta.copy()
        plus[i] += epsilon
        minus[i] -= epsilon
        if mistake == "forward":
            out[i] = (cost(plus) - here) / epsilon
        elif mistake == "alias":
            out[i] = (cost(plus) - here) / (2 * epsilon)
        else:
            out[i] = (cost(plus) - cost(minus)) / (2 * epsilon)
    return out


def diagnose_n(net, got: float, expected: float, params, gradients, X, Y, epsilon) -> None:
    """If ``got``, a learner's gradient_check_n that differs from ``expected``, is what a
    common mistake gives on these inputs, fail with that mistake in the learner's terms.
    Only called on a wrong answer: it costs the grader a few more passes of the cost."""

    def near(a: float, b: float) -> bool:
        return abs(a - b) <= 1e-2 * abs(b) + 1e-12

    if near(got, expected):
        return
    if got == 0:
        checks.fail(
            f"gradient_check_n({SIGNATURES['gradient_check_n']}, epsilon={epsilon:g}) returned "
            f"exactly 0, where the grader's check gives {expected:.6g}. A relative difference "
            "is exactly 0 only when the two vectors are identical to the last bit, which a "
            "numeric gradient never is: either the number returned is not the relative "
            "difference ||a - b|| / (||a|| + ||b||) of your two vectors, or your 'numeric' "
            "vector is not a difference quotient of the cost (the analytic gradient again, "
            "for example).",
            section=RELATIVE,
        )
    analytic = vector(gradients, prefix="d")
    central = numeric_as_written(net, X, Y, params, epsilon, "central")
    # (value, what a checker with that mistake does, in the learner's terms: the full
    # explanation when it alone fits, a short one when another mistake gives the same value)
    candidates = [
        (
            relative(analytic, numeric_as_written(net, X, Y, params, epsilon, "kept")),
            "of a checker that does not put entry i back after its steps: every later "
            "entry is then stepped from a point that still carries the earlier steps. "
            "Restore entry i to its old value (or start again from a fresh copy of theta) "
            "before moving to the next entry.",
            "entry i is not put back after its steps, so later entries are stepped from a "
            "point that still carries them",
        ),
        (
            relative(analytic, numeric_as_written(net, X, Y, params, epsilon, "alias")),
            "of a checker whose J(theta - epsilon) is in fact J(theta), which makes each "
            "numeric derivative about half the true one. That happens when the minus "
            "vector is the same array as the plus vector (no copy), so the step down "
            "undoes the step up: make two separate copies of theta.",
            "J(theta - epsilon) is in fact J(theta) (the minus vector is the plus vector, "
            "not a copy), which makes each numeric derivative about half the true one",
        ),
        (
            relative(analytic, numeric_as_written(net, X, Y, params, epsilon, "forward")),
            "of a one-sided (forward) difference, (J(theta + eps) - J(theta)) / eps. "
            "The check uses the central difference: step entry i both up and down, and "
            "divide the difference of the two costs by 2 * epsilon.",
            "a one-sided (forward) difference, (J(theta + eps) - J(theta)) / eps",
        ),
        (
            relative(analytic, 2 * central),
            "of a checker that divides the difference of the two costs by epsilon "
            "instead of 2 * epsilon, which doubles every numeric derivative.",
            "the difference of the two costs is divided by epsilon instead of 2 * epsilon, "
            "which doubles every numeric derivative",
        ),
        (
            float(np.linalg.norm(analytic - central)),
            "of ||a - b|| alone, without dividing by ||a|| + ||b||. Without that division the "
            "number grows with the size of the gradients instead of saying how far apart "
            "they are.",
            "||a - b|| is returned without dividing by ||a|| + ||b||",
        ),
    ]
    if epsilon != 1e-7:
        candidates.append(
            (
                relative(analytic, numeric_as_written(net, X, Y, params, 1e-7, "central")),
                f"of the check with epsilon = 1e-7, not the epsilon = {epsilon:g} it was "
                "given. Use the epsilon argument for both steps and in the 2 * epsilon.",
                f"epsilon = 1e-7 is used, not the epsilon = {epsilon:g} given",
            )
        )
    found = [c for c in candidates if near(got, c[0]) and not near(c[0], expected)]
    call = f"gradient_check_n({SIGNATURES['gradient_check_n']}, epsilon={epsilon:g})"
    said = f"{call} returned {got:.6g}, where the grader's check gives {expected:.6g}. "
    if len(found) == 1:
        _, mistake, _ = found[0]
        checks.fail(
            f"{said}{got:.6g} is exactly the value {mistake}",
            section=RELATIVE if "||" in mistake else "central-difference",
        )
    if found:
        # These gradients cannot tell the mistakes apart (for correct gradients a numeric
        # gradient doubled and one halved both give 1/3): name them all, pick none.
        either = "; or ".join(short for _, _, short in found)
        checks.fail(
            f"{said[:-2]}: on these gradients more than one mistake gives exactly that "
            f"value, and the values alone cannot tell which one is yours: {either}. Print a "
            "few entries of your numeric vector next to the analytic ones to see which.",
            section=RELATIVE if all("||" in m for _, m, _ in found) else "central-difference",
        )


def relative(a, b) -> float:
    a, b = np.ravel(a), np.ravel(b)
    denominator = np.linalg.norm(a) + np.linalg.norm(b)
    return float(np.linalg.norm(a - b) / denominator) if denominator else 0.0


def vector(arrays: dict, names=NAMES, prefix="", order="C") -> np.ndarray:
    """The arrays stacked into one column; order="F": each flattened column by column (a
    common mistake, recognised when it is what came back)."""
    return np.concatenate(
        [np.asarray(arrays[prefix + n]).reshape(-1, 1, order=order) for n in names]
    )


def whole(gradients, numbers) -> float:
    return relative(vector(gradients, prefix="d"), vector(numbers))


def per_tensor(gradients, numbers) -> dict[str, float]:
    return {n: relative(gradients["d" + n], numbers[n]) for n in NAMES}


def draw_network(net, rng, *, sizes=None, m=None, margin=0.02, square=False):
    """X, Y, parameters of a random network whose ReLUs are all at least ``margin`` from
    their kink, so that steps up to 1e-3 never cross one, and whose sigmoid is not
    saturated, so that every tensor has a gradient worth checking."""
    for _ in range(500):
        n0, n1, n2 = (int(k) for k in (sizes or rng.integers([3, 4, 2], [7, 8, 6])))
        if square:
            n2 = n1
        examples = int(m or rng.integers(3, 9))
        X = rng.standard_normal((n0, examples))
        Y = (rng.random((1, examples)) < 0.5).astype(float)
        params = {}
        for i, (fan_in, fan_out) in enumerate(((n0, n1), (n1, n2), (n2, 1)), start=1):
            params[f"W{i}"] = rng.standard_normal((fan_out, fan_in)) * 1.3 / math.sqrt(fan_in)
            params[f"b{i}"] = rng.standard_normal((fan_out, 1)) * 0.5
        _, cache_ = net.forward_propagation_n(X, Y, params)
        Z1, Z2, Z3 = cache_[0], cache_[4], cache_[8]
        gradients = backward(X, Y, cache_)
        healthy = all(np.linalg.norm(gradients["d" + n]) > 3e-2 for n in NAMES)
        if (
            np.abs(Z1).min() > margin
            and np.abs(Z2).min() > margin
            and np.abs(Z3).max() < 4
            and (Z1 < 0).any()
            and healthy
        ):
            return X, Y, params, cache_
    raise RuntimeError("could not draw a network away from the ReLU kinks")


def shuffled(rng, mapping: dict) -> dict:
    """The same dictionary with its keys in another order (never its own: a file that
    follows the dictionary's order must see a difference)."""
    keys = list(mapping)
    while True:
        order = rng.permutation(len(keys))
        if len(keys) < 2 or order[0] != 0:
            return {keys[i]: mapping[keys[i]] for i in order}


def order_text(mapping: dict) -> str:
    return ", ".join(k for k in mapping if k.lstrip("d") in NAMES)


def in_any_order(submission, rng, params, gradients, check, name="gradient_check_n"):
    """``check(params, gradients)`` calls the learner's ``name`` and asserts on the answer.

    It runs on shuffled dictionaries, as a learner's own code may build them. Only when it
    fails does the same check run again on dictionaries in PARAMETER_NAMES order: if that
    passes, the answer depends on the dictionaries' order, and the message says so."""
    mixed_params, mixed_gradients = shuffled(rng, params), shuffled(rng, gradients)
    try:
        return check(mixed_params, mixed_gradients)
    except checks.CheckFailed as failure:
        try:
            check(params, gradients)
        except (checks.CheckFailed, LearnerError, WorkerFailure):
            raise failure from None
    checks.fail(
        f"{name}({SIGNATURES[name]}) gives the right answer when the dictionaries list "
        f"their keys as W1, b1, W2, b2, W3, b3, and a wrong one for the same arrays in "
        f"another order (parameters: {order_text(mixed_params)}; gradients: "
        f"{order_text(mixed_gradients)}). A dictionary's order can be anything: wherever "
        "you build theta, the shapes that cut it back, or the gradient vector, follow "
        "PARAMETER_NAMES, not the dictionary's own order.",
        section=VECTORS,
    )


def project_data(net):
    X, Y, params = net.gradient_check_data()
    _, cache_ = net.forward_propagation_n(X, Y, params)
    return X, Y, params, cache_


def planted_expectation(net):
    """The grader's own check of the planted bugs on the project's data."""
    X, Y, params, cache_ = project_data(net)
    buggy = backward(X, Y, cache_, planted=True)
    expected = whole(buggy, numeric(net, X, Y, params, 1e-7))
    checks.true(
        abs(expected - CLASSIC_PLANTED_DIFFERENCE) < CLASSIC_BAND,
        f"The project's network.py gives {expected:.6g} for the planted bugs instead of "
        f"about {CLASSIC_PLANTED_DIFFERENCE}: it seems to have been edited. Get the original "
        "back with 'git checkout -- exercises/1.2.39/project/network.py'.",
    )
    return X, Y, params, cache_, buggy, expected


SIGNATURES = {
    "dictionary_to_vector": "parameters",
    "vector_to_dictionary": "theta, shapes",
    "gradients_to_vector": "gradients",
    "gradient_check_n": "parameters, gradients, X, Y",
    "backward_propagation_n": "X, Y, cache",
    "gradient_report": "parameters, gradients, X, Y",
}


def run(submission, name: str, *args, shown: str | None = None, **kwargs):
    """Call the learner's ``name``; if it raises, name its arguments as the learner would
    (parameters, X, Y) rather than print their arrays."""
    try:
        return getattr(submission, name)(*args, **kwargs)
    except (LearnerError, WorkerFailure) as error:
        error.call_text = f"{name}({shown or SIGNATURES[name]})"
        raise


def call_text(submission, args: str | None = None) -> str:
    """The last call as the learner would write it: arrays and dictionaries by name."""
    text = submission.last_text
    name = text.split("(")[0]
    if name in SIGNATURES and (args or len(text) > 70 or "\n" in text):
        return f"{name}({args or SIGNATURES[name]})"
    return text


def check_not_mutated(submission, what="parameters"):
    # The grader sees that the arrays changed, not how: the message says what usually
    # causes it in this project, a step taken on the caller's arrays and not undone.
    checks.true(
        not submission.last.mutated,
        f"{call_text(submission)} changed the {what} it was given: after the call they no "
        "longer hold their old values. That happens when entries are stepped on the "
        "caller's own arrays (or on a view of them, such as reshape(-1)) and not put back "
        "exactly. Step a copy of theta, and restore entry i (or start from a fresh copy) "
        "before moving to the next entry.",
        section=VECTORS,
    )


# --- Part 1: the 1-D check ------------------------------------------------------------


@pytest.mark.points(2)
@pytest.mark.section(PART1)
def test_part1_cost_and_derivative(submission, rng):
    """Part 1: forward_propagation is theta * x and backward_propagation its derivative x."""
    for _ in range(3):
        x, theta = (float(v) for v in rng.uniform(-5, 5, size=2))
        checks.close(
            submission.forward_propagation(x, theta),
            theta * x,
            call_text(submission),
            rtol=1e-14,
            why="J(theta) = theta * x.",
        )
        checks.close(
            submission.backward_propagation(x, theta),
            x,
            call_text(submission),
            rtol=1e-14,
            why="The derivative of theta * x with respect to theta is x.",
        )


def part1_quotients(x: float, theta: float, epsilon: float) -> list[float]:
    """Every value (J(theta + eps) - J(theta - eps)) / (2 eps) of J = theta * x takes in
    float64, written any honest way: theta +- epsilon, one stepped from the other, the
    representable step t = (theta + eps) - theta, or the distance actually stepped as the
    denominator; dividing, or multiplying by the reciprocal. (theta * x and x * theta are
    the same product.)"""
    t = (theta + epsilon) - theta
    steps = [
        (theta + epsilon, theta - epsilon, 2 * epsilon),
        (theta + epsilon, (theta + epsilon) - 2 * epsilon, 2 * epsilon),
        ((theta - epsilon) + 2 * epsilon, theta - epsilon, 2 * epsilon),
        (theta + t, theta - t, 2 * t),
        (theta + epsilon, theta - epsilon, (theta + epsilon) - (theta - epsilon)),
    ]
    found = []
    for plus, minus, denominator in steps:
        difference = plus * x - minus * x
        found += [difference / denominator, difference * (1 / denominator)]
    return found


PART1_ULPS = 4  # a learner's quotient may round a few units in the last place otherwise


def part1_bands(x: float, theta: float, epsilon: float) -> list[tuple[float, float, float]]:
    """For each honest quotient q: (q, and the lowest and highest relative difference
    |x - q'| / (|x| + |q'|) for q' within PART1_ULPS units in the last place of q)."""
    bands = []
    for q in part1_quotients(x, theta, epsilon):
        ends = [q + k * math.ulp(q) for k in (-PART1_ULPS, PART1_ULPS)]
        values = [abs(x - e) / (abs(x) + abs(e)) for e in ends]
        bands.append((q, min(values), max(values)))
    return bands


def part1_numerators(x: float, theta: float, epsilon: float) -> list[tuple[float, float]]:
    """For each honest quotient q: the lowest and highest |x - q'| for q' within PART1_ULPS
    units in the last place of q, the values of |a - b| not yet divided by |a| + |b|."""
    found = []
    for q in part1_quotients(x, theta, epsilon):
        ends = [abs(x - (q + k * math.ulp(q))) for k in (-PART1_ULPS, PART1_ULPS)]
        found.append((min(ends), max(ends)))
    return found


def part1_undivided(submission, got: float, x: float, theta: float, epsilon: float) -> None:
    """Name the mistake when ``got`` is |a - b| itself, the numerator of the relative
    difference, and not the relative difference (the two differ by about 2|x|: draw_part1
    keeps |x| >= 0.5, and the caller has already found that ``got`` is not the quotient)."""
    inside = any(
        low * (1 - 1e-9) <= got <= high * (1 + 1e-9)
        for low, high in part1_numerators(x, theta, epsilon)
    )
    relative_ = any(
        low * (1 - 1e-9) <= got <= high * (1 + 1e-9)
        for _, low, high in part1_bands(x, theta, epsilon)
    )
    if got > 0 and inside and not relative_:
        checks.fail(
            f"{call_text(submission)} returned {got:.6g}: that is |a - b|, the distance "
            "between backward_propagation(x, theta) and the central difference, not divided "
            f"by |a| + |b| (here about {2 * abs(x):.4g}). The relative difference is that "
            "distance divided by |a| + |b|: make sure the value your function returns is "
            "the quotient, not its numerator.",
            section=RELATIVE,
        )


def draw_part1(rng, epsilon: float) -> tuple[float, float]:
    """x and theta for which every honest quotient differs from x by round-off well above
    PART1_ULPS units: theta +- epsilon is rounded, so the difference is small but not 0."""
    while True:
        x = float(rng.uniform(0.5, 5) * rng.choice([-1, 1]))
        theta = float(rng.uniform(-5, 5))
        apart = min(abs(x - q) for q in part1_quotients(x, theta, epsilon))
        if apart >= 8 * PART1_ULPS * math.ulp(x):
            return x, theta


def check_part1_roundoff(submission, got: float, x: float, theta: float, epsilon: float):
    """``got`` is the relative difference of x and a float64 central difference of J."""
    bands = part1_bands(x, theta, epsilon)
    if any(low * (1 - 1e-9) <= got <= high * (1 + 1e-9) for _, low, high in bands):
        return
    part1_undivided(submission, got, x, theta, epsilon)
    q, low, high = bands[0]
    exact = "exactly 0" if got == 0 else f"{got:.6g}"
    checks.fail(
        f"{call_text(submission)} returned {exact}. For J = theta * x the central "
        "difference equals x in exact arithmetic, but theta + epsilon and theta - epsilon "
        f"are rounded: in float64 the quotient gives {q!r}, not x = {x!r}, so the relative "
        f"difference is about {(low + high) / 2:.3g}: far below 1e-7, yet not 0. Compute "
        "J(theta + epsilon) and J(theta - epsilon) with forward_propagation, divide their "
        "difference by 2 * epsilon, and compare that with backward_propagation(x, theta) "
        "as |a - b| / (|a| + |b|)."
    )


def part1_check(submission, x: float, theta: float, epsilon: float | None) -> float:
    args = (x, theta) if epsilon is None else (x, theta, epsilon)
    return checks.as_float(
        submission.gradient_check(*args),
        call_text(submission),
        "the relative difference, a number",
    )


@pytest.mark.points(4)
@pytest.mark.section(RELATIVE)
def test_part1_gradient_check_passes_a_correct_derivative(submission, rng):
    """Part 1: gradient_check gives the correct derivative's tiny, round-off difference."""
    for epsilon in (None, 1e-7, 1e-4, 1e-2):
        step = 1e-7 if epsilon is None else epsilon  # None: the stub's default
        x, theta = draw_part1(rng, step)
        got = part1_check(submission, x, theta, epsilon)
        part1_undivided(submission, got, x, theta, step)
        # J is linear: every difference quotient is x up to round-off, about
        # eps * |theta x| / epsilon, so the relative difference stays far below 1e-7.
        checks.true(
            0 <= got < 1e-7,
            f"{call_text(submission)} returned {got:.6g}. For J = theta * x the central "
            "difference equals x up to round-off, so a correct check gives a relative "
            "difference far below 1e-7 (and never a negative one). Compare "
            "backward_propagation with (J(theta + epsilon) - J(theta - epsilon)) / "
            "(2 * epsilon) using |a - b| / (|a| + |b|).",
        )
        # ... and not a constant: the round-off itself is known, and is not zero here.
        check_part1_roundoff(submission, got, x, theta, step)


@pytest.mark.points(2)
@pytest.mark.section(RELATIVE)
def test_part1_two_zero_gradients_agree(submission, rng):
    """Part 1: at x = 0 both gradients are zero, and gradient_check returns 0.0, not nan."""
    theta = float(rng.uniform(-5, 5))
    value = submission.gradient_check(0.0, theta)
    if isinstance(value, float | np.floating) and math.isnan(value):
        checks.fail(
            f"{call_text(submission)} returned nan. With x = 0 the analytic and the "
            "numeric gradient are both 0, so |a - b| / (|a| + |b|) is 0/0: return 0.0 "
            "when the denominator is zero, since two zero gradients agree."
        )
    checks.close(
        value,
        0.0,
        call_text(submission),
        atol=1e-12,
        why="Two zero gradients agree: the relative difference is 0.0.",
    )
    # The 0.0 must come from the case of two zero gradients, not be the answer everywhere:
    # away from x = 0 the two gradients differ by their round-off, which is not 0 here.
    # (Whether that number is right is for the check before this one.)
    x, theta = draw_part1(rng, 1e-7)
    elsewhere = part1_check(submission, x, theta, 1e-7)
    checks.true(
        elsewhere != 0,
        f"{call_text(submission)} returned exactly 0, as it did at x = 0, but here x is not "
        "0: the analytic and the numeric gradient are not both zero, and differ by their "
        "round-off. Return 0.0 only when the denominator |a| + |b| is zero, and the "
        "relative difference otherwise.",
    )


# --- Part 2: vectors and the N-D check -------------------------------------------------


COLUMN_MAJOR = (
    'that is column-major order, the order reshape(..., order="F") gives (and a(:) in '
    'MATLAB), not the row-by-row order that NumPy uses by default (order="C") and that '
    'the project asks for. Drop order="F" (or whatever else goes column by column, such '
    "as a transpose) in dictionary_to_vector, gradients_to_vector and vector_to_dictionary "
    "alike."
)


def _check_vector(got, expected, call, what, own_order=None, column_major=None):
    """``own_order``: the same arrays stacked in the dictionary's own order, the column a
    loop over the dictionary gives; ``column_major``: each array flattened column by
    column (order="F"). Both are common mistakes, named when they are what came back."""
    array = checks.as_array(got, call, what=what)
    if (
        column_major is not None
        and array.shape == column_major.shape
        and np.array_equal(array, column_major)
        and not np.array_equal(array, expected)
    ):
        where = int(np.flatnonzero(array.ravel() != expected.ravel())[0])
        checks.fail(
            f"{call}: entry {where} is {array.ravel()[where]:.6g}, expected "
            f"{expected.ravel()[where]:.6g}. The column holds {what}, but each array is "
            "flattened column by column (down the first column, then the next): " + COLUMN_MAJOR,
            section=VECTORS,
        )
    if (
        own_order is not None
        and array.shape == own_order.shape
        and np.array_equal(array, own_order)
        and not np.array_equal(array, expected)
    ):
        checks.fail(
            f"{call} stacked the arrays in the dictionary's own order, which here is not "
            f"W1, b1, W2, b2, W3, b3. A dictionary's order can be anything: loop over "
            "PARAMETER_NAMES instead, so that entry i always means the same parameter.",
            section=VECTORS,
        )
    if array.shape != expected.shape:
        checks.fail(
            f"{call} returned an array of shape {array.shape}; expected a column of "
            f"shape {expected.shape}: {what}. Flatten each array with "
            "reshape(-1, 1) and stack them with np.concatenate(..., axis=0)."
        )
    if not np.array_equal(array, expected):
        where = int(np.flatnonzero(array.ravel() != expected.ravel())[0])
        checks.fail(
            f"{call}: entry {where} is {array.ravel()[where]:.6g}, expected "
            f"{expected.ravel()[where]:.6g}. The column must hold {what}, each "
            "flattened row by row, exactly (no rounding, no other order)."
        )


@pytest.mark.points(4)
@pytest.mark.section(VECTORS)
def test_part2_dictionary_to_vector_keeps_the_order(submission, rng, net):
    """Part 2: dictionary_to_vector stacks W1, b1, ..., b3 in this order, with their names.

    Whatever order the dictionary has, theta follows PARAMETER_NAMES."""
    for sizes in ((4, 5, 3), None):
        _, _, params, _ = draw_network(net, rng, sizes=sizes)
        mixed = shuffled(rng, params)
        result = run(submission, "dictionary_to_vector", mixed)
        call = call_text(submission)
        check_not_mutated(submission)
        if not isinstance(result, tuple | list) or len(result) != 2:
            checks.fail(f"{call} returned {checks.show(result)}; expected a pair (theta, keys).")
        theta, keys = result
        expected = vector(params)
        _check_vector(
            theta,
            expected,
            call,
            "W1, b1, W2, b2, W3, b3 in this order",
            own_order=vector(mixed, names=list(mixed)),
            column_major=vector(params, order="F"),
        )
        names = [n for n in NAMES for _ in range(params[n].size)]
        keys = list(np.asarray(keys).ravel()) if isinstance(keys, np.ndarray) else keys
        if not isinstance(keys, list | tuple) or len(keys) != len(names):
            checks.fail(
                f"{call} returned keys {checks.show(keys)}; expected a list of "
                f'{len(names)} names, one per entry of theta ("W1" repeated '
                f'{params["W1"].size} times, then "b1", ...).'
            )
        for i, (got, want) in enumerate(zip(keys, names, strict=True)):
            if str(got) != want:
                checks.fail(
                    f"{call}: keys[{i}] is {got!r}, but theta[{i}] comes from {want}. "
                    "keys must name the parameter of every entry, in theta's order."
                )


def _check_pieces(call, result, arrays: dict, shapes: dict, theta, any_shape: str = "") -> None:
    """``result`` of vector_to_dictionary(theta, shapes) holds exactly ``arrays``, in the
    order of ``shapes``. ``any_shape``: the shapes include one that is not 2-D (said so)."""
    if not isinstance(result, dict):
        checks.fail(f"{call} returned {checks.show(result)}; expected a dictionary.")
    if list(result) != list(shapes):
        checks.fail(
            f"{call} returned the names {list(result)}; expected {list(shapes)}, "
            "the names of shapes in their order."
        )
    for name, shape in shapes.items():
        got = checks.as_array(result[name], call, what=f"the array {name}")
        if got.shape != tuple(shape):
            if any_shape and len(tuple(shape)) != 2:
                checks.fail(
                    f"{call}: {name} has shape {got.shape}; expected {tuple(shape)}, "
                    f"{any_shape}. vector_to_dictionary takes any shape: a 1-D or 3-D "
                    "parameter must round-trip too, reshaped to its shape exactly as given."
                )
            checks.fail(
                f"{call}: {name} has shape {got.shape}; expected {tuple(shape)}. "
                "Use the shapes you are given, not the course network's."
            )
        start = list(shapes).index(name)
        start = sum(int(np.prod(shapes[k])) for k in list(shapes)[:start])
        piece = theta[start : start + int(np.prod(shape))]
        by_columns = piece.reshape(shape, order="F")
        if np.array_equal(got, by_columns) and not np.array_equal(got, arrays[name]):
            checks.fail(
                f"{call}: {name} holds the right entries of theta, but put in column "
                f"by column (down the first column, then the next): {COLUMN_MAJOR}",
                section=VECTORS,
            )
        if not np.array_equal(got, arrays[name]):
            checks.fail(
                f"{call}: {name} does not hold the right entries of theta. Take "
                "the entries in order, the size of each shape at a time, and "
                "reshape them (row by row, NumPy's default)."
            )


def other_dimensions(rng) -> list[tuple[dict, str, str]]:
    """Shapes of other dimensions than 2, each case with one odd shape among 2-D ones:
    the statement's shapes are those of any arrays ("use it, whatever it holds"). Each
    comes with what it is and with the shapes that went through before it. (No 0-d shape:
    a network's parameter is never a bare number, and np.prod(()) is the float 1.0, which
    would fail honest code that every real shape passes.)"""
    n = int(rng.integers(2, 6))
    a, b, c = (int(k) for k in rng.integers(2, 4, size=3))
    return [
        ({"V": (2, 3), "w": (n,), "c": (1, 2)}, f"the 1-D shape {(n,)}", "2-D shapes"),
        ({"T": (a, b, c), "c": (3, 1)}, f"the 3-D shape {(a, b, c)}", "2-D and 1-D shapes"),
    ]


def refused_shape(error: LearnerError, shapes: dict, odd: str, passed: str) -> None:
    """The learner's vector_to_dictionary raised for ``odd`` after the same kind of call
    with ``passed`` shapes went through: said as a refusal of that shape, in Python's words
    (and as the learner's own check, when their own raise or assert refused it)."""
    info = error.error
    kind = info.get("type", "Exception")
    line = f" (your file, line {info['line']})" if info.get("line") else ""
    said = info.get("message", "").strip().rstrip(".")
    call = f"vector_to_dictionary(theta, shapes) with shapes = {shapes}"
    if info.get("own_raise") is True:
        how = f"raised {kind} from a check of your own{line}" + (f': "{said}"' if said else "")
    else:
        how = f"raised {kind}{line}" + (f' (Python says: "{said}")' if said else "")
    fix = (
        "Let each shape decide: its size is the product of all its entries, however many "
        "there are, and the piece is reshaped to the shape as given."
    )
    checks.fail(
        f"{call} {how}, for {odd}; the {passed} went through. "
        f"vector_to_dictionary takes any shape: a 1-D or 3-D parameter must round-trip too. "
        f"{fix}",
        section=VECTORS,
    )


@pytest.mark.points(4)
@pytest.mark.section(VECTORS)
def test_part2_vector_to_dictionary_round_trips(submission, rng, net):
    """Part 2: vector_to_dictionary gives back exactly the original arrays, for any shapes.

    Other names, and shapes of 1, 3 and 0 dimensions as well as matrices."""
    _, _, params, _ = draw_network(net, rng)
    other = {"U": (2, 3), "c": (3, 1), "V": (1, 4), "d": (1, 1)}
    other_arrays = {k: rng.standard_normal(s) for k, s in other.items()}
    cases = [(params, {n: params[n].shape for n in NAMES}), (other_arrays, other)]
    for arrays, shapes in cases:
        theta = vector(arrays, names=list(shapes))
        result = run(submission, "vector_to_dictionary", theta, shapes)
        _check_pieces(call_text(submission), result, arrays, shapes, theta)
    # The statement's shapes are any arrays' shapes: one not 2-D in each case.
    for shapes, odd, passed in other_dimensions(rng):
        arrays = {k: np.asarray(rng.standard_normal(s)) for k, s in shapes.items()}
        theta = vector(arrays, names=list(shapes))
        try:
            result = run(submission, "vector_to_dictionary", theta, shapes)
        except LearnerError as error:
            if error.type_name in ("MemoryError", "RecursionError", "SystemExit"):
                raise
            refused_shape(error, shapes, odd, passed)
        call = f"vector_to_dictionary(theta, shapes) with shapes = {shapes}"
        _check_pieces(call, result, arrays, shapes, theta, any_shape=odd)
    # The learner's own two conversions must undo each other exactly.
    flat = run(submission, "dictionary_to_vector", params)
    theta = flat[0] if isinstance(flat, tuple | list) and len(flat) == 2 else flat
    shapes = {n: params[n].shape for n in NAMES}
    back = run(submission, "vector_to_dictionary", theta, shapes)
    for name in NAMES:
        checks.true(
            isinstance(back, dict)
            and name in back
            and np.array_equal(np.asarray(back[name]), params[name]),
            f"vector_to_dictionary(dictionary_to_vector(parameters)[0], shapes) does "
            f"not give back parameters[{name!r}] exactly: the two conversions must use "
            "the same order and the same row-by-row flattening.",
        )


@pytest.mark.points(3)
@pytest.mark.section(VECTORS)
def test_part2_gradients_to_vector_matches_the_parameter_order(submission, rng, net):
    """Part 2: gradients_to_vector takes only dW1, db1, ..., db3, in the parameters' order."""
    X, Y, _, cache_ = draw_network(net, rng)
    gradients = backward(X, Y, cache_)  # dZ3, dW3, db3, dA2, ...: not the parameter order
    result = run(submission, "gradients_to_vector", gradients)
    _check_vector(
        result,
        vector(gradients, prefix="d"),
        call_text(submission),
        "dW1, db1, dW2, db2, dW3, db3 in this order (and nothing else: not dZ3, dA2, ...)",
        column_major=vector(gradients, prefix="d", order="F"),
    )


def call_n(submission, params, gradients, X, Y, epsilon: float | None = None) -> float:
    """The learner's gradient_check_n as a float, with the parameters left unchanged."""
    shown = SIGNATURES["gradient_check_n"] + ("" if epsilon is None else f", epsilon={epsilon:g}")
    extra = {} if epsilon is None else {"epsilon": epsilon}
    value = run(submission, "gradient_check_n", params, gradients, X, Y, shown=shown, **extra)
    got = checks.as_float(value, f"gradient_check_n({shown})", "the relative difference, a number")
    check_not_mutated(submission)
    return got


@pytest.mark.points(6)
@pytest.mark.section(RELATIVE)
def test_part2_gradient_check_n_scores_the_planted_bugs(submission, rng, net):
    """Part 2: gradient_check_n gives about 0.285 for the stub's buggy backward pass."""
    X, Y, params, _, buggy, expected = planted_expectation(net)

    def check(params_, buggy_):
        got = call_n(submission, params_, buggy_, X, Y)
        diagnose_n(net, got, expected, params, buggy, X, Y, 1e-7)
        checks.close(
            got,
            expected,
            "gradient_check_n(parameters, gradients, X, Y)",
            rtol=1e-4,
            why="These are the gradients of the stub's backward_propagation_n (with its "
            "two planted bugs); the grader's own central differences give "
            f"{expected:.6g}. Check the order of both vectors, the 2 * epsilon, and the "
            "formula ||a - b|| / (||a|| + ||b||).",
        )

    in_any_order(submission, rng, params, buggy, check)
    # The same data with the bugs fixed: a number that is always about 0.285 is no check.
    X, Y, params, cache_ = project_data(net)
    check_correct_n(
        submission, rng, net, params, backward(X, Y, cache_), X, Y, 1e-7, buggy_value=expected
    )


def check_correct_n(
    submission, rng, net, params, gradients, X, Y, epsilon: float, buggy_value=None
) -> None:
    """gradient_check_n scores correct gradients below THRESHOLD (``buggy_value``: what it
    gave for the planted bugs on the same data)."""

    def check(params_, gradients_):
        got = call_n(submission, params_, gradients_, X, Y, epsilon)
        if 0 <= got < THRESHOLD:
            return
        if buggy_value is not None and abs(got - buggy_value) <= 1e-4 * buggy_value:
            checks.fail(
                f"gradient_check_n(parameters, gradients, X, Y, epsilon={epsilon:g}) returned "
                f"{got:.6g} for correct gradients: the same number as for the planted bugs. "
                "A checker's answer must depend on the gradients it is given: compute the "
                "numeric gradient, then the relative difference of the two vectors.",
                section=RELATIVE,
            )
        expected = whole(gradients, numeric(net, X, Y, params, epsilon))
        diagnose_n(net, got, expected, params, gradients, X, Y, epsilon)
        checks.fail(
            f"gradient_check_n(parameters, gradients, X, Y, epsilon={epsilon:g}) returned "
            f"{got:.6g} for gradients that are correct; a correct check gives below "
            f"{THRESHOLD:g} (the grader's gives {expected:.3g}). Check that the numeric "
            "vector and the gradient vector list the parameters in the same order, and "
            "that each cost is computed from a copy of theta with only entry i changed.",
        )

    in_any_order(submission, rng, params, gradients, check)


def check_scaled_n(submission, rng, net, params, gradients, X, Y, epsilon: float) -> None:
    """The same correct gradients, all multiplied by k, differ by |k - 1| / (|k| + 1)."""
    k = float(rng.uniform(1.5, 4))
    scaled = {key: k * value for key, value in gradients.items()}
    expected = (k - 1) / (k + 1)

    def check(params_, scaled_):
        got = call_n(submission, params_, scaled_, X, Y, epsilon)
        diagnose_n(net, got, expected, params, scaled, X, Y, epsilon)
        checks.close(
            got,
            expected,
            f"gradient_check_n(parameters, gradients, X, Y, epsilon={epsilon:g})",
            rtol=1e-4,
            why=f"Here every gradient is {k:.4g} times the true one, so the relative "
            f"difference is |k - 1| / (|k| + 1) = {expected:.6g}, whatever the network. "
            "A checker must see a wrong gradient as well as pass a right one.",
        )

    in_any_order(submission, rng, params, scaled, check)


@pytest.mark.points(4)
@pytest.mark.section(THRESHOLDS)
def test_part2_gradient_check_n_passes_correct_gradients(submission, rng, net):
    """Part 2: correct gradients score below 2e-7, and the same ones scaled by k do not."""
    X, Y, params, cache_ = project_data(net)
    cases = [(X, Y, params, backward(X, Y, cache_), 1e-7)]
    for _ in range(2):
        X, Y, params, cache_ = draw_network(net, rng)
        cases.append((X, Y, params, backward(X, Y, cache_), 1e-5))
    for X, Y, params, gradients, epsilon in cases:
        check_correct_n(submission, rng, net, params, gradients, X, Y, epsilon)
        check_scaled_n(submission, rng, net, params, gradients, X, Y, epsilon)


@pytest.mark.points(5)
@pytest.mark.section("central-difference")
def test_part2_gradient_check_n_uses_central_differences_with_epsilon(submission, rng, net):
    """Part 2: gradient_check_n uses the epsilon it is given, in a central difference."""
    X, Y, params, cache_ = draw_network(net, rng)
    gradients = backward(X, Y, cache_)
    epsilon = 1e-3
    # At this step the numeric gradient's error is the central difference's truncation
    # (~epsilon**2), the same for any correct implementation; a one-sided difference would
    # be off by ~epsilon, and one that ignores epsilon by much less.
    expected = whole(gradients, numeric(net, X, Y, params, epsilon))
    call = "gradient_check_n(parameters, gradients, X, Y, epsilon=1e-3)"

    def check(params_, gradients_):
        got = call_n(submission, params_, gradients_, X, Y, epsilon)
        diagnose_n(net, got, expected, params, gradients, X, Y, epsilon)
        checks.true(
            got >= expected / 3,
            f"{call} returned {got:.3g}, far below {expected:.3g}, the truncation error "
            "(~epsilon**2) that every central difference with epsilon = 1e-3 shows on "
            "these correct gradients. Your numeric gradient was not computed with the "
            "epsilon given (a smaller fixed step shows less error), or it is not a "
            "difference quotient of the cost at all: step each entry by the epsilon "
            "argument and evaluate forward_propagation_n.",
        )
        checks.close(
            got,
            expected,
            call,
            rtol=0.05,
            atol=1e-10,
            why="With epsilon = 1e-3 the central difference (J(theta + eps) - "
            "J(theta - eps)) / (2 eps) is off by ~eps**2 only; a one-sided difference is "
            "off by ~eps, and ignoring epsilon gives another value. Use the epsilon "
            "argument on both sides.",
        )

    in_any_order(submission, rng, params, gradients, check)


def expect_n(submission, net, X, Y, params, gradients, expected: float, why: str):
    """A check for in_any_order: gradient_check_n at epsilon 1e-7 gives ``expected``."""

    def check(params_, gradients_):
        got = call_n(submission, params_, gradients_, X, Y)
        diagnose_n(net, got, expected, params, gradients, X, Y, 1e-7)
        checks.close(
            got,
            expected,
            "gradient_check_n(parameters, gradients, X, Y)",
            rtol=1e-3,
            atol=1e-8,
            why=why,
        )

    return check


@pytest.mark.points(6)
@pytest.mark.section(RELATIVE)
def test_part2_gradient_check_n_measures_injected_bugs(submission, rng, net):
    """Part 2: gradient_check_n measures other bugs as the grader does, at any layer sizes."""
    bugs = [
        ("multiplied by 3", lambda g: 3 * g),
        ("with its sign flipped", lambda g: -g),
        ("with one entry 10% off", None),
    ]
    for label, change in bugs:
        X, Y, params, cache_ = draw_network(net, rng)
        gradients = backward(X, Y, cache_)
        name = str(rng.choice(NAMES))
        if change is None:
            flat = gradients["d" + name].reshape(-1)
            flat[int(np.argmax(np.abs(flat)))] *= 1.1
        else:
            gradients["d" + name] = change(gradients["d" + name])
        expected = whole(gradients, numeric(net, X, Y, params, 1e-7))
        why = (
            f"Here d{name} is the true gradient {label}; the grader's own check gives "
            f"{expected:.6g}. Read the layer sizes from the arrays, and keep the parameter "
            "order of dictionary_to_vector in both vectors."
        )
        check = expect_n(submission, net, X, Y, params, gradients, expected, why)
        in_any_order(submission, rng, params, gradients, check)


# --- Part 3: the fixed backward pass ---------------------------------------------------


def _check_backward(submission, net, X, Y, params, cache_, where):
    result = run(submission, "backward_propagation_n", X, Y, cache_)
    call = call_text(submission)
    if not isinstance(result, dict):
        checks.fail(f"{call} returned {checks.show(result)}; expected the dictionary of gradients.")
    missing = [f"d{n}" for n in NAMES if f"d{n}" not in result]
    if missing:
        checks.fail(f"{call} returned no {', '.join(missing)}; keep every key of the stub.")
    gradients = {}
    for name in NAMES:
        gradients["d" + name] = checks.as_array(
            result["d" + name], call, shape=params[name].shape, what=f"d{name}, shaped like {name}"
        )
    # The grader's own check, at a step where round-off and truncation are both ~1e-10.
    numbers = numeric(net, X, Y, params, 1e-6)
    overall = whole(gradients, numbers)
    tensors = per_tensor(gradients, numbers)
    wrong = [n for n in NAMES if tensors[n] > 1e-6]
    if overall >= THRESHOLD or wrong:
        # Which gradients are wrong is for the learner's own checker to find: that is the
        # point of Part 3, so the message gives the overall number and how many, not which.
        checks.fail(
            f"{call} on {where}: the grader's gradient check gives a relative "
            f"difference of {overall:.4g} (a correct backward pass gives below "
            f"{THRESHOLD:g}); {len(wrong)} of the {len(NAMES)} gradients disagree with the "
            "numeric gradient. Your gradient_check_n should find the same number; your "
            "gradient_report (Part 4) then names the gradients to fix."
        )
    return gradients


@pytest.mark.points(10)
@pytest.mark.section("gradient-checking")
def test_part3_planted_bugs_are_fixed(submission, net):
    """Part 3: backward_propagation_n, fixed, passes the grader's check on the project's data."""
    X, Y, params, cache_ = project_data(net)
    _check_backward(submission, net, X, Y, params, cache_, "the project's data")


@pytest.mark.points(8)
@pytest.mark.section("gradient-checking")
def test_part3_backward_is_right_on_other_networks(submission, rng, net):
    """Part 3: the fixed backward_propagation_n is right for other sizes and batches."""
    for _ in range(3):
        X, Y, params, cache_ = draw_network(net, rng)
        shape = "x".join(str(params[f"W{i}"].shape[1]) for i in (1, 2, 3))
        _check_backward(
            submission, net, X, Y, params, cache_, f"a {shape}x1 network with {X.shape[1]} examples"
        )


@pytest.mark.points(3)
@pytest.mark.section(THRESHOLDS)
def test_part3_your_checker_passes_your_backward(submission, rng, net):
    """Part 3: your own gradient_check_n scores your fixed backward pass below 2e-7."""
    X, Y, params, cache_ = project_data(net)
    gradients = _check_backward(submission, net, X, Y, params, cache_, "the project's data")

    def check(params_, gradients_):
        got = call_n(submission, params_, gradients_, X, Y)
        checks.true(
            0 <= got < THRESHOLD,
            f"Your gradient_check_n gives {got:.6g} for your fixed backward pass, which the "
            f"grader finds correct; it should be below {THRESHOLD:g}.",
        )

    in_any_order(submission, rng, params, gradients, check)
    # ... and sees your gradients scaled by k as wrong.
    check_scaled_n(submission, rng, net, params, gradients, X, Y, 1e-7)


# --- Part 4: the report per parameter ----------------------------------------------------


def _read_report(submission, params, gradients, X, Y, **kwargs) -> dict:
    shown = ", ".join([SIGNATURES["gradient_report"], *(f"{k}={v:g}" for k, v in kwargs.items())])
    report = run(submission, "gradient_report", params, gradients, X, Y, shown=shown, **kwargs)
    call = call_text(submission)
    if not isinstance(report, dict):
        checks.fail(
            f"{call} returned {checks.show(report)}; expected a dictionary from "
            "parameter name to its entry.",
            section=REPORT,
        )
    missing = [n for n in NAMES if n not in report]
    if missing:
        checks.fail(
            f"{call} has no entry for {', '.join(missing)}; expected one for each of "
            f"{', '.join(NAMES)} (the parameter names, without the d).",
            section=REPORT,
        )
    parsed = {}
    for name in NAMES:
        entry = report[name]
        keys = ("difference", "index", "analytic", "numeric")
        if not isinstance(entry, dict) or any(k not in entry for k in keys):
            checks.fail(
                f"{call}: the entry for {name} is {checks.show(entry)}; expected a "
                "dictionary with the keys 'difference', 'index', 'analytic' and "
                "'numeric'.",
                section=REPORT,
            )
        shape = params[name].shape
        index = entry["index"]
        if isinstance(index, int | np.integer) and not isinstance(index, bool):
            size = int(np.prod(shape))
            # The learner's own position, as the tuple it stands for in this shape.
            example = (
                f": here flat position {int(index)} is "
                f"{tuple(int(i) for i in np.unravel_index(int(index), shape))}"
                if 0 <= index < size
                else ""
            )
            checks.fail(
                f"{call}: the index for {name} is {index}, a flat position; expected a "
                f"tuple in {name}'s own shape {shape}, so that parameters[{name!r}][index] "
                f"is that entry{example}. A flat position counts row by row; turn it into a "
                "tuple of row and column (NumPy has a function that unravels it).",
                section=REPORT,
            )
        if not isinstance(index, tuple):
            checks.fail(
                f"{call}: the index for {name} is {checks.show(index)}; expected a tuple "
                f"of {len(shape)} whole numbers in {name}'s shape {shape}, such as (0, 0).",
                section=REPORT,
            )
        try:
            valid = all(isinstance(i, int | np.integer) and not isinstance(i, bool) for i in index)
            index = tuple(int(i) for i in index)
            valid = valid and len(index) == len(shape) and all(i >= 0 for i in index)
            params[name][index]
        except (TypeError, ValueError, IndexError):
            valid = False
        if not valid:
            checks.fail(
                f"{call}: the index for {name} is {checks.show(entry['index'])}; "
                f"expected a tuple of {len(shape)} whole numbers within the shape "
                f"{shape}, such as (0, 0).",
                section=REPORT,
            )
        parsed[name] = {
            "difference": checks.as_float(
                entry["difference"], f"{call}[{name!r}]['difference']", "a relative difference"
            ),
            "index": index,
            "analytic": checks.as_float(entry["analytic"], f"{call}[{name!r}]['analytic']"),
            "numeric": checks.as_float(entry["numeric"], f"{call}[{name!r}]['numeric']"),
        }
    return parsed


def _check_report(
    submission, rng, net, X, Y, params, gradients, bugged: set[str], story: str
) -> None:
    """The report's entries agree with the grader's own per-tensor check at epsilon 1e-7,
    and its largest difference is in one of the ``bugged`` parameters."""
    numbers = numeric(net, X, Y, params, 1e-7)
    expected = per_tensor(gradients, numbers)
    in_any_order(
        submission,
        rng,
        params,
        gradients,
        lambda p_, g_: _report_agrees(
            submission,
            _read_report(submission, p_, g_, X, Y),
            gradients,
            numbers,
            expected,
            bugged,
            story,
        ),
        name="gradient_report",
    )


def _difference_cause(name: str, got: float, analytic, numbers) -> str:
    """Words for a reported difference of ``name`` that no relative difference can be: the
    precedence slip ||a - b|| / ||a|| + ||b|| (matched against this parameter's own
    vectors), or any value above 1, or ""."""
    a = np.asarray(analytic, dtype=float).ravel()
    b = np.asarray(numbers, dtype=float).ravel()
    norm_a, norm_b, gap = (float(np.linalg.norm(v)) for v in (a, b, a - b))
    right = relative(a, b)
    with np.errstate(all="ignore"):
        slips = [gap / norm_a + norm_b, gap / norm_b + norm_a]
    if any(
        np.isfinite(slip)
        and abs(slip - right) > 1e-3 * abs(slip)
        and abs(got - slip) <= 1e-4 * abs(slip) + 1e-9
        for slip in slips
    ):
        return (
            f" It equals ||a - b|| / ||a|| + ||b|| for {name}'s analytic and numeric entries: "
            "Python divides before it adds (operator precedence), so only one norm was "
            "the denominator and the other was added afterwards. The whole sum "
            "||a|| + ||b|| is the denominator, so it needs its own parentheses."
        )
    if got > 1:
        return (
            " A relative difference ||a - b|| / (||a|| + ||b||) is never above 1, since "
            "||a - b|| <= ||a|| + ||b||: a value above 1 points at the formula itself, "
            "not at the gradients."
        )
    return ""


def _report_agrees(submission, report, gradients, numbers, expected, bugged, story):
    call = call_text(submission)
    overall = whole(gradients, numbers)
    for name in NAMES:
        got = report[name]
        analytic = gradients["d" + name]
        whole_vector = abs(got["difference"] - overall) <= 1e-4 * overall
        if whole_vector and abs(expected[name] - overall) > 1e-2 * overall:
            checks.fail(
                f"{call}[{name!r}]['difference'] is {got['difference']:.6g}, the difference "
                f"of the whole vector, not {name}'s. {story} The grader's check of {name} "
                f"alone gives {expected[name]:.3g}: compute ||a - b|| / (||a|| + ||b||) over "
                f"{name}'s own analytic and numeric entries, so that each parameter gets its "
                "own number.",
                section=RELATIVE,
            )
        if expected[name] > BUG:
            if got["difference"] == 0:
                said = "exactly 0, which means identical gradients"
                checks.fail(
                    f"{call}[{name!r}]['difference'] is {said}. {story} The grader's check "
                    f"of {name} alone gives {expected[name]:.6g}: compute ||a - b|| / "
                    f"(||a|| + ||b||) over {name}'s own analytic and numeric entries.",
                    section=RELATIVE,
                )
            checks.close(
                got["difference"],
                expected[name],
                f"{call}[{name!r}]['difference']",
                rtol=1e-3,
                section=RELATIVE,
                why=_difference_cause(name, got["difference"], analytic, numbers[name]).strip()
                or f"{story} The grader's own check of {name} alone gives "
                f"{expected[name]:.6g}: compare only {name}'s analytic and numeric "
                "entries, with ||a - b|| / (||a|| + ||b||).",
            )
            error = np.abs(analytic - numbers[name])
            checks.true(
                error[got["index"]] >= 0.99 * error.max(),
                f"{call}[{name!r}]['index'] is {got['index']}, where |analytic - numeric| is "
                f"{error[got['index']]:.3g}; the largest, {error.max():.3g}, is at "
                f"{tuple(int(i) for i in np.unravel_index(np.argmax(error), error.shape))}. "
                "The worst entry is the one with the largest absolute difference.",
            )
        elif name not in bugged:
            checks.true(
                0 <= got["difference"] < QUIET,
                f"{call}[{name!r}]['difference'] is {got['difference']:.6g}, but {name}'s "
                f"gradient is correct in this case."
                + (
                    _difference_cause(name, got["difference"], analytic, numbers[name])
                    or f" {story} The grader's check of {name} alone gives "
                    f"{expected[name]:.3g}. Compare {name}'s entries only, in the same order "
                    "on both sides."
                ),
                section=RELATIVE,
            )
        index = got["index"]
        checks.close(
            got["analytic"],
            analytic[index],
            f"{call}[{name!r}]['analytic']",
            rtol=1e-12,
            atol=1e-15,
            why=f"It should be gradients['d{name}'][{index}], the analytic value at "
            "the index you report.",
        )
        checks.close(
            got["numeric"],
            numbers[name][index],
            f"{call}[{name!r}]['numeric']",
            rtol=1e-5,
            atol=1e-6,
            why=f"It should be the central difference for {name}[{index}] with epsilon = 1e-7.",
        )
    worst = max(NAMES, key=lambda n: report[n]["difference"])
    checks.true(
        worst in bugged,
        f"{call}: {story} The largest difference in your report is {worst}'s "
        f"({report[worst]['difference']:.3g}), but the bug is in "
        f"{' or '.join(sorted(bugged))}.",
        section=THRESHOLDS,
    )


@pytest.mark.points(3)
@pytest.mark.section(THRESHOLDS)
def test_part4_report_of_correct_gradients(submission, rng, net):
    """Part 4: gradient_report has an entry per parameter, all quiet for correct gradients."""
    X, Y, params, cache_ = project_data(net)
    gradients = backward(X, Y, cache_)
    numbers = numeric(net, X, Y, params, 1e-7)

    def check(params_, gradients_):
        report = _read_report(submission, params_, gradients_, X, Y)
        check_not_mutated(submission)
        call = call_text(submission)
        for name in NAMES:
            got = report[name]
            checks.true(
                0 <= got["difference"] < QUIET,
                f"{call}[{name!r}]['difference'] is {got['difference']:.6g} for correct "
                f"gradients; expected below {QUIET:g}."
                + _difference_cause(name, got["difference"], gradients["d" + name], numbers[name]),
                section=RELATIVE,
            )
            index = got["index"]
            checks.close(
                got["analytic"],
                gradients["d" + name][index],
                f"{call}[{name!r}]['analytic']",
                rtol=1e-12,
                atol=1e-15,
                why=f"It should be gradients['d{name}'][{index}].",
            )
            checks.close(
                got["numeric"],
                numbers[name][index],
                f"{call}[{name!r}]['numeric']",
                rtol=1e-5,
                atol=1e-6,
                why=f"It should be the central difference for {name}[{index}].",
            )

    in_any_order(submission, rng, params, gradients, check, name="gradient_report")
    # The same report must see a wrong tensor: quiet everywhere is no check.
    name = str(rng.choice(NAMES))
    k = float(rng.uniform(1.5, 4))
    gradients["d" + name] = k * gradients["d" + name]
    _check_report(
        submission,
        rng,
        net,
        X,
        Y,
        params,
        gradients,
        {name},
        f"Here d{name} is {k:.4g} times the true gradient, so its relative difference is "
        f"|k - 1| / (|k| + 1) = {(k - 1) / (k + 1):.6g}.",
    )


@pytest.mark.points(3)
@pytest.mark.section("central-difference")
def test_part4_report_uses_central_differences_with_epsilon(submission, rng, net):
    """Part 4: gradient_report computes its numeric gradient with the epsilon it is given."""
    X, Y, params, cache_ = draw_network(net, rng)
    gradients = backward(X, Y, cache_)
    epsilon = 1e-3
    # At this step every numeric entry is off by the central difference's truncation
    # (~epsilon**2), the same for any correct implementation and far above its round-off
    # (~1e-13): the analytic gradient passed off as the numeric one shows no such error.
    numbers = numeric(net, X, Y, params, epsilon)
    expected = per_tensor(gradients, numbers)
    call = "gradient_report(parameters, gradients, X, Y, epsilon=1e-3)"

    def check(params_, gradients_):
        report = _read_report(submission, params_, gradients_, X, Y, epsilon=epsilon)
        for name in NAMES:
            got = report[name]
            checks.true(
                got["difference"] >= expected[name] / 3,
                f"{call}[{name!r}]['difference'] is {got['difference']:.3g}, far below "
                f"{expected[name]:.3g}, the truncation error (~epsilon**2) that every central "
                f"difference with epsilon = 1e-3 shows on {name}'s correct gradient. Your "
                "numeric gradient was not computed with the epsilon given (a smaller fixed "
                "step shows less error), or it is not a difference quotient of the cost at "
                "all: step each entry by the epsilon argument and evaluate "
                "forward_propagation_n.",
            )
            checks.close(
                got["difference"],
                expected[name],
                f"{call}[{name!r}]['difference']",
                rtol=0.05,
                atol=1e-10,
                why=_difference_cause(
                    name, got["difference"], gradients["d" + name], numbers[name]
                ).strip()
                or f"With epsilon = 1e-3 the central difference of every entry is off by "
                f"~epsilon**2 (its truncation), so even correct gradients differ by about "
                f"{expected[name]:.3g} in {name}. Use the epsilon argument, step both sides "
                "of each entry, and compare with the numeric gradient you computed.",
            )
            index = got["index"]
            checks.close(
                got["numeric"],
                numbers[name][index],
                f"{call}[{name!r}]['numeric']",
                rtol=1e-9,
                atol=1e-10,
                why=f"It should be (J(theta + eps e_i) - J(theta - eps e_i)) / (2 eps) for "
                f"{name}[{index}] with eps = 1e-3, the epsilon given.",
            )

    in_any_order(submission, rng, params, gradients, check, name="gradient_report")


@pytest.mark.points(4)
@pytest.mark.section(THRESHOLDS)
def test_part4_report_names_the_planted_bugs(submission, rng, net):
    """Part 4: for the planted bugs the report points at W2 (1/3) and b1 (3/5), and only them."""
    X, Y, params, _, buggy, _ = planted_expectation(net)
    _check_report(
        submission,
        rng,
        net,
        X,
        Y,
        params,
        buggy,
        {"W2", "b1"},
        "These are the stub's gradients, with dW2 doubled and db1 four times too "
        "large (relative differences 1/3 and 3/5).",
    )


@pytest.mark.points(3)
@pytest.mark.section(THRESHOLDS)
def test_part4_report_finds_a_transpose(submission, rng, net):
    """Part 4: a transposed dW2 (on a network where W2 is square) is reported in W2."""
    while True:  # a nearly symmetric dW2 would hide its own transpose: draw another
        X, Y, params, cache_ = draw_network(net, rng, square=True)
        gradients = backward(X, Y, cache_)
        if relative(gradients["dW2"].T, gradients["dW2"]) > 1e-2:
            break
    gradients["dW2"] = gradients["dW2"].T.copy()
    _check_report(submission, rng, net, X, Y, params, gradients, {"W2"}, "Here dW2 is transposed.")


@pytest.mark.points(3)
@pytest.mark.section(THRESHOLDS)
def test_part4_report_finds_a_missing_one_over_m(submission, rng, net):
    """Part 4: a gradient missing its 1/m is reported in its own parameter."""
    X, Y, params, cache_ = draw_network(net, rng, m=int(rng.integers(4, 9)))
    gradients = backward(X, Y, cache_)
    name = str(rng.choice(NAMES))
    gradients["d" + name] = gradients["d" + name] * X.shape[1]
    _check_report(
        submission,
        rng,
        net,
        X,
        Y,
        params,
        gradients,
        {name},
        f"Here d{name} misses its 1/m (m = {X.shape[1]}).",
    )


@pytest.mark.points(3)
@pytest.mark.section(THRESHOLDS)
def test_part4_report_finds_a_wrong_relu_derivative(submission, rng, net):
    """Part 4: a first-layer ReLU derivative of 1 everywhere is reported in W1 or b1."""
    while True:  # the mask must matter: some first-layer unit is off for some example
        X, Y, params, cache_ = draw_network(net, rng)
        gradients = backward(X, Y, cache_, relu_mask=False)
        right = backward(X, Y, cache_)
        if max(relative(gradients[k], right[k]) for k in ("dW1", "db1")) > 1e-2:
            break
    _check_report(
        submission,
        rng,
        net,
        X,
        Y,
        params,
        gradients,
        {"W1", "b1"},
        "Here the first ReLU's derivative is taken as 1 everywhere (no mask), which "
        "spoils dW1 and db1 only.",
    )


@pytest.mark.points(3)
@pytest.mark.section(THRESHOLDS)
def test_part4_report_finds_one_wrong_entry(submission, rng, net):
    """Part 4: a single entry 1% off is found, at the right index."""
    X, Y, params, cache_ = draw_network(net, rng)
    gradients = backward(X, Y, cache_)
    name = str(rng.choice(["W1", "W2", "b1"]))
    flat = gradients["d" + name].reshape(-1)
    big = np.flatnonzero(np.abs(flat) >= 0.5 * np.abs(flat).max())
    entry = int(rng.choice(big))
    flat[entry] *= 1.01
    index = tuple(int(i) for i in np.unravel_index(entry, gradients["d" + name].shape))
    _check_report(
        submission,
        rng,
        net,
        X,
        Y,
        params,
        gradients,
        {name},
        f"Here only d{name}{list(index)} is 1% off.",
    )
