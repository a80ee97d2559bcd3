"""How long a strict build of the course site takes (aim: under 5 s on a 2-core machine).

Runs `course site build --site-dir <temporary folder>` a few times after one warm-up, and
reports the median and minimum wall time, the CPU time (user + system) each build used, and
the machine's load average: on a busy machine wall time grows, and CPU time is the better
guide. Also reports how much the lesson's facts and figures (its ``facts.py``) take,
timed in this process.

    .venv/bin/python bench/site_build.py [--runs 5]
"""

from __future__ import annotations

import argparse
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


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_build(out: Path) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one build."""
    cpu = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "grader", "site", "build", "--site-dir", str(out)],
        cwd=ROOT,
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
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "site"
        timed_build(out)  # warm-up: bytecode, matplotlib's font cache
        results = [timed_build(out) for _ in range(runs)]
    load = os.getloadavg()[0]
    times = [wall for wall, _ in results]
    median = statistics.median(times)
    cpu = statistics.median(c for _, c in results)
    print(f"course site build: median {median:.2f} s, min {min(times):.2f} s ({runs} runs)")
    print(f"CPU time (user + system) per build: median {cpu:.2f} s")
    print(f"load average (1 min) at the end: {load:.2f} on {os.cpu_count()} cores")
    parts = facts_time()
    print(f"of which the lesson's facts: {parts['facts']:.2f} s, figures: {parts['figures']:.2f} s")
    print(f"aim: under 5 s -> {'met' if median < 5 else 'not met'}")


if __name__ == "__main__":
    main()
