"""Throughput of `course instructor grade`: one job against two, in the same run.

Generates learners' submissions (by default 100) in a temporary folder: a mix of correct
work (the reference solutions), wrong work (files from the lesson's wrong/, the rest correct),
the stubs as handed out, a syntax error, missing files, and some of them as .zip files.
Then grades the folder with --jobs 1 and with --jobs 2, each against a fresh store and
with the same seed, checks that both gradebooks agree, and grades it once more with the
second store to time a re-run in which nothing changed.

Reports learners per second, items per second and the speed-up of two jobs over one
(aims: at least 1.7x with two jobs, and at least 3 learners' whole lessons per second).
Other work on the machine slows both runs: the load average is printed with the results.

With --against REF (a commit, branch or tag) the same folder is also graded from a git
worktree of REF, alternated with this checkout run by run (--rounds times each), so that
a before-and-after shares the machine's load; --jobs 2 alone (--jobs-list) makes it
quicker.

    .venv/bin/python bench/instructor_batch.py [--learners 100] [--keep FOLDER]
        [--against REF] [--rounds 1] [--jobs-list 1,2]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from checkout import checkout_of  # noqa: E402

from grader import catalog  # noqa: E402 - after the path is set, when run as a script

KINDS = ("correct", "wrong", "wrong", "stubs", "syntax error", "missing files")
SEED = "2024"


def wrong_files(cat: catalog.Catalog, ex: catalog.Exercise) -> list[Path]:
    """The whole known-wrong files of an item, from its lesson's wrong/ catalogue."""
    lesson = cat.lesson(ex.lesson_id)
    relative = Path(ex.stub).relative_to(f"exercises/{lesson.id}")
    folder = ROOT / lesson.folder / "wrong" / relative.with_suffix("")
    return sorted(p for p in folder.glob("*" + relative.suffix) if not p.name.startswith("_"))


def make_learner(folder: Path, kind: str, cat: catalog.Catalog, rng: random.Random) -> None:
    for ex in cat.exercises:
        relative = ex.stub.removeprefix("exercises/")
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        source = ROOT / ex.solution
        if kind == "stubs":
            source = ROOT / ex.stub
        elif kind == "wrong" and rng.random() < 0.7 and wrong_files(cat, ex):
            source = rng.choice(wrong_files(cat, ex))
        elif kind == "missing files" and rng.random() < 0.5:
            continue
        shutil.copyfile(source, target)
    if kind == "syntax error":
        victim = folder / rng.choice(cat.exercises[:-2]).stub.removeprefix("exercises/")
        victim.write_text(victim.read_text() + "\ndef broken(:\n")


def make_submissions(parent: Path, count: int) -> tuple[Path, dict[str, int]]:
    cat = catalog.load(ROOT)
    rng = random.Random(0)
    subs = parent / "submissions"
    subs.mkdir()
    mix: dict[str, int] = {}
    for number in range(count):
        kind = KINDS[number % len(KINDS)]
        name = f"learner{number:03d}"
        as_zip = number % 5 == 4
        folder = (parent / "zips" / name) if as_zip else (subs / name)
        make_learner(folder, kind, cat, rng)
        if as_zip:
            with zipfile.ZipFile(subs / f"{name}.zip", "w", zipfile.ZIP_DEFLATED) as z:
                for path in sorted(folder.rglob("*")):
                    if path.is_file():
                        z.write(path, path.relative_to(folder).as_posix())
        label = kind + (" (zip)" if as_zip else "")
        mix[label] = mix.get(label, 0) + 1
    return subs, mix


def grade(subs: Path, out: Path, jobs: int, store: Path, cwd: Path = ROOT) -> tuple[float, str]:
    command = [
        sys.executable,
        "-m",
        "grader",
        "instructor",
        "grade",
        str(subs),
        "--out",
        str(out),
        "--jobs",
        str(jobs),
        "--seed",
        SEED,
        "--store",
        str(store),
    ]
    started = time.perf_counter()
    # -m from cwd: the grader package of that checkout grades
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"grading failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return elapsed, done.stdout.strip().splitlines()[-2 if "Every" in done.stdout else -1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=100)
    parser.add_argument("--keep", type=Path, help="Generate the submissions here and keep them.")
    parser.add_argument("--against", metavar="REF", help="also grade from this commit")
    parser.add_argument("--rounds", type=int, default=1, help="runs of each, alternated")
    parser.add_argument("--jobs-list", default="1,2", help="the --jobs values to time")
    options = parser.parse_args()
    jobs_list = [int(j) for j in options.jobs_list.split(",")]
    parent = options.keep or Path(tempfile.mkdtemp(prefix="bench-instructor-"))
    parent.mkdir(parents=True, exist_ok=True)
    try:
        with ExitStack() as stack:
            subs, mix = make_submissions(parent, options.learners)
            items = len(catalog.load(ROOT).exercises)
            print(
                f"{options.learners} learners, {items} items each: "
                + ", ".join(f"{n} {kind}" for kind, n in sorted(mix.items()))
            )
            print(f"cores: {os.cpu_count()}, load average before: {os.getloadavg()[0]:.1f}")
            checkouts = {"this checkout": ROOT}
            if options.against:
                checkouts[f"@ {options.against}"] = stack.enter_context(
                    checkout_of(options.against)
                )
            times: dict[tuple[str, int], list[float]] = {}
            for round_ in range(options.rounds):
                for jobs in jobs_list:
                    for name, cwd in checkouts.items():
                        tag = f"{'head' if cwd == ROOT else 'ref'}-{jobs}-{round_}"
                        store = parent / f"store-{tag}.sqlite3"
                        store.unlink(missing_ok=True)
                        elapsed, _ = grade(subs, parent / f"book-{tag}.csv", jobs, store, cwd)
                        times.setdefault((name, jobs), []).append(elapsed)
                        rate = options.learners / elapsed
                        print(
                            f"{name:<16} --jobs {jobs}: {elapsed:7.1f} s   {rate:5.2f} learners/s"
                            f"   {rate * items:6.1f} items/s   (round {round_ + 1})",
                            flush=True,
                        )
            best = {key: min(values) for key, values in times.items()}
            for name in checkouts:
                line = ", ".join(
                    f"--jobs {jobs} {options.learners / best[(name, jobs)]:.2f}"
                    for jobs in jobs_list
                )
                print(f"{name}: best learners' whole lessons per second: {line}")
            head = "this checkout"
            if 1 in jobs_list and 2 in jobs_list:
                speedup = best[(head, 1)] / best[(head, 2)]
                print(f"speed-up with 2 jobs: {speedup:.2f}x (aim >= 1.7x)")
            top = options.learners / min(best[(head, jobs)] for jobs in jobs_list)
            print(f"best throughput: {top:.2f} learners' whole lessons per second (aim >= 3)")
            if options.against:
                ref = f"@ {options.against}"
                for jobs in jobs_list:
                    gain = best[(ref, jobs)] / best[(head, jobs)]
                    print(f"--jobs {jobs}: {gain:.2f}x the throughput of {options.against}")
            books = sorted(parent.glob("book-head-*.csv"))
            same = len({b.read_text() for b in books}) == 1
            print(f"gradebooks of this checkout identical across runs and jobs: {same}")
            if options.against:
                theirs = sorted(parent.glob("book-ref-*.csv"))
                agree = {b.read_text() for b in books} == {b.read_text() for b in theirs}
                print(f"gradebooks identical to {options.against}'s: {agree}")
            last = parent / f"store-head-{jobs_list[-1]}-{options.rounds - 1}.sqlite3"
            rerun, _ = grade(subs, parent / "book-rerun.csv", jobs_list[-1], last)
            first = best[(head, jobs_list[-1])]
            print(f"re-run, nothing changed: {rerun:.1f} s ({rerun / first:.1%} of a first run)")
            unchanged = books[-1].read_text() == (parent / "book-rerun.csv").read_text()
            print(f"re-run gradebook identical: {unchanged}")
            print(f"load average after: {os.getloadavg()[0]:.1f}")
    finally:
        if options.keep is None:
            shutil.rmtree(parent, ignore_errors=True)


if __name__ == "__main__":
    main()
