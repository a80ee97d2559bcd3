"""The trusted inputs of lesson 1.2.39: the functions its hidden suites pass into learner
code (``f``, ``dfdx``, a difference ``method``, a ``grad`` with or without a planted bug).

Loaded by the suites with ``grader.grading.inputs.lesson_inputs(__file__)``, in the grader's
process only; learner code gets handles (:mod:`grader.sandbox.trusted`). Private to the
grader: no worker can read this file.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from grader.sandbox.trusted import Registry, inexact, numpy_result

INPUTS = Registry()
get = INPUTS.get


def _poly_text(coeffs: list[float]) -> str:
    """``-1.5*x**2 + x - 2``: highest power first, each sign written once."""
    terms = []  # (negative, magnitude text) from the highest power down
    for power, c in reversed(list(enumerate(coeffs))):
        if c == 0:
            continue
        base = {0: "", 1: "x"}.get(power, f"x**{power}")
        size = abs(c)
        text = f"{size:g}" if not base else (base if size == 1 else f"{size:g}*{base}")
        terms.append((c < 0, text))
    if not terms:
        return "0"
    negative, text = terms[0]
    out = ("-" if negative else "") + text
    for negative, text in terms[1:]:
        out += f" {'-' if negative else '+'} {text}"
    return out


@INPUTS.register("poly")
def _poly(coeffs: list[float], derivative: bool = False):
    """Elementwise polynomial with ``coeffs[k]`` the coefficient of x**k. With
    ``derivative=True`` it is described as a derivative, ``f'(x) = ...`` (the exact
    derivative of another poly, given as its own coefficients), so that a message showing
    both f and its derivative does not read as two f's; it computes the same."""
    # Python floats, as in a learner's ``3.0 * x**2 + 1.0``: they keep a float32 x float32.
    c = [float(k) for k in coeffs]

    def poly(x):
        x = inexact(x)
        result = np.zeros_like(x)
        for coefficient in reversed(c):  # Horner's rule
            result = result * x + coefficient
        return numpy_result(result)

    name = "f'(x)" if derivative else "f(x)"
    return poly, f"{name} = {_poly_text(list(coeffs))}"


_ELEMENTWISE = {"sin": np.sin, "cos": np.cos, "exp": np.exp, "tanh": np.tanh, "log": np.log}


@INPUTS.register("ufunc")
def _ufunc(name: str, scale: float = 1.0):
    """``f(x) = func(scale * x)`` for one of a few smooth NumPy functions."""
    func, scale = _ELEMENTWISE[name], float(scale)

    def call(x):
        return numpy_result(func(scale * inexact(x)))

    inner = "x" if scale == 1.0 else f"{scale:g}*x"
    return call, f"f(x) = {name}({inner})"


# The derivative g'(u) of each _ELEMENTWISE function g, and its text with the chain-rule
# factor {k} (the scale) and the inner argument {u}.
_DERIVATIVES = {
    "sin": (np.cos, "{k}*cos({u})"),
    "cos": (lambda u: -np.sin(u), "-{k}*sin({u})"),
    "exp": (np.exp, "{k}*exp({u})"),
    "tanh": (lambda u: 1.0 - np.tanh(u) ** 2, "{k}*(1 - tanh({u})**2)"),
    "log": (lambda u: 1.0 / u, "{k}/({u})"),
}


@INPUTS.register("ufunc_derivative")
def _ufunc_derivative(name: str, scale: float = 1.0):
    """The exact derivative of ``ufunc(name, scale)``: ``scale * func'(scale * x)``."""
    (func, text), scale = _DERIVATIVES[name], float(scale)

    def call(x):
        return numpy_result(scale * func(scale * inexact(x)))

    inner = "x" if scale == 1.0 else f"{scale:g}*x"
    formula = text.format(k=f"{scale:g}", u=inner)
    if scale == 1.0:
        formula = formula.replace("1*", "").replace("1/(x)", "1/x")
    return call, f"f'(x) = {formula}"


@INPUTS.register("sum_of_squares")
def _sum_of_squares():
    def call(x):
        return np.sum(np.square(inexact(x)))  # a NumPy scalar, as np.sum gives

    return call, "f(x) = sum of x_i**2"


@INPUTS.register("rosenbrock")
def _rosenbrock(a: float = 1.0, b: float = 100.0):
    a, b = float(a), float(b)

    def call(x):
        v = inexact(x).ravel()
        return np.sum(b * (v[1:] - v[:-1] ** 2) ** 2 + (a - v[:-1]) ** 2)

    return call, f"Rosenbrock function (a={a:g}, b={b:g})"


@INPUTS.register("quadratic_form")
def _quadratic_form(matrix: list[list[float]], shape: list[int]):
    """``f(X) = 0.5 * vec(X)^T A vec(X) + sum(sin(X))`` for an X of any shape."""
    a = np.asarray(matrix, dtype=float)

    def call(x):
        v = inexact(x).reshape(-1)
        return numpy_result(0.5 * v @ a @ v + np.sum(np.sin(v)))

    return call, f"f(X) = 0.5 vec(X)^T A vec(X) + sum(sin(X)) for X of shape {tuple(shape)}"


@INPUTS.register("matrix_product_form")
def _matrix_product_form(left: list[list[float]], right: list[list[float]]):
    """``f(X) = 0.5 * sum(X * (P @ X @ Q)) + sum(sin(X))`` for an X of shape (p, q), with P
    (p, p) and Q (q, q) square: a function of a matrix as a matrix, which needs X in its
    own shape. Its gradient is ``0.5 * (P @ X @ Q + P.T @ X @ Q.T) + cos(X)``. Any other
    shape (a flattened copy of X, say) raises ValueError, as ``P @ X`` would."""
    p, q = np.asarray(left, dtype=float), np.asarray(right, dtype=float)
    shape = (p.shape[0], q.shape[0])

    def call(x):
        x = inexact(x)
        if x.shape != shape:
            raise ValueError(
                f"f takes an array of shape {shape} (the shape of x), not one of shape {x.shape}"
            )
        return numpy_result(0.5 * np.sum(x * (p @ x @ q)) + np.sum(np.sin(x)))

    # Short enough (under 60 characters) to be shown whole in a call's text.
    return call, f"f(X) = 0.5 sum(X*(P@X@Q)) + sum(sin(X)), X of shape {shape}"


# Difference quotients a learner's code may receive as a ``method(f, x, h)`` argument.
_DIFFERENCES = {
    "forward": (
        lambda f, x, h: (f(x + h) - f(x)) / h,
        "the forward difference (f(x + h) - f(x)) / h",
    ),
    "backward": (
        lambda f, x, h: (f(x) - f(x - h)) / h,
        "the backward difference (f(x) - f(x - h)) / h",
    ),
    "central": (
        lambda f, x, h: (f(x + h) - f(x - h)) / (2 * h),
        "the central difference (f(x + h) - f(x - h)) / (2h)",
    ),
}


@INPUTS.register("difference_method")
def _difference_method(kind: str):
    """A trusted ``method(f, x, h)`` estimating f'(x): forward, backward or central."""
    quotient, text = _DIFFERENCES[kind]

    def method(f, x, h):
        # An array of steps works too (one estimate per step), for vectorised callers.
        return numpy_result(quotient(f, inexact(x), inexact(h)))

    return method, text


def _exact_gradient(of: str, params: dict[str, Any]) -> Callable[[np.ndarray], np.ndarray]:
    """The analytic gradient of the scalar trusted function ``of`` (same parameters)."""
    if of == "sum_of_squares":
        return lambda v: 2.0 * v
    if of == "rosenbrock":
        a, b = float(params.get("a", 1.0)), float(params.get("b", 100.0))

        def rosenbrock_gradient(v):
            g = np.zeros_like(v)
            inner = v[1:] - v[:-1] ** 2
            g[:-1] += -4.0 * b * v[:-1] * inner - 2.0 * (a - v[:-1])
            g[1:] += 2.0 * b * inner
            return g

        return rosenbrock_gradient
    if of == "quadratic_form":
        m = np.asarray(params["matrix"], dtype=float)
        return lambda v: 0.5 * (m + m.T) @ v + np.cos(v)
    raise KeyError(f"no analytic gradient for {of!r}")


_BUGS = {
    "none": "",
    "sign": " with its sign flipped",
    "factor": " multiplied by 2",
    "transpose": " transposed",
}


@INPUTS.register("gradient")
def _gradient(of: str, params: dict[str, Any] | None = None, bug: str = "none"):
    """The analytic gradient of the trusted function ``of``, optionally with a planted bug:
    ``"sign"`` (negated), ``"factor"`` (doubled) or ``"transpose"`` (a matrix gradient
    transposed, meant for square matrices). Returns a float array shaped like x."""
    exact = _exact_gradient(of, params or {})
    if bug not in _BUGS:
        raise KeyError(f"unknown planted bug {bug!r}")

    def call(x):
        x = inexact(x)
        g = exact(x.reshape(-1)).reshape(x.shape)
        if bug == "sign":
            return -g
        if bug == "factor":
            return 2.0 * g
        if bug == "transpose":
            return g.T.copy()
        return g

    return call, f"the gradient of {of}{_BUGS[bug]}"
