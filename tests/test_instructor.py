"""Batch grading for instructors (``course instructor grade``), ``course grade --all``, and
the CI workflow shipped for learners' copies.

The batch runs for real (processes, workers, namespaces) over a folder of learners: one
correct, one with the stubs, one with a syntax error, one with files missing, one as a
.zip, one hostile, one with an unsafe .zip.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import stat
import tempfile
import zipfile
from pathlib import Path

import pytest

from grader import catalog, instructor
from tests.conftest import copy_course
from tests.support import ROOT, course

SEED = "11"
EX1 = "1.2.39/ex1_forward_difference.py"
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
    assert run.code == 0, run.out + run.err
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
    assert "zed" in batch["run"].out  # the instructor is told which submission got zeros


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
    assert run.code == 0, run.out + run.err
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
    assert run.code == 0, run.out + run.err
    assert "0 taken from the store" in run.out  # graded again, not read back
    assert (tmp_path / "book.csv").read_text() == (batch["out"] / "book.csv").read_text()


def test_usage_errors_exit_2(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    out = str(tmp_path / "book.csv")
    assert course("instructor", "grade", str(empty), "--out", out).code == 2
    assert course("instructor", "grade", str(tmp_path / "nowhere"), "--out", out).code == 2
    assert course("instructor", "grade", str(empty)).code == 2  # --out is required


# --- unpacking, in process ---------------------------------------------------------------


def unpack(source: Path, target: Path) -> instructor.Unpacked:
    target.mkdir()
    return instructor.unpack(source, list(CAT.exercises), target, ROOT)


@pytest.mark.parametrize(
    "member", ["../escape.py", "1.2.39/../../escape.py", "/tmp/escape.py", "C:/escape.py"]
)
def test_a_zip_member_that_leaves_its_folder_is_refused(tmp_path, member):
    archive = tmp_path / "learner.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr(EX1, "x = 1\n")
        z.writestr(zipfile.ZipInfo(member), "print('out')\n")
    with pytest.raises(instructor.SubmissionProblem):
        unpack(archive, tmp_path / "copy")
    assert not (tmp_path / "escape.py").exists()
    assert list((tmp_path / "copy").iterdir()) == []


def test_a_zip_with_a_symbolic_link_is_refused(tmp_path):
    archive = tmp_path / "learner.zip"
    link = zipfile.ZipInfo(EX1)
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr(link, "../../alice/1.2.39/ex1_forward_difference.py")
    with pytest.raises(instructor.SubmissionProblem, match="symbolic link"):
        unpack(archive, tmp_path / "copy")


def test_files_are_capped_and_links_to_other_learners_refused(tmp_path):
    learner = tmp_path / "learner" / "1.2.39"
    learner.mkdir(parents=True)
    other = tmp_path / "alice.py"
    other.write_text("def forward_difference(f, x, h):\n    return 0\n")
    (learner / "ex1_forward_difference.py").symlink_to(other)
    big = "x = 1\n" * (instructor.MAX_FILE_BYTES // 6 + 10)
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
        z.writestr(EX1, b"#" * (instructor.MAX_FILE_BYTES + 1))  # compresses to little
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
