"""The numbers and the figures of lesson 1.2.40, Automatic Differentiation, computed.

The lesson page types in no number. It writes placeholders such as
``[[fact:forward_trace_table]]``, which ``grader/site/placeholders.py`` fills from
:func:`facts` when the site's pages are generated; the figures come from :func:`figures`
the same way. The contract is that of lesson 1.2.39's facts module: ``facts()`` returns a
dict of floats, ints and Markdown strings (which may hold placeholders of this lesson),
``figures()`` a dict of SVG bytes by path relative to the lesson folder.

This module is the trusted side: it carries its own small forward-mode ``Dual`` and
reverse-mode ``Var`` (and a ``Tensor`` for the layer example), written for clarity, and
every worked trace on the page is read from them as they run. Exact derivatives for
comparison come from calculus, evaluated with mpmath where round-off matters.

Everything is deterministic (fixed points, fixed seeds) except the one measurement the
page asks for: the time of a forward-mode and a reverse-mode gradient on small sizes,
taken when the site is built. It stays fast (well under a second), and the prose claims
nothing about it that a slow or busy machine could contradict; the operation counts next
to it are exact.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from functools import cache

import mpmath
import numpy as np

from grader.site import figure_style

# -- Forward mode: dual numbers --------------------------------------------------------------


class Dual:
    """a + b*eps with eps**2 = 0: ``value`` a and ``derivative`` b (floats or NumPy arrays).

    ``Dual.count`` counts the elementary operations performed, for the cost figure.
    """

    count = 0

    def __init__(self, value, derivative=0.0):
        self.value = value
        self.derivative = derivative

    @staticmethod
    def lift(other) -> Dual:
        return other if isinstance(other, Dual) else Dual(other, 0.0)

    def __add__(self, other):
        other = Dual.lift(other)
        Dual.count += 1
        return Dual(self.value + other.value, self.derivative + other.derivative)

    __radd__ = __add__

    def __sub__(self, other):
        other = Dual.lift(other)
        Dual.count += 1
        return Dual(self.value - other.value, self.derivative - other.derivative)

    def __rsub__(self, other):
        return Dual.lift(other) - self

    def __neg__(self):
        Dual.count += 1
        return Dual(-self.value, -self.derivative)

    def __mul__(self, other):
        other = Dual.lift(other)
        Dual.count += 1
        return Dual(
            self.value * other.value,
            self.derivative * other.value + self.value * other.derivative,
        )

    __rmul__ = __mul__

    def __truediv__(self, other):
        other = Dual.lift(other)
        Dual.count += 1
        return Dual(
            self.value / other.value,
            (self.derivative * other.value - self.value * other.derivative) / other.value**2,
        )

    def __rtruediv__(self, other):
        return Dual.lift(other) / self

    def __pow__(self, exponent: float):
        Dual.count += 1
        return Dual(
            self.value**exponent,
            exponent * self.value ** (exponent - 1) * self.derivative,
        )


def _unary(value_fn: Callable, slope_fn: Callable) -> Callable:
    """An elementary function on floats, arrays and Duals: g(a + b eps) = g(a) + g'(a) b eps."""

    def apply(x):
        if isinstance(x, Dual):
            Dual.count += 1
            return Dual(value_fn(x.value), slope_fn(x.value) * x.derivative)
        if isinstance(x, Var):
            return Var.unary(x, value_fn, slope_fn)
        return value_fn(x)

    return apply


sin = _unary(np.sin, np.cos)
cos = _unary(np.cos, lambda a: -np.sin(a))
exp = _unary(np.exp, np.exp)
log = _unary(np.log, lambda a: 1.0 / a)


def derivative(f: Callable, x: float) -> float:
    """f'(x) by forward mode: one evaluation of f on Dual(x, 1)."""
    out = f(Dual(x, 1.0))
    return out.derivative if isinstance(out, Dual) else 0.0


def gradient_forward(f: Callable, x: np.ndarray) -> np.ndarray:
    """One forward pass per input: seed entry i with derivative 1, the others with 0."""
    grad = np.zeros(len(x))
    for i in range(len(x)):
        seeded = [Dual(float(v), 1.0 if j == i else 0.0) for j, v in enumerate(x)]
        grad[i] = f(seeded).derivative
    return grad


# -- Reverse mode: a tape of Vars --------------------------------------------------------------


class Var:
    """A value on the tape: its inputs with the local derivative towards each, and ``grad``.

    ``Var.count`` counts the operations recorded (the length of the tape).
    """

    count = 0

    def __init__(self, value: float, parents: tuple = (), op: str = "input"):
        self.value = float(value)
        self.parents = parents  # ((Var, local derivative), ...)
        self.op = op
        self.grad = 0.0

    @staticmethod
    def lift(other) -> Var:
        return other if isinstance(other, Var) else Var(other, op="constant")

    @staticmethod
    def node(value, parents, op) -> Var:
        Var.count += 1
        return Var(value, parents, op)

    @staticmethod
    def unary(x: Var, value_fn: Callable, slope_fn: Callable) -> Var:
        name = getattr(value_fn, "__name__", "g")
        return Var.node(value_fn(x.value), ((x, float(slope_fn(x.value))),), name)

    def __add__(self, other):
        other = Var.lift(other)
        return Var.node(self.value + other.value, ((self, 1.0), (other, 1.0)), "+")

    __radd__ = __add__

    def __sub__(self, other):
        other = Var.lift(other)
        return Var.node(self.value - other.value, ((self, 1.0), (other, -1.0)), "-")

    def __rsub__(self, other):
        return Var.lift(other) - self

    def __neg__(self):
        return Var.node(-self.value, ((self, -1.0),), "neg")

    def __mul__(self, other):
        other = Var.lift(other)
        return Var.node(self.value * other.value, ((self, other.value), (other, self.value)), "*")

    __rmul__ = __mul__

    def __truediv__(self, other):
        other = Var.lift(other)
        return Var.node(
            self.value / other.value,
            ((self, 1.0 / other.value), (other, -self.value / other.value**2)),
            "/",
        )

    def __rtruediv__(self, other):
        return Var.lift(other) / self

    def __pow__(self, exponent: float):
        return Var.node(
            self.value**exponent, ((self, exponent * self.value ** (exponent - 1)),), "**"
        )

    def topological_order(self) -> list[Var]:
        """Every node this one depends on, each after all of its inputs (no recursion)."""
        order, seen, stack = [], set(), [(self, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
                continue
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((parent, False) for parent, _ in node.parents)
        return order

    def backward(self, trace: list | None = None) -> None:
        """Adjoints by the chain rule, from this output back to every input.

        ``trace`` (optional) receives (node, parent, local derivative, contribution) for each
        edge in the order the backward pass handles them: the worked trace of the page.
        """
        order = self.topological_order()
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):
            for parent, local in node.parents:
                contribution = node.grad * local
                parent.grad += contribution
                if trace is not None:
                    trace.append((node, parent, local, contribution))


def gradient_reverse(f: Callable, x: np.ndarray) -> np.ndarray:
    """One forward pass that records, one backward pass that reads the tape in reverse."""
    inputs = [Var(float(v)) for v in x]
    f(inputs).backward()
    return np.array([v.grad for v in inputs])


# -- The worked traces: f(x, y) = x*y + sin(x) at (2, 3) ---------------------------------------

TRACE_POINT = (2.0, 3.0)


def trace_function(x, y):
    """The page's running example, written as a program of elementary operations."""
    v3 = x * y
    v4 = sin(x)
    return v3, v4, v3 + v4


def forward_trace(seed: str = "x") -> list[tuple[str, str, float, float]]:
    """(name, how it is computed, value, derivative) for each line of the forward trace."""
    x0, y0 = TRACE_POINT
    x = Dual(x0, 1.0 if seed == "x" else 0.0)
    y = Dual(y0, 1.0 if seed == "y" else 0.0)
    v3, v4, v5 = trace_function(x, y)
    return [
        ("v1", "x", x.value, x.derivative),
        ("v2", "y", y.value, y.derivative),
        ("v3", "v1 · v2", v3.value, v3.derivative),
        ("v4", "sin v1", v4.value, v4.derivative),
        ("v5", "v3 + v4", v5.value, v5.derivative),
    ]


def reverse_trace() -> dict:
    """The tape of the running example and its backward pass, read from Var as it runs."""
    x, y = Var(TRACE_POINT[0]), Var(TRACE_POINT[1])
    v3, v4, v5 = trace_function(x, y)
    names = {id(x): "v1", id(y): "v2", id(v3): "v3", id(v4): "v4", id(v5): "v5"}
    edges: list = []
    v5.backward(edges)
    return {
        "nodes": {"v1": x, "v2": y, "v3": v3, "v4": v4, "v5": v5},
        "edges": [(names[id(n)], names[id(p)], local, c) for n, p, local, c in edges],
    }


# -- AD against the central difference: f(x) = sin(exp(x)) near x = 1 --------------------------

X0 = 1.0
STEPS = 10.0 ** np.linspace(-16.0, 0.0, 161)  # 10 per decade
NEARBY = 64  # as in lesson 1.2.39: round-off is noise, so report a typical (RMS) error
SPREAD = 0.01


def comparison_function(x):
    return sin(exp(x))


@cache
def _comparison_points() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points near X0 and the exact f'(x) = cos(e^x) e^x at each, as hi + lo (double-double)."""
    xs = X0 + np.linspace(-SPREAD, SPREAD, NEARBY)
    hi, lo = [], []
    with mpmath.workdps(40):
        for x in xs:
            e = mpmath.exp(mpmath.mpf(float(x)))
            exact = mpmath.cos(e) * e
            hi.append(float(exact))
            lo.append(float(exact - hi[-1]))
    return xs, np.array(hi), np.array(lo)


def _rms_error(got: np.ndarray) -> float:
    _, hi, lo = _comparison_points()
    return float(np.sqrt(np.mean(((got - hi) - lo) ** 2)))


@cache
def comparison_curves() -> dict[str, np.ndarray | float]:
    """The typical error of the central difference at every step, and of forward-mode AD."""
    xs = _comparison_points()[0]
    central = []
    for h in STEPS:
        got = (comparison_function(xs + h) - comparison_function(xs - h)) / (2 * h)
        central.append(_rms_error(got))
    ad = comparison_function(Dual(xs, np.ones_like(xs))).derivative
    return {"central": np.array(central), "ad": _rms_error(ad)}


def comparison_at_x0() -> dict[str, float]:
    """The derivative at X0 itself: exact, by AD, and by the central difference at cbrt(eps)."""
    with mpmath.workdps(40):
        e = mpmath.exp(mpmath.mpf(X0))
        exact = mpmath.cos(e) * e
    ad = derivative(comparison_function, X0)
    h = float(np.cbrt(np.finfo(float).eps))
    central = (comparison_function(X0 + h) - comparison_function(X0 - h)) / (2 * h)
    with mpmath.workdps(40):
        return {
            "exact": float(exact),
            "ad": float(ad),
            "ad_error": float(abs(mpmath.mpf(float(ad)) - exact)),
            "central": float(central),
            "central_step": h,
            "central_error": float(abs(mpmath.mpf(float(central)) - exact)),
        }


# -- The cost of each mode: a chain of n inputs --------------------------------------------------

COST_SIZES = (2, 4, 8, 16, 32, 64)
COST_REPEATS = 3  # best of three: the least disturbed run


def chain_loss(x):
    """sum of (x_i - 1)**2 + x_i * x_(i+1): about 4n elementary operations for n inputs."""
    total = (x[0] - 1.0) ** 2
    for i in range(1, len(x)):
        total = total + (x[i] - 1.0) ** 2 + x[i - 1] * x[i]
    return total


def chain_gradient(x: np.ndarray) -> np.ndarray:
    """The exact gradient of :func:`chain_loss`, by calculus."""
    g = 2.0 * (x - 1.0)
    g[:-1] += x[1:]
    g[1:] += x[:-1]
    return g


def chain_point(n: int) -> np.ndarray:
    return np.random.default_rng(40).uniform(-1.0, 1.0, n)


def operation_counts(n: int) -> dict[str, int]:
    """Elementary operations done by each mode for the gradient of :func:`chain_loss`.

    Forward mode: the Dual operations of n passes. Reverse mode: the nodes recorded on the
    tape in one pass, plus one backward step per node.
    """
    x = chain_point(n)
    Dual.count = 0
    gradient_forward(chain_loss, x)
    forward = Dual.count
    Var.count = 0
    gradient_reverse(chain_loss, x)
    tape = Var.count
    return {"forward": forward, "tape": tape, "reverse": 2 * tape}


def _best_time(fn: Callable, x: np.ndarray) -> float:
    best = math.inf
    for _ in range(COST_REPEATS):
        start = time.perf_counter()
        fn(chain_loss, x)
        best = min(best, time.perf_counter() - start)
    return best


@cache
def cost_measurements() -> dict[str, np.ndarray]:
    """Seconds (best of COST_REPEATS) and operation counts per size, for each mode.

    The only measurement of the page: it varies a little from build to build.
    """
    rows = {"forward_time": [], "reverse_time": [], "forward_ops": [], "reverse_ops": []}
    for n in COST_SIZES:
        x = chain_point(n)
        rows["forward_time"].append(_best_time(gradient_forward, x))
        rows["reverse_time"].append(_best_time(gradient_reverse, x))
        counts = operation_counts(n)
        rows["forward_ops"].append(counts["forward"])
        rows["reverse_ops"].append(counts["reverse"])
    return {k: np.array(v) for k, v in rows.items()}


def slope(sizes, values) -> float:
    """Least-squares slope of log(values) against log(sizes): the exponent of the growth."""
    return float(np.polyfit(np.log(sizes), np.log(values), 1)[0])


# -- Vector-Jacobian products: a tiny Tensor tape for the network of lesson 1.2.39 ---------------

SHAPES = {"W1": (5, 4), "b1": (5, 1), "W2": (3, 5), "b2": (3, 1), "W3": (1, 3), "b3": (1, 1)}


class Tensor:
    """An array on a tape: each op stores its inputs and a VJP (upstream -> input grads)."""

    def __init__(self, value, parents: tuple = (), vjp: Callable | None = None):
        self.value = np.asarray(value, dtype=float)
        self.parents = parents
        self.vjp = vjp
        self.grad = np.zeros_like(self.value)

    def backward(self) -> None:
        order, seen, stack = [], set(), [(self, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
            elif id(node) not in seen:
                seen.add(id(node))
                stack.append((node, True))
                stack.extend((p, False) for p in node.parents)
        for node in order:
            node.grad = np.zeros_like(node.value)
        self.grad = np.ones_like(self.value)
        for node in reversed(order):
            if node.vjp is not None:
                for parent, grad in zip(node.parents, node.vjp(node.grad), strict=True):
                    parent.grad = parent.grad + grad


def matmul(a: Tensor, b: Tensor) -> Tensor:
    # y = a @ b: dL/da = upstream @ b.T, dL/db = a.T @ upstream
    return Tensor(a.value @ b.value, (a, b), lambda g: (g @ b.value.T, a.value.T @ g))


def add(a: Tensor, b: Tensor) -> Tensor:
    # b is a (k, 1) column added to every column: its gradient sums over the columns
    return Tensor(a.value + b.value, (a, b), lambda g: (g, g.sum(axis=1, keepdims=True)))


def relu(a: Tensor) -> Tensor:
    return Tensor(np.maximum(a.value, 0.0), (a,), lambda g: (g * (a.value > 0),))


def sigmoid(a: Tensor) -> Tensor:
    s = 1.0 / (1.0 + np.exp(-a.value))
    return Tensor(s, (a,), lambda g: (g * s * (1.0 - s),))


def cross_entropy(a: Tensor, y: np.ndarray) -> Tensor:
    m = y.shape[1]
    p = a.value
    cost = -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)) / m
    return Tensor(cost, (a,), lambda g: (g * (p - y) / (p * (1 - p)) / m,))


@cache
def network_case() -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Data and parameters for the layer example: 4 features, 8 examples, fixed seed."""
    draw = np.random.default_rng(1240)
    x = draw.standard_normal((4, 8))
    y = (draw.uniform(size=(1, 8)) < 0.5).astype(float)
    params = {name: draw.standard_normal(shape) * 0.7 for name, shape in SHAPES.items()}
    return x, y, params


def network_cost(params: dict[str, np.ndarray], x: np.ndarray, y: np.ndarray) -> float:
    a1 = np.maximum(params["W1"] @ x + params["b1"], 0)
    a2 = np.maximum(params["W2"] @ a1 + params["b2"], 0)
    a3 = 1 / (1 + np.exp(-(params["W3"] @ a2 + params["b3"])))
    return float(-np.sum(y * np.log(a3) + (1 - y) * np.log(1 - a3)) / x.shape[1])


def tape_gradients(params, x, y) -> dict[str, np.ndarray]:
    """The network's forward pass built from Tensors, then backward() once."""
    t = {name: Tensor(value) for name, value in params.items()}
    a1 = relu(add(matmul(t["W1"], Tensor(x)), t["b1"]))
    a2 = relu(add(matmul(t["W2"], a1), t["b2"]))
    a3 = sigmoid(add(matmul(t["W3"], a2), t["b3"]))
    cross_entropy(a3, y).backward()
    return {name: tensor.grad for name, tensor in t.items()}


def hand_gradients(params, x, y) -> dict[str, np.ndarray]:
    """Backpropagation derived by hand, as in lesson 1.2.39."""
    z1 = params["W1"] @ x + params["b1"]
    a1 = np.maximum(z1, 0)
    z2 = params["W2"] @ a1 + params["b2"]
    a2 = np.maximum(z2, 0)
    a3 = 1 / (1 + np.exp(-(params["W3"] @ a2 + params["b3"])))
    dz3 = (a3 - y) / x.shape[1]
    dz2 = (params["W3"].T @ dz3) * (z2 > 0)
    dz1 = (params["W2"].T @ dz2) * (z1 > 0)
    return {
        "W1": dz1 @ x.T,
        "b1": dz1.sum(axis=1, keepdims=True),
        "W2": dz2 @ a1.T,
        "b2": dz2.sum(axis=1, keepdims=True),
        "W3": dz3 @ a2.T,
        "b3": dz3.sum(axis=1, keepdims=True),
    }


def _vector(tensors: dict[str, np.ndarray]) -> np.ndarray:
    return np.concatenate([tensors[name].ravel() for name in SHAPES])


def relative_difference(a: np.ndarray, b: np.ndarray) -> float:
    denominator = np.linalg.norm(a) + np.linalg.norm(b)
    return float(np.linalg.norm(a - b) / denominator) if denominator else 0.0


def numeric_gradients(params, x, y, epsilon: float) -> np.ndarray:
    theta = _vector(params)
    out = np.zeros_like(theta)
    for i in range(theta.size):
        values = []
        for sign in (1.0, -1.0):
            moved = theta.copy()
            moved[i] += sign * epsilon
            start, shaped = 0, {}
            for name, shape in SHAPES.items():
                size = int(np.prod(shape))
                shaped[name] = moved[start : start + size].reshape(shape)
                start += size
            values.append(network_cost(shaped, x, y))
        out[i] = (values[0] - values[1]) / (2 * epsilon)
    return out


# -- Where AD misleads ---------------------------------------------------------------------------


def dual_abs(x):
    return x if x.value >= 0 else -x


def clipped(x):
    return x * x if x.value < 1 else Dual(1.0)


def identity_with_a_branch(x):
    """Mathematically x everywhere; the program returns a constant at 0."""
    return x if x.value != 0 else Dual(0.0)


def babylonian_sqrt(a, iterations: int):
    x = 1.0
    for _ in range(iterations):
        x = (x + a / x) / 2
    return x


BABYLONIAN_A = 9.0
BABYLONIAN_ITERATIONS = (1, 2, 3, 4, 5, 6)


def babylonian_rows() -> list[dict[str, float]]:
    a = BABYLONIAN_A
    true_value, true_slope = math.sqrt(a), 1 / (2 * math.sqrt(a))
    rows = []
    for k in BABYLONIAN_ITERATIONS:
        out = babylonian_sqrt(Dual(a, 1.0), k)
        rows.append(
            {
                "k": k,
                "value": out.value,
                "derivative": out.derivative,
                "value_error": abs(out.value - true_value),
                "derivative_error": abs(out.derivative - true_slope),
            }
        )
    return rows


# -- Facts ---------------------------------------------------------------------------------------


def _number(value: float) -> int | float:
    """Show a whole float as an int (2, not 2.0)."""
    return int(value) if float(value).is_integer() else float(value)


@cache
def facts() -> dict[str, float | int | str]:
    """Every number the lesson page shows, by placeholder name."""
    out: dict[str, float | int | str] = {}

    # Dual numbers: (3 + eps)**2 and a quotient.
    square = Dual(3.0, 1.0) ** 2
    out["dual_x"] = 3
    out["dual_square_value"] = _number(square.value)
    out["dual_square_derivative"] = _number(square.derivative)
    product = Dual(3.0, 1.0) * Dual(3.0, 1.0) * Dual(3.0, 1.0)
    out["dual_cube_value"] = _number(product.value)
    out["dual_cube_derivative"] = _number(product.derivative)

    # The forward trace, seeded on x and on y.
    x0, y0 = TRACE_POINT
    out["trace_x"], out["trace_y"] = _number(x0), _number(y0)
    rows = [
        "| line | computed as | value | derivative (seed x) | derivative (seed y) |",
        "|:---|:---|---:|---:|---:|",
    ]
    for (name, how, value, dx), (_, _, _, dy) in zip(
        forward_trace("x"), forward_trace("y"), strict=True
    ):
        out[f"fwd_{name}_value"] = float(value)
        out[f"fwd_{name}_dx"] = float(dx)
        out[f"fwd_{name}_dy"] = float(dy)
        rows.append(
            f"| $v_{name[1]}$ | {how} | [[fact:fwd_{name}_value:4]] | "
            f"[[fact:fwd_{name}_dx:4]] | [[fact:fwd_{name}_dy:4]] |"
        )
    out["forward_trace_table"] = "\n".join(rows)
    out["exact_dfdx"] = y0 + math.cos(x0)
    out["exact_dfdy"] = _number(x0)
    out["cos_trace_x"] = math.cos(x0)

    # The reverse trace: the tape, then the backward pass edge by edge.
    reverse = reverse_trace()
    nodes = reverse["nodes"]
    tape = [
        "| line | operation | inputs | value | local derivatives |",
        "|:---|:---|:---|---:|:---|",
    ]
    ops = {"v3": ("×", "v1, v2"), "v4": ("sin", "v1"), "v5": ("+", "v3, v4")}
    for name, node in nodes.items():
        out[f"tape_{name}_value"] = node.value
        if name in ops:
            op, inputs = ops[name]
            locals_ = []
            for (_parent, local), parent_name in zip(node.parents, inputs.split(", "), strict=True):
                key = f"tape_{name}_local_{parent_name}"
                out[key] = float(local)
                locals_.append(f"∂{name}/∂{parent_name} = [[fact:{key}:4]]")
            tape.append(
                f"| $v_{name[1]}$ | {op} | {inputs} | [[fact:tape_{name}_value:4]] | "
                + "; ".join(locals_)
                + " |"
            )
        else:
            tape.append(f"| $v_{name[1]}$ | input | | [[fact:tape_{name}_value:4]] | |")
    out["tape_table"] = "\n".join(tape)
    steps = [
        "| step | adjoint passed | local derivative | contribution | adjoint so far |",
        "|---:|:---|---:|---:|---:|",
    ]
    running: dict[str, float] = {"v5": 1.0}
    for number, (node, parent, local, contribution) in enumerate(reverse["edges"], 1):
        running[parent] = running.get(parent, 0.0) + contribution
        key = f"rev_step{number}"
        out[f"{key}_local"] = float(local)
        out[f"{key}_contribution"] = float(contribution)
        out[f"{key}_total"] = float(running[parent])
        steps.append(
            f"| {number} | $\\bar v_{node[1]} \\to \\bar v_{parent[1]}$ | "
            f"[[fact:{key}_local:4]] | [[fact:{key}_contribution:4]] | "
            f"$\\bar v_{parent[1]}$ = [[fact:{key}_total:4]] |"
        )
    out["reverse_steps_table"] = "\n".join(steps)
    out["reverse_steps"] = len(reverse["edges"])
    out["rev_grad_x"] = nodes["v1"].grad
    out["rev_grad_y"] = nodes["v2"].grad
    out["rev_agrees_with_forward"] = bool(
        nodes["v1"].grad == forward_trace("x")[-1][3]
        and nodes["v2"].grad == forward_trace("y")[-1][3]
    )

    # AD against the central difference.
    curves = comparison_curves()
    best = int(np.argmin(curves["central"]))
    out["cmp_x0"] = _number(X0)
    out["cmp_ad_typical"] = curves["ad"]
    out["cmp_central_best_step"] = float(STEPS[best])
    out["cmp_central_best"] = float(curves["central"][best])
    out["cmp_ratio"] = float(curves["central"][best] / curves["ad"])
    out["cmp_decades"] = int(round(np.log10(STEPS[-1] / STEPS[0])))
    out["cmp_central_at_large"] = float(curves["central"][-11])  # h = 0.1
    out["cmp_large_step"] = float(STEPS[-11])
    point = comparison_at_x0()
    for key, value in point.items():
        out[f"cmp_point_{key}"] = value
    out["eps_float64"] = float(np.finfo(float).eps)

    # The cost of each mode: counts are exact, times are measured at build time.
    measured = cost_measurements()
    sizes = np.array(COST_SIZES)
    out["cost_n_max"] = int(sizes[-1])
    out["cost_n_min"] = int(sizes[0])
    out["cost_repeats"] = COST_REPEATS
    out["cost_forward_ops_max"] = int(measured["forward_ops"][-1])
    out["cost_reverse_ops_max"] = int(measured["reverse_ops"][-1])
    out["cost_ops_ratio_max"] = float(measured["forward_ops"][-1] / measured["reverse_ops"][-1])
    out["cost_forward_ops_slope"] = slope(sizes, measured["forward_ops"])
    out["cost_reverse_ops_slope"] = slope(sizes, measured["reverse_ops"])
    out["cost_forward_ms_max"] = float(measured["forward_time"][-1] * 1e3)
    out["cost_reverse_ms_max"] = float(measured["reverse_time"][-1] * 1e3)
    out["cost_time_ratio_max"] = float(measured["forward_time"][-1] / measured["reverse_time"][-1])
    x = chain_point(int(sizes[-1]))
    out["cost_forward_check"] = float(
        np.max(np.abs(gradient_forward(chain_loss, x) - chain_gradient(x)))
    )
    out["cost_reverse_check"] = float(
        np.max(np.abs(gradient_reverse(chain_loss, x) - chain_gradient(x)))
    )

    # The network: tape against hand-derived backpropagation and central differences.
    xs, ys, params = network_case()
    tape_grads = _vector(tape_gradients(params, xs, ys))
    hand = _vector(hand_gradients(params, xs, ys))
    n_params = sum(int(np.prod(s)) for s in SHAPES.values())
    out["net_parameters"] = n_params
    out["net_samples"] = int(xs.shape[1])
    out["net_numeric_evaluations"] = 2 * n_params
    out["net_tape_vs_hand"] = relative_difference(tape_grads, hand)
    out["net_check_epsilon"] = 1e-5
    out["net_tape_vs_numeric"] = relative_difference(
        tape_grads, numeric_gradients(params, xs, ys, 1e-5)
    )
    out["million"] = 10**6
    out["million_evaluations"] = 2 * 10**6

    # Where AD misleads.
    out["abs_at_zero"] = _number(dual_abs(Dual(0.0, 1.0)).derivative)
    out["abs_at_zero_negated"] = _number(
        (lambda x: -x if x.value <= 0 else x)(Dual(0.0, 1.0)).derivative
    )
    for label, point in (("below", 0.5), ("at", 1.0)):
        out[f"clip_{label}_x"] = _number(point)
        out[f"clip_{label}_derivative"] = _number(clipped(Dual(point, 1.0)).derivative)
    out["branch_identity_at_zero"] = _number(identity_with_a_branch(Dual(0.0, 1.0)).derivative)
    out["branch_identity_at_one"] = _number(identity_with_a_branch(Dual(1.0, 1.0)).derivative)
    out["babylonian_a"] = _number(BABYLONIAN_A)
    out["babylonian_true_value"] = _number(math.sqrt(BABYLONIAN_A))
    out["babylonian_true_derivative"] = 1 / (2 * math.sqrt(BABYLONIAN_A))
    rows = [
        "| iterations | value | AD derivative | error of the value | error of the derivative |",
        "|---:|---:|---:|---:|---:|",
    ]
    for row in babylonian_rows():
        k = row["k"]
        for field in ("value", "derivative", "value_error", "derivative_error"):
            out[f"babylonian_{k}_{field}"] = row[field]
        rows.append(
            f"| {k} | [[fact:babylonian_{k}_value:6]] | [[fact:babylonian_{k}_derivative:6]] | "
            f"[[fact:babylonian_{k}_value_error]] | [[fact:babylonian_{k}_derivative_error]] |"
        )
    out["babylonian_table"] = "\n".join(rows)
    first = babylonian_rows()[0]
    out["babylonian_first_off_percent"] = (
        first["derivative_error"] / out["babylonian_true_derivative"] * 100
    )
    return out


# -- The figures ---------------------------------------------------------------------------------


def comparison_figure(narrow: bool = False) -> bytes:
    """Log-log: the central difference's V against the flat error of forward-mode AD; with
    ``narrow``, drawn smaller with the legend in one column, for a phone's screen."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    curves = comparison_curves()
    floor, top = 1e-18, 10.0
    eps = float(np.finfo(float).eps)
    with plt.rc_context(figure_style.settings("lesson-1.2.40-comparison", narrow)):
        fig, ax = plt.subplots(figsize=(4.6, 5.4) if narrow else (8, 4.8))
        ax.loglog(
            STEPS,
            np.maximum(curves["central"], floor),
            color="#d62728",
            lw=1.6,
            label="central difference $(f(x+h)-f(x-h))/2h$",
        )
        ax.loglog(
            STEPS,
            np.full_like(STEPS, max(curves["ad"], floor)),
            color="#1f77b4",
            lw=2.0,
            label="forward-mode AD (dual numbers): no step at all",
        )
        best = int(np.argmin(curves["central"]))
        ax.plot([STEPS[best]], [curves["central"][best]], "o", color="#d62728", ms=6, mec="black")
        cbrt = np.cbrt(eps)
        ax.axvline(cbrt, color="0.55", ls=":", lw=1)
        ax.text(cbrt, top / 2, r"$\sqrt[3]{\varepsilon}$ ", color="0.3", ha="right", va="top")
        ax.set_xlim(10**-16.5, 10**0.5)
        ax.set_ylim(floor, top)
        figure_style.power_of_ten_ticks(ax)
        ax.set_xlabel("step h of the central difference (AD uses none)")
        ax.set_ylabel(f"typical |error| of f'(x) near x = {X0:g}")
        title = "f(x) = sin(exp(x)): finite differences against AD, in float64"
        ax.set_title(title.replace(": ", ":\n") if narrow else title)
        ax.grid(True, which="major", color="0.9", lw=0.6)
        return figure_style.legend_below_as_svg(fig, ax, narrow, bottom=(0.12, 0.07), columns=2)


def cost_figure(narrow: bool = False) -> bytes:
    """Measured time and exact operation counts of both modes against n, log-log; with
    ``narrow``, the two panels stacked and the lettering larger, for a phone's screen."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    measured = cost_measurements()
    sizes = np.array(COST_SIZES)
    with plt.rc_context(figure_style.settings("lesson-1.2.40-cost", narrow)):
        if narrow:
            fig, axes = plt.subplots(2, 1, figsize=(4.6, 8.4))
        else:
            fig, axes = plt.subplots(1, 2, figsize=(10, 4.4))
        panels = (
            (
                axes[0],
                "time",
                1e3,
                f"time of one full gradient (ms, best of {COST_REPEATS})",
                "measured",
            ),
            (axes[1], "ops", 1, "elementary operations for one gradient", "counted"),
        )
        for ax, kind, scale, ylabel, title in panels:
            for mode, colour, label in (
                ("forward", "#ff7f0e", "forward mode: n passes"),
                ("reverse", "#1f77b4", "reverse mode: 1 forward + 1 backward pass"),
            ):
                ax.loglog(
                    sizes,
                    measured[f"{mode}_{kind}"] * scale,
                    "o-",
                    color=colour,
                    lw=1.6,
                    ms=4,
                    label=label,
                )
            ax.set_xscale("log", base=2)
            ax.set_xticks(sizes, [str(n) for n in sizes])
            ax.minorticks_off()
            figure_style.power_of_ten_ticks(ax, "y")
            ax.set_xlabel("n, the number of inputs")
            ax.set_ylabel(ylabel)
            ax.set_title(f"{title} when this site was built")
            ax.grid(True, which="major", color="0.9", lw=0.6)
        axes[1].set_title("counted: the same on every machine")
        return figure_style.legend_below_as_svg(
            fig, axes[0], narrow, bottom=(0.07, 0.08), columns=2
        )


@cache
def figures() -> dict[str, bytes]:
    """The lesson's generated files, by path relative to its folder."""
    return {
        "figures/ad-vs-finite-differences.svg": comparison_figure(),
        "figures/ad-vs-finite-differences-narrow.svg": comparison_figure(narrow=True),
        "figures/cost-of-each-mode.svg": cost_figure(),
        "figures/cost-of-each-mode-narrow.svg": cost_figure(narrow=True),
    }
