"""The learner's state: attempts survive concurrency and SIGKILL, a corrupt or newer
database is handled, and reset / restore / history never lose a file."""

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from grader.learner import store as store_mod
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
    from grader.learner.store import Store
    store = Store(Path(sys.argv[1]))
    result = types.SimpleNamespace()
    big = b"x = 1\\n" * 20000
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
        lengths = {row[0] for row in db.execute("SELECT length(source_bytes) FROM kept_files")}
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


# --- locked is not corrupt -----------------------------------------------------------------

SOLUTION = "solutions/1.2.39/ex5_numeric_gradient_square.py"
FAST = {"COURSE_BUSY_TIMEOUT": "0.2"}  # a held lock costs each command 0.2 s, not 10

# A second program holding a lock: "writes" is a plain write transaction (readers of a WAL
# database still get in), "everything" also keeps readers out (exclusive locking mode).
HOLDER = textwrap.dedent("""
    import sqlite3, sys
    db = sqlite3.connect(sys.argv[1], isolation_level=None)
    if sys.argv[2] == "everything":
        db.execute("PRAGMA locking_mode = EXCLUSIVE")
    db.execute("BEGIN EXCLUSIVE")
    db.execute("INSERT INTO help_seen (exercise, what, seen_at, passed_before) "
               "VALUES ('1.2.39.5', 'solution', 0, 0)")
    print("holding", flush=True)
    sys.stdin.readline()
    db.execute("ROLLBACK")
    db.close()
""")


@contextmanager
def held(database, mode):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(database), mode],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        yield holder
    finally:
        holder.stdin.write("\n")
        holder.stdin.close()
        assert holder.wait(timeout=30) == 0


def graded_once(root):
    """A store with one passed attempt, and the learner's file now passing."""
    (root / STUB).write_bytes((root / SOLUTION).read_bytes())
    first = course("grade", "1.2.39.5", env=env_for(root))
    assert first.code == 0, first.out + first.err
    return root / ".course" / "progress.sqlite3"


def test_a_lock_is_waited_for_then_named_and_nothing_is_moved(learner_repo):
    database = graded_once(learner_repo)
    env = {**env_for(learner_repo), **FAST}
    before = database.read_bytes()
    with held(database, "everything") as holder:
        shown = course("progress", env=env)
        graded = course("grade", "1.2.39.5", env=env)
        listed = course("list", env=env)
        during = database.read_bytes()
        names = sorted(p.name for p in database.parent.iterdir())
    for run in (shown, listed):
        assert run.code == 2, run.out + run.err
        assert "locked by another program" in run.err and f"pid {holder.pid} (" in run.err
        assert "COURSE_BUSY_TIMEOUT" in run.err and "Traceback" not in run.err
    # The grade itself is shown; only recording it waited, and then said who holds the lock.
    assert graded.code == 2 and "Score: 10/10" in graded.out, graded.out + graded.err
    assert f"pid {holder.pid} (" in graded.err and "graded but not recorded" in graded.err
    assert during == before and database.read_bytes() == before
    assert all("corrupt" not in name for name in names) and "corrupt" not in graded.err
    assert attempts_in(learner_repo) == 1
    after = course("progress", "--json", env=env)
    assert after.code == 0 and "1.2.39.5" in after.out


def test_a_writer_does_not_stop_the_learner_reading_progress(learner_repo):
    database = graded_once(learner_repo)
    env = {**env_for(learner_repo), **FAST}
    before = database.read_bytes()
    with held(database, "writes") as holder:
        shown = course("list", "--json", env=env)
        graded = course("grade", "1.2.39.5", env=env)
        hint = course("hint", "1.2.39.5", env=env)
        during = database.read_bytes()
    assert shown.code == 0, shown.err
    assert [r["attempts"] for r in shown.json() if r["id"] == "1.2.39.5"] == [1]
    for run in (graded, hint):
        assert run.code == 2 and f"pid {holder.pid} (" in run.err, run.out + run.err
        assert "Traceback" not in run.err
    assert during == before and attempts_in(learner_repo) == 1
    assert not [p for p in database.parent.iterdir() if "corrupt" in p.name]


def test_who_holds_a_file_is_told_on_linux_and_not_guessed_elsewhere(tmp_path, monkeypatch):
    from grader.learner import holders

    database = tmp_path / "progress.sqlite3"
    store_mod.Store(database).close()
    with held(database, "writes") as holder:
        found = holders.holders([database, Path(f"{database}-shm")])
        told = holders.describe([database, Path(f"{database}-shm")])
        monkeypatch.setattr(holders, "PROC", tmp_path / "no-proc")
        elsewhere = holders.describe([database])
    assert [(h.pid, h.locking) for h in found] == [(holder.pid, True)]
    assert told.startswith(f"It is held by pid {holder.pid} (") and "-c" in told
    assert elsewhere == "Which program holds it cannot be told on this system."


def test_a_busy_timeout_that_is_not_a_number_is_explained(learner_repo):
    run = course("progress", env={**env_for(learner_repo), "COURSE_BUSY_TIMEOUT": "soon"})
    assert run.code == 2 and "COURSE_BUSY_TIMEOUT is 'soon'" in run.err


# --- only what SQLite calls malformed is moved aside ---------------------------------------


def test_a_corrupt_file_is_moved_aside_whole_and_a_fresh_store_works(learner_repo):
    folder = learner_repo / ".course"
    folder.mkdir()
    garbage = bytes(range(256)) * 64
    (folder / "progress.sqlite3").write_bytes(garbage)
    (folder / "progress.sqlite3-wal").write_bytes(garbage[:1000])
    run = course("progress", "--json", env=env_for(learner_repo))
    assert run.code == 0, run.err
    assert "damaged" in run.err and "moved to" in run.err and "nothing was deleted" in run.err
    [aside] = folder.glob("progress.corrupt-*.sqlite3")
    assert str(aside) in run.err and aside.read_bytes() == garbage
    assert Path(f"{aside}-wal").read_bytes() == garbage[:1000]
    assert course("grade", "1.2.39.5", env=env_for(learner_repo)).code == 1
    assert attempts_in(learner_repo) == 1


def test_a_damaged_page_found_later_is_moved_aside_too(learner_repo):
    database = learner_repo / ".course" / "progress.sqlite3"
    store = store_mod.open_store(learner_repo)
    for number in range(100):
        store.keep("1.2.39.5", STUB, os.urandom(3000), f"copy {number}")
    store.close()
    damaged = bytearray(database.read_bytes())
    damaged[4096 * 20 : 4096 * 24] = b"\xff" * (4096 * 4)  # the header and schema stay whole
    database.write_bytes(bytes(damaged))
    run = course("history", "1.2.39.5", "--json", env=env_for(learner_repo))
    assert run.code == 0 and run.json()["kept"] == [], run.err
    assert "malformed" in run.err and "moved to" in run.err
    [aside] = database.parent.glob("progress.corrupt-*.sqlite3")
    assert aside.read_bytes() == bytes(damaged)


def _read_only(folder, *args, env):
    """``course ARGS`` with ``folder`` mounted read-only (a private mount namespace)."""
    script = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"'
    done = subprocess.run(
        ["unshare", "-rm", "sh", "-c", script, "sh", str(folder)]
        + [sys.executable, "-m", "grader", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    return done.returncode, done.stdout, done.stderr


def test_a_read_only_course_folder_is_explained_and_nothing_moves(learner_repo):
    database = graded_once(learner_repo)
    before = {p.name: p.read_bytes() for p in database.parent.iterdir()}
    env = env_for(learner_repo)
    code, _, err = _read_only(database.parent, "progress", env=env)
    assert code == 2 and "cannot be saved" in err and "Traceback" not in err, err
    code, out, err = _read_only(database.parent, "grade", "1.2.39.5", env=env)
    assert code == 2 and "Score: 10/10" in out and "graded but not recorded" in err, out + err
    assert {p.name: p.read_bytes() for p in database.parent.iterdir()} == before


def test_a_full_disk_is_explained_and_nothing_moves(tmp_path):
    database = tmp_path / "progress.sqlite3"
    store = store_mod.Store(database)
    store.keep("1.2.39.5", STUB, b"kept before", "first")
    pages = store.db.execute("PRAGMA page_count").fetchone()[0]
    store.db.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's own "disk is full"
    with pytest.raises(store_mod.StoreError) as error:
        store.keep("1.2.39.5", STUB, os.urandom(200_000), "too big")
    assert not isinstance(error.value, store_mod.StoreCorrupt)
    assert "is full" in str(error.value) and "nothing was changed or moved" in str(error.value)
    assert [k.source for k in store.kept("1.2.39.5")] == [b"kept before"]
    store.close()
    assert sorted(p.name for p in tmp_path.iterdir() if "corrupt" in p.name) == []


# --- kept copies and attempts are the file's bytes ------------------------------------------


def _variants():
    solution = (ROOT / SOLUTION).read_bytes()
    return {
        "latin-1 with a cookie": b"# -*- coding: latin-1 -*-\n# caf\xe9 na\xefve\n" + solution,
        "utf-8 with a BOM": b"\xef\xbb\xbf# caf\xc3\xa9\n" + solution,
        "CRLF line ends": solution.replace(b"\n", b"\r\n"),
        "invalid UTF-8 and a NUL": b"def square(x):\n    return x * x\n# \xff\xfe\x80 \x00\n",
        "empty": b"",
    }


@pytest.mark.parametrize("name", list(_variants()))
def test_files_come_back_byte_for_byte(clone, name):
    content = _variants()[name]
    env = env_for(clone)
    stub = clone / STUB
    original = stub.read_bytes()
    stub.write_bytes(content)
    graded = course("grade", "1.2.39.5", env=env)
    assert graded.code in (0, 1) and "Traceback" not in graded.err, graded.err
    if name != "invalid UTF-8 and a NUL" and name != "empty":
        assert graded.code == 0, graded.out  # graded as Python reads it: every check passes
    database = clone / ".course" / "progress.sqlite3"
    stored = sqlite3.connect(database).execute("SELECT id, source_bytes FROM attempts").fetchall()
    assert [row[1] for row in stored] == [content]

    reset = course("reset", "1.2.39.5", "--yes", env=env)
    assert reset.code == 0 and stub.read_bytes() == original, reset.err
    restored = course("restore", "1.2.39.5", env=env)
    assert restored.code == 0 and stub.read_bytes() == content, restored.err
    stub.write_bytes(b"# something else entirely\n")
    again = course("restore", "1.2.39.5", "--attempt", str(stored[0][0]), env=env)
    assert again.code == 0 and stub.read_bytes() == content, again.err
    history = course("history", "1.2.39.5", env=env)
    assert history.code == 0 and "Traceback" not in history.err


def test_rows_from_before_bytes_were_kept_stay_readable(learner_repo):
    database = learner_repo / ".course" / "progress.sqlite3"
    database.parent.mkdir()
    old = sqlite3.connect(database)
    for script in store_mod.MIGRATIONS[:4]:
        old.executescript(script)
    old.execute("PRAGMA user_version = 4")
    old.execute(
        "INSERT INTO attempts (exercise, graded_at, score, max_score, passed, duration_s, "
        "submission, source, checks) VALUES ('1.2.39.5', 0, 3, 10, 0, 1, ?, ?, '[]')",
        (STUB, "def square(x):\n    return x  # café\n"),
    )
    old.execute(
        "INSERT INTO kept_files (exercise, path, kept_at, reason, source) "
        "VALUES ('1.2.39.5', ?, 0, 'before course reset', ?)",
        (STUB, "# kept text, naïve\n"),
    )
    old.commit()
    old.close()
    env = env_for(learner_repo)
    stub = learner_repo / STUB
    assert course("restore", "1.2.39.5", env=env).code == 0
    assert stub.read_bytes() == "# kept text, naïve\n".encode()
    assert course("restore", "1.2.39.5", "--attempt", "1", env=env).code == 0
    assert stub.read_bytes() == "def square(x):\n    return x  # café\n".encode()


def test_a_source_is_shown_decoded_as_python_reads_it():
    from grader.learner.workspace import display_text

    assert display_text(b"# -*- coding: latin-1 -*-\nx = 'caf\xe9'\n").endswith("x = 'café'\n")
    assert display_text(b"\xef\xbb\xbfx = 1\r\n") == "x = 1\r\n"
    assert display_text(b"x = 1\n# \xff\x00\n") == "x = 1\n# \ufffd\x00\n"
    assert display_text(b"# coding: no-such-codec\n") == "# coding: no-such-codec\n"
