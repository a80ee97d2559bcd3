"""Hidden checks for 1.2.39.3, sampled_derivative(y, dx).

Samples are drawn at grade time from lines, quadratics and sin; expected values are
analytic: the slope of a line, the forward difference's exact error a*dx on a quadratic,
the truncation bound dx/2 for sin and its first-order convergence.
"""

import numpy as np
import pytest

from grader import checks

EPS = np.finfo(float).eps


def roundoff(y: np.ndarray, dx: float) -> float:
    """A generous bound on the round-off in (y[i+1] - y[i]) / dx: a few eps*|y| / dx."""
    return 8 * EPS * (1.0 + float(np.max(np.abs(y)))) / dx


def grid(rng: np.random.Generator, n: int, dx: float) -> np.ndarray:
    return float(rng.uniform(-3, 3)) + dx * np.arange(n)


def slopes(submission, y, dx, n: int) -> np.ndarray:
    got = submission.sampled_derivative(y, dx)
    array = checks.as_array(got, submission.last_text, what=f"an array of the {n - 1} slopes")
    checks.true(
        array.shape == (n - 1,),
        f"{submission.last_text} returned an array of shape {array.shape}; expected shape "
        f"({n - 1},): {n} samples have {n - 1} neighbouring pairs, so one slope fewer than "
        "samples.",
    )
    return array


@pytest.mark.points(2)
def test_straight_line_gives_its_slope(submission, rng):
    """Samples of a straight line a + b*x give b for every pair."""
    for _ in range(3):
        n, dx = int(rng.integers(5, 40)), float(10.0 ** rng.uniform(-3, 0))
        a, b = rng.uniform(-5, 5, size=2)
        y = a + b * grid(rng, n, dx)
        got = slopes(submission, y, dx, n)
        checks.close(
            got,
            np.full(n - 1, b),
            submission.last_text,
            rtol=0,
            atol=roundoff(y, dx),
            why="Between any two samples of a line the slope is the line's own b. Compute "
            "(y[i+1] - y[i]) / dx for i = 0 .. n-2 (np.diff(y) / dx does it at once).",
        )
        checks.true(
            not submission.last.mutated,
            f"{submission.last_text} changed the array of samples it was given. Build the "
            "differences as a new array instead of overwriting y.",
        )


@pytest.mark.points(2)
def test_quadratic_samples_carry_the_forward_error(submission, rng):
    """Samples of a*x**2 + b*x + c give 2*a*x_i + b + a*dx, the forward error a*dx.

    Slope i pairs samples i and i+1 and estimates f'(x_i) at the left sample."""
    a = float(rng.uniform(0.5, 3.0) * rng.choice([-1, 1]))
    b, c = rng.uniform(-2, 2, size=2)
    n, dx = int(rng.integers(8, 30)), float(rng.uniform(0.05, 0.3))
    x = grid(rng, n, dx)
    y = a * x * x + b * x + c
    got = slopes(submission, y, dx, n)
    checks.close(
        got,
        2 * a * x[:-1] + b + a * dx,
        submission.last_text,
        rtol=0,
        atol=roundoff(y, dx),
        why="Slope i should pair sample i with sample i+1 and divide by dx once; it then "
        "estimates f'(x_i) with the error a*dx of a forward difference.",
        section="forward-difference",
    )


@pytest.mark.points(2)
def test_sin_samples_approximate_cos(submission, rng):
    """Samples of sin give cos within dx/2, and halving dx halves the error."""
    dx = float(rng.uniform(0.005, 0.05))
    n = int(np.ceil(3.0 / dx)) + 1  # about three units of x
    x = grid(rng, n, dx)
    got = slopes(submission, np.sin(x), dx, n)
    # forward difference: error dx/2 * |f''| <= dx/2 for sin, plus round-off
    checks.close(
        got,
        np.cos(x[:-1]),
        submission.last_text,
        rtol=0,
        atol=dx / 2 + roundoff(np.ones(1), dx),
        why="Slope i estimates the derivative cos(x_i) at the left sample of the pair, "
        "with a truncation error of at most dx/2 * max|sin| = dx/2.",
    )
    coarse = float(np.max(np.abs(got - np.cos(x[:-1]))))
    fine_x = x[0] + dx / 2 * np.arange(2 * n - 1)  # the same stretch of x, twice as dense
    fine = slopes(submission, np.sin(fine_x), dx / 2, 2 * n - 1)
    finer = float(np.max(np.abs(fine - np.cos(fine_x[:-1]))))
    checks.true(
        1.6 <= coarse / finer <= 2.4,
        f"With spacing {dx:.4g} the largest error against cos was {coarse:.3e}; with "
        f"spacing {dx / 2:.4g} it was {finer:.3e}, a ratio of {coarse / finer:.2f}. A "
        "forward difference is first order: half the spacing, half the error (ratio ~2).",
        section="truncation-error",
    )


@pytest.mark.points(2)
def test_lists_integers_and_two_samples(submission, rng):
    """Lists and integer samples work and give float slopes; 2 samples give 1 slope."""
    y = [int(v) for v in rng.integers(-20, 20, size=7)]
    dx = 4.0
    got = slopes(submission, y, dx, len(y))
    checks.close(
        got,
        np.diff(np.asarray(y, dtype=float)) / dx,
        submission.last_text,
        rtol=1e-12,
        why="A list of numbers is fine input; convert it with np.asarray(y, dtype=float).",
    )
    ints = rng.integers(-20, 20, size=6)
    got = slopes(submission, ints, 3, len(ints))
    checks.close(
        got,
        np.diff(ints.astype(float)) / 3,
        submission.last_text,
        rtol=1e-12,
        why="Integer samples must give fractional slopes: an output array made with "
        "np.zeros_like(y) or np.empty_like(y) is an integer array and truncates them.",
    )
    pair = [float(v) for v in rng.uniform(-5, 5, size=2)]
    dx = float(rng.uniform(0.1, 1.0))
    got = slopes(submission, pair, dx, 2)
    checks.close(
        got,
        [(pair[1] - pair[0]) / dx],
        submission.last_text,
        rtol=1e-12,
        why="Two samples give exactly one slope, returned as an array of length 1.",
    )


@pytest.mark.points(2)
def test_bad_input_raises_value_error(submission, rng):
    """dx <= 0, or fewer than 2 samples, raises ValueError; good samples do not."""
    y = rng.uniform(-1, 1, size=5)
    dx = float(rng.uniform(0.1, 1.0))
    for bad in (0.0, -dx):
        checks.raises(
            submission.sampled_derivative,
            "ValueError",
            y,
            bad,
            why="A spacing of zero or less has no meaning for samples: check dx first and "
            "raise ValueError('...') when dx <= 0.",
        )
    for few in ([float(y[0])], []):
        checks.raises(
            submission.sampled_derivative,
            "ValueError",
            few,
            dx,
            why="A slope needs two samples: raise ValueError when len(y) < 2 rather than "
            "returning an empty array.",
        )
    # ... and only then: the same samples with a positive spacing give their slopes.
    checks.close(
        submission.sampled_derivative(y, dx),
        np.diff(y) / dx,
        submission.last_text,
        rtol=1e-12,
        atol=1e-12,
        why="Raise ValueError only for dx <= 0 or fewer than 2 samples; otherwise return "
        "(y[1:] - y[:-1]) / dx.",
    )
