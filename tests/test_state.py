"""The learner's state: attempts survive concurrency and SIGKILL, a corrupt or newer
database is handled, and reset / restore / history never lose a file."""

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest

from grader import store as store_mod
from tests.support import ROOT, course

STUB = "exercises/1.2.39/ex5_numeric_gradient_square.py"
EDITED = "def square(x):\n    return x * x  # my work in progress\n"


@pytest.fixture
def clone(tmp_path):
    """A real git clone of this repository, as a learner makes it."""
    target = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(target)], check=True)
    return target


def env_for(root):
    return {"COURSE_ROOT": str(root)}


def attempts_in(root):
    database = root / ".course" / "progress.sqlite3"
    return sqlite3.connect(database).execute("SELECT COUNT(*) FROM attempts").fetchone()[0]


def test_reset_keeps_the_file_and_restore_brings_it_back(clone):
    env = env_for(clone)
    stub = clone / STUB
    original = stub.read_text()
    stub.write_text(EDITED)
    graded = course("grade", "1.2.39.5", env=env)
    assert graded.code == 1

    reset = course("reset", "1.2.39.5", "--yes", env=env)
    assert reset.code == 0, reset.err
    assert stub.read_text() == original
    assert "course restore 1.2.39.5" in reset.out

    restored = course("restore", "1.2.39.5", env=env)
    assert restored.code == 0, restored.err
    assert stub.read_text() == EDITED

    history = course("history", "1.2.39.5", "--json", env=env).json()
    assert [a["passed"] for a in history["attempts"]] == [False]
    assert [k["reason"] for k in history["kept"]] == [
        "before course reset",
        "before course restore (copy 1)",
    ]

    stub.write_text("# something else entirely\n")
    attempt = history["attempts"][0]["attempt"]
    again = course("restore", "1.2.39.5", "--attempt", str(attempt), env=env)
    assert again.code == 0 and stub.read_text() == EDITED
    kept = course("history", "1.2.39.5", "--json", env=env).json()["kept"]
    assert len(kept) == 3  # the overwritten file was kept as well


def test_reset_without_a_terminal_needs_yes(clone):
    (clone / STUB).write_text(EDITED)
    run = course("reset", "1.2.39.5", env=env_for(clone), stdin="y\n")
    assert run.code == 2 and "--yes" in run.err
    assert (clone / STUB).read_text() == EDITED


def test_reset_asks_on_a_terminal(clone):
    import pexpect

    (clone / STUB).write_text(EDITED)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "grader", "reset", "1.2.39.5"],
        env={**os.environ, **env_for(clone)},
        encoding="utf-8",
        timeout=30,
    )
    child.expect(r"Replace .* \[y/N\]")
    child.sendline("n")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus != 0 and (clone / STUB).read_text() == EDITED
    child = pexpect.spawn(
        sys.executable,
        ["-m", "grader", "reset", "1.2.39.5"],
        env={**os.environ, **env_for(clone)},
        encoding="utf-8",
        timeout=30,
    )
    child.expect(r"\[y/N\]")
    child.sendline("y")
    child.expect("original stub again")
    child.expect(pexpect.EOF)
    assert "NotImplementedError" in (clone / STUB).read_text()


def test_restore_with_nothing_kept_says_so(clone):
    run = course("restore", "1.2.39.5", env=env_for(clone))
    assert run.code == 2 and "No earlier copy" in run.err
    run = course("restore", "1.2.39.5", "--attempt", "99", env=env_for(clone))
    assert run.code == 2 and "course history" in run.err


def test_reset_outside_git_explains_itself(learner_repo):
    run = course("reset", "1.2.39.5", "--yes", env=env_for(learner_repo))
    assert run.code == 2 and "git" in run.err


def test_concurrent_graders_all_record_their_attempts(learner_repo):
    command = [sys.executable, "-m", "grader", "grade", "1.2.39.5", "--json"]
    env = {**os.environ, **env_for(learner_repo)}
    runs = [subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL) for _ in range(4)]
    assert [r.wait(timeout=120) for r in runs] == [1, 1, 1, 1]
    assert attempts_in(learner_repo) == 4


WRITER = textwrap.dedent("""
    import sys, types
    from pathlib import Path
    from grader.store import Store
    store = Store(Path(sys.argv[1]))
    result = types.SimpleNamespace()
    big = "x = 1\\n" * 20000
    print("ready", flush=True)
    while True:
        store.keep("1.2.39.5", "exercises/x.py", big, "stress")
""")


def test_sigkill_mid_write_leaves_the_database_consistent(tmp_path):
    database = tmp_path / "progress.sqlite3"
    for delay in (0.05, 0.2, 0.5):
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(database)], stdout=subprocess.PIPE, text=True
        )
        assert writer.stdout.readline().strip() == "ready"
        time.sleep(delay)
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        db = sqlite3.connect(database)
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        lengths = {row[0] for row in db.execute("SELECT length(source) FROM kept_files")}
        assert lengths == {len("x = 1\n" * 20000)}  # every row whole, none half-written
        db.close()


def test_a_grader_killed_mid_run_loses_nothing_recorded(learner_repo):
    env = {**os.environ, **env_for(learner_repo)}
    assert course("grade", "1.2.39.5", env=env_for(learner_repo)).code == 1
    slow = learner_repo / STUB
    slow.write_text("import time\ndef square(x):\n    time.sleep(30)\n")
    runner = subprocess.Popen(
        [sys.executable, "-m", "grader", "grade", "1.2.39.5"],
        env=env,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    time.sleep(1.5)
    os.killpg(runner.pid, signal.SIGKILL)
    runner.wait()
    assert attempts_in(learner_repo) == 1
    assert course("list", env=env_for(learner_repo)).code == 0


def test_schema_is_migrated_forward_and_a_newer_one_is_refused(tmp_path):
    database = tmp_path / "progress.sqlite3"
    old = sqlite3.connect(database)
    old.executescript(store_mod.MIGRATIONS[0])
    old.execute(
        "INSERT INTO attempts (exercise, graded_at, score, max_score, passed, "
        "duration_s, submission, checks) VALUES ('1.2.39.5', 0, 3, 10, 0, 1, 'f', '[]')"
    )
    old.execute("PRAGMA user_version = 1")
    old.commit()
    old.close()
    store = store_mod.Store(database)
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == len(store_mod.MIGRATIONS)
    assert [a.score for a in store.attempts()] == [3]
    store.db.execute(f"PRAGMA user_version = {len(store_mod.MIGRATIONS) + 5}")
    store.close()
    with pytest.raises(store_mod.StoreError) as error:
        store_mod.Store(database)
    assert "newer version" in str(error.value)


def test_a_newer_database_is_a_clear_usage_error(learner_repo):
    database = learner_repo / ".course" / "progress.sqlite3"
    database.parent.mkdir()
    sqlite3.connect(database).execute("PRAGMA user_version = 999").connection.close()
    run = course("list", env=env_for(learner_repo))
    assert run.code == 2 and "newer version" in run.err and "Traceback" not in run.err
