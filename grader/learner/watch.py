"""``course watch``: grade an exercise each time its file is saved.

Changes are noticed from file-system events (watchfiles) where they arrive; where they do
not (some network drives, containers, WSL folders), the file is checked every half
second instead: on request (``--poll``), when watchfiles cannot start, or automatically
once a change is seen that no event announced. Only a change of the file's content
counts, so an editor that saves twice grades once.

Each grade runs ``course grade ID`` in a process of its own (the same output, the same
recorded attempt, the same isolation) on a cleared screen. That process is started before
the save (``--on-line``): by then it has imported the grader and pytest and its worker is
fenced and waiting with NumPy imported, the learner's file not yet read; the save sends
it one line, and it reads the file and grades. It grades once; the next one is started as
soon as it is done, so one is always waiting. On a terminal the learner can also type a key and
Enter: g grade now, h a hint, n the next exercise, q quit; Ctrl-C quits cleanly, and
stops a grade that is running without recording half of it.
"""

from __future__ import annotations

import hashlib
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import click

from grader.catalog import Catalog, Exercise
from grader.grading.report import WATCH_ENV
from grader.text.term import is_terminal, style

POLL_SECONDS = 0.5
EVENT_CHECK_MS = 1000  # how often the event watcher also looks at the file itself
# File events are grouped until none has come for EVENT_QUIET_MS (an editor's save is a few
# writes within a millisecond or two), at most EVENT_GROUP_MS; polling, which may see a
# file half written, looks again SETTLE_SECONDS later.
EVENT_QUIET_MS = 30
EVENT_GROUP_MS = 300
SETTLE_SECONDS = 0.15
WATCHED_KINDS = ("exercise", "project")  # a quiz is taken, not watched

KEYS = {"": "grade", "g": "grade", "h": "hint", "n": "next", "q": "quit", "quit": "quit"}


def fingerprint(path: Path) -> bytes | None:
    """The file's content, hashed; None while it is missing (an editor's rename)."""
    try:
        return hashlib.sha256(path.read_bytes()).digest()
    except OSError:
        return None


class FileWatcher:
    """Puts ``("changed", None)`` on ``events`` each time the file's content changes, and
    ``("note", text)`` when it has to change how it watches."""

    def __init__(self, path: Path, events: queue.Queue, poll: bool):
        self.path, self.events = path, events
        self.polling = poll
        self.stop = threading.Event()
        self.last = fingerprint(path)
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=3)

    def _changed(self, settle: float = 0.0) -> bool:
        current = fingerprint(self.path)
        if current is None or current == self.last:
            return False
        if settle:
            time.sleep(settle)
            current = fingerprint(self.path)
            if current is None or current == self.last:
                return False
        self.last = current
        self.events.put(("changed", None))
        return True

    def _run(self) -> None:
        if not self.polling:
            self._watch_events()
        if not self.stop.is_set():
            self.polling = True
            while not self.stop.wait(POLL_SECONDS):
                self._changed(settle=SETTLE_SECONDS)

    def _watch_events(self) -> None:
        """Wait for file events; return to fall back to polling."""
        try:
            import watchfiles
        except ImportError:
            self._fall_back("watchfiles is not installed")
            return
        name = self.path.name
        unannounced = 0  # changes in a row that no event announced
        try:
            for changes in watchfiles.watch(
                self.path.parent,
                watch_filter=lambda _change, changed: Path(changed).name == name,
                stop_event=self.stop,
                rust_timeout=EVENT_CHECK_MS,
                yield_on_timeout=True,
                debounce=EVENT_GROUP_MS,
                step=EVENT_QUIET_MS,
                recursive=False,
                raise_interrupt=False,
            ):
                changed = self._changed()
                if changes:
                    unannounced = 0
                elif changed:
                    unannounced += 1
                    if unannounced >= 2:  # one could be a race with the time-out
                        self._fall_back("file events do not seem to arrive here")
                        return
        except Exception as exc:  # watchfiles reports a platform limit as various errors
            self._fall_back(f"file events are not available here ({exc})")

    def _fall_back(self, why: str) -> None:
        self.events.put(
            ("note", f"Note: {why}; checking the file every {POLL_SECONDS:g} s instead.")
        )


def _read_keys(events: queue.Queue) -> None:
    """A key and Enter from the learner's terminal, as actions on ``events``. Reads the
    descriptor itself, not ``sys.stdin``, so that this daemon thread never holds the
    buffered reader's lock while the interpreter shuts down."""
    pending = b""
    while True:
        try:
            chunk = os.read(0, 1024)
        except OSError:
            chunk = b""
        if not chunk:
            events.put(("eof", None))
            return
        pending += chunk
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            action = KEYS.get(line.decode(errors="replace").strip().lower())
            events.put((action, None) if action else ("help", None))


def default_target(catalog: Catalog) -> Exercise:
    """What to watch when no id is given: the item the dashboard says is next."""
    target = _following(catalog, None, stay=True)
    if target is None:
        raise LookupError(
            "Every exercise and project is passed: there is nothing left to watch. "
            "'course' shows where you stand."
        )
    return target


def _following(catalog: Catalog, after: str | None, stay: bool = False) -> Exercise | None:
    from grader.learner import progress
    from grader.learner.store import open_store

    store = open_store(catalog.root)
    try:
        state = progress.collect(catalog, store)
    finally:
        store.close()
    start = after if after is not None else (state.last.exercise.id if state.last else None)
    item = state.next_after(start, stay=stay, kinds=WATCHED_KINDS)
    return item.exercise if item else None


class Watch:
    def __init__(
        self,
        catalog: Catalog,
        exercise: Exercise,
        *,
        poll: bool = False,
        advance: bool = False,
        max_runs: int | None = None,
        echo: Callable[[str], None] = click.echo,
    ):
        self.catalog, self.exercise = catalog, exercise
        self.poll, self.advance, self.max_runs = poll, advance, max_runs
        self.echo = echo
        self.events: queue.Queue = queue.Queue()
        self.keys = is_terminal(sys.stdin)
        self.runs = 0
        self.watcher: FileWatcher | None = None
        self.ready: tuple[str, subprocess.Popen] | None = None  # (id, a grade waiting)

    @property
    def path(self) -> Path:
        return self.exercise.path(self.exercise.stub)

    def run(self) -> int:
        """Watch until the learner quits; the exit status of the last grade with
        ``max_runs``, else 0."""
        if self.keys:
            threading.Thread(target=_read_keys, args=(self.events,), daemon=True).start()
        code = 1
        try:
            self._watch(self.exercise)
            while True:
                code = self._grade()
                if self.max_runs and self.runs >= self.max_runs:
                    return code
                if code == 0 and self.advance and not self._advance():
                    return 0
                self._footer(passed=code == 0)
                if not self._wait():
                    self.echo("Stopped watching.")
                    return 0
        except KeyboardInterrupt:
            self.echo("\nStopped watching.")
            return 0 if self.max_runs is None else code
        finally:
            self._discard()
            if self.watcher is not None:
                self.watcher.close()

    def _watch(self, exercise: Exercise) -> None:
        if self.watcher is not None:
            self.watcher.close()
            self.poll = self.poll or self.watcher.polling  # a fall-back holds for the session
        self.exercise = exercise
        self.watcher = FileWatcher(self.path, self.events, self.poll)
        self.watcher.start()
        if self.ready is not None and self.ready[0] != exercise.id:
            self._discard()

    def _grade(self) -> int:
        self.runs += 1
        if is_terminal():
            click.clear()
        else:
            self.echo(f"=== course watch: grade {self.runs} ===")
        stamp = time.strftime("%H:%M:%S")
        self.echo(style(f"course watch  {self.exercise.id}  graded at {stamp}", dim=True))
        sys.stdout.flush()
        child = self._take()
        try:
            try:
                child.stdin.write(b"grade\n")  # it reads the file now, and grades it
                child.stdin.close()
            except OSError:
                pass  # it ended while waiting: its exit status and message say why
            code = child.wait()
        except KeyboardInterrupt:
            try:
                os.killpg(child.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            child.wait()
            raise
        if not (self.max_runs and self.runs >= self.max_runs):
            self._prepare()  # the next grade gets ready while the learner reads this one
        return code

    def _prepare(self) -> None:
        """Start ``course grade ID --on-line`` for the exercise watched: it imports the
        grader and starts its fenced worker now, and grades when told (:meth:`_grade`)."""
        if self.ready is not None:
            return
        # -P and PYTHONPATH: the grade runs this very grader package, never a folder
        # named grader that happens to sit in the current directory.
        command = [sys.executable, "-P", "-m", "grader", "grade", self.exercise.id, "--on-line"]
        package_parent = str(Path(__file__).resolve().parents[2])
        search = os.pathsep.join(filter(None, [package_parent, os.environ.get("PYTHONPATH")]))
        env = {**os.environ, "PYTHONPATH": search, WATCH_ENV: self.exercise.id}
        # Its own session: Ctrl-C reaches this process only, which then stops the grade
        # before it records anything, rather than leaving half a run behind.
        child = subprocess.Popen(command, stdin=subprocess.PIPE, env=env, start_new_session=True)
        self.ready = (self.exercise.id, child)

    def _take(self) -> subprocess.Popen:
        """The grade waiting for the exercise watched, started now if there is none; a
        waiting grade is used once."""
        if self.ready is not None and (
            self.ready[0] != self.exercise.id or self.ready[1].poll() is not None
        ):
            self._discard()  # for another exercise, or it ended while waiting
        self._prepare()
        _id, child = self.ready
        self.ready = None
        return child

    def _discard(self) -> None:
        """End the grade waiting, if any, without grading: told nothing, it stops."""
        if self.ready is None:
            return
        _id, child = self.ready
        self.ready = None
        try:
            child.stdin.close()
        except OSError:
            pass
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(child.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            child.wait()

    def _footer(self, passed: bool) -> None:
        rel = self.exercise.stub
        polled = self.watcher is not None and self.watcher.polling
        how = f" (checking every {POLL_SECONDS:g} s)" if polled else ""
        lines = [style(f"Watching {rel}{how}: save it to grade again.", "cyan")]
        if passed:
            following = _following(self.catalog, self.exercise.id)
            if following is None:
                lines.append("Every exercise and project is passed: 'course' shows the rest.")
            elif self.keys:
                lines.append(
                    style("Passed! ", "green", bold=True)
                    + f"Type n and Enter to go on to {following.short}."
                )
            else:
                lines.append(f"Passed! Next: course watch {following.id}")
        if self.keys:
            lines.append(
                style("Keys, then Enter: g grade now, h hint, n next exercise, q quit.", dim=True)
            )
        else:
            lines.append(style("Ctrl-C stops watching.", dim=True))
        self.echo("\n".join(lines))

    def _wait(self) -> bool:
        """Wait for something to do; False to quit. Returns when a grade is due."""
        while True:
            try:
                action, detail = self.events.get(timeout=0.5)
            except queue.Empty:
                continue
            if action == "changed":  # settled already (FileWatcher)
                self._drain("changed")
                return True
            if action == "grade":
                return True
            if action == "quit":
                return False
            if action == "note":
                self.echo(style(detail, "yellow"))
            elif action == "hint":
                self._hint()
            elif action == "next":
                if self._advance():
                    return True
            elif action == "help":
                self.echo("Keys, then Enter: g grade now, h hint, n next exercise, q quit.")
            elif action == "eof":
                self.keys = False

    def _drain(self, action: str) -> None:
        """Drop queued events of one kind (several saves in a row grade once)."""
        kept = []
        while True:
            try:
                item = self.events.get_nowait()
            except queue.Empty:
                break
            if item[0] != action:
                kept.append(item)
        for item in kept:
            self.events.put(item)

    def _advance(self) -> bool:
        """Move on to the next item not passed; False when there is none."""
        following = _following(self.catalog, self.exercise.id)
        if following is None:
            self.echo(style("Every exercise and project is passed. Well done!", "green"))
            quiz = [
                e
                for e in self.catalog.lesson(self.exercise.lesson_id).exercises
                if e.kind == "quiz"
            ]
            if quiz:
                self.echo(f"The quiz, if it is still to do: course quiz {quiz[0].lesson_id}")
            return False
        self.echo(f"Next: {following.short}: edit {following.stub}")
        self._watch(following)
        return True

    def _hint(self) -> None:
        from grader.learner import hints
        from grader.learner.solution import has_passed
        from grader.learner.store import StoreError, open_store

        lesson = self.catalog.lesson(self.exercise.lesson_id)
        try:
            store = open_store(self.catalog.root, warn=self.echo)
            try:
                shown = hints.next_hint(
                    store, self.exercise, lesson, has_passed(store, self.exercise)
                )
            finally:
                store.close()
        except StoreError as exc:  # a lock held elsewhere: say so and keep watching
            self.echo(style(str(exc), "yellow"))
            return
        self.echo("\n" + "\n".join(hints.lines(shown, self.exercise, lesson)))
