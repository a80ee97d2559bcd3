"""Nothing from the worker stalls the grader, and trusted functions cross as handles.

Every case runs a real worker process, twice: with the POSIX channel (non-blocking pipes
and ``poll``) and with the portable one (reader and writer threads), which is what
Windows gets and what ``COURSE_FENCE_DISABLE=select`` forces.
"""

import os
import textwrap
import time

import numpy as np
import pytest

from grader.grading.inputs import load as load_inputs
from grader.sandbox import channel, host
from grader.sandbox.limits import Limits
from grader.sandbox.workers import LearnerError, Sandbox, WorkerFailure
from tests.support import ROOT

LESSON = ROOT / "lessons" / "1.2.39-numerical-differentiation"
INPUTS = load_inputs(LESSON)  # the lesson's trusted functions

LIMITS = Limits(seconds_per_call=2, seconds_total=30, memory_mb=1024, cpu_seconds=20)


@pytest.fixture(params=["poll", "threads"])
def io_kind(request, monkeypatch):
    if request.param == "threads":
        monkeypatch.setenv(host.DISABLE_ENV, "select")
    return request.param


def learner_file(tmp_path, body: str):
    path = tmp_path / "submission.py"
    path.write_text(textwrap.dedent(body))
    return path


def test_the_channel_kind_follows_the_platform(io_kind, tmp_path):
    path = learner_file(tmp_path, "def one():\n    return 1\n")
    with Sandbox(path, LIMITS) as box:
        assert box.call("one").value == 1
        expected = channel.PollChannel if io_kind == "poll" else channel.ThreadChannel
        assert isinstance(box.worker.channel, expected)


def test_a_worker_that_stops_reading_cannot_stall_a_large_write(io_kind, tmp_path):
    """The learner's code stops its own process right after answering; the grader's next
    request is far larger than a pipe's buffer, so a write without a deadline would block
    for ever."""
    path = learner_file(
        tmp_path,
        """
        import os, signal, threading, time

        def freeze_after_answering():
            def later():
                time.sleep(0.2)
                os.kill(os.getpid(), signal.SIGSTOP)
            threading.Thread(target=later, daemon=True).start()
            return 1

        def total(x):
            return float(x.sum())
        """,
    )
    with Sandbox(path, LIMITS) as box:
        assert box.call("freeze_after_answering").value == 1
        time.sleep(0.6)
        with pytest.raises(WorkerFailure) as failure:
            box.call("total", (np.ones(2_000_000),))
    assert failure.value.kind == "timeout"  # the write's deadline ended it, not a hang


def test_half_a_message_is_a_timeout_not_a_stall(io_kind, tmp_path):
    """A reply whose length prefix promises more than ever comes."""
    path = learner_file(
        tmp_path,
        """
        import os, time

        def forge():
            for fd in range(3, 64):
                try:
                    if os.readlink(f"/proc/self/fd/{fd}").startswith("pipe:"):
                        os.write(fd, (1000).to_bytes(4, "big") + b'{"ok": tr')
                except OSError:
                    pass
            time.sleep(60)
        """,
    )
    with Sandbox(path, LIMITS) as box:
        with pytest.raises(WorkerFailure) as failure:
            box.call("forge")
    assert failure.value.kind in ("timeout", "undecodable")


def test_an_announced_huge_reply_is_refused_before_it_is_read(io_kind, tmp_path):
    path = learner_file(
        tmp_path,
        """
        import os, time

        def forge():
            for fd in range(3, 64):
                try:
                    if os.readlink(f"/proc/self/fd/{fd}").startswith("pipe:"):
                        os.write(fd, (2**32 - 1).to_bytes(4, "big"))
                except OSError:
                    pass
            time.sleep(60)
        """,
    )
    with Sandbox(path, LIMITS) as box:
        with pytest.raises(WorkerFailure) as failure:
            box.call("forge")
    assert failure.value.kind == "too_large"
    assert "too much data" in failure.value.message


def test_a_trusted_function_is_an_opaque_handle_evaluated_and_counted_by_the_grader(
    io_kind, tmp_path
):
    path = learner_file(
        tmp_path,
        """
        import numpy as np

        def peek(f):
            return [repr(f), sorted(k for k in vars(f) if not k.startswith("_"))]

        def twice(f, x):
            return f(x) + f(x)

        def forged_count(f, x):
            f.calls = 1000
            return f(x)
        """,
    )
    sine = INPUTS.get("ufunc", name="sin", scale=3.0)
    with Sandbox(path, LIMITS) as box:
        shown, attributes = box.call("peek", (sine,)).value
        assert "sin" not in shown and "3" not in shown
        assert attributes == ["index"]
        result = box.call("twice", (sine, 0.5))
        assert result.value == pytest.approx(2 * np.sin(1.5))
        assert result.fn_calls == [2]
        assert box.call("forged_count", (sine, 0.5)).fn_calls == [1]


def test_a_handle_passed_back_into_a_trusted_function_is_the_grader_s_function(io_kind, tmp_path):
    path = learner_file(
        tmp_path,
        """
        def estimate(method, f, x, h):
            return method(f, x, h)
        """,
    )
    method = INPUTS.get("difference_method", kind="central")
    cube = INPUTS.get("poly", coeffs=[0, 0, 0, 1])
    with Sandbox(path, LIMITS) as box:
        result = box.call("estimate", (method, cube, 2.0, 1e-3))
    assert result.value == pytest.approx(12.0, rel=1e-6)
    assert result.fn_calls == [1, 2]  # method once; f twice, by the grader's count


def test_calling_a_trusted_function_wrongly_is_the_learner_s_error(io_kind, tmp_path):
    path = learner_file(
        tmp_path,
        """
        def wrong(f):
            return f("not a number")

        def unsendable(f):
            return f(object())
        """,
    )
    sine = INPUTS.get("ufunc", name="sin")
    with Sandbox(path, LIMITS) as box:
        with pytest.raises(LearnerError) as error:
            box.call("wrong", (sine,))
        assert "function given by the grader" in error.value.error["message"]
        with pytest.raises(LearnerError) as error:
            box.call("unsendable", (sine,))
        assert error.value.type_name == "TypeError"


def test_a_flood_of_trusted_calls_ends_at_the_deadline(io_kind, tmp_path):
    path = learner_file(
        tmp_path,
        """
        def forever(f):
            while True:
                f(1.0)
        """,
    )
    sine = INPUTS.get("ufunc", name="sin")
    with Sandbox(path, LIMITS) as box:
        with pytest.raises(WorkerFailure) as failure:
            box.call("forever", (sine,))
        assert failure.value.kind in ("timeout", "budget")


def test_no_worker_process_is_left_after_close(io_kind, tmp_path):
    path = learner_file(tmp_path, "def one():\n    return 1\n")
    box = Sandbox(path, LIMITS)
    box.call("one")
    pid = box.worker.process.pid
    box.close()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_a_symbolic_value_is_read_only_where_the_check_passed_one_in(io_kind, tmp_path):
    """A SymPy expression is rebuilt (bounded, unevaluated) only for a call that sent one;
    anywhere else it is refused unread."""
    import sympy

    path = learner_file(
        tmp_path,
        """
        import sympy

        def echo(expression):
            return expression * 2

        def sneaky(x):
            return sympy.Symbol("x") ** 2
        """,
    )
    x = sympy.Symbol("x")
    with Sandbox(path, LIMITS) as box:
        assert sympy.simplify(box.call("echo", (x + 1,)).value - (2 * x + 2)) == 0
        with pytest.raises(WorkerFailure) as failure:
            box.call("sneaky", (1.0,))
    assert failure.value.kind == "undecodable"
