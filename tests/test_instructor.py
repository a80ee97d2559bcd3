"""Batch grading for instructors (``course instructor grade``), ``course grade --all``, and
the CI workflow shipped for learners' copies.

The batch runs for real (processes, workers, namespaces) over a folder of learners: one
correct, one with the stubs, one with a syntax error, one with files missing, one as a
.zip, one hostile, one with an unsafe .zip. Further batches: learners with odd names
(markup, escapes, formulas, bytes that are not UTF-8) and broken files, on a terminal and
in a log; a slot whose display fails; a learner who tries to read the gradebook, the JSON
and the store of an earlier run; and a machine without the fence.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import stat
import tempfile
import zipfile
from pathlib import Path

import pytest

from grader import catalog
from grader.instructor import errors, sources
from grader.instructor.batch import grade_batch
from tests.conftest import copy_course
from tests.support import ROOT, course
from tests.terminal_support import on_a_terminal

SEED = "11"
EX1 = "1.2.39/ex1_forward_difference.py"
EX2 = "1.2.39/ex2_step_size.py"
CAT = catalog.load(ROOT)
IDS = [ex.id for ex in CAT.exercises]
FULL = {ex.id: ex.points for ex in CAT.exercises}
TOTAL = sum(FULL.values())

# Tries everything a submission could do to copy another learner's work in a batch:
# the submissions folder, and the other grading slots in the temporary folder.
HOSTILE = '''"""Copies another learner's forward difference, if it can read one."""
import glob
import os

SUBMISSIONS = {submissions!r}
TEMP = {temp!r}  # the grader's temporary folder (the worker's own is its scratch)
PATTERNS = [
    os.path.join(SUBMISSIONS, "*", "1.2.39", "ex1_forward_difference.py"),
    os.path.join(SUBMISSIONS, "*", "*", "1.2.39", "ex1_forward_difference.py"),
    os.path.join(
        TEMP, "course-instructor-*", "*", "*", "1.2.39", "ex1_forward_difference.py"
    ),
]
seen = [path for pattern in PATTERNS for path in glob.glob(pattern)]
stolen = {{}}
for path in seen:
    try:
        with open(path) as f:
            code = f.read()
    except OSError:
        continue
    if "stolen" not in code:  # another learner's file, not this one
        exec(code, stolen)
        break


def forward_difference(f, x, h):
    if "forward_difference" in stolen:
        return stolen["forward_difference"](f, x, h)
    raise RuntimeError(f"nothing to copy (saw {{len(seen)}} files)")
'''


def env_for(root: Path) -> dict:
    return {"COURSE_ROOT": str(root), "NO_COLOR": "1"}


def solutions_into(folder: Path) -> None:
    shutil.copytree(ROOT / "solutions", folder, ignore=shutil.ignore_patterns("__pycache__"))


def zip_folder(folder: Path, archive: Path, wrap: str = "") -> None:
    with zipfile.ZipFile(archive, "w") as z:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                z.write(path, wrap + path.relative_to(folder).as_posix())


def make_submissions(parent: Path) -> Path:
    subs = parent / "submissions"
    subs.mkdir()
    solutions_into(subs / "alice")  # correct
    shutil.copytree(  # the stubs as handed out
        ROOT / "exercises", subs / "bob", ignore=shutil.ignore_patterns("__pycache__")
    )
    solutions_into(subs / "carol")  # correct but for a syntax error in 1.2.39.1
    (subs / "carol" / EX1).write_text("def forward_difference(f, x, h)\n    return 0\n")
    (subs / "dave" / "1.2.39").mkdir(parents=True)  # only 1.2.39.1, the rest missing
    shutil.copy(ROOT / "solutions" / EX1, subs / "dave" / EX1)
    solutions_into(parent / "erin")  # correct, as a zip wrapping everything in a folder
    zip_folder(parent / "erin", subs / "erin.zip", wrap="erin/")
    solutions_into(subs / "mallory")  # correct but for a hostile 1.2.39.1
    hostile = HOSTILE.format(submissions=str(subs), temp=tempfile.gettempdir())
    (subs / "mallory" / EX1).write_text(hostile)
    with zipfile.ZipFile(subs / "zed.zip", "w") as z:  # unsafe: a member leaves the folder
        z.writestr(EX1, (ROOT / "solutions" / EX1).read_text())
        z.writestr("../escape.py", "print('out of the folder')\n")
    (subs / "notes.txt").write_text("not a submission\n")
    return subs


def read_csv(path: Path) -> tuple[list[str], dict[str, dict[str, float]]]:
    rows = list(csv.reader(io.StringIO(path.read_text())))
    header, body = rows[0], rows[1:]
    scores = {r[0]: {h: float(v) for h, v in zip(header[1:], r[1:], strict=True)} for r in body}
    return header, scores


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """One batch over every kind of learner, with two jobs, kept for several tests."""
    parent = tmp_path_factory.mktemp("instructor")
    root = copy_course(parent)
    subs = make_submissions(parent)
    out = parent / "out"
    run = course(
        "instructor",
        "grade",
        str(subs),
        "--out",
        str(out / "book.csv"),
        "--json",
        str(out / "book.json"),
        "--jobs",
        "2",
        "--seed",
        SEED,
        env=env_for(root),
        timeout=1800,
    )
    assert run.code == 1, run.out + run.err  # zed could not be graded at all
    book = json.loads((out / "book.json").read_text())
    learners = {record["learner"]: record for record in book["learners"]}
    return {"root": root, "subs": subs, "out": out, "run": run, "book": book, "by": learners}


def results_of(record: dict) -> dict[str, dict]:
    return {r["exercise"]: r for r in record["results"]}


def test_the_gradebook_has_a_row_per_learner_and_a_column_per_item(batch):
    header, rows = read_csv(batch["out"] / "book.csv")
    assert header == ["learner", *IDS, "total"]
    assert sorted(rows) == ["alice", "bob", "carol", "dave", "erin", "mallory", "zed"]
    for row in rows.values():
        assert row["total"] == pytest.approx(sum(row[i] for i in IDS), abs=0.05)
    assert rows["alice"] == {**FULL, "total": TOTAL}
    assert rows["erin"] == {**FULL, "total": TOTAL}  # from the zip
    assert all(rows["bob"][i] < FULL[i] for i in IDS)
    assert rows["carol"] == {**FULL, "1.2.39.1": 0.0, "total": TOTAL - FULL["1.2.39.1"]}
    assert rows["dave"]["1.2.39.1"] == FULL["1.2.39.1"]
    assert rows["dave"]["total"] == FULL["1.2.39.1"]
    assert rows["mallory"]["1.2.39.1"] == 0.0
    assert rows["zed"]["total"] == 0.0
    assert "notes.txt" not in rows


def test_the_json_keeps_every_check_and_every_reason(batch):
    book, by = batch["book"], batch["by"]
    assert book["schema_version"] == 1 and book["seed"] == int(SEED)
    assert [item["id"] for item in book["items"]] == IDS
    alice = results_of(by["alice"])
    for exercise_id, result in alice.items():
        assert result["passed"] and result["checks"], exercise_id
        assert {"name", "title", "passed", "points", "max_points", "message"} <= set(
            result["checks"][0]
        )
        assert result["seed"] == int(SEED)
    assert alice["1.2.39.1"]["submission"] == "alice/" + EX1
    assert results_of(by["erin"])["1.2.39.1"]["submission"] == "erin.zip/erin/" + EX1

    missing = results_of(by["dave"])["1.2.39.2"]
    assert missing["score"] == 0 and missing["checks"] == []
    assert missing["error"].startswith("missing file")

    broken = results_of(by["carol"])["1.2.39.1"]
    assert broken["score"] == 0 and "SyntaxError" in broken["error"] + json.dumps(broken)
    text = json.dumps(book)
    assert "course-instructor-" not in text, "the private copy's path leaked into a report"

    zed = by["zed"]
    assert "leaves its folder" in zed["error"]
    assert all(r["score"] == 0 and "leaves its folder" in r["error"] for r in zed["results"])
    assert not (batch["subs"].parent / "escape.py").exists()
    # The instructor is told which submission got zeros, and why
    assert "1 submission(s) could not be graded at all" in batch["run"].out
    assert re.search(r"^  zed: broken submission: .*leaves its folder", batch["run"].out, re.M)


def test_a_submission_cannot_read_another_learners_files(batch):
    hostile = results_of(batch["by"]["mallory"])["1.2.39.1"]
    assert hostile["score"] == 0
    messages = " ".join(c["message"] for c in hostile["checks"])
    # It saw only its own file: neither SUBMISSIONS_DIR nor the other slot.
    assert "nothing to copy (saw 1 files)" in messages, messages
    assert results_of(batch["by"]["mallory"])["1.2.39.2"]["passed"]  # the rest is graded
    assert batch["by"]["alice"]["score"] == TOTAL


def test_the_hostile_file_would_copy_outside_a_batch(batch):
    """The control: graded alone, nothing hides the submissions folder, and the file does
    copy alice's work. So the batch's zero above is the batch's doing."""
    run = course(
        "grade",
        "1.2.39.1",
        "--submission",
        str(batch["subs"] / "mallory" / EX1),
        "--json",
        env=env_for(batch["root"]),
    )
    assert run.json()["passed"], run.out


def test_a_rerun_skips_unchanged_work_and_grades_what_changed(batch, tmp_path):
    subs = tmp_path / "submissions"
    shutil.copytree(batch["subs"], subs)
    # The same learners' work, the same store (copied, so other tests keep theirs).
    store = tmp_path / "store.sqlite3"
    shutil.copy(batch["root"] / ".course" / "instructor.sqlite3", store)
    shutil.copy(ROOT / "solutions" / EX1, subs / "carol" / EX1)  # carol fixes her error
    run = course(
        "instructor",
        "grade",
        str(subs),
        "--out",
        str(tmp_path / "book.csv"),
        "--json",
        str(tmp_path / "book.json"),
        "--store",
        str(store),
        "--seed",
        SEED,
        env=env_for(batch["root"]),
        timeout=1800,
    )
    assert run.code == 1, run.out + run.err  # zed still cannot be graded
    by = {r["learner"]: r for r in json.loads((tmp_path / "book.json").read_text())["learners"]}
    # carol's 1.2.39.1 changed, and so did what the other files of its folder can import
    assert by["carol"]["graded"] >= 1
    assert results_of(by["carol"])["1.2.39.1"]["cached"] is False
    assert results_of(by["carol"])["1.2.39.project"]["cached"] is True
    for name in ("alice", "bob", "dave", "erin", "mallory"):
        assert by[name]["graded"] == 0, name
        graded = [r for r in by[name]["results"] if not r.get("error", "").startswith("missing")]
        assert graded and all(r["cached"] for r in graded), name
    _, rows = read_csv(tmp_path / "book.csv")
    _, before = read_csv(batch["out"] / "book.csv")
    assert rows["carol"]["total"] == TOTAL
    assert {k: v for k, v in rows.items() if k != "carol"} == {
        k: v for k, v in before.items() if k != "carol"
    }


def test_one_job_gives_the_same_gradebook_as_two(batch, tmp_path):
    run = course(
        "instructor",
        "grade",
        str(batch["subs"]),
        "--out",
        str(tmp_path / "book.csv"),
        "--jobs",
        "1",
        "--seed",
        SEED,
        "--store",
        str(tmp_path / "fresh.sqlite3"),
        env=env_for(batch["root"]),
        timeout=1800,
    )
    assert run.code == 1, run.out + run.err
    assert "0 taken from the store" in run.out  # graded again, not read back
    assert (tmp_path / "book.csv").read_text() == (batch["out"] / "book.csv").read_text()


def test_usage_errors_exit_2(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    out = str(tmp_path / "book.csv")
    assert course("instructor", "grade", str(empty), "--out", out).code == 2
    assert course("instructor", "grade", str(tmp_path / "nowhere"), "--out", out).code == 2
    assert course("instructor", "grade", str(empty)).code == 2  # --out is required


# --- every learner, whatever their names and files (issue 13, classes 3 and 6) -----------

ODD = {  # folder name -> what the name tries
    "[bold red]loud": "rich markup",
    '=HYPERLINK("e.invalid","x")': "a spreadsheet formula",
    "zoë 李 ✓": "unicode",
    "ann smith": "spaces",
    "esc\x1b[2J\x1b[H\u202e": "terminal escapes and a right-to-left override",
    "new\n  Score: 10 of 10": "a newline that forges a line",
}
LATIN1 = b"ren\xe9e"  # not valid UTF-8: Python sees a surrogate in the name


def odd_submissions(parent: Path) -> Path:
    """Learners with odd names (one file each, 1.2.39.1) and learners nothing of whose
    submission can be graded."""
    subs = parent / "submissions"
    subs.mkdir()
    correct = (ROOT / "solutions" / EX1).read_bytes()
    for name in ODD:
        (subs / name / "1.2.39").mkdir(parents=True)
        (subs / name / EX1).write_bytes(correct)
    latin = os.path.join(os.fsencode(subs), LATIN1)
    os.makedirs(os.path.join(latin, b"1.2.39"))
    with open(os.path.join(latin, os.fsencode(EX1)), "wb") as f:
        f.write(correct)
    (subs / "empty").mkdir()  # nothing in it at all
    (subs / "corrupt.zip").write_bytes(b"PK\x03\x04 this is not really a zip")
    with zipfile.ZipFile(subs / "markup.zip", "w") as z:  # refused, with markup in the reason
        z.writestr(EX1, correct)
        z.writestr("../[/]\x1b[2J.py", "print('out')\n")
    with zipfile.ZipFile(subs / "bomb.zip", "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr(EX1, b"#" * (64 << 20))  # 64 MiB of one byte: a few kB packed
        z.write(ROOT / "solutions" / EX2, EX2)
    with zipfile.ZipFile(subs / "crowded.zip", "w") as z:
        for k in range(sources.MAX_ZIP_MEMBERS + 1):
            z.writestr(f"junk/{k}.txt", "")
    (subs / "notes.txt").write_text("not a submission\n")
    return subs


def odd_names() -> list[str]:
    return sorted([*ODD, os.fsdecode(LATIN1)])


@pytest.fixture(scope="module")
def odd_batch(tmp_path_factory):
    """The odd learners, graded on a terminal (rich's progress bar), then again in a log
    with the results kept in the store."""
    parent = tmp_path_factory.mktemp("odd")
    root = copy_course(parent)
    subs = odd_submissions(parent)
    out = parent / "out"
    args = ["instructor", "grade", str(subs), "--jobs", "2", "--seed", SEED]
    terminal = on_a_terminal(
        [*args, "--out", str(out / "t.csv"), "--json", str(out / "t.json")],
        {"COURSE_ROOT": str(root), "PYTHONIOENCODING": "utf-8:strict"},
        timeout=1800,
    )
    piped = course(
        *args,
        "--out",
        str(out / "p.csv"),
        "--json",
        str(out / "p.json"),
        env={**env_for(root), "PYTHONIOENCODING": "utf-8:strict"},
        timeout=1800,
    )
    return {"root": root, "subs": subs, "out": out, "terminal": terminal, "piped": piped}


def test_every_learner_is_in_the_gradebook_whatever_their_name(odd_batch):
    out = odd_batch["out"]
    everyone = odd_names() + ["bomb", "corrupt", "crowded", "empty", "markup"]
    for book in ("t", "p"):
        learners = json.loads((out / f"{book}.json").read_text(encoding="utf-8"))["learners"]
        names = [r["learner"] for r in learners]
        assert sorted(names) == sorted(safe_json(n) for n in everyone), names
        rows = list(csv.reader(io.StringIO((out / f"{book}.csv").read_text(encoding="utf-8"))))
        assert len(rows) == 1 + len(everyone)  # a newline in a name never starts a row
        by = {row[0]: row for row in rows[1:]}
        total = rows[0].index("total")
        for name in ODD:  # each graded: 1.2.39.1 in full
            assert float(by[instructor_cell(name)][total]) == FULL["1.2.39.1"], name
        assert float(by["ren\\udce9e"][total]) == FULL["1.2.39.1"]
        assert '\'=HYPERLINK("e.invalid","x")' in by  # shown as text, never run
        assert all(not cell.startswith(("=", "+", "-", "@")) for cell in by)
        bomb = {r["learner"]: r for r in learners}["bomb"]
        results = {r["exercise"]: r for r in bomb["results"]}
        assert "larger than" in results["1.2.39.1"]["error"]
        assert results["1.2.39.2"]["passed"]  # the rest of the zip is graded
    book = json.loads((out / "p.json").read_text(encoding="utf-8"))
    errors = {r["learner"]: r.get("error", "") for r in book["learners"]}
    assert errors["empty"].startswith("nothing to grade")
    assert "cannot be opened" in errors["corrupt"]
    assert "more than" in errors["crowded"]
    assert "leaves its folder" in errors["markup"]
    assert not errors["bomb"] and not errors["zoë 李 ✓"]


def safe_json(name: str) -> str:
    from grader.text import safe_text

    return safe_text.json_text(name)


def instructor_cell(name: str) -> str:
    from grader.text import safe_text

    return safe_text.csv_cell(name)


def test_the_batch_exits_1_and_names_who_could_not_be_graded(odd_batch):
    for code, out in (odd_batch["terminal"][:2], (odd_batch["piped"].code, odd_batch["piped"].out)):
        assert code == 1, out
        assert "5 submission(s) could not be graded at all" not in out  # bomb was graded
        assert "4 submission(s) could not be graded at all" in out
        for name in ("empty", "corrupt", "crowded", "markup"):
            assert re.search(rf"^  {name}: ", out, re.M), name
        assert "Skipped (neither a folder nor a .zip): notes.txt" in out
        assert "Traceback" not in out


def test_names_and_reasons_are_shown_as_text_in_a_log(odd_batch):
    run = odd_batch["piped"]
    assert "Traceback" not in run.err
    assert "\x1b" not in run.out and "\u202e" not in run.out and "\r" not in run.out
    lines = run.out.splitlines()
    assert sum(line.startswith("esc\\x1b[2J\\x1b[H\\u202e: ") for line in lines) == 1
    assert sum(line.startswith("new\\n  Score: 10 of 10: ") for line in lines) == 1
    assert sum(line.startswith("ren\\udce9e: ") for line in lines) == 1
    assert sum(line.startswith("[bold red]loud: ") for line in lines) == 1
    assert not any(line.startswith(("Score", "  Score")) for line in lines)
    assert "'../[/]\\x1b[2J.py'" in run.out  # the zip member, quoted as text


def test_markup_in_names_and_members_on_a_terminal(odd_batch):
    code, out, err = odd_batch["terminal"]
    assert "Traceback" not in out + err
    assert "MarkupError" not in out + err
    assert "\x1b[2J" not in out and "\u202e" not in out  # rich's own codes, never a learner's
    assert "'../[/]\\x1b[2J.py'" in out  # printed by rich, not read as a closing tag
    assert "Gradebook:" in out


def test_a_failing_slot_loses_no_one_else(tmp_path):
    """A display that raises in a slot's thread (as rich did for a name with "[/]") costs
    nothing: the learner is kept, and the slot goes on with the next learners."""
    subs = tmp_path / "submissions"
    for name in ("anna", "boris", "chen", "dora"):
        (subs / name / "1.2.39").mkdir(parents=True)
        shutil.copy(ROOT / "solutions" / EX1, subs / name / EX1)
    shown = []

    def display(record: dict) -> None:
        if record["learner"] in ("anna", "chen"):
            raise RuntimeError("the terminal went away")
        shown.append(record["learner"])

    summary = grade_batch(
        subs,
        tmp_path / "book.csv",
        jobs=2,
        seed=int(SEED),
        store_path=tmp_path / "store.sqlite3",
        root=ROOT,
        on_done=display,
    )
    assert sorted(r["learner"] for r in summary.records) == ["anna", "boris", "chen", "dora"]
    assert all(r["score"] == FULL["1.2.39.1"] for r in summary.records)
    assert sorted(shown) == ["boris", "dora"]
    _, rows = read_csv(tmp_path / "book.csv")
    assert sorted(rows) == ["anna", "boris", "chen", "dora"]


def test_a_locked_store_costs_no_learner_their_grade(tmp_path, monkeypatch):
    """Another program holds the store's write lock for the whole batch: every learner is
    graded all the same, the gradebook has every grade, and the summary says what was not
    kept (a re-run grades it again) instead of giving anyone zeros."""
    import sqlite3

    subs = tmp_path / "submissions"
    for name in ("anna", "boris"):
        (subs / name / "1.2.39").mkdir(parents=True)
        shutil.copy(ROOT / "solutions" / EX1, subs / name / EX1)
    store = tmp_path / "store.sqlite3"
    monkeypatch.setenv("COURSE_BUSY_TIMEOUT", "0.2")
    holder = []

    def lock_the_store(_count: int) -> None:  # after the batch made the store, before grading
        db = sqlite3.connect(store, isolation_level=None)
        db.execute("BEGIN IMMEDIATE")
        holder.append(db)

    summary = grade_batch(
        subs,
        tmp_path / "book.csv",
        out_json=tmp_path / "book.json",
        jobs=2,
        seed=int(SEED),
        store_path=store,
        root=ROOT,
        on_start=lock_the_store,
    )
    holder[0].execute("ROLLBACK")
    assert [r["score"] for r in summary.records] == [FULL["1.2.39.1"]] * 2
    assert not summary.problems
    assert len(summary.notices) == 1 and "could not be kept in the store" in summary.notices[0]
    assert "locked" in summary.notices[0] and str(store) in summary.notices[0]
    _, rows = read_csv(tmp_path / "book.csv")
    assert {name: rows[name]["1.2.39.1"] for name in rows} == {
        "anna": FULL["1.2.39.1"],
        "boris": FULL["1.2.39.1"],
    }
    learners = json.loads((tmp_path / "book.json").read_text())["learners"]
    assert all("not_kept" not in learner for learner in learners)
    kept = sqlite3.connect(store).execute("SELECT COUNT(*) FROM instructor_results").fetchone()
    assert kept == (0,)  # nothing was kept, so a re-run grades both again


# --- what the instructor writes is never visible to a worker ---------------------------

PEEKER = '''"""Reads what an instructor's earlier batch wrote, and reports it as its error."""

PATHS = {paths!r}
seen = []
for path in PATHS:
    try:
        with open(path, "rb") as f:
            seen.append(len(f.read()))
    except OSError as exc:
        seen.append(type(exc).__name__)


def forward_difference(f, x, h):
    raise RuntimeError(f"read {{seen}}")
'''


def test_a_worker_cannot_read_the_gradebook_json_or_store_of_an_earlier_run(tmp_path):
    """--out inside the course copy, --json next to SUBMISSIONS_DIR, --store in the course
    copy too: none of their folders can be hidden (they hold the course), so each file is."""
    root = copy_course(tmp_path)
    subs = tmp_path / "submissions"
    (subs / "alice" / "1.2.39").mkdir(parents=True)
    shutil.copy(ROOT / "solutions" / EX1, subs / "alice" / EX1)
    book, book_json, store = root / "book.csv", tmp_path / "book.json", root / "grades.sqlite3"
    where = ["--out", str(book), "--json", str(book_json), "--store", str(store)]
    first = course("instructor", "grade", str(subs), *where, env=env_for(root), timeout=900)
    assert first.code == 0, first.out + first.err
    control = root / "pyproject.toml"  # a file of the course next to the gradebook
    targets = [book, book_json, store, control]
    assert all(path.stat().st_size > 0 for path in targets)

    shutil.rmtree(subs / "alice")
    (subs / "mallory" / "1.2.39").mkdir(parents=True)
    peeker = PEEKER.format(paths=[str(p) for p in targets])
    (subs / "mallory" / EX1).write_text(peeker)
    second = course("instructor", "grade", str(subs), *where, env=env_for(root), timeout=900)
    assert second.code == 0, second.out + second.err
    learners = json.loads(book_json.read_text())["learners"]
    message = results_of(learners[0])["1.2.39.1"]["checks"][0]["message"]
    seen = re.search(r"read \[(.*?)\]", message).group(1).split(", ")
    assert seen[:3] == ["0", "0", "0"], message  # the gradebook, the JSON, the store: empty
    assert int(seen[3]) == control.stat().st_size  # the course itself is still there

    # The control: graded alone, nothing hides those files, and the same code reads them.
    alone = course("grade", "1.2.39.1", "--submission", str(subs / "mallory" / EX1), "--json")
    read_alone = re.search(r"read \[(.*?)\]", alone.json()["checks"][0]["message"]).group(1)
    assert all(int(n) > 0 for n in read_alone.split(", ")), read_alone


# --- the fence (issue 20) ------------------------------------------------------------------


def test_the_batch_refuses_to_run_unfenced_unless_told(tmp_path):
    root = copy_course(tmp_path)
    subs = tmp_path / "submissions"
    (subs / "alice" / "1.2.39").mkdir(parents=True)
    shutil.copy(ROOT / "solutions" / EX1, subs / "alice" / EX1)
    env = {**env_for(root), "COURSE_FENCE_DISABLE": "namespaces"}
    book = tmp_path / "book.csv"
    refused = course("instructor", "grade", str(subs), "--out", str(book), env=env)
    assert refused.code == 2
    assert "--unfenced" in refused.err and "missing:" in refused.err
    assert "other learners' submissions" in refused.err  # what it means for a cohort
    assert not book.exists()

    forced = course(
        "instructor", "grade", str(subs), "--out", str(book), "--unfenced", env=env, timeout=900
    )
    assert forced.code == 0, forced.out + forced.err
    assert "Grading unfenced" in forced.err
    _, rows = read_csv(book)
    assert rows["alice"]["1.2.39.1"] == FULL["1.2.39.1"]


# --- unpacking, in process ---------------------------------------------------------------


def unpack(source: Path, target: Path) -> sources.Unpacked:
    target.mkdir()
    return sources.unpack(source, list(CAT.exercises), target, ROOT)


@pytest.mark.parametrize(
    "member", ["../escape.py", "1.2.39/../../escape.py", "/tmp/escape.py", "C:/escape.py"]
)
def test_a_zip_member_that_leaves_its_folder_is_refused(tmp_path, member):
    archive = tmp_path / "learner.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr(EX1, "x = 1\n")
        z.writestr(zipfile.ZipInfo(member), "print('out')\n")
    with pytest.raises(errors.SubmissionProblem):
        unpack(archive, tmp_path / "copy")
    assert not (tmp_path / "escape.py").exists()
    assert list((tmp_path / "copy").iterdir()) == []


def test_a_zip_with_a_symbolic_link_is_refused(tmp_path):
    archive = tmp_path / "learner.zip"
    link = zipfile.ZipInfo(EX1)
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr(link, "../../alice/1.2.39/ex1_forward_difference.py")
    with pytest.raises(errors.SubmissionProblem, match="symbolic link"):
        unpack(archive, tmp_path / "copy")


def test_files_are_capped_and_links_to_other_learners_refused(tmp_path):
    learner = tmp_path / "learner" / "1.2.39"
    learner.mkdir(parents=True)
    other = tmp_path / "alice.py"
    other.write_text("def forward_difference(f, x, h):\n    return 0\n")
    (learner / "ex1_forward_difference.py").symlink_to(other)
    big = "x = 1\n" * (sources.MAX_FILE_BYTES // 6 + 10)
    (learner / "ex2_step_size.py").write_text(big)
    (learner / "ex3_sampled_derivative.py").write_text("def f():\n    return 1\n")
    unpacked = unpack(tmp_path / "learner", tmp_path / "copy")
    assert "symbolic link" in unpacked.problems[EX1]
    assert "larger than" in unpacked.problems["1.2.39/ex2_step_size.py"]
    assert set(unpacked.digests) == {"1.2.39/ex3_sampled_derivative.py"}
    assert not (tmp_path / "copy" / EX1).exists()


def test_a_zip_member_larger_than_the_cap_is_not_unpacked(tmp_path):
    archive = tmp_path / "learner.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr(EX1, b"#" * (sources.MAX_FILE_BYTES + 1))  # compresses to little
    unpacked = unpack(archive, tmp_path / "copy")
    assert "larger than" in unpacked.problems[EX1]


def test_helpers_of_the_learners_own_count_in_the_digest(tmp_path):
    learner = tmp_path / "learner" / "1.2.39"
    learner.mkdir(parents=True)
    (learner / "ex1_forward_difference.py").write_text("from my_tools import slope\n")
    (learner / "my_tools.py").write_text("def slope():\n    return 1\n")
    first = unpack(tmp_path / "learner", tmp_path / "copy1").digests[EX1]
    assert (tmp_path / "copy1" / "1.2.39" / "my_tools.py").is_file()
    (learner / "my_tools.py").write_text("def slope():\n    return 2\n")
    assert unpack(tmp_path / "learner", tmp_path / "copy2").digests[EX1] != first


# --- course grade --all and the CI workflow -----------------------------------------------


def test_grade_all_grades_every_lesson_with_junit_xml(tmp_path):
    root = copy_course(tmp_path)
    for ex in CAT.exercises:  # a learner who has done everything
        shutil.copy(root / ex.solution, root / ex.stub)
    report = tmp_path / "reports" / "junit.xml"
    run = course("grade", "--all", "--junit-xml", str(report), "--json", env=env_for(root))
    assert run.code == 0, run.out + run.err
    assert [r["exercise"] for r in run.json()] == IDS
    import xml.etree.ElementTree as ET

    suites = ET.parse(report).getroot()
    assert [s.get("name") for s in suites.iter("testsuite")] == IDS


def test_grade_needs_an_id_or_all_but_not_both():
    assert course("grade").code == 2
    assert course("grade", "1.2.39", "--all").code == 2


def test_the_ci_workflow_installs_the_course_and_grades_everything():
    import yaml  # PyYAML comes with mkdocs, a core dependency

    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "grade.yml").read_text())
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as True
    assert "push" in triggers
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    runs = [step.get("run", "") for step in steps]
    assert any("pip install -e ." in r for r in runs)
    grading = [r for r in runs if "course grade --all" in r]
    assert grading and "--junit-xml reports/junit.xml" in grading[0]
    uses = [step.get("uses", "") for step in steps]
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact"))
    assert upload.get("if") == "always()" and "reports" in upload["with"]["path"]
    assert any(u.startswith("actions/checkout") for u in uses)
