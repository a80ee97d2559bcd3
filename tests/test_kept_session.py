"""A process that grades run after run keeps one pytest session (grader.grading.kept_session):
each run in it must come out exactly as in a fresh pytest session, and nothing of one
learner's run may reach the next."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Run in a process of its own, so that the runner's per-process state starts empty.
# argv: a JSON list of runs, each a list of [exercise id, file]; prints one JSON line per
# run (every result but its duration), then which runs went through the kept session.
RUNS = r"""
import json, sys
from pathlib import Path
from grader import catalog
from grader.grading import kept_session, report, runner

cat = catalog.load()
used = []
run = kept_session.KeptSession._run
def counting(self, targets, seed):
    used.append(len(targets))
    return run(self, targets, seed)
kept_session.KeptSession._run = counting
for jobs in json.loads(sys.argv[1]):
    before = len(used)
    results = runner.grade([(cat.exercise(i), Path(p)) for i, p in jobs], seed=7)
    out = [report.to_dict(r) for r in results]
    for data in out:
        data.pop("duration_s")
    print(json.dumps({"results": out, "kept": len(used) > before}))
"""


def grade_runs(runs: list[list[tuple[str, Path]]], mode: str) -> list[dict]:
    env = {**os.environ, "COURSE_KEPT_SESSION": mode}
    done = subprocess.run(
        [sys.executable, "-c", RUNS, json.dumps([[[i, str(p)] for i, p in r] for r in runs])],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return [json.loads(line) for line in done.stdout.splitlines()]


def files(tmp_path: Path, name: str, changes: dict[str, str]) -> dict[str, Path]:
    """A learner's copy of three items' reference solutions, with some text replaced."""
    folder = tmp_path / name
    folder.mkdir()
    made = {}
    for item, stub in (("1.2.39.1", "ex1_forward_difference.py"), ("1.2.39.2", "ex2_step_size.py")):
        text = (ROOT / "solutions" / "1.2.39" / stub).read_text()
        for old, new in changes.get(item, {}).items():
            assert old in text
            text = text.replace(old, new)
        made[item] = folder / stub
        made[item].write_text(text)
    return made


def test_runs_in_a_kept_session_equal_fresh_sessions_and_share_nothing(tmp_path: Path):
    # Learner A prints from forward_difference and gets it wrong; learner B does neither.
    a = files(
        tmp_path,
        "a",
        {
            "1.2.39.1": {
                "    h = float(h)\n": "    print('A was here')\n    return 0.0\n",
            }
        },
    )
    b = files(tmp_path, "b", {})
    one = [("1.2.39.1", a["1.2.39.1"])]
    runs = [
        one,  # the first run in a process: pytest.main
        [("1.2.39.1", a["1.2.39.1"]), ("1.2.39.2", a["1.2.39.2"])],  # kept, made for both
        [("1.2.39.1", b["1.2.39.1"]), ("1.2.39.2", b["1.2.39.2"])],  # kept: B after A
        [("1.2.39.2", b["1.2.39.2"])],  # a part of what is kept
        [("1.2.39.2", b["1.2.39.2"]), ("1.2.39.1", a["1.2.39.1"])],  # another order
        one,  # A again, after B
    ]
    kept = grade_runs(runs, "auto")
    fresh = grade_runs(runs, "never")

    assert [run["kept"] for run in kept] == [False, True, True, True, False, True]
    assert not any(run["kept"] for run in fresh)
    for with_kept, without in zip(kept, fresh, strict=True):
        assert with_kept["results"] == without["results"]
    outputs = [
        [c["output"] for r in run["results"] for c in r["checks"] if c["output"]] for run in kept
    ]
    assert outputs[0] and all("A was here" in o for o in outputs[0])
    assert outputs[2] == [] and outputs[3] == []  # nothing of A's reaches B
    assert outputs[5] == outputs[0]
    a_first, b_then = kept[1]["results"], kept[2]["results"]
    assert not a_first[0]["passed"] and b_then[0]["passed"] and b_then[1]["passed"]
