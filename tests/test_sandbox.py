"""The worker process under real limits: every way it can fail is reported, and the next
call gets a fresh worker."""

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from grader.sandbox.limits import Limits
from grader.sandbox.workers import LearnerError, Sandbox, WorkerFailure
from tests.support import ROOT

FAST = Limits(seconds_per_call=1.5, seconds_total=10, memory_mb=1024, cpu_seconds=20)


def learner_file(tmp_path, body: str):
    path = tmp_path / "submission.py"
    path.write_text(textwrap.dedent(body))
    return path


def test_calls_return_values_and_report_output_and_mutation(tmp_path):
    path = learner_file(
        tmp_path,
        """
        import numpy as np
        def double(x):
            print("doubling", x.shape)
            x *= 2
            return x
    """,
    )
    with Sandbox(path, FAST) as box:
        result = box.call("double", (np.ones(3),))
    assert np.array_equal(result.value, [2, 2, 2])
    assert result.mutated == ["0"]
    assert result.output["text"] == "doubling (3,)\n"


def test_printed_output_is_capped(tmp_path):
    path = learner_file(
        tmp_path,
        """
        def chatty():
            for _ in range(200_000):
                print("spam spam spam spam")
            return 1
    """,
    )
    with Sandbox(path, FAST) as box:
        result = box.call("chatty")
    assert result.value == 1
    assert len(result.output["text"]) <= 8000 < result.output["total_chars"]


def test_a_hang_times_out_and_the_next_call_gets_a_fresh_worker(tmp_path):
    path = learner_file(
        tmp_path,
        """
        def slow(n):
            while n:
                pass
            return "done"
    """,
    )
    with Sandbox(path, FAST) as box:
        started = time.monotonic()
        with pytest.raises(WorkerFailure) as failure:
            box.call("slow", (1,))
        assert failure.value.kind == "timeout"
        assert "1.5 s" in failure.value.message
        assert time.monotonic() - started < FAST.seconds_per_call + 1
        assert box.call("slow", (0,)).value == "done"


@pytest.mark.parametrize(
    "how",
    [
        "import os; os._exit(0)",
        "import sys; sys.stdout.flush(); import os; os.kill(os.getpid(), 9)",
    ],
)
def test_a_worker_that_dies_fails_the_call_with_a_reason(tmp_path, how):
    path = learner_file(
        tmp_path,
        f"""
        def boom(die):
            if die:
                {how}
            return 5
    """,
    )
    with Sandbox(path, FAST) as box:
        with pytest.raises(WorkerFailure) as failure:
            box.call("boom", (True,))
        assert failure.value.kind == "died"
        assert "exit status 0" in failure.value.message or "SIGKILL" in failure.value.message
        assert box.call("boom", (False,)).value == 5


def test_sys_exit_inside_a_call_is_a_learner_error_not_a_pass(tmp_path):
    path = learner_file(
        tmp_path,
        """
        import sys
        def quit_early():
            sys.exit(0)
    """,
    )
    with Sandbox(path, FAST) as box, pytest.raises(LearnerError) as error:
        box.call("quit_early")
    assert error.value.type_name == "SystemExit"


def test_memory_limit_turns_a_memory_bomb_into_memory_error(tmp_path):
    path = learner_file(
        tmp_path,
        """
        import numpy as np
        def hog():
            return np.ones(4 * 1024**3 // 8).sum()
    """,
    )
    with Sandbox(path, Limits(seconds_per_call=5, memory_mb=512)) as box:
        with pytest.raises(LearnerError) as error:
            box.call("hog")
    assert error.value.is_a("MemoryError")


def test_import_errors_are_sticky_and_described(tmp_path):
    path = learner_file(tmp_path, "def f(:\n    pass\n")
    with Sandbox(path, FAST) as box:
        for _ in range(2):
            with pytest.raises(LearnerError) as error:
                box.call("f")
            assert error.value.type_name == "SyntaxError"
            assert error.value.error["line"] == 1


def test_a_file_that_sleeps_at_import_times_out_once(tmp_path, monkeypatch):
    monkeypatch.setattr("grader.sandbox.workers.STARTUP_ALLOWANCE_S", 2.0)
    path = learner_file(tmp_path, "import time\ntime.sleep(60)\n")
    with Sandbox(path, Limits(seconds_per_call=0.5)) as box:
        started = time.monotonic()
        for _ in range(3):
            with pytest.raises(WorkerFailure) as failure:
                box.call("anything")
        assert "importing your file" in failure.value.message
        assert time.monotonic() - started < 4.5  # the time-out is paid once, not per call


def test_returning_an_object_the_grader_cannot_read_is_reported(tmp_path):
    path = learner_file(
        tmp_path,
        """
        class Liar(float):
            def __eq__(self, other):
                return True
        def answer():
            return Liar(1.0)
    """,
    )
    with Sandbox(path, FAST) as box, pytest.raises(LearnerError) as error:
        box.call("answer")
    assert "could not be sent back" in error.value.error["message"]


def test_worker_runs_in_a_scratch_directory_that_is_removed(tmp_path):
    path = learner_file(
        tmp_path,
        """
        import os
        def where():
            open("conftest.py", "w").write("raise SystemExit")
            return os.getcwd()
    """,
    )
    box = Sandbox(path, FAST)
    scratch = box.call("where").value
    assert scratch != str(tmp_path)
    box.close()
    assert not (tmp_path / "conftest.py").exists()
    import os

    assert not os.path.exists(scratch)


def test_a_lesson_shares_one_worker_whatever_its_time_limits(monkeypatch):
    """1.2.39.6 allows 30 s per call and the others 5 s; they still share one worker, whose
    CPU allowance is the sum of theirs, and each keeps its own time limits."""
    from grader import catalog
    from grader.grading import runner
    from grader.sandbox.workers import WorkerProcess

    spawned, boxes = [], []
    spawn, sandbox_init = WorkerProcess.start, Sandbox.__init__

    def start(self):
        if self.process is None:
            spawned.append(self)
        spawn(self)

    def init(self, *args, **kwargs):
        sandbox_init(self, *args, **kwargs)
        boxes.append(self)

    monkeypatch.setattr(WorkerProcess, "start", start)
    monkeypatch.setattr(Sandbox, "__init__", init)
    jobs = [(ex, ex.path(ex.solution)) for ex in catalog.load().resolve("1.2.39")]
    results = runner.grade(jobs, seed=1)

    assert all(r.passed for r in results), [r.exercise.id for r in results if not r.passed]
    assert len(spawned) == 1
    assert spawned[0].limits.cpu_seconds == sum(ex.limits.cpu_seconds for ex, _ in jobs)
    per_call = {box.path.name: box.limits.seconds_per_call for box in boxes}
    assert per_call["ex6_truncation_error.py"] == 30
    assert per_call["ex5_numeric_gradient_square.py"] == 5


def test_cpu_time_beyond_the_limit_ends_the_worker_with_a_reason(tmp_path):
    """CPU seconds, not wall time: a generous wall limit, so a loaded machine cannot turn
    this into a time-out."""
    path = learner_file(
        tmp_path,
        """
        def spin():
            while True:
                pass
    """,
    )
    limits = Limits(seconds_per_call=60, seconds_total=60, cpu_seconds=1)
    with Sandbox(path, limits) as box, pytest.raises(WorkerFailure) as failure:
        box.call("spin")
    assert failure.value.kind == "died"
    assert "SIGXCPU" in failure.value.message and "1 s of CPU time" in failure.value.message


def test_writing_past_the_file_size_limit_raises_in_the_learners_code(tmp_path):
    path = learner_file(
        tmp_path,
        """
        def write(mib):
            with open("big.bin", "wb") as f:
                f.write(b"x" * (mib << 20))
    """,
    )
    with Sandbox(path, Limits(seconds_per_call=10, file_mb=1)) as box:
        with pytest.raises(LearnerError) as error:
            box.call("write", (2,))
        assert error.value.is_a("OSError")
        assert "File too large" in error.value.error["message"]
        assert box.call("write", (0,)).value is None  # the worker lives on


def test_the_process_limit_is_set_per_exercise_and_reaches_the_worker(tmp_path):
    limits = Limits.from_mapping({"processes": 8})
    assert limits.for_worker()["processes"] == 8
    path = learner_file(tmp_path, "def f():\n    return 1\n")
    with Sandbox(path, limits) as box:
        assert box.call("f").value == 1
        protections = box.worker.protections
    held = protections["in_force"] + protections["missing"]
    assert any(item.startswith("8 processes") for item in held)


def test_the_setup_reply_says_what_was_in_force(tmp_path):
    path = learner_file(tmp_path, "def f():\n    return 1\n")
    with Sandbox(path, FAST) as box:
        box.call("f")
        protections = box.worker.protections
    assert "time limits" in protections["in_force"]
    assert f"CPU {FAST.cpu_seconds} s" in protections["in_force"]
    assert all(": " in item for item in protections["missing"])  # each says why


def _descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        current = todo.pop()
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        for child in map(int, children):
            found.add(child)
            todo.append(child)
    return found


def test_a_killed_grader_leaves_no_worker_behind(tmp_path):
    """The learner's code sleeps for a minute; the grader is killed with SIGKILL (no
    clean-up of its own can run). Every process of the worker's tree ends with it."""
    path = learner_file(tmp_path, "import time\n\ndef nap():\n    time.sleep(600)\n")
    grader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys\n"
            "from grader.sandbox.limits import Limits\n"
            "from grader.sandbox.workers import Sandbox\n"
            f"box = Sandbox({str(path)!r}, Limits(seconds_per_call=600, seconds_total=600))\n"
            "box.loaded()\n"
            "print(box.worker.process.pid, flush=True)\n"
            "box.call('nap')\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    worker = int(grader.stdout.readline())
    tree = {worker} | _descendants(worker)
    assert len(tree) >= 2  # the worker and, in its PID namespace, the learner's process
    # Kill the grader only once the learner's code is asleep in the call (else the worker
    # would simply find its channel closed and exit).
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(_sleeping(p) for p in tree):
        time.sleep(0.02)
    assert any(_sleeping(p) for p in tree)
    grader.kill()
    grader.wait()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(_running(p) for p in tree):
        time.sleep(0.05)
    assert not [p for p in tree if _running(p)]


def _sleeping(pid: int) -> bool:
    try:
        return "nanosleep" in Path(f"/proc/{pid}/wchan").read_text()
    except OSError:
        return False


def _running(pid: int) -> bool:
    """Alive, and not merely a zombie waiting for its new parent to reap it."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_a_timeout_with_processes_started_says_so(tmp_path):
    """A fork loop on a busy machine may time out before it reaches the process limit: the
    message still names the processes, not only the time (counted from /proc on Linux)."""
    path = learner_file(
        tmp_path,
        """
        import os, time
        def f():
            for _ in range(3):
                if os.fork() == 0:
                    time.sleep(30)
                    os._exit(0)
            while True:
                time.sleep(0.1)
        def g():
            while True:
                pass
    """,
    )
    with Sandbox(path, FAST) as box:
        with pytest.raises(WorkerFailure) as forked:
            box.call("f")
        with pytest.raises(WorkerFailure) as looped:
            box.call("g")
    if sys.platform == "linux":
        assert "started 3 other processes" in forked.value.message
    assert "processes" not in looped.value.message


# Workers forked from a template (grader.sandbox.template) ------------------------------


@pytest.fixture(scope="module")
def template():
    from grader.sandbox.template import Template
    from grader.sandbox.workers import STARTUP_ALLOWANCE_S, _worker_env

    made = Template(_worker_env())
    assert made.ready.wait(STARTUP_ALLOWANCE_S) and made.usable()
    yield made
    made.close()


def forked_box(path, template, limits=FAST, hide=()):
    from grader.sandbox.workers import WorkerProcess, hidden_for

    worker = WorkerProcess(limits, hidden_for(path, hide), template=template)
    return Sandbox(path, limits, worker=worker), worker


def test_a_forked_worker_is_fenced_as_a_spawned_one(tmp_path, template):
    path = learner_file(tmp_path, "def pid():\n    import os\n    return os.getpid()\n")
    with Sandbox(path, FAST) as spawned:
        spawned.call("pid")
        expected = spawned.worker.protections
    box, worker = forked_box(path, template)
    try:
        box.call("pid")
        assert type(worker.process).__name__ == "ForkedWorker"  # it was forked, not spawned
        assert worker.protections == expected
        assert worker.protections["in_force"]
    finally:
        worker.close()


def test_a_learner_cannot_change_what_the_next_forked_worker_starts_with(tmp_path, template):
    """One learner's code patches NumPy and SymPy, leaves a module and a file behind and
    kills what it can; the next worker forked from the same template sees none of it."""
    first = learner_file(
        tmp_path,
        """
        import os, signal, sys
        import numpy, sympy
        def spoil():
            numpy.allclose = lambda *a, **k: True
            sympy.simplify = lambda *a, **k: 0
            sys.modules["planted"] = numpy
            open("left_behind.txt", "w").write("x")
            for pid in range(2, 200):  # what it can see of other processes
                if pid != os.getpid():
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
            return os.getcwd()
    """,
    )
    box, worker = forked_box(first, template)
    try:
        spoiled_in = box.call("spoil").value
    finally:
        worker.close()
    assert template.usable()  # the template is beyond its reach
    (tmp_path / "second").mkdir()
    second = learner_file(
        tmp_path / "second",
        """
        import os, sys
        import numpy, sympy
        def look():
            return [
                numpy.allclose([1.0], [2.0]),
                sympy.simplify.__module__,
                "planted" in sys.modules,
                os.path.exists("left_behind.txt"),
                os.getcwd(),
            ]
    """,
    )
    box, worker = forked_box(second, template)
    try:
        close, module, planted, left, cwd = box.call("look").value
    finally:
        worker.close()
    assert close is False and module.startswith("sympy") and not planted and not left
    assert cwd != spoiled_in


def test_a_template_that_is_gone_means_spawned_workers(tmp_path):
    import os
    import signal

    from grader.sandbox.template import Template
    from grader.sandbox.workers import STARTUP_ALLOWANCE_S, _worker_env

    gone = Template(_worker_env())
    gone.ready.wait(STARTUP_ALLOWANCE_S)
    os.killpg(gone.process.pid, signal.SIGKILL)
    gone.process.wait()
    path = learner_file(tmp_path, "def one():\n    return 1\n")
    box, worker = forked_box(path, gone)
    try:
        assert box.call("one").value == 1
        assert type(worker.process).__name__ == "Popen"
    finally:
        worker.close()
        gone.close()


def test_a_closed_template_ends_by_itself_with_its_workers(tmp_path):
    """Closing tells the template to end (its reader thread is blocked on the socket
    then, which a plain close() would leave open): it ends every worker it forked and
    exits on its own, rather than being killed after a wait at every process's exit."""
    from grader.sandbox.template import Template
    from grader.sandbox.workers import STARTUP_ALLOWANCE_S, _worker_env

    made = Template(_worker_env())
    assert made.ready.wait(STARTUP_ALLOWANCE_S) and made.usable()
    path = learner_file(tmp_path, "def one():\n    return 1\n")
    box, worker = forked_box(path, made)
    assert box.call("one").value == 1
    made.close()
    assert made.process.returncode == 0  # exited by itself; a kill would make it -9
    assert worker.process.wait(STARTUP_ALLOWANCE_S) is not None
    worker.close()


def test_a_forked_worker_that_dies_is_reported_as_a_spawned_one_is(tmp_path, template):
    path = learner_file(tmp_path, "import os\ndef leave():\n    os._exit(3)\n")
    box, worker = forked_box(path, template)
    try:
        with pytest.raises(WorkerFailure) as failure:
            box.call("leave")
    finally:
        worker.close()
    assert failure.value.kind == "died" and "exit status 3" in failure.value.message
