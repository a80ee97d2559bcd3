"""Throughput of `course instructor grade`: one job against two, in the same run.

Generates learners' submissions (by default 100) in a temporary folder: a mix of correct
work (the reference solutions), wrong work (files from the lesson's wrong/, the rest correct),
the stubs as handed out, a syntax error, missing files, and some of them as .zip files.
Then grades the folder with --jobs 1 and with --jobs 2, each against a fresh store and
with the same seed, checks that both gradebooks agree, and grades it once more with the
second store to time a re-run in which nothing changed.

Reports learners per second, items per second and the speed-up of two jobs over one
(aims: at least 1.7x with two jobs, and at least one learner's whole lesson per second).
Other work on the machine slows both runs: the load average is printed with the results.

    .venv/bin/python bench/instructor_batch.py [--learners 100] [--keep FOLDER]
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

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


def grade(subs: Path, out: Path, jobs: int, store: Path) -> tuple[float, str]:
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
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"grading failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return elapsed, done.stdout.strip().splitlines()[-2 if "Every" in done.stdout else -1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=100)
    parser.add_argument("--keep", type=Path, help="Generate the submissions here and keep them.")
    options = parser.parse_args()
    parent = options.keep or Path(tempfile.mkdtemp(prefix="bench-instructor-"))
    parent.mkdir(parents=True, exist_ok=True)
    try:
        subs, mix = make_submissions(parent, options.learners)
        items = len(catalog.load(ROOT).exercises)
        print(
            f"{options.learners} learners, {items} items each: "
            + ", ".join(f"{n} {kind}" for kind, n in sorted(mix.items()))
        )
        print(f"cores: {os.cpu_count()}, load average before: {os.getloadavg()[0]:.1f}")
        times = {}
        for jobs in (1, 2):
            store = parent / f"store-{jobs}.sqlite3"
            store.unlink(missing_ok=True)
            times[jobs], _ = grade(subs, parent / f"book-{jobs}.csv", jobs, store)
            rate = options.learners / times[jobs]
            print(
                f"--jobs {jobs}: {times[jobs]:7.1f} s   {rate:5.2f} learners/s   "
                f"{rate * items:6.1f} items/s"
            )
        rerun, _ = grade(subs, parent / "book-rerun.csv", 2, parent / "store-2.sqlite3")
        same = (parent / "book-1.csv").read_text() == (parent / "book-2.csv").read_text()
        unchanged = (parent / "book-2.csv").read_text() == (parent / "book-rerun.csv").read_text()
        speedup = times[1] / times[2]
        print(f"speed-up with 2 jobs: {speedup:.2f}x (aim >= 1.7x)")
        best = options.learners / min(times.values())
        print(f"best throughput: {best:.2f} learners' whole lessons per second (aim >= 1)")
        print(f"re-run, nothing changed: {rerun:.1f} s ({rerun / times[2]:.1%} of a first run)")
        print(f"gradebooks of 1 and 2 jobs identical: {same}; re-run identical: {unchanged}")
        print(f"load average after: {os.getloadavg()[0]:.1f}")
    finally:
        if options.keep is None:
            shutil.rmtree(parent, ignore_errors=True)


if __name__ == "__main__":
    main()
