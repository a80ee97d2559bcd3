"""The numbers and the figure of lesson 1.2.39, Numerical Differentiation, computed.

The lesson page never types a measured number in. It writes a placeholder such as
``[[fact:forward_best_step]]``; when the site's pages are generated,
``grader/site/placeholders.py`` imports this module, calls :func:`facts` and puts the
formatted value in its place. The figure of the page comes from :func:`figures` the same
way. ``tests/test_lesson_facts.py``
checks that every claim the prose makes about these numbers holds.

The contract with the hook (any lesson may have a ``facts.py`` of its own):

- ``facts() -> dict[str, float | int | str]``: a float is shown with 2 significant digits
  (the page may ask for more, ``[[fact:name:3]]``, or for TeX inside math,
  ``[[fact:name:tex]]``); an int as a whole number; a str is Markdown put in as it is and
  may itself hold placeholders of this lesson (the tables below use that).
- ``figures() -> dict[str, bytes]``: SVG files by path relative to the lesson folder.

Everything here is deterministic: fixed grids, fixed seeds, no timings.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from functools import cache
from pathlib import Path
from types import ModuleType

import mpmath
import numpy as np

from grader.site import figure_style

# -- The running example: f = sin at x = 1 ------------------------------------------------

X0 = 1.0  # the point of the running example
# A log grid of steps, 20 per decade, from 1e-16 to 1.
STEPS = 10.0 ** np.linspace(-16.0, 0.0, 321)
# Round-off is noise: at one x the error curve is jagged, and its lowest point is luck.
# The "typical" error at a step is the root mean square over these nearby points.
NEARBY = 64
SPREAD = 0.01
DTYPES = (np.float16, np.float32, np.float64)
COMPLEX = {np.float32: np.complex64, np.float64: np.complex128}

# Gradient checking conventions (seed 001) and the steps the lesson compares.
THRESHOLD_CORRECT = 1e-7
THRESHOLD_INSPECT = 1e-5
THRESHOLD_BUG = 1e-3
EPSILON_COMMON = 1e-7  # the epsilon of the classic assignment (seed 000)
EPSILON_BETTER = 1e-5  # near cbrt(eps) for float64, where central differences do best
SWEEP = (1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9)

# The demonstrations' settings.
ORDER_FIT = (1e-4, 1e-1)  # steps over which the observed order is fitted
COMPLEX_FLAT_BELOW = 1e-8  # the complex step's error is flat below this step
CANCELLATION_DELTA = 1e-8  # (1 + delta) - 1


def _method(name: str, dtype) -> Callable:
    """The difference quotient ``name`` for sin, computed entirely in ``dtype``."""
    if name == "forward":
        return lambda x, h: (np.sin(x + h) - np.sin(x)) / h
    if name == "central":
        return lambda x, h: (np.sin(x + h) - np.sin(x - h)) / (dtype(2) * h)
    if name == "complex":
        ctype = COMPLEX[dtype]
        # Im f(x + ih) / h: no subtraction, hence no cancellation.
        return lambda x, h: np.imag(np.sin(x.astype(ctype) + ctype(1j) * h)) / h
    raise ValueError(f"unknown method {name!r}")


@cache
def _points(dtype) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The nearby points in ``dtype`` and the true cos at each, as a double-double.

    cos(x) = hi + lo with hi the nearest float64: an error computed as (got - hi) - lo stays
    true even when ``got`` is the correctly rounded value itself, which the complex step
    often returns. Comparing with hi alone would report 0 there.
    """
    xs = (X0 + np.linspace(-SPREAD, SPREAD, NEARBY)).astype(dtype)
    hi, lo = [], []
    with mpmath.workdps(40):
        for x in xs:
            exact = mpmath.cos(mpmath.mpf(float(x)))
            hi.append(float(exact))
            lo.append(float(exact - hi[-1]))
    return xs, np.array(hi), np.array(lo)


def typical_error(method: str, dtype, steps: np.ndarray = STEPS) -> np.ndarray:
    """Root-mean-square error of ``method`` for sin' near x = 1, one value per step."""
    xs, hi, lo = _points(dtype)
    quotient = _method(method, dtype)
    errors = []
    for h in steps:
        with np.errstate(all="ignore"):  # x + h == x gives 0/h, not a warning we need
            got = quotient(xs, dtype(h)).astype(np.float64)
        errors.append(np.sqrt(np.mean(((got - hi) - lo) ** 2)))
    return np.array(errors)


@cache
def curves() -> dict[tuple[str, str], np.ndarray]:
    """Typical errors on :data:`STEPS` by (method, dtype name), for the facts and the figure."""
    return {
        (method, dtype.__name__): typical_error(method, dtype)
        for dtype in (np.float32, np.float64)
        for method in ("forward", "central", "complex")
    }


def best(method: str, dtype) -> tuple[float, float]:
    """The step with the smallest typical error on :data:`STEPS`, and that error."""
    errors = curves()[(method, dtype.__name__)]
    i = int(np.argmin(errors))
    return float(STEPS[i]), float(errors[i])


def model_steps(dtype) -> tuple[float, float]:
    """Optimal steps of the error model for sin at x0 (forward, central).

    Forward: E(h) = h/2 |f''| + eps |f| / h is least at h = sqrt(2 eps |f| / |f''|).
    Central: E(h) = h^2/6 |f'''| + eps |f| / (2h) is least at h = cbrt(1.5 eps |f| / |f'''|).
    """
    eps = float(np.finfo(dtype).eps)
    f, f2, f3 = abs(np.sin(X0)), abs(np.sin(X0)), abs(np.cos(X0))
    return float(np.sqrt(2 * eps * f / f2)), float(np.cbrt(1.5 * eps * f / f3))


def observed_order(method: str, low: float = ORDER_FIT[0], high: float = ORDER_FIT[1]) -> float:
    """Least-squares slope of log(error) against log(h) over [low, high], in float64."""
    steps = 10.0 ** np.linspace(np.log10(low), np.log10(high), 31)
    errors = typical_error(method, np.float64, steps)
    return float(np.polyfit(np.log10(steps), np.log10(errors), 1)[0])


def machine_epsilon(dtype) -> float:
    """The gap between 1 and the next float of ``dtype``, found by halving (not looked up)."""
    one, eps = dtype(1), dtype(1)
    while one + eps / dtype(2) != one:
        eps = eps / dtype(2)
    return float(eps)


def realised_step(x: float, h: float, dtype) -> float:
    """The step the computer actually takes: (x + h) - x, in ``dtype``."""
    x, h = dtype(x), dtype(h)
    return float((x + h) - x)


def scaled_step_demo(x: float = 1e4) -> dict[str, float]:
    """Relative error of the forward difference of f = x**3 at a large x, two steps.

    f'(x) = 3x**2 exactly. The plain step sqrt(eps) ignores that the floats near a large x
    are eps*|x| apart; the scaled step sqrt(eps)*max(1, |x|) respects it.
    """
    eps = np.finfo(np.float64).eps
    exact = 3 * x**2
    out = {}
    for name, h in (("plain", np.sqrt(eps)), ("scaled", np.sqrt(eps) * max(1.0, abs(x)))):
        got = ((x + h) ** 3 - x**3) / h
        out[name] = abs(got - exact) / exact
    return out


def shifted_demo(shift: float = 1e6) -> tuple[float, float]:
    """Forward-difference error for sin and for shift + sin at x0, same step sqrt(2 eps).

    Adding a constant changes no derivative, but it scales the round-off eps*|f|/h.
    """
    h = float(np.sqrt(2 * np.finfo(np.float64).eps))  # the best step for sin at x0
    exact = np.cos(X0)
    plain = abs((np.sin(X0 + h) - np.sin(X0)) / h - exact)
    shifted = abs(((shift + np.sin(X0 + h)) - (shift + np.sin(X0))) / h - exact)
    return plain, shifted


def cancellation_demo(delta: float = CANCELLATION_DELTA) -> tuple[float, float]:
    """(1 + delta) - 1 in float64: its relative error, and the decimal digits lost."""
    a, b = 1.0 + delta, 1.0
    got = a - b
    return abs(got - delta) / delta, float(np.log10(abs(a) / abs(a - b)))


def sampled_demo(dx: float = 0.1) -> dict[str, float]:
    """Differences of sin sampled every dx on [0, 2*pi]: worst errors and their bounds."""
    x = np.arange(0.0, 2 * np.pi, dx)
    y = np.sin(x)
    forward = np.diff(y) / dx  # slope of each interval, read at its left end
    central = (y[2:] - y[:-2]) / (2 * dx)  # interior points only
    return {
        "dx": dx,
        "samples": int(x.size),
        "forward_error": float(np.max(np.abs(forward - np.cos(x[:-1])))),
        "forward_bound": dx / 2,  # h/2 max|f''|, and max|sin''| = 1
        "central_error": float(np.max(np.abs(central - np.cos(x[1:-1])))),
        "central_bound": dx**2 / 6,  # h^2/6 max|f'''|
    }


def richardson_demo(h: float = 0.1) -> dict[str, float]:
    """One Richardson step on forward and central differences of sin at x0."""
    x, exact = X0, np.cos(X0)

    def fwd(s: float) -> float:
        return (np.sin(x + s) - np.sin(x)) / s

    def cen(s: float) -> float:
        return (np.sin(x + s) - np.sin(x - s)) / (2 * s)

    return {
        "h": h,
        "forward_h": abs(fwd(h) - exact),
        "forward_half": abs(fwd(h / 2) - exact),
        "forward_extrapolated": abs(2 * fwd(h / 2) - fwd(h) - exact),
        "central_h": abs(cen(h) - exact),
        "central_half": abs(cen(h / 2) - exact),
        "central_extrapolated": abs((4 * cen(h / 2) - cen(h)) / 3 - exact),
    }


def kink_demo(epsilon: float = EPSILON_COMMON) -> tuple[float, float, float]:
    """A ReLU input closer to 0 than epsilon: (z, central difference of relu at z, relu'(z))."""
    z = 0.3 * epsilon  # the kink at 0 lies inside [z - epsilon, z + epsilon]

    def relu(v: float) -> float:
        return max(v, 0.0)

    return z, (relu(z + epsilon) - relu(z - epsilon)) / (2 * epsilon), 1.0


# -- The network: LINEAR -> RELU -> LINEAR -> RELU -> LINEAR -> SIGMOID ---------------------
# The layer sizes are those of the gradient-checking assignment (seed 000) and of this
# lesson's project; the data is drawn as in the assignment's test case, so that the numbers
# are the ones learners of that assignment know (the project draws its own data).

SHAPES = {"W1": (5, 4), "b1": (5, 1), "W2": (3, 5), "b2": (3, 1), "W3": (1, 3), "b3": (1, 1)}
BUG_FACTOR_W2 = 2  # the planted bugs: dW2 doubled ...
BUG_FACTOR_B1 = 4  # ... and db1 four times too large (4/m instead of 1/m)


def network_case(dtype=np.float64) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """X (4, 3), Y (1, 3) and the parameters, drawn as in the assignment's test case."""
    draw = np.random.RandomState(1)  # the assignment's legacy stream, kept for its numbers
    x = draw.randn(4, 3)
    y = np.array([[1.0, 1.0, 0.0]])
    params = {name: draw.randn(*shape) for name, shape in SHAPES.items()}
    return x.astype(dtype), y.astype(dtype), {k: v.astype(dtype) for k, v in params.items()}


def network_cost(params: dict[str, np.ndarray], x: np.ndarray, y: np.ndarray):
    """Mean cross-entropy cost, and what the backward pass needs."""
    z1 = params["W1"] @ x + params["b1"]
    a1 = np.maximum(z1, 0)
    z2 = params["W2"] @ a1 + params["b2"]
    a2 = np.maximum(z2, 0)
    z3 = params["W3"] @ a2 + params["b3"]
    a3 = 1 / (1 + np.exp(-z3))
    m = x.shape[1]
    cost = -np.sum(y * np.log(a3) + (1 - y) * np.log(1 - a3)) / m
    return cost, (z1, a1, z2, a2, a3)


def network_gradients(params, x, y, planted_bugs: bool = False) -> dict[str, np.ndarray]:
    """Backpropagation; ``planted_bugs`` scales dW2 and db1 by the bug factors above."""
    z1, a1, z2, a2, a3 = network_cost(params, x, y)[1]
    m = x.shape[1]
    dz3 = (a3 - y) / m
    grads = {"W3": dz3 @ a2.T, "b3": dz3.sum(axis=1, keepdims=True)}
    dz2 = (params["W3"].T @ dz3) * (z2 > 0)
    grads["W2"] = dz2 @ a1.T * (BUG_FACTOR_W2 if planted_bugs else 1)
    grads["b2"] = dz2.sum(axis=1, keepdims=True)
    dz1 = (params["W2"].T @ dz2) * (z1 > 0)
    grads["W1"] = dz1 @ x.T
    grads["b1"] = dz1.sum(axis=1, keepdims=True) * (BUG_FACTOR_B1 if planted_bugs else 1)
    return grads


def to_vector(tensors: dict[str, np.ndarray]) -> np.ndarray:
    return np.concatenate([tensors[name].ravel() for name in SHAPES])


def from_vector(theta: np.ndarray) -> dict[str, np.ndarray]:
    out, start = {}, 0
    for name, shape in SHAPES.items():
        size = int(np.prod(shape))
        out[name] = theta[start : start + size].reshape(shape)
        start += size
    return out


def relative_difference(a: np.ndarray, b: np.ndarray) -> float:
    """||a - b|| / (||a|| + ||b||), and 0 when both are zero."""
    denominator = np.linalg.norm(a) + np.linalg.norm(b)
    return float(np.linalg.norm(a - b) / denominator) if denominator else 0.0


def numeric_network_gradient(params, x, y, epsilon: float) -> np.ndarray:
    """Central differences of the cost over the whole parameter vector, in its dtype."""
    theta = to_vector(params)
    step = theta.dtype.type(epsilon)
    approx = np.zeros_like(theta)
    for i in range(theta.size):
        plus, minus = theta.copy(), theta.copy()
        plus[i] += step
        minus[i] -= step
        up = network_cost(from_vector(plus), x, y)[0]
        down = network_cost(from_vector(minus), x, y)[0]
        approx[i] = (up - down) / (2 * step)
    return approx


def network_check(epsilon: float, planted_bugs: bool = False, dtype=np.float64) -> float:
    """The relative difference of the whole network's gradient check."""
    x, y, params = network_case(dtype)
    analytic = to_vector(network_gradients(params, x, y, planted_bugs))
    return relative_difference(numeric_network_gradient(params, x, y, epsilon), analytic)


def per_tensor_check(epsilon: float = EPSILON_BETTER, planted_bugs: bool = True):
    """Per parameter tensor: relative difference and the analytic/numeric size ratio."""
    x, y, params = network_case()
    numeric = from_vector(numeric_network_gradient(params, x, y, epsilon))
    analytic = network_gradients(params, x, y, planted_bugs)
    rows = {}
    for name in SHAPES:
        a, n = analytic[name].ravel(), numeric[name].ravel()
        ratio = float(a @ n / (n @ n)) if n @ n else float("nan")  # least-squares a ~ ratio*n
        rows[name] = (relative_difference(a, n), ratio)
    return rows


def verdict(difference: float) -> str:
    if difference < THRESHOLD_CORRECT:
        return "correct"
    return "inspect" if difference < THRESHOLD_BUG else "bug"


# -- Facts --------------------------------------------------------------------------------


def _exponent(value: float) -> int:
    return int(round(np.log10(value)))


@cache
def facts() -> dict[str, float | int | str]:
    """Every number the lesson page shows, by placeholder name."""
    out: dict[str, float | int | str] = {"x0": int(X0) if X0.is_integer() else X0}

    for dtype in DTYPES:
        name = dtype.__name__
        eps = machine_epsilon(dtype)
        out[f"eps_{name}"] = eps
        out[f"sqrt_eps_{name}"] = float(np.sqrt(eps))
        out[f"cbrt_eps_{name}"] = float(np.cbrt(eps))
        out[f"digits_{name}"] = int(np.floor(-np.log10(eps)))

    for dtype, suffix in ((np.float64, ""), (np.float32, "_f32")):
        for method in ("forward", "central"):
            step, error = best(method, dtype)
            out[f"{method}_best_step{suffix}"] = step
            out[f"{method}_best_error{suffix}"] = error
        forward_model, central_model = model_steps(dtype)
        out[f"forward_model_step{suffix}"] = forward_model
        out[f"central_model_step{suffix}"] = central_model
        flat = curves()[("complex", dtype.__name__)][STEPS <= COMPLEX_FLAT_BELOW]
        out[f"complex_error{suffix}"] = float(np.max(flat))

    out["grid_decades"] = int(round(np.log10(STEPS[-1] / STEPS[0])))

    # "Predict before you look": a step chosen "to be safe", far into the round-off regime.
    small = 1e-10
    out["predict_step"] = small
    out["predict_model_error"] = float(np.finfo(np.float64).eps * abs(np.sin(X0)) / small)
    out["predict_measured_error"] = float(typical_error("forward", np.float64, [small])[0])
    out["predict_ratio"] = out["predict_measured_error"] / out["forward_best_error"]

    shift = 1e6
    plain, shifted = shifted_demo(shift)
    out["shift"], out["shift_plain_error"], out["shift_shifted_error"] = shift, plain, shifted

    out["complex_flat_below"] = COMPLEX_FLAT_BELOW
    tiny = 1e-200
    out["complex_tiny_step"] = tiny
    out["complex_tiny_error"] = float(typical_error("complex", np.float64, [tiny])[0])

    probe = 1e-6  # a step that is fine in float64 and poor in float32
    out["probe_step"] = probe
    for method in ("forward", "central"):
        for dtype, suffix in ((np.float64, ""), (np.float32, "_f32")):
            error = float(typical_error(method, dtype, np.array([probe]))[0])
            out[f"{method}_error_at_probe{suffix}"] = error
    step32 = realised_step(X0, probe, np.float32)
    out["realised_probe_step_f32"] = step32
    out["realised_probe_step_f32_percent"] = abs(step32 - probe) / probe * 100

    big_x = 1e4
    out["big_x"] = big_x
    scaled = scaled_step_demo(big_x)
    out["scaled_demo_plain_error"] = scaled["plain"]
    out["scaled_demo_scaled_error"] = scaled["scaled"]

    error, lost = cancellation_demo()
    out["cancellation_delta"] = CANCELLATION_DELTA
    out["cancellation_relative_error"] = error
    out["cancellation_digits_lost"] = lost

    out["forward_order"] = observed_order("forward")
    out["central_order"] = observed_order("central")
    out["order_fit_low"], out["order_fit_high"] = ORDER_FIT

    for key, value in sampled_demo().items():
        out[f"sampled_{key}"] = value
    for key, value in richardson_demo().items():
        out[f"richardson_{key}"] = value
    for method in ("forward", "central"):
        out[f"richardson_{method}_gain"] = (
            out[f"richardson_{method}_h"] / out[f"richardson_{method}_extrapolated"]
        )

    z, numeric, analytic = kink_demo()
    out["kink_z"], out["kink_numeric"], out["kink_analytic"] = z, numeric, int(analytic)

    out["threshold_correct"] = THRESHOLD_CORRECT
    out["threshold_inspect"] = THRESHOLD_INSPECT
    out["threshold_bug"] = THRESHOLD_BUG
    out["epsilon_common"] = EPSILON_COMMON
    out["epsilon_better"] = EPSILON_BETTER

    out["bug_factor_W2"], out["bug_factor_b1"] = BUG_FACTOR_W2, BUG_FACTOR_B1

    n_params = sum(int(np.prod(s)) for s in SHAPES.values())
    out["net_parameters"] = n_params
    out["net_evaluations"] = 2 * n_params
    out["net_samples"] = network_case()[0].shape[1]
    out["million_evaluations"] = 2 * 10**6
    out["net_buggy"] = network_check(EPSILON_COMMON, planted_bugs=True)
    out["net_buggy_verdict"] = verdict(out["net_buggy"])
    for label, eps in (("common", EPSILON_COMMON), ("better", EPSILON_BETTER)):
        out[f"net_correct_{label}"] = network_check(eps)
        out[f"net_correct_{label}_verdict"] = verdict(out[f"net_correct_{label}"])

    rows = ["| epsilon | relative difference | verdict |", "|---:|---:|:---|"]
    for eps in SWEEP:
        key = f"net_sweep_{-_exponent(eps)}"
        out[key] = network_check(eps)
        out[f"{key}_eps"] = eps
        out[f"{key}_verdict"] = verdict(out[key])
        rows.append(f"| [[fact:{key}_eps]] | [[fact:{key}]] | {out[f'{key}_verdict']} |")
    out["net_sweep_table"] = "\n".join(rows)

    rows = ["| tensor | relative difference | analytic / numeric |", "|:---|---:|---:|"]
    for name, (difference, ratio) in per_tensor_check().items():
        out[f"tensor_{name}_difference"] = difference
        out[f"tensor_{name}_ratio"] = ratio
        rows.append(
            f"| `{name}` | [[fact:tensor_{name}_difference]] | [[fact:tensor_{name}_ratio]] |"
        )
    out["tensor_table"] = "\n".join(rows)

    cbrt32 = float(np.cbrt(np.finfo(np.float32).eps))
    out["net_f32_common"] = network_check(EPSILON_COMMON, dtype=np.float32)
    x32, y32, params32 = network_case(np.float32)
    numeric32 = numeric_network_gradient(params32, x32, y32, EPSILON_COMMON)
    out["net_f32_common_zeros"] = int(np.sum(numeric32 == 0))
    out["net_f32_rule"] = network_check(cbrt32, dtype=np.float32)
    out["net_f32_rule_step"] = cbrt32

    rows = [
        "| dtype | machine epsilon | decimal digits | $\\sqrt{\\varepsilon}$ | "
        "$\\sqrt[3]{\\varepsilon}$ |",
        "|:---|---:|---:|---:|---:|",
    ]
    for dtype in DTYPES:
        name = dtype.__name__
        rows.append(
            f"| `{name}` | [[fact:eps_{name}]] | [[fact:digits_{name}]] | "
            f"[[fact:sqrt_eps_{name}]] | [[fact:cbrt_eps_{name}]] |"
        )
    out["dtype_table"] = "\n".join(rows)
    out.update(project_facts())
    return out


# -- The figure ---------------------------------------------------------------------------

STYLE = {
    "forward": ("forward $(f(x+h)-f(x))/h$", "#1f77b4"),
    "central": ("central $(f(x+h)-f(x-h))/2h$", "#d62728"),
    "complex": ("complex step $\\mathrm{Im}\\,f(x+ih)/h$", "#2ca02c"),
}


def error_figure(narrow: bool = False) -> bytes:
    """Log-log plot of the typical error against h, float64 and float32 side by side; with
    ``narrow``, the two panels stacked and the lettering larger, for a phone's screen."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    settings = figure_style.settings("lesson-1.2.39", narrow)
    note = 9.5 if narrow else 8
    floor, top = 1e-18, 10.0
    with plt.rc_context(settings):
        if narrow:
            fig, axes = plt.subplots(2, 1, figsize=(4.6, 8.6), sharey=True)
        else:
            fig, axes = plt.subplots(1, 2, figsize=(10, 4.6), sharey=True)
        for ax, dtype in zip(axes, (np.float64, np.float32), strict=True):
            name = dtype.__name__
            eps = float(np.finfo(dtype).eps)
            for method, (label, colour) in STYLE.items():
                errors = np.maximum(curves()[(method, name)], floor)
                ax.loglog(STEPS, errors, color=colour, lw=1.6, label=label)
                if method != "complex":
                    step, error = best(method, dtype)
                    ax.plot([step], [error], "o", color=colour, ms=6, mec="black", mew=0.6)
            for rule, text in (
                (np.sqrt(eps), r"$\sqrt{\varepsilon}$"),
                (np.cbrt(eps), r"$\sqrt[3]{\varepsilon}$"),
            ):
                ax.axvline(rule, color="0.55", ls=":", lw=1, zorder=1)
                ax.text(rule, top / 2, text + " ", color="0.3", ha="right", va="top")
            ax.set_title(f"{name}  (machine epsilon {eps:.1e})")
            ax.set_xlabel("step h")
            ax.set_xlim(10**-16.5, 10**0.5)
            ax.set_ylim(floor, top)
            figure_style.power_of_ten_ticks(ax)
            ax.grid(True, which="major", color="0.9", lw=0.6)
            # On white, above the dotted rules: in float32 the cube-root rule runs through
            # the corner this label sits in.
            ax.text(
                0.97,
                0.04,
                "truncation wins:\nerror falls with h",
                transform=ax.transAxes,
                ha="right",
                va="bottom",
                fontsize=note,
                color="0.3",
                zorder=5,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.5},
            )
            ax.text(
                0.03,
                0.35 if dtype is np.float64 else 0.62,
                "round-off wins:\nerror grows as h falls",
                transform=ax.transAxes,
                ha="left",
                va="bottom",
                fontsize=note,
                color="0.3",
            )
        for ax in axes if narrow else axes[:1]:
            ax.set_ylabel(f"typical |error| in sin'(x) near x = {X0:g}")
        return figure_style.legend_below_as_svg(fig, axes[0], narrow, bottom=(0.1, 0.07), columns=3)


# -- The project's network: its gradient check against epsilon ------------------------------
# The project page shows how the check of the project's own network depends on epsilon. The
# cost is the project's forward pass, imported from the file learners use
# (exercises/1.2.39/project/network.py, provided and read-only); the analytic gradient is
# this module's backward pass above (same architecture and parameter names), with and
# without the two planted bugs.

PROJECT_NETWORK = Path(__file__).resolve().parents[2] / "exercises/1.2.39/project/network.py"
PROJECT_EPSILONS = 10.0 ** np.linspace(-1.0, -10.0, 28)  # three per decade
PROJECT_THRESHOLD = 2e-7  # what the project's grader asks of a fixed backward pass


@cache
def project_network() -> ModuleType:
    spec = importlib.util.spec_from_file_location("course_project_network", PROJECT_NETWORK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def project_check(epsilon: float, planted_bugs: bool = False, dtype=np.float64) -> float:
    """Relative difference of the gradient check of the project's network and data.

    Everything (data, parameters, step) is in ``dtype``; the numeric gradient perturbs one
    parameter at a time by +-epsilon and calls the project's ``forward_propagation_n``.
    """
    network = project_network()
    x, y, params = network.gradient_check_data()
    x, y = x.astype(dtype), y.astype(dtype)
    params = {name: value.astype(dtype) for name, value in params.items()}
    analytic = to_vector(network_gradients(params, x, y, planted_bugs))
    theta = to_vector(params)
    step = theta.dtype.type(epsilon)
    numeric = np.zeros_like(theta, dtype=np.float64)
    for i in range(theta.size):
        plus, minus = theta.copy(), theta.copy()
        plus[i] += step
        minus[i] -= step
        up = network.forward_propagation_n(x, y, from_vector(plus))[0]
        down = network.forward_propagation_n(x, y, from_vector(minus))[0]
        numeric[i] = (up - down) / (2 * float(step))
    return relative_difference(numeric, analytic.astype(np.float64))


@cache
def project_sweep() -> dict[str, np.ndarray]:
    """The check at every epsilon of :data:`PROJECT_EPSILONS`, for three backward passes."""
    cases = {
        "correct": {},
        "buggy": {"planted_bugs": True},
        "correct_f32": {"dtype": np.float32},
    }
    return {
        name: np.array([project_check(eps, **options) for eps in PROJECT_EPSILONS])
        for name, options in cases.items()
    }


def project_facts() -> dict[str, float | int | str]:
    """The numbers the project page quotes next to its figure."""
    sweep = project_sweep()
    best = int(np.argmin(sweep["correct"]))
    return {
        "project_correct_common": project_check(EPSILON_COMMON),
        "project_correct_better": project_check(EPSILON_BETTER),
        "project_buggy_common": project_check(EPSILON_COMMON, planted_bugs=True),
        "project_best_epsilon": float(PROJECT_EPSILONS[best]),
        "project_best_difference": float(sweep["correct"][best]),
        "project_threshold": PROJECT_THRESHOLD,
        "project_f32_best": float(np.min(sweep["correct_f32"])),
    }


def project_epsilon_figure(narrow: bool = False) -> bytes:
    """Log-log plot of the project network's gradient check against epsilon; with
    ``narrow``, drawn smaller with the legend in one column, for a phone's screen."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    settings = figure_style.settings("lesson-1.2.39-project", narrow)
    sweep = project_sweep()
    floor, top = 1e-12, 3.0
    lines = (
        ("buggy", "with the two planted bugs (float64)", "#d62728", "-"),
        ("correct", "fixed backward pass (float64)", "#1f77b4", "-"),
        ("correct_f32", "fixed backward pass (float32)", "#2ca02c", "--"),
    )
    with plt.rc_context(settings):
        fig, ax = plt.subplots(figsize=(4.6, 5.8) if narrow else (8, 5))
        # The verdict bands of the lesson's thresholds, lightest where the check passes.
        ax.axhspan(floor, THRESHOLD_CORRECT, color="#2ca02c", alpha=0.08, lw=0)
        ax.axhspan(THRESHOLD_CORRECT, THRESHOLD_BUG, color="#ff7f0e", alpha=0.08, lw=0)
        ax.axhspan(THRESHOLD_BUG, top, color="#d62728", alpha=0.08, lw=0)
        # Band names on the left, where the curves leave room: below, between and above.
        for y, text in (
            (floor * 10, "correct"),
            (THRESHOLD_CORRECT * 3, "inspect"),
            (THRESHOLD_BUG * 10, "bug"),
        ):
            ax.text(
                0.015,
                y,
                text,
                transform=ax.get_yaxis_transform(),
                ha="left",
                va="center",
                fontsize=9.5 if narrow else 8,
                color="0.35",
            )
        for name, label, colour, style in lines:
            values = np.clip(sweep[name], floor, None)
            ax.loglog(PROJECT_EPSILONS, values, style, color=colour, lw=1.6, label=label)
        for eps, text in (
            (EPSILON_COMMON, r"default $\epsilon$"),
            (float(np.cbrt(np.finfo(np.float64).eps)), r"$\sqrt[3]{\varepsilon_{64}}$"),
        ):
            ax.axvline(eps, color="0.55", ls=":", lw=1)
            ax.text(
                eps,
                floor * 2,
                text + " ",
                rotation=90,
                ha="right",
                va="bottom",
                fontsize=9.5 if narrow else 8,
                color="0.3",
            )
        ax.set_xlim(PROJECT_EPSILONS[-1] / 2, PROJECT_EPSILONS[0] * 2)
        ax.set_ylim(floor, top)
        figure_style.power_of_ten_ticks(ax)
        ax.set_xlabel("epsilon, the step of the central difference")
        ax.set_ylabel("relative difference, numeric vs analytic")
        ax.set_title("Gradient check of the project's network", fontsize=11 if narrow else None)
        ax.grid(True, which="major", color="0.9", lw=0.6)
        return figure_style.legend_below_as_svg(fig, ax, narrow, bottom=(0.16, 0.07), columns=3)


@cache
def figures() -> dict[str, bytes]:
    """The lesson's generated files, by path relative to its folder."""
    return {
        "figures/error-vs-step.svg": error_figure(),
        "figures/error-vs-step-narrow.svg": error_figure(narrow=True),
        "figures/project-epsilon.svg": project_epsilon_figure(),
        "figures/project-epsilon-narrow.svg": project_epsilon_figure(narrow=True),
    }
