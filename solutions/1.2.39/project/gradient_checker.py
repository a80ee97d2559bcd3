"""Reference solution for project 1.2.39: a gradient checker.

Parts 1 to 4 are the functions the project asks for. Below them is the checker itself,
``check_gradients``, written to be kept and reused on any model whose parameters are a
dictionary of NumPy arrays:

- central differences with a step per coordinate, scaled to the dtype and to the
  coordinate's magnitude: h_i = cbrt(eps) * max(1, |theta_i|), the step that balances
  truncation (~h^2) against round-off (~eps/h);
- a tolerance per entry from the same error model, so float32 models are judged by
  float32 standards; ``precision=np.float64`` evaluates a float32 model's cost in double
  precision instead, which a ReLU network needs (float32's large steps cross kinks);
- the verdict per tensor, with the likely bug class: a constant factor (with its value),
  a sign flip, a transpose, a zero gradient, or a few wrong entries;
- entries whose perturbation crosses a kink (ReLU at 0) are re-checked with smaller steps
  and reported as warnings, not as failures;
- the number of cost evaluations and the time taken.

    from gradient_checker import check_gradients
    report = check_gradients(lambda p: cost(p, X, Y), parameters, gradients)
    print(report)            # a readable table
    report.ok, report.bugs   # for scripts and tests

``check_gradients`` is ``compare(numeric_gradient(cost, parameters), gradients)``; keep
the :class:`NumericGradient` to judge several candidate gradients of the same model for
the price of one numeric gradient.

The network of the project comes from the provided module ``network.py``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
from network import PARAMETER_NAMES, forward_propagation_n

# --------------------------------------------------------------------------------------
# Part 1: the 1-D check, J(theta) = theta * x
# --------------------------------------------------------------------------------------


def forward_propagation(x: float, theta: float) -> float:
    """J(theta) = theta * x."""
    return theta * x


def backward_propagation(x: float, theta: float) -> float:
    """dJ/dtheta = x."""
    return x


def relative_difference(a: np.ndarray | float, b: np.ndarray | float) -> float:
    """||a - b|| / (||a|| + ||b||), and 0.0 when both are zero."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    denominator = np.linalg.norm(a) + np.linalg.norm(b)
    if denominator == 0:
        return 0.0
    return float(np.linalg.norm(a - b) / denominator)


def gradient_check(x: float, theta: float, epsilon: float = 1e-7) -> float:
    """Relative difference between backward_propagation and a central difference of J."""
    j_plus = forward_propagation(x, theta + epsilon)
    j_minus = forward_propagation(x, theta - epsilon)
    numeric = (j_plus - j_minus) / (2 * epsilon)
    return relative_difference(backward_propagation(x, theta), numeric)


# --------------------------------------------------------------------------------------
# Part 2: the N-D check of the course's network
# --------------------------------------------------------------------------------------


def dictionary_to_vector(parameters: Mapping[str, np.ndarray]) -> tuple[np.ndarray, list[str]]:
    """All parameters as one (n, 1) column in the order W1, b1, ..., b3, and the name of
    the parameter each entry comes from."""
    pieces, keys = [], []
    for name in PARAMETER_NAMES:  # a fixed order, whatever order the dictionary has
        values = np.asarray(parameters[name], dtype=float).reshape(-1, 1)
        pieces.append(values)
        keys += [name] * values.shape[0]
    return np.concatenate(pieces, axis=0), keys


def vector_to_dictionary(theta: np.ndarray, shapes: Mapping[str, tuple[int, ...]]) -> dict:
    """Cut the column theta back into arrays, one per name of ``shapes``, in its order."""
    flat = np.asarray(theta, dtype=float).reshape(-1)
    parameters, start = {}, 0
    for name, shape in shapes.items():
        size = math.prod(shape)
        parameters[name] = flat[start : start + size].reshape(shape).copy()
        start += size
    if start != flat.size:
        raise ValueError(f"theta has {flat.size} entries but the shapes need {start}")
    return parameters


def gradients_to_vector(gradients: Mapping[str, np.ndarray]) -> np.ndarray:
    """dW1, db1, ..., db3 as one (n, 1) column, in the order of dictionary_to_vector."""
    return np.concatenate(
        [np.asarray(gradients["d" + name], dtype=float).reshape(-1, 1) for name in PARAMETER_NAMES]
    )


def _shapes(parameters: Mapping[str, np.ndarray]) -> dict[str, tuple[int, ...]]:
    return {name: np.shape(parameters[name]) for name in PARAMETER_NAMES}


def gradient_check_n(
    parameters: Mapping[str, np.ndarray],
    gradients: Mapping[str, np.ndarray],
    X: np.ndarray,
    Y: np.ndarray,
    epsilon: float = 1e-7,
) -> float:
    """Relative difference between the analytic gradients and central differences of the
    network's cost, over the whole parameter vector."""
    theta, _ = dictionary_to_vector(parameters)
    shapes = _shapes(parameters)
    analytic = gradients_to_vector(gradients)
    numeric = np.zeros_like(theta)
    for i in range(theta.shape[0]):
        theta_plus = theta.copy()
        theta_plus[i, 0] += epsilon
        j_plus, _ = forward_propagation_n(X, Y, vector_to_dictionary(theta_plus, shapes))
        theta_minus = theta.copy()
        theta_minus[i, 0] -= epsilon
        j_minus, _ = forward_propagation_n(X, Y, vector_to_dictionary(theta_minus, shapes))
        numeric[i, 0] = (j_plus - j_minus) / (2 * epsilon)
    return relative_difference(analytic, numeric)


# --------------------------------------------------------------------------------------
# Part 3: backward propagation, with the two planted bugs fixed
# --------------------------------------------------------------------------------------


def backward_propagation_n(X: np.ndarray, Y: np.ndarray, cache: tuple) -> dict:
    """Gradients of the network's cost with respect to every parameter (and layer)."""
    m = X.shape[1]
    (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3) = cache

    dZ3 = A3 - Y
    dW3 = dZ3 @ A2.T / m
    db3 = np.sum(dZ3, axis=1, keepdims=True) / m

    dA2 = W3.T @ dZ3
    dZ2 = dA2 * (A2 > 0)
    dW2 = dZ2 @ A1.T / m  # was doubled
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m

    dA1 = W2.T @ dZ2
    dZ1 = dA1 * (A1 > 0)
    dW1 = dZ1 @ X.T / m
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m  # was 4/m

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


# --------------------------------------------------------------------------------------
# Part 4: the report per parameter
# --------------------------------------------------------------------------------------


def gradient_report(
    parameters: Mapping[str, np.ndarray],
    gradients: Mapping[str, np.ndarray],
    X: np.ndarray,
    Y: np.ndarray,
    epsilon: float = 1e-7,
) -> dict[str, dict]:
    """Per parameter name: its relative difference, the index of its worst entry (largest
    |analytic - numeric|) and the analytic and numeric values there."""
    report = check_gradients(
        lambda p: forward_propagation_n(X, Y, p)[0],
        {name: parameters[name] for name in PARAMETER_NAMES},
        {name: gradients["d" + name] for name in PARAMETER_NAMES},
        step=epsilon,
        kinks=False,  # report the central difference at epsilon itself, as specified
    )
    return {
        name: {
            "difference": t.difference,
            "index": t.index,
            "analytic": t.analytic,
            "numeric": t.numeric,
        }
        for name, t in report.tensors.items()
    }


# --------------------------------------------------------------------------------------
# The checker: check_gradients and its report
# --------------------------------------------------------------------------------------

# How far the computed cost may be from the exact one, in units of eps * |J|: a cost is
# a sum of many rounded terms, so allow more than one rounding.
ROUNDOFF_ULPS = 16.0
# Entries whose relative mismatch is below this are consistent with the central
# difference's truncation error at the scaled step, per dtype.
ENTRY_RTOL = {np.dtype(np.float64): 1e-5, np.dtype(np.float32): 2e-2, np.dtype(np.float16): 2e-1}
KINK_RETRY = 16.0  # a failing entry is re-checked with its step divided by this
KINK_LEVELS = 2  # ... and then by its square
KINK_SHARE = 0.5  # re-check for kinks only when at most this share of a tensor fails


@dataclass
class TensorCheck:
    """What the checker found for one tensor."""

    name: str
    shape: tuple[int, ...]
    difference: float  # ||a - n|| / (||a|| + ||n||) over the tensor
    index: tuple[int, ...]  # the entry with the largest |a - n|
    analytic: float
    numeric: float
    wrong: list[tuple[int, ...]] = field(default_factory=list)  # entries out of tolerance
    kinks: list[tuple[int, ...]] = field(default_factory=list)  # entries at a kink
    refined: list[tuple[int, ...]] = field(default_factory=list)  # step too large there
    diagnosis: str = ""  # the likely bug class, when wrong

    @property
    def ok(self) -> bool:
        return not self.wrong


@dataclass
class CheckReport:
    """The result of :func:`check_gradients`; ``str(report)`` is a readable table."""

    tensors: dict[str, TensorCheck]
    evaluations: int
    seconds: float
    dtype: str
    step: str
    difference: float  # over the whole parameter vector, as the classic check reports it

    @property
    def ok(self) -> bool:
        return all(t.ok for t in self.tensors.values())

    @property
    def bugs(self) -> list[str]:
        """Names of the tensors whose gradient disagrees with the numeric one."""
        return [name for name, t in self.tensors.items() if not t.ok]

    @property
    def warnings(self) -> list[str]:
        notes = []
        for t in self.tensors.values():
            if t.refined:
                notes.append(
                    f"{t.name}: the step was too large for the curvature at {len(t.refined)} "
                    "entr" + ("y" if len(t.refined) == 1 else "ies") + "; a smaller step "
                    "agreed there (use the default, scaled steps)."
                )
            if t.kinks:
                where = ", ".join(_index_text(i) for i in t.kinks[:4])
                more = f" and {len(t.kinks) - 4} more" if len(t.kinks) > 4 else ""
                one = len(t.kinks) == 1
                notes.append(
                    f"{t.name}: {len(t.kinks)} entr{'y' if one else 'ies'} ({where}{more}) "
                    f"{'lies' if one else 'lie'} at or within a step of a kink (ReLU at 0); the "
                    "central difference is unreliable there, so "
                    f"{'it was' if one else 'they were'} re-checked with smaller steps or "
                    "one-sided differences and not counted as failures."
                )
        return notes

    def __str__(self) -> str:
        count = sum(math.prod(t.shape) for t in self.tensors.values())
        lines = [
            f"Gradient check: {count} parameters in {len(self.tensors)} tensors, {self.dtype}, "
            f"central differences, step {self.step}",
            f"{self.evaluations} cost evaluations in {self.seconds:.3g} s "
            f"(the minimum is 2n = {2 * count}); whole-vector relative difference "
            f"{self.difference:.3g}",
            "",
            f"{'tensor':<10} {'shape':<12} {'rel. diff':>10}  {'worst entry':<12} "
            f"{'analytic':>12} {'numeric':>12}  verdict",
        ]
        for t in self.tensors.values():
            verdict = "ok" if t.ok else f"WRONG: {t.diagnosis}"
            if t.ok and t.kinks:
                verdict = f"ok ({len(t.kinks)} kink warning{'s' if len(t.kinks) > 1 else ''})"
            lines.append(
                f"{t.name:<10} {str(t.shape):<12} {t.difference:>10.2e}  "
                f"{_index_text(t.index):<12} {t.analytic:>12.5g} {t.numeric:>12.5g}  {verdict}"
            )
        lines.append("")
        lines.append(
            "All gradients agree." if self.ok else f"Gradients disagree in: {', '.join(self.bugs)}."
        )
        lines += [f"warning: {w}" for w in self.warnings]
        return "\n".join(lines)


def _index_text(index: tuple[int, ...]) -> str:
    return "[" + ", ".join(str(i) for i in index) + "]"


def default_steps(values: np.ndarray) -> np.ndarray:
    """Central-difference steps per coordinate: cbrt(eps) * max(1, |value|).

    The error of a central difference is ~h^2 |f'''| / 6 + eps |f| / h; with f and its
    derivatives of order one it is smallest near h = cbrt(eps), and a coordinate of size
    |x| needs a step |x| times larger, or x + h rounds back towards x.
    """
    eps = np.finfo(values.dtype).eps
    return np.cbrt(eps) * np.maximum(1.0, np.abs(values.astype(np.float64)))


class _Cost:
    """The user's cost, counted, evaluated on private copies of the parameters."""

    def __init__(self, cost: Callable[[dict], float], params: dict[str, np.ndarray]):
        self.cost, self.params, self.count = cost, params, 0

    def __call__(self) -> float:
        self.count += 1
        return float(self.cost(self.params))


@dataclass
class NumericGradient:
    """Central differences of a cost, per tensor, with what a later comparison needs."""

    values: dict[str, np.ndarray]  # the numeric gradient, shaped like the parameters
    dtype: np.dtype
    base: float  # the cost at the unperturbed parameters
    step: str  # how the steps were chosen, for the report
    evaluations: int
    seconds: float
    # Per tensor, flat: the steps asked for, the two costs and the steps actually taken.
    steps: dict[str, np.ndarray] = field(repr=False)
    plus: dict[str, np.ndarray] = field(repr=False)
    minus: dict[str, np.ndarray] = field(repr=False)
    h_plus: dict[str, np.ndarray] = field(repr=False)
    h_minus: dict[str, np.ndarray] = field(repr=False)
    evaluate: _Cost = field(repr=False)  # the counted cost on the private copies


def numeric_gradient(
    cost: Callable[[dict], float],
    parameters: Mapping[str, np.ndarray],
    *,
    step: float | None = None,
    precision: np.dtype | type | None = None,
) -> NumericGradient:
    """Central differences of ``cost`` for every entry of every parameter: 2n + 1 costs.

    Args:
        cost: ``cost(params) -> float`` for a dictionary shaped like ``parameters``.
        parameters: name -> array. They are copied; the caller's arrays never change.
        step: a fixed step for every coordinate; ``None`` (the default) scales a step per
            coordinate to the dtype and the coordinate's magnitude (:func:`default_steps`).
        precision: the dtype the perturbed parameters are given to ``cost`` in; by default
            their own. ``np.float64`` checks a float32 model in double precision: a NumPy
            cost then computes in float64, steps can be small (float32 needs steps near
            5e-3, which in a ReLU network cross kinks for many coordinates) and only the
            analytic gradient's own float32 rounding is left to tolerate.
    """
    started = time.perf_counter()
    params = {name: np.array(value, copy=True) for name, value in parameters.items()}
    own = np.result_type(*params.values())
    dtype = np.dtype(precision) if precision is not None else own
    if dtype.kind != "f":  # integer parameters cannot take a small step
        dtype = np.dtype(np.float64)
    params = {name: value.astype(dtype, copy=False) for name, value in params.items()}
    evaluate = _Cost(cost, params)
    base = evaluate()
    found = NumericGradient(
        values={},
        dtype=dtype,
        base=base,
        evaluations=0,
        seconds=0.0,
        step=(
            "cbrt(eps) * max(1, |theta|) per coordinate"
            if step is None
            else f"{float(step):g} for every coordinate"
        )
        + (f"; {own} parameters evaluated in {dtype}" if dtype != own else ""),
        steps={},
        plus={},
        minus={},
        h_plus={},
        h_minus={},
        evaluate=evaluate,
    )
    for name, value in params.items():
        flat = value.reshape(-1)  # a view: perturbing it perturbs params[name]
        steps = default_steps(flat) if step is None else np.full(flat.size, float(step))
        numeric, plus, minus, h_plus, h_minus = _central(evaluate, flat, steps)
        found.values[name] = numeric.reshape(value.shape)
        found.steps[name], found.plus[name], found.minus[name] = steps, plus, minus
        found.h_plus[name], found.h_minus[name] = h_plus, h_minus
    found.evaluations = evaluate.count
    found.seconds = time.perf_counter() - started
    return found


def compare(
    numeric: NumericGradient,
    gradients: Mapping[str, np.ndarray],
    *,
    rtol: float | None = None,
    kinks: bool = True,
) -> CheckReport:
    """Judge analytic ``gradients`` against a :class:`NumericGradient`, tensor by tensor.

    An entry is wrong when |analytic - numeric| exceeds the round-off of the two costs
    divided by the step plus ``rtol`` times the entry (default by dtype: 1e-5 in float64).
    Failing entries are re-checked for kinks first (a few more cost evaluations), unless
    ``kinks`` is false. The same numeric gradient can judge several candidate gradients.
    """
    started = time.perf_counter()
    evaluate = numeric.evaluate
    counted = evaluate.count
    missing = [name for name in numeric.values if name not in gradients]
    if missing:
        raise KeyError(f"no analytic gradient for {', '.join(missing)}")
    rtol = ENTRY_RTOL.get(numeric.dtype, 1e-5) if rtol is None else rtol
    eps = float(np.finfo(numeric.dtype).eps)

    tensors: dict[str, TensorCheck] = {}
    all_a, all_n = [], []
    for name, found in numeric.values.items():
        analytic = np.asarray(gradients[name], dtype=np.float64)
        if analytic.shape != found.shape:
            raise ValueError(
                f"the gradient of {name} has shape {analytic.shape}, the parameter {found.shape}"
            )
        a = analytic.reshape(-1)
        values = found.reshape(-1).copy()  # kink re-checks may refine entries
        h_plus, h_minus = numeric.h_plus[name], numeric.h_minus[name]
        # Round-off of a difference of two costs, divided by the step, plus truncation.
        noise = ROUNDOFF_ULPS * eps * max(abs(numeric.base), 1.0) / (h_plus + h_minus)
        # The analytic gradient has rounding of its own: in float32, about eps32 of the
        # tensor's largest entry, whatever the precision of the numeric side.
        given = np.asarray(gradients[name])
        own = float(np.finfo(given.dtype).eps) if given.dtype.kind == "f" else 0.0
        floor = ROUNDOFF_ULPS * own * (float(np.max(np.abs(a))) if a.size else 0.0)
        tolerance = noise + floor + rtol * np.maximum(np.abs(a), np.abs(values))
        wrong = np.flatnonzero(np.abs(a - values) > tolerance)
        kinked: list[int] = []
        refined: list[int] = []
        # Kinks touch few coordinates; a tensor wrong almost everywhere has a bug, and
        # re-checking every entry would only triple its cost.
        if kinks and 0 < wrong.size <= max(4, KINK_SHARE * a.size):
            flat = evaluate.params[name].reshape(-1)
            wrong, kinked, refined = _recheck(
                evaluate,
                flat,
                numeric.steps[name],
                a,
                values,
                numeric.base,
                numeric.plus[name],
                numeric.minus[name],
                h_plus,
                h_minus,
                wrong,
                rtol,
                eps,
            )
        tensors[name] = _summarise(name, found.shape, a, values, wrong, kinked, tolerance)
        tensors[name].refined = [
            tuple(int(k) for k in np.unravel_index(i, found.shape)) for i in refined
        ]
        all_a.append(a)
        all_n.append(values)

    return CheckReport(
        tensors=tensors,
        evaluations=numeric.evaluations + evaluate.count - counted,
        seconds=numeric.seconds + time.perf_counter() - started,
        dtype=str(numeric.dtype),
        step=numeric.step,
        difference=relative_difference(np.concatenate(all_a), np.concatenate(all_n)),
    )


def check_gradients(
    cost: Callable[[dict], float],
    parameters: Mapping[str, np.ndarray],
    gradients: Mapping[str, np.ndarray],
    *,
    step: float | None = None,
    precision: np.dtype | type | None = None,
    rtol: float | None = None,
    kinks: bool = True,
) -> CheckReport:
    """Compare analytic ``gradients`` with central differences of ``cost``, per tensor.

    Args:
        cost: ``cost(params) -> float`` for a dictionary shaped like ``parameters``.
        parameters: name -> array. They are copied; the caller's arrays never change.
        gradients: name -> the analytic gradient of the same shape (same names).
        step: a fixed step for every coordinate; ``None`` (the default) scales a step per
            coordinate to the dtype and the coordinate's magnitude.
        precision: the dtype of the numeric side (see :func:`numeric_gradient`).
        rtol: the relative mismatch allowed per entry (default by dtype: 1e-5 in float64).
        kinks: re-check failing entries for kinks before calling them wrong.
    """
    missing = [name for name in parameters if name not in gradients]
    if missing:  # fail before the expensive part
        raise KeyError(f"no analytic gradient for {', '.join(missing)}")
    found = numeric_gradient(cost, parameters, step=step, precision=precision)
    return compare(found, gradients, rtol=rtol, kinks=kinks)


def _central(evaluate: _Cost, flat: np.ndarray, steps: np.ndarray):
    """Central differences over every coordinate of ``flat``, perturbed in place.

    The steps actually taken, (x + h) - x and x - (x - h), are used in the denominator:
    they are what the cost saw once x + h was rounded to the dtype.
    """
    n = flat.size
    numeric = np.empty(n)
    plus, minus = np.empty(n), np.empty(n)
    h_plus, h_minus = np.empty(n), np.empty(n)
    for i in range(n):
        old = flat[i]
        flat[i] = old + steps[i]
        up = flat[i]
        plus[i] = evaluate()
        flat[i] = old - steps[i]
        down = flat[i]
        minus[i] = evaluate()
        flat[i] = old  # restored exactly: the saved value is put back
        h_plus[i] = float(up) - float(old)
        h_minus[i] = float(old) - float(down)
    numeric[:] = (plus - minus) / (h_plus + h_minus)
    return numeric, plus, minus, h_plus, h_minus


def _recheck(
    evaluate, flat, steps, a, numeric, base, plus, minus, h_plus, h_minus, wrong, rtol, eps
):
    """Split failing entries into real mismatches and kinks.

    Near a kink the cost is not smooth: one-sided slopes on either side disagree by a jump
    that does not shrink with the step, and the analytic derivative (one side's slope) no
    longer matches their average. A smooth function's one-sided slopes differ by ~h f''
    only, which shrinks with the step. So each failing entry is first judged from its
    one-sided slopes (no new cost), then re-evaluated with steps KINK_RETRY and
    KINK_RETRY**2 times smaller (two more costs each):
    - if the central difference now agrees, the larger step had crossed a kink, or (if
      the one-sided slopes drew together in proportion to the step) was too large for
      the curvature: the entry is "refined", not wrong;
    - if the one-sided slopes still disagree by about as much, and the analytic value lies
      between them, the point sits on the kink (a subgradient was used);
    - otherwise, after both, the mismatch is real.
    """
    still_wrong, kinked, refined = [], [], []
    for i in wrong:
        old = flat[i]
        right, left = (plus[i] - base) / h_plus[i], (base - minus[i]) / h_minus[i]
        width = width0 = abs(right - left)
        # First, for free: the costs already computed give both one-sided slopes. A
        # smooth cost's derivative lies midway between them; at a kink it is the slope
        # on its own side, with the other slope well apart.
        noise = ROUNDOFF_ULPS * eps * max(abs(base), 1.0) / min(h_plus[i], h_minus[i])
        tolerance = noise + rtol * abs(a[i])
        nearest = left if abs(a[i] - left) < abs(a[i] - right) else right
        if width0 > 4 * tolerance and abs(a[i] - nearest) <= tolerance:
            kinked.append(i)
            numeric[i] = nearest
            continue
        verdict = None
        for level in range(1, KINK_LEVELS + 1):
            small = steps[i] / KINK_RETRY**level
            flat[i] = old + small
            up = flat[i]
            j_up = evaluate()
            flat[i] = old - small
            down = flat[i]
            j_down = evaluate()
            flat[i] = old
            hp, hm = float(up) - float(old), float(old) - float(down)
            if hp <= 0 or hm <= 0:  # the smaller step vanished in rounding
                break
            central = (j_up - j_down) / (hp + hm)
            noise = ROUNDOFF_ULPS * eps * max(abs(base), 1.0) / min(hp, hm)
            tolerance = noise + rtol * max(abs(a[i]), abs(central))
            right, left = (j_up - base) / hp, (base - j_down) / hm
            jump = abs(right - left)
            if noise > 0.5 * abs(a[i] - numeric[i]):
                break  # this step is too noisy to tell the mismatch from round-off
            if abs(a[i] - central) <= tolerance:
                verdict = central
                # A smooth cost's one-sided slopes part by ~h f'': the gap at the first
                # step is then the gap here scaled up by the ratio of the steps, and the
                # first step was merely too large (truncation). A kink inside the first
                # step leaves a much wider gap there than curvature explains.
                wide_noise = ROUNDOFF_ULPS * eps * max(abs(base), 1.0) / min(h_plus[i], h_minus[i])
                smooth = width0 <= 2 * jump * KINK_RETRY**level + 8 * wide_noise
                (refined if smooth else kinked).append(i)
            elif (
                jump > 0.5 * width
                and jump > 4 * tolerance
                and min(left, right) - tolerance <= a[i] <= max(left, right) + tolerance
            ):
                # On the kink: the one-sided slope closest to the analytic value is the
                # derivative on that side.
                verdict = left if abs(a[i] - left) < abs(a[i] - right) else right
                kinked.append(i)
            if verdict is not None:
                break
            width = jump
        if verdict is None:
            still_wrong.append(i)
        else:
            numeric[i] = verdict
    return np.asarray(still_wrong, dtype=int), kinked, refined


def _summarise(name, shape, a, numeric, wrong, kinked, tolerance) -> TensorCheck:
    error = np.abs(a - numeric)
    worst = int(np.argmax(error)) if error.size else 0
    unravel = lambda i: tuple(int(k) for k in np.unravel_index(i, shape))  # noqa: E731
    check = TensorCheck(
        name=name,
        shape=tuple(shape),
        difference=relative_difference(a, numeric),
        index=unravel(worst),
        analytic=float(a[worst]),
        numeric=float(numeric[worst]),
        wrong=[unravel(i) for i in wrong],
        kinks=[unravel(i) for i in kinked],
    )
    if wrong.size:
        check.diagnosis = diagnose(
            a.reshape(shape), numeric.reshape(shape), wrong.size, float(np.max(tolerance))
        )
    return check


def diagnose(
    analytic: np.ndarray, numeric: np.ndarray, wrong: int = 0, tolerance: float = 0.0
) -> str:
    """The likely bug behind a tensor's mismatch, from the shape of the disagreement."""
    size = analytic.size
    a, n = analytic.reshape(-1), numeric.reshape(-1)
    norm_a, norm_n = np.linalg.norm(a), np.linalg.norm(n)
    close = 1e-3  # how well a pattern must explain the analytic gradient
    if norm_a <= tolerance and norm_n > tolerance:
        return "zero gradient (the analytic gradient is zero, the numeric one is not)"
    if norm_n <= tolerance and norm_a > tolerance:
        return "the cost does not change with this tensor, but its gradient is not zero"
    factor = float(a @ n / (n @ n)) if norm_n else 0.0
    # A single wrong entry leaves the best factor near 1; that is not a factor bug.
    if abs(factor - 1) > 10 * close and np.linalg.norm(a - factor * n) <= close * norm_a:
        if abs(factor + 1) < close:
            return "sign flip (analytic = -numeric)"
        rounded = round(factor)
        shown = f"{rounded}" if abs(factor - rounded) < close * abs(factor) else f"{factor:.4g}"
        hint = "; if that is the batch size, a 1/m is missing" if rounded >= 3 else ""
        return f"constant factor {shown} (analytic = {shown} x numeric{hint})"
    if analytic.ndim == 2:
        rows, cols = analytic.shape
        candidates = []
        if rows == cols:
            candidates.append(analytic.T)
        if rows > 1 and cols > 1:  # computed in the transposed layout, then reshaped
            candidates.append(analytic.reshape(cols, rows).T)
        for candidate in candidates:
            if np.linalg.norm(candidate - numeric) <= close * norm_a:
                return "transpose (analytic.T matches the numeric gradient)"
    if wrong and wrong <= max(3, size // 100):
        return f"{wrong} entr{'y' if wrong == 1 else 'ies'} wrong, the rest agree"
    return "no simple pattern: compare this tensor's formula with its derivation"
