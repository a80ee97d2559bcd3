"""How long a strict build of the course site takes (aim: under 5 s on a 2-core machine).

Runs `course site build --site-dir <temporary folder>` a few times after one warm-up, and
reports the median and minimum wall time, the CPU time (user + system) each build used, and
the machine's load average: on a busy machine wall time grows, and CPU time is the better
guide. Also reports how much the lesson's facts and figures (its ``facts.py``) take,
timed in this process.

    .venv/bin/python bench/site_build.py [--runs 5] [--engine zensical] [--against REF]

``--against REF`` also builds the site at another commit (a temporary git worktree), the
two alternated, for a before-and-after on the same machine at the same time.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from checkout import checkout_of  # noqa: E402 - beside this file


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_build(out: Path, root: Path = ROOT, engine: str = "") -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one build of the course at ``root``."""
    cpu = _children_cpu()
    started = time.perf_counter()
    extra = ["--engine", engine] if engine else []
    done = subprocess.run(
        [sys.executable, "-m", "grader", "site", "build", "--site-dir", str(out), *extra],
        cwd=root,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"the build failed:\n{done.stderr[-3000:]}")
    return elapsed, _children_cpu() - cpu


def facts_time() -> dict[str, float]:
    """Seconds spent in the facts module: facts() and figures(), each from a cold start."""
    spec = importlib.util.spec_from_file_location(
        "bench_facts", ROOT / "lessons/1.2.39-numerical-differentiation/facts.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    out = {}
    for name in ("facts", "figures"):
        started = time.perf_counter()
        getattr(module, name)()
        out[name] = time.perf_counter() - started
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--engine", default="", help="mkdocs (the default) or zensical")
    parser.add_argument("--against", metavar="REF", help="also build this commit, alternated")
    options = parser.parse_args()
    with contextlib.ExitStack() as stack:
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        roots = {"now": ROOT}
        if options.against:
            roots[options.against] = stack.enter_context(checkout_of(options.against))
        results: dict[str, list[tuple[float, float]]] = {name: [] for name in roots}
        for name, root in roots.items():  # warm-up: bytecode, matplotlib's font cache
            timed_build(scratch / "site", root, options.engine if name == "now" else "")
        for _ in range(options.runs):
            for name, root in roots.items():
                engine = options.engine if name == "now" else ""
                results[name].append(timed_build(scratch / "site", root, engine))
    load = os.getloadavg()[0]
    for name, runs in results.items():
        times = [wall for wall, _ in runs]
        cpu = statistics.median(c for _, c in runs)
        print(
            f"course site build ({name}): median {statistics.median(times):.2f} s, "
            f"min {min(times):.2f} s, CPU {cpu:.2f} s per build ({options.runs} runs)"
        )
    print(f"load average (1 min) at the end: {load:.2f} on {os.cpu_count()} cores")
    parts = facts_time()
    print(f"of which the lesson's facts: {parts['facts']:.2f} s, figures: {parts['figures']:.2f} s")
    median = statistics.median(wall for wall, _ in results["now"])
    print(f"aim: under 5 s -> {'met' if median < 5 else 'not met'}")


if __name__ == "__main__":
    main()
