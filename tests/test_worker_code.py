"""Functions a suite writes that run in the worker on the learner's own objects
(grader.sandbox.worker_code): compiled there with the learner's names in scope, counted
there, and never accepted from the worker's side."""

import textwrap

import numpy as np
import pytest

from grader.sandbox import wire
from grader.sandbox.limits import Limits
from grader.sandbox.worker_code import WorkerCode
from grader.sandbox.workers import LearnerError, Sandbox

LIMITS = Limits(seconds_per_call=5, seconds_total=30, memory_mb=1024, cpu_seconds=20)

DUAL = """
class Dual:
    def __init__(self, value, derivative=0.0):
        self.value, self.derivative = value, derivative

    def __mul__(self, other):
        other = other if isinstance(other, Dual) else Dual(other)
        return Dual(self.value * other.value,
                    self.value * other.derivative + self.derivative * other.value)

    __rmul__ = __mul__

    def __add__(self, other):
        other = other if isinstance(other, Dual) else Dual(other)
        return Dual(self.value + other.value, self.derivative + other.derivative)

    __radd__ = __add__


def derivative(f, x):
    return f(Dual(x, 1.0)).derivative


def gradient(f, x):
    out = []
    for i in range(len(x)):
        seeded = np.array([Dual(v, 1.0 if j == i else 0.0) for j, v in enumerate(x)])
        out.append(f(seeded).derivative)
    return np.array(out)
"""


@pytest.fixture
def box(tmp_path):
    path = tmp_path / "dual.py"
    path.write_text("import numpy as np\n" + textwrap.dedent(DUAL))
    with Sandbox(path, LIMITS) as sandbox:
        yield sandbox


def test_a_suite_function_runs_on_the_learners_own_objects_and_is_counted(box):
    f = WorkerCode("lambda x: 3 * x * x + x", description="f(x) = 3x^2 + x")
    result = box.call("derivative", (f, 2.0))
    assert result.value == 13.0
    assert result.fn_calls == [1]
    assert f.calls == 1
    g = WorkerCode("lambda x: x[0] * x[1] + x[1] * x[1]")
    result = box.call("gradient", (g, np.array([2.0, 3.0])))
    assert np.array_equal(result.value, [3.0, 8.0])
    assert result.fn_calls == [2]  # one pass per input, counted in the worker
    assert result.mutated == []


def test_a_suite_function_may_be_run_itself_with_the_learners_names_in_scope(box):
    probe = WorkerCode(
        "def probe(a, b):\n    d = 2 * Dual(a, b) + Dual(a, b) * Dual(a, b)\n"
        "    return float(d.value), float(d.derivative)\n",
        names=("Dual",),
    )
    result = box.call("probe", (3.0, 1.0), code=probe)
    assert result.value == (15.0, 8.0)


def test_a_name_the_learners_file_lacks_is_reported_as_the_learners(box):
    probe = WorkerCode("lambda: sin(1.0)", names=("sin",))
    with pytest.raises(LearnerError) as caught:
        box.call("probe", (), code=probe)
    assert "does not define sin" in str(caught.value.error["message"])


def test_only_the_grader_sends_code():
    data = wire.encode_value([WorkerCode("lambda x: x")], functions=[])
    assert data[0]["__code__"][1] == "lambda x: x"
    with pytest.raises(wire.WireError):
        wire.decode_value(data)  # the grader's side never compiles what it reads
    with pytest.raises(wire.WireError):
        wire.encode_value(WorkerCode("lambda x: x"))  # nor sends it where no call takes it


def test_worker_code_is_one_lambda_or_one_def():
    with pytest.raises(ValueError):
        WorkerCode("x = 1\ny = 2")
    with pytest.raises(ValueError):
        WorkerCode("import os")


def test_a_worker_shared_by_two_projects_imports_each_ones_own_network(tmp_path):
    """Two exercises' folders may each ship a module of the same name (network.py): a
    worker that loaded one must not hand the other file the first one's module."""
    import subprocess
    import sys

    for name, value in (("one", 1), ("two", 2)):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "network.py").write_text(f"VALUE = {value}\n")
        (folder / "project.py").write_text(
            "import network\n\ndef value():\n    return network.VALUE\n"
        )
    script = textwrap.dedent(
        f"""
        from grader.sandbox.worker import Worker
        worker = Worker(None, None)
        for key in ("one", "two"):
            worker.load({{"path": r"{tmp_path}/" + key + "/project.py", "key": key}})
        print(worker.modules["one"].value(), worker.modules["two"].value())
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.stdout.split() == ["1", "2"], done.stderr
