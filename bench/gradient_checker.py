"""The project's reference gradient checker on an MLP of about 20k parameters.

1. Cost: the reference checker's full check (``check_gradients``) against a plain NumPy
   central-difference loop, alternated in the same run (aim: at most 1.2x the plain loop;
   both need 2n evaluations of the cost, which is the floor).
2. Detection over many seeds: bugs planted in correct gradients (a bias gradient times 4,
   a weight gradient times 2, one element 1% off, a transposed weight gradient, a missing
   1/m), each to be localised to the right tensor, and no false alarm on correct
   gradients. The plain loop's single relative difference is shown next to it, read with
   the usual thresholds (above 1e-7: not clean; above 1e-3: a bug).
3. float32: the same model in single precision, checked in its own dtype (steps and
   tolerances follow it) and with the numeric side promoted to float64.

If PyTorch is installed, ``torch.autograd.gradcheck`` (slow and fast mode) adds columns to
the detection table; otherwise they are skipped.

    .venv/bin/python bench/gradient_checker.py [--seeds 20] [--runs 3]
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
LAYERS = (64, 100, 100, 40, 1)  # 20,681 parameters; W2 is square, so it can be transposed
BATCH = 32
PLAIN_EPSILON = 1e-7  # the customary step of the classic check


def load_reference():
    """The reference solution of project 1.2.39 (it imports the project's network.py)."""
    sys.path.insert(0, str(ROOT / "exercises" / "1.2.39" / "project"))
    path = ROOT / "solutions" / "1.2.39" / "project" / "gradient_checker.py"
    spec = importlib.util.spec_from_file_location("reference_gradient_checker", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


# --- the model: an MLP with ReLU hidden layers, a sigmoid output and cross-entropy -------


def make_model(seed: int, dtype=np.float64):
    rng = np.random.default_rng(seed)
    params = {}
    for i, (fan_in, fan_out) in enumerate(zip(LAYERS[:-1], LAYERS[1:], strict=True), start=1):
        params[f"W{i}"] = (rng.standard_normal((fan_out, fan_in)) * np.sqrt(2 / fan_in)).astype(
            dtype
        )
        params[f"b{i}"] = (rng.standard_normal((fan_out, 1)) * 0.1).astype(dtype)
    X = rng.standard_normal((LAYERS[0], BATCH)).astype(dtype)
    Y = (rng.random((1, BATCH)) < 0.5).astype(dtype)
    return params, X, Y


def forward(params, X, Y):
    layers = len(LAYERS) - 1
    A, cache = X, [X]
    for i in range(1, layers + 1):
        Z = params[f"W{i}"] @ A + params[f"b{i}"]
        A = np.maximum(Z, 0) if i < layers else 1 / (1 + np.exp(-Z))
        cache.append(A)
    m = X.shape[1]
    cost = -np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m
    return float(cost), cache


def backward(params, X, Y):
    layers = len(LAYERS) - 1
    _, cache = forward(params, X, Y)
    m = X.shape[1]
    grads = {}
    dZ = cache[-1] - Y
    for i in range(layers, 0, -1):
        grads[f"W{i}"] = dZ @ cache[i - 1].T / m
        grads[f"b{i}"] = np.sum(dZ, axis=1, keepdims=True) / m
        if i > 1:
            dZ = (params[f"W{i}"].T @ dZ) * (cache[i - 1] > 0)
    return {name: grads[name] for name in params}


def parameter_count(params) -> int:
    return sum(v.size for v in params.values())


# --- the plain loop: what most people write --------------------------------------------


def plain_numeric(params, X, Y, epsilon=PLAIN_EPSILON):
    """A plain central-difference loop over one flat parameter vector, perturbed in place."""
    names = list(params)
    theta = np.concatenate([params[n].ravel() for n in names])
    views, start = {}, 0
    for n in names:  # the dictionary's arrays are views into theta
        views[n] = theta[start : start + params[n].size].reshape(params[n].shape)
        start += params[n].size
    numeric = np.empty_like(theta)
    for i in range(theta.size):
        old = theta[i]
        theta[i] = old + epsilon
        plus = forward(views, X, Y)[0]
        theta[i] = old - epsilon
        minus = forward(views, X, Y)[0]
        theta[i] = old
        numeric[i] = (plus - minus) / (2 * epsilon)
    return numeric


def flat(grads, names):
    return np.concatenate([grads[n].ravel() for n in names])


def relative(a, b) -> float:
    return float(np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b)))


# --- planted bugs ------------------------------------------------------------------------


def plant(kind: str, grads, rng):
    """A copy of ``grads`` with one bug; returns (grads, tensor, expected diagnosis)."""
    bad = {k: v.copy() for k, v in grads.items()}
    weights = [k for k in grads if k.startswith("W")]
    biases = [k for k in grads if k.startswith("b")]
    if kind == "bias x4":
        name = str(rng.choice(biases))
        bad[name] *= 4
        return bad, name, "constant factor 4"
    if kind == "weight x2":
        name = str(rng.choice(weights))
        bad[name] *= 2
        return bad, name, "constant factor 2"
    if kind == "one element 1% off":
        name = str(rng.choice(weights))
        values = bad[name].reshape(-1)
        # An entry that matters: among the larger half of the tensor's gradient.
        candidates = np.flatnonzero(np.abs(values) >= np.median(np.abs(values)))
        values[int(rng.choice(candidates))] *= 1.01
        return bad, name, "entry wrong"
    if kind == "transpose":
        name = next(k for k in weights if grads[k].shape[0] == grads[k].shape[1])
        bad[name] = bad[name].T.copy()
        return bad, name, "transpose"
    if kind == "missing 1/m":
        name = str(rng.choice(list(grads)))
        bad[name] *= BATCH
        return bad, name, f"constant factor {BATCH}"
    raise ValueError(kind)


BUGS = ("bias x4", "weight x2", "one element 1% off", "transpose", "missing 1/m")


# --- optional: PyTorch's gradcheck ----------------------------------------------------------


def torch_gradcheck(params, X, Y, grads_fn, fast: bool) -> bool | None:
    """True if torch.autograd.gradcheck flags ``grads_fn`` as wrong; None without torch."""
    try:
        import torch
    except ImportError:
        return None
    names = list(params)

    class Cost(torch.autograd.Function):
        @staticmethod
        def forward(ctx, *tensors):
            values = {n: t.detach().numpy() for n, t in zip(names, tensors, strict=True)}
            ctx.values = values
            return torch.tensor(forward(values, X, Y)[0], dtype=torch.float64)

        @staticmethod
        def backward(ctx, grad_out):
            grads = grads_fn(ctx.values)
            return tuple(grad_out * torch.from_numpy(np.ascontiguousarray(grads[n])) for n in names)

    inputs = tuple(torch.from_numpy(params[n].copy()).requires_grad_(True) for n in names)
    passed = torch.autograd.gradcheck(
        Cost.apply, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=False, fast_mode=fast
    )
    return not passed


# --- the benchmark -------------------------------------------------------------------------


def cost_comparison(ref, runs: int) -> None:
    params, X, Y = make_model(0)
    grads = backward(params, X, Y)
    n = parameter_count(params)
    names = list(params)

    def cost(p):
        return forward(p, X, Y)[0]

    plain_times, ref_times, report = [], [], None
    for _ in range(runs):  # alternate, so that both see the same machine load
        started = time.perf_counter()
        numeric = plain_numeric(params, X, Y)
        plain_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        report = ref.check_gradients(cost, params, grads)
        ref_times.append(time.perf_counter() - started)
    plain, reference = statistics.median(plain_times), statistics.median(ref_times)
    print(
        f"1. Cost of a full check: MLP {'-'.join(map(str, LAYERS))}, batch {BATCH}, "
        f"n = {n} parameters, median of {runs} alternated runs"
    )
    print(f"   {'checker':<34} {'cost evaluations':>17} {'seconds':>9} {'vs plain':>9}")
    print(f"   {'plain NumPy central-difference loop':<34} {2 * n:>17} {plain:>9.3f} {1.0:>8.2f}x")
    print(
        f"   {'reference check_gradients':<34} {report.evaluations:>17} {reference:>9.3f} "
        f"{reference / plain:>8.2f}x   (aim: at most 1.2x)"
    )
    print(
        f"   plain loop, eps {PLAIN_EPSILON:g}: whole-vector relative difference "
        f"{relative(flat(grads, names), numeric):.2e}"
    )
    print(
        f"   reference: {'all tensors agree' if report.ok else 'DISAGREES: ' + str(report.bugs)}"
        f", whole-vector relative difference {report.difference:.2e}, "
        f"{sum(len(t.kinks) for t in report.tensors.values())} kink warning(s)"
    )
    print()
    print("   The reference checker's report for this model:")
    print("   " + str(report).replace("\n", "\n   "))
    print()


def detection_table(ref, seeds: int) -> None:
    with_torch = importlib.util.find_spec("torch") is not None
    cases = ("correct",) + BUGS
    counts = {
        case: {
            "ref_flag": 0,
            "ref_local": 0,
            "ref_class": 0,
            "plain_1e7": 0,
            "plain_1e3": 0,
            "kinks": 0,
            "extra_evals": 0,
            "torch_slow": 0,
            "torch_fast": 0,
        }
        for case in cases
    }
    started = time.perf_counter()
    for seed in range(seeds):
        params, X, Y = make_model(1000 + seed)
        names = list(params)
        grads = backward(params, X, Y)

        def cost(p, X=X, Y=Y):
            return forward(p, X, Y)[0]

        # The numeric side does not depend on the analytic gradients: compute it once per
        # model, then judge the correct gradients and every planted bug against it.
        numeric = ref.numeric_gradient(cost, params)
        plain = plain_numeric(params, X, Y)
        for number, case in enumerate(cases):
            if case == "correct":
                candidate, culprit, expected = grads, None, ""
            else:
                candidate, culprit, expected = plant(
                    case, grads, np.random.default_rng([seed, number])
                )
            report = ref.compare(numeric, candidate)
            row = counts[case]
            row["kinks"] += sum(len(t.kinks) for t in report.tensors.values())
            row["extra_evals"] += report.evaluations - numeric.evaluations
            row["ref_flag"] += bool(report.bugs)
            if culprit is None:
                row["ref_local"] += not report.bugs
                row["ref_class"] += not report.bugs
            else:
                row["ref_local"] += report.bugs == [culprit]
                row["ref_class"] += (
                    report.bugs == [culprit] and expected in report.tensors[culprit].diagnosis
                )
            difference = relative(flat(candidate, names), plain)
            row["plain_1e7"] += difference > 1e-7
            row["plain_1e3"] += difference > 1e-3
            if with_torch:

                def grads_fn(values, case=case, key=(seed, number), X=X, Y=Y):
                    fresh = backward(values, X, Y)
                    if case == "correct":
                        return fresh
                    return plant(case, fresh, np.random.default_rng(list(key)))[0]

                for mode, fast in (("torch_slow", False), ("torch_fast", True)):
                    row[mode] += bool(torch_gradcheck(params, X, Y, grads_fn, fast))
    elapsed = time.perf_counter() - started

    print(
        f"2. Detection over {seeds} seeded models (n = {parameter_count(params)}; "
        f"{elapsed:.0f} s in all)"
    )
    print(
        "   Each cell counts models out of "
        f"{seeds}. For 'correct', the flag columns count false alarms (want 0) and "
        "'localised' counts clean reports (want all)."
    )
    header = (
        f"   {'case':<20} {'ref: flagged':>12} {'localised':>10} {'class named':>12} "
        f"{'kink warn.':>10} {'plain >1e-7':>12} {'plain >1e-3':>12}"
    )
    if with_torch:
        header += f" {'torch slow':>11} {'torch fast':>11}"
    print(header)
    for case in cases:
        row = counts[case]
        line = (
            f"   {case:<20} {row['ref_flag']:>12} {row['ref_local']:>10} "
            f"{row['ref_class']:>12} {row['kinks']:>10} {row['plain_1e7']:>12} "
            f"{row['plain_1e3']:>12}"
        )
        if with_torch:
            line += f" {row['torch_slow']:>11} {row['torch_fast']:>11}"
        print(line)
    if not with_torch:
        print("   (torch is not installed: the torch.autograd.gradcheck columns are skipped)")
    print(
        "   localised = the report names exactly the planted tensor; class named = and its "
        "diagnosis is the planted bug (factor 4, factor 2, entry wrong, transpose, factor "
        f"{BATCH} = batch size); kink warn. = entries re-checked as kinks in all models."
    )
    print()


def float32_check(ref, seeds: int) -> None:
    print(f"3. float32: the same MLP in single precision, {seeds} seeds")
    print(
        "   Steps and tolerances follow the dtype: in float32 the scaled step is about "
        f"{np.cbrt(np.finfo(np.float32).eps):.2g} (cbrt(eps32))."
    )
    print(
        f"   {'numeric side':<34} {'false alarms':>13} {'kink warn.':>11} "
        f"{'weight x2 localised':>20} {'1% element localised':>21}"
    )
    for label, precision in (
        ("float32 (the parameters' dtype)", None),
        ("float64 (precision=np.float64)", np.float64),
    ):
        false_alarms = kinks = doubled = element = 0
        for seed in range(seeds):
            params, X, Y = make_model(2000 + seed, np.float32)
            grads = backward(params, X, Y)

            def cost(p, X=X, Y=Y):
                return forward(p, X, Y)[0]

            numeric = ref.numeric_gradient(cost, params, precision=precision)
            report = ref.compare(numeric, grads)
            false_alarms += not report.ok
            kinks += sum(len(t.kinks) for t in report.tensors.values())
            bad, culprit, _ = plant("weight x2", grads, np.random.default_rng([seed, 0]))
            doubled += ref.compare(numeric, bad).bugs == [culprit]
            bad, culprit, _ = plant("one element 1% off", grads, np.random.default_rng([seed, 1]))
            element += ref.compare(numeric, bad).bugs == [culprit]
        print(
            f"   {label:<34} {false_alarms:>10}/{seeds} {kinks:>11} {doubled:>17}/{seeds} "
            f"{element:>18}/{seeds}"
        )
    print(
        "   In float32 a step near 5e-3 is needed against round-off, and in a ReLU network "
        "such steps cross kinks (often several) for a good share of the coordinates: the "
        "check cannot be clean. Evaluating the float32 parameters in float64 (a NumPy cost "
        "then computes in float64) removes both problems; only the analytic gradient's own "
        "float32 rounding is tolerated."
    )
    plain_params, X, Y = make_model(2000, np.float32)
    grads = backward(plain_params, X, Y)
    difference = relative(flat(grads, list(plain_params)), plain_numeric(plain_params, X, Y))
    print(
        f"   For comparison, the plain loop at eps {PLAIN_EPSILON:g} in float32 gives "
        f"{difference:.2g} for correct gradients (seed 0): most steps vanish in rounding."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    ref = load_reference()
    cost_comparison(ref, args.runs)
    detection_table(ref, args.seeds)
    float32_check(ref, max(1, args.seeds // 4))


if __name__ == "__main__":
    main()
