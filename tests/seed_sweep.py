"""The content gates of docs/manifest.md at many seeds: a suite that draws its inputs must
hold at every draw, not only at the one CI happens to pick.

    python -m tests.seed_sweep 1.2.40            # every item of a lesson, seeds 1..30
    python -m tests.seed_sweep 1.2.40.5 --seeds 50 --jobs 8
    python -m tests.seed_sweep 1.2.39 --first 1000 --seeds 25   # seeds 1000..1024

For each item and seed: the stub scores below full marks, the solution, the file the
mutations edit and every correct variant score full marks, and every known-wrong file
fails with its declared mistake named first. Prints each failure (item, file, seed, what
happened) and exits 1 if there was one.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from grader import catalog
from tests.support import (
    CORRECT,
    ROOT,
    correct_variants,
    course,
    declared_mistake,
    first_message,
    materialize,
    wrong_implementations,
)


def _jobs(exercise, scratch: Path) -> list[tuple[str, str, Path | None, list[str]]]:
    """(exercise id, expectation, file, mistake phrases): None as the file is the solution."""
    jobs = [(exercise.id, "below", ROOT / exercise.stub, []), (exercise.id, "full", None, [])]
    wrong = wrong_implementations(exercise.stub)
    for path in wrong:
        folder = scratch / exercise.id / path.name
        folder.mkdir(parents=True)
        jobs.append((exercise.id, "wrong", materialize(path, folder), declared_mistake(path)))
    edited = {p.parent / CORRECT for p in wrong if p.name.endswith(".mutation.toml")}
    jobs += [(exercise.id, "full", path, []) for path in sorted(edited)]
    jobs += [(exercise.id, "full", path, []) for path in correct_variants(exercise.stub)]
    return jobs


def _check(job, seed: int) -> str:
    exercise_id, expect, path, phrases = job
    where = ["--solution"] if path is None else ["--submission", str(path)]
    run = course("grade", exercise_id, *where, "--json", "--seed", str(seed))
    try:
        result = run.json()
    except (json.JSONDecodeError, ValueError):
        return f"no JSON result: {run.err[-300:]}"
    full = result.get("passed") and result["score"] == result["max_score"]
    if expect == "full" and not full:
        failed = [c["message"][:200] for c in result["checks"] if not c["passed"]]
        return f"not full marks: {failed or result.get('error')}"
    if expect == "below" and full:
        return "the stub got full marks"
    if expect == "wrong":
        if full:
            return "full marks"
        first = first_message(result)
        if not any(p.lower() in first.lower() for p in phrases):
            return f"mistake not named first ({' | '.join(phrases)}): {first[:300]}"
    return ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ids", nargs="+", help="lesson or exercise ids")
    parser.add_argument("--seeds", type=int, default=30, help="how many seeds")
    parser.add_argument("--first", type=int, default=1, help="the first seed")
    parser.add_argument("--jobs", type=int, default=8)
    args = parser.parse_args(argv)
    cat = catalog.load(ROOT)
    exercises = [e for wanted in args.ids for e in cat.resolve(wanted)]
    failures = 0
    with tempfile.TemporaryDirectory() as scratch:
        jobs = [job for e in exercises for job in _jobs(e, Path(scratch))]
        work = [(job, seed) for job in jobs for seed in range(args.first, args.first + args.seeds)]
        with ThreadPoolExecutor(args.jobs) as pool:
            for (job, seed), problem in zip(
                work, pool.map(lambda w: _check(*w), work), strict=True
            ):
                if problem:
                    failures += 1
                    name = "solution" if job[2] is None else job[2].name
                    print(f"{job[0]} {name} seed {seed}: {problem}", flush=True)
    print(f"{len(work)} gradings, {failures} failures ({len(jobs)} files x {args.seeds} seeds)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
