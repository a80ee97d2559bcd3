"""Trusted functions that hidden suites pass into learner code.

A learner's ``forward_difference(f, x, h)`` needs an ``f``. The suite builds one here,
say ``functions.get("poly", coeffs=[1, 0, 3])``; it crosses to the worker as its name and
parameters only, and the worker rebuilds the same function from this module. The
function is therefore never learner code, and both sides agree on what it computes.

Add a function with :func:`register`: a builder taking JSON-friendly parameters and
returning ``(callable, description)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

_BUILDERS: dict[str, Callable[..., tuple[Callable, str]]] = {}


def register(name: str):
    def wrap(builder):
        _BUILDERS[name] = builder
        return builder

    return wrap


class TrustedFunction:
    """A function known by name and parameters, callable on either side."""

    def __init__(self, name: str, params: dict[str, Any], /):
        if name not in _BUILDERS:
            raise KeyError(f"no trusted function named {name!r}")
        self.name, self.params = name, dict(params)
        self._call, self.description = _BUILDERS[name](**self.params)
        self.calls = 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        return self._call(*args, **kwargs)

    def __wire_ref__(self) -> tuple[str, dict]:
        return self.name, self.params

    def __repr__(self) -> str:
        return self.description


def get(name: str, /, **params: Any) -> TrustedFunction:
    """The trusted function ``name`` with ``params``."""
    return TrustedFunction(name, params)


def _poly_text(coeffs: list[float]) -> str:
    terms = []
    for power, c in enumerate(coeffs):
        if c == 0:
            continue
        base = {0: "", 1: "x"}.get(power, f"x**{power}")
        terms.append(f"{c:g}" if not base else (base if c == 1 else f"{c:g}*{base}"))
    return " + ".join(reversed(terms)) or "0"


@register("poly")
def _poly(coeffs: list[float]):
    """Elementwise polynomial with ``coeffs[k]`` the coefficient of x**k."""
    c = np.asarray(coeffs, dtype=float)

    def poly(x):
        x = np.asarray(x, dtype=float)
        result = np.zeros_like(x)
        for coefficient in c[::-1]:  # Horner's rule
            result = result * x + coefficient
        return result if result.ndim else float(result)

    return poly, f"f(x) = {_poly_text(list(coeffs))}"


_ELEMENTWISE = {"sin": np.sin, "cos": np.cos, "exp": np.exp, "tanh": np.tanh, "log": np.log}


@register("ufunc")
def _ufunc(name: str, scale: float = 1.0):
    """``f(x) = func(scale * x)`` for one of a few smooth NumPy functions."""
    func = _ELEMENTWISE[name]

    def call(x):
        result = func(scale * np.asarray(x, dtype=float))
        return result if np.ndim(result) else float(result)

    inner = "x" if scale == 1.0 else f"{scale:g}*x"
    return call, f"f(x) = {name}({inner})"


@register("sum_of_squares")
def _sum_of_squares():
    def call(x):
        return float(np.sum(np.square(np.asarray(x, dtype=float))))

    return call, "f(x) = sum of x_i**2"


@register("rosenbrock")
def _rosenbrock(a: float = 1.0, b: float = 100.0):
    def call(x):
        v = np.asarray(x, dtype=float).ravel()
        return float(np.sum(b * (v[1:] - v[:-1] ** 2) ** 2 + (a - v[:-1]) ** 2))

    return call, f"Rosenbrock function (a={a:g}, b={b:g})"


@register("quadratic_form")
def _quadratic_form(matrix: list[list[float]], shape: list[int]):
    """``f(X) = 0.5 * vec(X)^T A vec(X) + sum(sin(X))`` for an X of any shape."""
    a = np.asarray(matrix, dtype=float)

    def call(x):
        v = np.asarray(x, dtype=float).reshape(-1)
        return float(0.5 * v @ a @ v + np.sum(np.sin(v)))

    return call, f"f(X) = 0.5 vec(X)^T A vec(X) + sum(sin(X)) for X of shape {tuple(shape)}"


def resolve(name: str, params: dict[str, Any]) -> TrustedFunction:
    """Rebuild a function sent over the wire (used by the worker)."""
    return TrustedFunction(name, params)
