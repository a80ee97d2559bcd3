"""Broken and hostile submissions against the real grader (tests/hostile/).

Each file's docstring states its expected verdict (``expect: fail`` or ``pass``), a
phrase the learner must be shown (``message:``) and, where it is not 1.2.39.5, the
exercise it is graded as (``exercise:``). For every one: the verdict holds, no
check is passed that was not earned, the reason is named in a learner's words, nothing of
the grader's own traceback is shown, the grader's own memory stays bounded, and no process
it started is left running. A hang ends by the grader's own deadlines (the run is stopped
after ten minutes otherwise); how long hostile runs take against the budget is measured in
bench/hostile_budget.py, not asserted, so that a busy machine cannot fail a test.
"""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support import ROOT, Run

HOSTILE = sorted((ROOT / "tests" / "hostile").glob("*.py"))
LIMITS = {"seconds_per_call": 3, "seconds_total": 8}


def header(path: Path) -> dict[str, str]:
    doc = path.read_text().split('"""')[1]
    return dict(re.findall(r"^(\w+): (.+)$", doc, flags=re.MULTILINE))


@pytest.fixture(scope="module")
def course_copy(tmp_path_factory):
    """The course with tighter time limits on the exercises, set the documented way: in
    the lesson manifest, so that hanging cases cost seconds."""
    from tests.conftest import copy_course

    root = copy_course(tmp_path_factory.mktemp("hostile"))
    manifest = root / "lessons/1.2.39-numerical-differentiation/lesson.toml"
    text = manifest.read_text()
    limits = ", ".join(f"{k} = {v}" for k, v in LIMITS.items())
    for number in (1, 2, 3, 4, 5, 7, 8, 9):  # the exercises without limits of their own
        anchor = f'id = "1.2.39.{number}"\n'
        text = text.replace(anchor, anchor + f"limits = {{ {limits} }}\n", 1)
    manifest.write_text(text)
    return root


def processes_with(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return [pid for pid in found if pid != os.getpid()]


# Runs the real `course` in-process, and reports the grader's own peak memory (not its
# workers') on its way out, through whichever exit the command takes.
PEAK_WRAPPER = """
import atexit, os, resource, runpy, sys

def report():
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    os.write(2, f"\\ngrader-peak-kib: {peak}\\n".encode())

real_exit = os._exit
os._exit = lambda code: (report(), real_exit(code))
atexit.register(report)
sys.argv = ["course", *sys.argv[1:]]
runpy.run_module("grader", run_name="__main__")
"""
GRADER_MEMORY_MIB = 400  # NumPy, pytest and SymPy loaded: about 50-150 MiB


def grade(path: Path, course_copy: Path, exercise: str = "1.2.39.5", env: dict | None = None):
    """``course grade EXERCISE --submission PATH --json``, and the grader's peak memory in
    MiB."""
    done = subprocess.run(
        [sys.executable, "-c", PEAK_WRAPPER, "grade", exercise, "--submission", str(path)]
        + ["--json"],
        cwd=ROOT,
        env={**os.environ, "COURSE_ROOT": str(course_copy), **(env or {})},
        capture_output=True,
        text=True,
        timeout=600,
    )
    peaks = re.findall(r"grader-peak-kib: (\d+)", done.stderr)
    err = re.sub(r"\ngrader-peak-kib: \d+\n", "", done.stderr)
    return Run(done.returncode, done.stdout, err), int(peaks[0]) / 1024


@pytest.mark.parametrize("path", HOSTILE, ids=[p.stem for p in HOSTILE])
def test_hostile_submission_gets_a_fair_verdict(path, course_copy):
    expected = header(path)
    run, grader_mib = grade(path, course_copy, expected.get("exercise", "1.2.39.5"))
    result = run.json()
    shown = " ".join([result.get("error") or ""] + [c["message"] for c in result["checks"]])

    assert "Traceback" not in run.out + run.err
    assert "internal problem" not in shown
    assert grader_mib < GRADER_MEMORY_MIB, f"the grader itself held {grader_mib:.0f} MiB"
    if expected["expect"] == "pass":
        assert run.code == 0 and result["passed"], shown
        assert all(len(c["output"]) <= 500 for c in result["checks"])
        assert any(c["output"] for c in result["checks"])
    else:
        assert run.code == 1
        assert result["score"] == 0, f"earned points it should not have: {shown}"
        assert not any(c["passed"] for c in result["checks"])
        assert expected["message"] in shown, shown
    if "orphans" in expected:
        time.sleep(0.2)
        assert processes_with(expected["orphans"]) == []


# Hangs, exits and crashes, which the grader itself must catch wherever it runs: no
# namespace, control group, resource limit or select() is needed for these.
UNFENCED = [
    p
    for p in HOSTILE
    if p.stem
    in {
        "infinite_loop",
        "sleep_at_import",
        "os_exit_at_import",
        "os_exit_in_call",
        "sys_exit_at_import",
        "sys_exit_in_call",
        "atexit_forces_success",
        "unbounded_recursion",
        "deep_recursion_crash",
        "always_equal_float",
        "patches_numpy",
        "forges_report_in_message",
        "forged_nested_reply",
    }
]


@pytest.mark.parametrize("path", UNFENCED, ids=[p.stem for p in UNFENCED])
def test_with_every_linux_only_piece_off_hangs_and_exits_are_still_caught(path, course_copy):
    """As on macOS or Windows (issue 20): the same verdicts, in the same time, and the
    report says what was not in force."""
    expected = header(path)
    run, _ = grade(path, course_copy, env={"COURSE_FENCE_DISABLE": "all"})
    result = run.json()
    shown = " ".join([result.get("error") or ""] + [c["message"] for c in result["checks"]])

    assert "Traceback" not in run.out + run.err
    assert run.code == 1 and result["score"] == 0, shown
    assert expected["message"] in shown, shown
    missing = " ".join(result["protections"]["missing"])
    for piece in ("no network", "read-only files", "answers hidden", "for the whole tree"):
        assert piece in missing
    assert result["protections"]["in_force"] == ["time limits"]


def test_the_catalogue_covers_the_known_attacks():
    names = {p.stem for p in HOSTILE}
    for case in (
        "syntax_error",
        "infinite_loop",
        "os_exit_at_import",
        "patches_numpy",
        "plants_conftest",
        "reads_solution",
        "always_equal_array",
        "memory_bomb",
    ):
        assert case in names
