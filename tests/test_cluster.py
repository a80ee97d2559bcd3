"""Grading a cohort on a Dask cluster (``course instructor grade --scheduler``), issue 17.

Every test that grades starts a real ``dask scheduler`` and real ``dask worker`` processes
on 127.0.0.1 (each worker with one thread, in a session of its own so that the test can end
it). Nothing waits on a clock: the tests wait for conditions (a worker connected, a task
processing on a worker), and learners that must still be running when something happens
to their worker wait at import for a gate file that the test creates afterwards.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from grader import catalog
from grader.instructor import cluster
from tests.conftest import copy_course
from tests.support import ROOT, course

SEED = "11"
LESSON = "1.2.39"
EX1 = "1.2.39/ex1_forward_difference.py"
DASK = Path(sys.executable).with_name("dask")
PATIENCE = 300  # seconds: only so that a broken cluster fails the test instead of hanging it

# A learner's forward difference that waits at import for the test to open a gate.
GATED = """
import os as _os
import time as _time

while not _os.path.exists({gate!r}):
    _time.sleep(0.02)
"""

# Copies another learner's forward difference if it can read one: in SUBMISSIONS_DIR, in a
# local batch's slots, or in the slots of the Dask workers on this machine.
HOSTILE = '''"""Copies another learner's work, if it can read any."""
import glob
import os

FILE = os.path.join("1.2.39", "ex1_forward_difference.py")
PATTERNS = [
    os.path.join({subs!r}, "*", FILE),
    os.path.join({subs!r}, "*", "*", FILE),
    os.path.join({temp!r}, "course-cluster-*", "slot-*", "*", "*", FILE),
    os.path.join({temp!r}, "course-cluster-pack-*", "*", "*", FILE),
]
stolen, read = {{}}, []
for path in sorted(p for pattern in PATTERNS for p in glob.glob(pattern)):
    try:
        with open(path) as f:
            code = f.read()
    except OSError:
        continue
    if "stolen" not in code:  # another learner's file, not this one
        read.append(path)
        exec(code, stolen)


def forward_difference(f, x, h):
    if "forward_difference" in stolen:
        print("copied from", read)
        return stolen["forward_difference"](f, x, h)
    raise RuntimeError("nothing to copy")
'''


def env_for(root: Path) -> dict:
    return {"COURSE_ROOT": str(root), "NO_COLOR": "1"}


def until(condition, what: str):
    """Wait for ``condition()`` to be true (returns its value); fails after PATIENCE."""
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"waited {PATIENCE} s for {what}")


class Cluster:
    """A scheduler and workers, as subprocesses, each in a session of its own."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.processes: dict[str, subprocess.Popen] = {}
        file = folder / "scheduler.json"
        self.start(
            "scheduler",
            [
                str(DASK),
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--no-dashboard",
                "--scheduler-file",
                str(file),
            ],
            {},
        )
        self.address = until(lambda: _address(file), "the scheduler to start")
        from distributed import Client

        self.client = Client(self.address, timeout=60, set_as_default=False)

    def start(self, name: str, command: list[str], env: dict) -> None:
        log = open(self.folder / f"{name}.log", "wb")  # noqa: SIM115 - kept by the process
        self.processes[name] = subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **env},
            start_new_session=True,
        )

    def add_worker(self, name: str, root: Path) -> str:
        """Start ``dask worker`` seeing the course at ``root``; its address once connected."""
        self.start(
            name,
            [
                str(DASK),
                "worker",
                self.address,
                "--nthreads",
                "1",
                "--nworkers",
                "1",
                "--host",
                "127.0.0.1",
                "--no-dashboard",
                "--name",
                name,
                "--death-timeout",
                "60",
            ],
            {"COURSE_ROOT": str(root)},
        )
        return until(lambda: self.worker_named(name), f"worker {name} to connect")

    def worker_named(self, name: str) -> str | None:
        workers = self.client.scheduler_info(n_workers=-1)["workers"]
        return next((a for a, w in workers.items() if w.get("name") == name), None)

    def kill(self, name: str) -> None:
        """End a worker (its nanny, its worker process and what they started) at once."""
        process = self.processes[name]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def close(self) -> None:
        self.client.close()
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _address(file: Path) -> str | None:
    try:
        return json.loads(file.read_text())["address"]
    except (OSError, ValueError, KeyError):
        return None


@pytest.fixture
def dask_cluster(tmp_path):
    folder = tmp_path / "dask"
    folder.mkdir()
    made = Cluster(folder)
    yield made
    made.close()


def lesson_of(source: Path, folder: Path) -> None:
    shutil.copytree(source / LESSON, folder / LESSON, ignore=shutil.ignore_patterns("__pycache__"))


def small_cohort(parent: Path) -> Path:
    """Five learners, one lesson: correct, the stubs, a syntax error, a zip, and one who
    tries to copy the others' work."""
    subs = parent / "submissions"
    subs.mkdir()
    lesson_of(ROOT / "solutions", subs / "alice")
    lesson_of(ROOT / "exercises", subs / "bob")
    lesson_of(ROOT / "solutions", subs / "carol")
    (subs / "carol" / EX1).write_text("def forward_difference(f, x, h)\n    return 0\n")
    lesson_of(ROOT / "solutions", parent / "dave")
    with zipfile.ZipFile(subs / "dave.zip", "w") as z:
        for path in sorted((parent / "dave").rglob("*")):
            if path.is_file():
                z.write(path, "dave/" + path.relative_to(parent / "dave").as_posix())
    lesson_of(ROOT / "solutions", subs / "mallory")
    hostile = HOSTILE.format(subs=str(subs), temp=tempfile.gettempdir())
    (subs / "mallory" / EX1).write_text(hostile)
    return subs


def gated_cohort(parent: Path, names: list[str], gate: Path) -> Path:
    """Learners with only 1.2.39.1, correct, whose file waits at import for ``gate``."""
    subs = parent / "gated"
    code = (ROOT / "solutions" / EX1).read_text() + GATED.format(gate=str(gate))
    for name in names:
        (subs / name / LESSON).mkdir(parents=True)
        (subs / name / EX1).write_text(code)
    return subs


def another_course(parent: Path) -> Path:
    """A copy of the course whose suite of 1.2.39.2 differs by one comment."""
    parent.mkdir()
    root = copy_course(parent)
    (suite,) = root.glob(f"lessons/{LESSON}-*/suites/test_ex2_step_size.py")
    suite.write_text(suite.read_text() + "\n# changed on this worker\n")
    return root


def grade_args(subs: Path, out: Path, *more: str) -> list[str]:
    return ["instructor", "grade", str(subs), "--out", str(out), "--seed", SEED, *more]


@contextlib.contextmanager
def started_batch(
    tmp_path: Path, subs: Path, root: Path, scheduler: str
) -> Iterator[subprocess.Popen]:
    """`course instructor grade --scheduler` started in the background, writing book.csv,
    book.json and its store s.sqlite3 into ``tmp_path``; killed on leaving if it runs still."""
    batch = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "grader",
            *grade_args(
                subs,
                tmp_path / "book.csv",
                "--scheduler",
                scheduler,
                "--json",
                str(tmp_path / "book.json"),
                "--store",
                str(tmp_path / "s.sqlite3"),
            ),
        ],
        env={**os.environ, **env_for(root)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield batch
    finally:
        if batch.poll() is None:
            batch.kill()
            batch.wait()


def without_timings(book: dict) -> list[dict]:
    """The learners of a JSON gradebook without what says how long grading took."""
    learners = []
    for record in book["learners"]:
        record = {k: v for k, v in record.items() if k != "seconds"}
        record["results"] = [
            {k: v for k, v in r.items() if k != "duration_s"} for r in record["results"]
        ]
        learners.append(record)
    return learners


def test_a_cluster_grades_as_one_local_job_and_refuses_another_course(tmp_path, dask_cluster):
    root = copy_course(tmp_path)
    subs = small_cohort(tmp_path)
    good = [dask_cluster.add_worker(f"good-{k}", root) for k in (1, 2)]
    bad = dask_cluster.add_worker("other-course", another_course(tmp_path / "other"))
    env = env_for(root)

    local = course(
        *grade_args(
            subs,
            tmp_path / "local.csv",
            "--jobs",
            "1",
            "--json",
            str(tmp_path / "local.json"),
            "--store",
            str(tmp_path / "local.sqlite3"),
        ),
        env=env,
        timeout=1800,
    )
    assert local.code == 0, local.out + local.err
    store = tmp_path / "cluster.sqlite3"
    remote = course(
        *grade_args(
            subs,
            tmp_path / "cluster.csv",
            "--scheduler",
            dask_cluster.address,
            "--json",
            str(tmp_path / "cluster.json"),
            "--store",
            str(store),
        ),
        env=env,
        timeout=1800,
    )
    assert remote.code == 0, remote.out + remote.err
    assert " with 1 job(s)," in local.out, local.out
    assert " Dask worker thread(s), seed " in remote.out, remote.out  # not "jobs"
    # The same seed gives the same gradebook, byte for byte, and the same JSON but for time.
    assert (tmp_path / "cluster.csv").read_bytes() == (tmp_path / "local.csv").read_bytes()
    local_book = json.loads((tmp_path / "local.json").read_text())
    remote_book = json.loads((tmp_path / "cluster.json").read_text())
    assert without_timings(remote_book) == without_timings(local_book)
    assert "course-cluster" not in json.dumps(remote_book)  # no worker's path leaks
    rows = (tmp_path / "cluster.csv").read_text().splitlines()
    assert [row.split(",")[0] for row in rows[1:]] == ["alice", "bob", "carol", "dave", "mallory"]
    # The hostile learner saw only its own file: no other learner's, here or in a slot.
    (mallory,) = [r for r in remote_book["learners"] if r["learner"] == "mallory"]
    checks = mallory["results"][0]["checks"]
    assert "nothing to copy" in checks[0]["message"], checks[0]
    assert mallory["results"][1]["passed"]

    # The worker with another course was refused, by name and with what differs.
    assert f"Refused Dask worker {bad}: its course differs" in remote.err, remote.err
    assert "1.2.39.2" in remote.err
    assert not any(f"Refused Dask worker {address}" in remote.err for address in good)

    # A re-run takes every result from the instructor's store: nothing is sent.
    again = course(
        *grade_args(
            subs, tmp_path / "again.csv", "--scheduler", dask_cluster.address, "--store", str(store)
        ),
        env=env,
        timeout=1800,
    )
    assert again.code == 0, again.out + again.err
    assert ": 0 item(s) graded" in again.out, again.out
    assert (tmp_path / "again.csv").read_bytes() == (tmp_path / "local.csv").read_bytes()


def test_a_worker_lost_mid_batch_loses_no_learner(tmp_path, dask_cluster):
    root = copy_course(tmp_path)
    gate = tmp_path / "gate" / "open"
    gate.parent.mkdir()
    names = ["anna", "boris", "chen"]
    subs = gated_cohort(tmp_path, names, gate)
    victim = dask_cluster.add_worker("victim", root)
    dask_cluster.add_worker("survivor", root)
    out = tmp_path / "book.csv"
    with started_batch(tmp_path, subs, root, dask_cluster.address) as batch:
        # A learner is being graded on the victim: it waits at the gate, so it cannot be done.
        until(lambda: dask_cluster.client.processing().get(victim), "a task on the victim")
        dask_cluster.kill("victim")
        gate.touch()
        stdout, stderr = batch.communicate(timeout=1800)
    assert batch.returncode == 0, stdout + stderr
    book = json.loads((tmp_path / "book.json").read_text())
    points = catalog.load(root).exercise("1.2.39.1").points
    assert [r["learner"] for r in book["learners"]] == names
    for record in book["learners"]:
        assert record["results"][0]["score"] == points, record
        assert not record.get("error"), record
    assert len(out.read_text().splitlines()) == 1 + len(names)


def test_a_worker_that_joins_with_another_course_is_refused_and_its_learner_goes_elsewhere(
    tmp_path, dask_cluster
):
    """The worker joins after the batch's first check, so the task it receives refuses the
    learner; the learner is graded on the good worker."""
    root = copy_course(tmp_path)
    gate = tmp_path / "gate" / "open"
    gate.parent.mkdir()
    names = ["anna", "boris", "chen", "dora"]
    subs = gated_cohort(tmp_path, names, gate)
    good = dask_cluster.add_worker("good", root)
    with started_batch(tmp_path, subs, root, dask_cluster.address) as batch:
        until(lambda: dask_cluster.client.processing().get(good), "a task on the good worker")
        bad = dask_cluster.add_worker("late", another_course(tmp_path / "other"))
        # A second attempt of some learner's task exists once the late worker refused it.
        until(lambda: any(k.endswith("-1") for k in _grading_keys(dask_cluster)), "a refusal")
        gate.touch()
        stdout, stderr = batch.communicate(timeout=1800)
    assert batch.returncode == 0, stdout + stderr
    assert f"Refused Dask worker {bad}: its course differs" in stderr, stderr
    book = json.loads((tmp_path / "book.json").read_text())
    assert [r["learner"] for r in book["learners"]] == names
    points = catalog.load(root).exercise("1.2.39.1").points
    assert all(r["results"][0]["score"] == points for r in book["learners"]), book


def _grading_keys(made: Cluster) -> list[str]:
    return made.client.run_on_scheduler(
        lambda dask_scheduler: [str(k) for k in dask_scheduler.tasks if "course-grade" in str(k)]
    )


def test_an_unreachable_scheduler_is_a_usage_error_and_nothing_is_written(tmp_path):
    root = copy_course(tmp_path)
    subs = small_cohort(tmp_path)
    out = tmp_path / "out" / "book.csv"
    run = course(
        *grade_args(
            subs,
            out,
            "--scheduler",
            "tcp://127.0.0.1:9",
            "--store",
            str(tmp_path / "store.sqlite3"),
        ),
        env=env_for(root),
    )
    assert run.code == 2, run.out + run.err
    assert "Cannot reach the Dask scheduler at tcp://127.0.0.1:9" in run.err
    assert not out.parent.exists() and not (tmp_path / "store.sqlite3").exists()


def test_without_dask_the_message_says_what_to_install(tmp_path):
    root = copy_course(tmp_path)
    subs = small_cohort(tmp_path)
    blocker = tmp_path / "no-dask" / "distributed"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('not installed here')\n")
    run = course(
        *grade_args(subs, tmp_path / "book.csv", "--scheduler", "tcp://127.0.0.1:8786"),
        env={**env_for(root), "PYTHONPATH": str(blocker.parent)},
    )
    assert run.code == 2, run.out + run.err
    assert 'pip install -e ".[cluster]"' in run.err
    assert not (tmp_path / "book.csv").exists()


def test_dask_is_installed_for_the_tests():
    """CI installs the test extra, which brings the cluster extra: no test here is skipped."""
    import distributed  # noqa: F401

    extras = (ROOT / "pyproject.toml").read_text()
    assert 'cluster = ["dask[distributed]' in extras
    assert '"course[cluster]"' in extras


# --- a worker's own checks, in process ------------------------------------------------


def test_a_worker_names_the_items_whose_course_differs(monkeypatch):
    from grader.instructor.cache import grader_keys

    keys = grader_keys(catalog.load(ROOT), 11)
    monkeypatch.setattr(cluster, "_missing_fence", lambda: [])
    assert cluster.worker_problem(keys, 11, False) == (None, None)
    changed = {**keys, "1.2.39.2": "0" * 64}
    refusal, _ = cluster.worker_problem(changed, 11, False)
    assert "course differs" in refusal and "1.2.39.2" in refusal and "1.2.39.1" not in refusal
    everything = {k: "0" * 64 for k in keys}
    refusal, _ = cluster.worker_problem(everything, 11, False)
    assert "every item" in refusal


def test_a_worker_that_cannot_fence_refuses_unless_unfenced(monkeypatch):
    from grader.instructor.cache import grader_keys

    keys = grader_keys(catalog.load(ROOT), None)
    monkeypatch.setattr(cluster, "_missing_fence", lambda: ["no network: refused"])
    refusal, warning = cluster.worker_problem(keys, None, False)
    assert "cannot fence" in refusal and "--unfenced" in refusal and warning is None
    refusal, warning = cluster.worker_problem(keys, None, True)
    assert refusal is None and "unfenced" in warning and "no network" in warning
