"""``course site serve``: the course site on this machine, with the learner's own progress.

The site is built strictly, as ``course site build`` builds it, but into a temporary
folder of its own, and served from there by a small HTTP server bound to 127.0.0.1 only.
A change to a source (lessons, stubs, assets, ``mkdocs.yml``, ``README.md``) builds it
again; a build that fails keeps the last good site served and says why.

What the static site cannot do, the served one adds, through a JSON API under ``/api/``
that ``site/assets/course/progress.js`` calls:

- ``GET /api/progress``: what ``course progress --json`` prints (the same function);
- ``GET /api/history/<exercise>``: what ``course history <exercise> --json`` prints;
- ``POST /api/quiz/<lesson>/<question>`` with ``{"answer": "..."}``: the answer checked by
  the quiz's Python checker (:mod:`grader.quiz.checking`), as in the terminal. The first
  readable answer to each question is the one that counts, as in ``course quiz``; once
  every question has one, they are given to ``course quiz <lesson>`` itself (one answer a
  line on its standard input), which writes the answers file, grades it and records the
  attempt in the learner's store like any other.

Other web pages open in the same browser must not read or change a learner's progress:

- every page served carries a token made for this run (``<meta name="course-token">``),
  which only pages of this origin can read (the browser's same-origin policy);
- every API request must send it back (``X-Course-Token``); when the request says where
  it comes from (``Origin``, ``Sec-Fetch-Site``) that must be this server itself;
- every request must name this server (``Host: 127.0.0.1:PORT``), so a DNS name rebound
  to 127.0.0.1 reaches nothing;
- a state-changing call is a POST of ``application/json``, which no form can send and
  which a page elsewhere could only send after a CORS preflight that is refused: this
  server sends no CORS header ever;
- API answers are ``Cache-Control: no-store``; refusals are 403 with a short JSON reason.
"""

from __future__ import annotations

import hmac
import json
import queue
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import Future
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from grader.site.builder import SOURCES, SiteError, build

HOST = "127.0.0.1"
TOKEN_HEADER = "X-Course-Token"
TOKEN_META = "course-token"
MAX_BODY = 4096  # bytes of a request's JSON body
MAX_ANSWER = 500  # characters of one typed answer
RECORD_SECONDS = 300  # `course quiz` grading the answers
_HEAD = re.compile(rb"<head(\s[^>]*)?>", re.I)
_QUIZ = re.compile(r"/api/quiz/(\d+(?:\.\d+)*)/([A-Za-z0-9_-]{1,64})")
_HISTORY = re.compile(r"/api/history/(\d+(?:\.\d+)*(?:\.[a-z]+)?)")


def _say(message: str) -> None:
    print(f"course site serve: {message}", file=sys.stderr, flush=True)


class Site:
    """The built site being served, and building it again."""

    def __init__(self, root: Path, work: Path):
        self.root = root
        self.work = work
        self.current: Path | None = None
        self._builds = 0
        self._lock = threading.Lock()
        self.built_from: frozenset = frozenset()  # the sources as the served site saw them

    def build(self) -> None:
        """Build into a new folder; only a good build replaces the one served. The build
        before the one replaced is removed (a page still loading may need the last one)."""
        with self._lock:
            self.built_from = sources_snapshot(self.root)  # taken first: a later edit shows
            self._builds += 1
            target = self.work / f"site-{self._builds}"
            build(self.root, target, "mkdocs", generated_dir=self.work / "pages", capture=True)
            self.current = target
            for old in self.work.glob("site-*"):
                if old.name not in (target.name, f"site-{self._builds - 1}"):
                    shutil.rmtree(old, ignore_errors=True)


class MainThread:
    """Work that must run in the main thread: a quiz answer's check is stopped
    after ``CHECK_SECONDS`` by a timer signal, which only the main thread receives."""

    def __init__(self) -> None:
        self.jobs: queue.Queue = queue.Queue()

    def call(self, function: Callable[[], Any], timeout: float = 60) -> Any:
        future: Future = Future()

        def job() -> None:
            try:
                future.set_result(function())
            except BaseException as exc:  # handed to the waiting request
                future.set_exception(exc)

        self.jobs.put(job)
        return future.result(timeout)

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                job = self.jobs.get(timeout=0.5)
            except queue.Empty:
                continue
            job()


class QuizRounds:
    """The first readable answer to each question of a quiz, as typed on the site, until
    every question has one; then the round is recorded and a new one begins."""

    def __init__(self) -> None:
        self._answers: dict[str, dict[str, str]] = {}
        self._lock = threading.Lock()

    def add(self, quiz_id: str, question: str, typed: str, total: list[str]) -> tuple:
        """Keep ``typed`` if it is the question's first answer of the round. Returns
        (whether it counts, how many are answered, the answers in question order once
        every question has one, which ends the round)."""
        with self._lock:
            answers = self._answers.setdefault(quiz_id, {})
            counts = question not in answers
            if counts:
                answers[question] = typed
            complete = None
            if all(q in answers for q in total):
                complete = [answers[q] for q in total]
                del self._answers[quiz_id]
            return counts, len(answers) if complete is None else len(total), complete


class CourseServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, site: Site, main: MainThread):
        super().__init__((HOST, port), Handler)
        self.port = self.server_address[1]
        self.origin = f"http://{HOST}:{self.port}"
        self.hosts = {f"{HOST}:{self.port}"} | ({HOST} if self.port == 80 else set())
        self.token = secrets.token_urlsafe(32)
        self.site = site
        self.main = main
        self.rounds = QuizRounds()
        self.record_lock = threading.Lock()

    def handle_error(self, request, client_address) -> None:
        # A browser that stops reading (a page left, a download cut short) is no error.
        if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            return
        super().handle_error(request, client_address)


class Handler(SimpleHTTPRequestHandler):
    server: CourseServer

    def version_string(self) -> str:
        return "course"

    # -- Every request ---------------------------------------------------------------------

    def log_message(self, format: str, *args) -> None:  # a learner's terminal stays quiet
        pass

    def _host(self) -> str:
        return (self.headers.get("Host") or "").strip().lower()

    def _named_here(self) -> bool:
        return self._host() in self.server.hosts

    def do_GET(self) -> None:
        self._handle("GET")

    def do_HEAD(self) -> None:
        self._handle("HEAD")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def do_PATCH(self) -> None:
        self._handle("PATCH")

    def do_OPTIONS(self) -> None:  # a CORS preflight: refused, with no CORS header
        self._handle("OPTIONS")

    def _handle(self, method: str) -> None:
        path = urlsplit(self.path).path
        if not self._named_here():
            port = self.server.port
            if method in ("GET", "HEAD") and self._host() == f"localhost:{port}":
                if not path.startswith("/api/"):  # the learner typed localhost: same site
                    return self._redirect(f"{self.server.origin}{self.path}")
            return self._json(403, {"error": f"This server answers to {self.server.origin}."})
        if path.startswith("/api/"):
            return self._api(method, path)
        if method not in ("GET", "HEAD"):
            return self._json(405, {"error": "The site's pages are read with GET."})
        return self._static(method == "HEAD")

    def _redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.TEMPORARY_REDIRECT)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    # -- The site's files ------------------------------------------------------------------

    def translate_path(self, path: str) -> str:
        self.directory = str(self.server.site.current)
        return super().translate_path(path)

    def list_directory(self, path):  # no listings: only the site's pages
        self.send_error(HTTPStatus.NOT_FOUND, "File not found")
        return None

    def end_headers(self) -> None:
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        super().end_headers()

    def _static(self, head_only: bool) -> None:
        target = Path(self.translate_path(self.path))
        if target.is_dir() and self.path.split("?", 1)[0].endswith("/"):
            target = target / "index.html"
        if target.suffix != ".html" or not target.is_file():
            return super().do_HEAD() if head_only else super().do_GET()
        body = target.read_bytes()
        meta = f'<meta name="{TOKEN_META}" content="{self.server.token}">'.encode()
        body = _HEAD.sub(lambda m: m.group(0) + meta, body, count=1)
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")  # the token is this run's only
        self.send_header("Content-Security-Policy", "frame-ancestors 'self'")
        self.send_header("X-Frame-Options", "SAMEORIGIN")
        self.end_headers()
        if not head_only:
            self.wfile.write(body)

    # -- The API ---------------------------------------------------------------------------

    def _json(self, status: int, data: Any) -> None:
        body = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _refusal(self, method: str) -> str | None:
        """Why this API request is refused, or None: see the module's docstring."""
        given = self.headers.get(TOKEN_HEADER) or ""
        if not hmac.compare_digest(given.encode("utf-8", "replace"), self.server.token.encode()):
            return "This request does not carry the token of this course site."
        origin = self.headers.get("Origin")
        if origin is not None and origin != self.server.origin:
            return "Requests from other web pages are refused."
        if self.headers.get("Sec-Fetch-Site", "same-origin") != "same-origin":
            return "Requests from other web pages are refused."
        if method == "POST":
            kind = (self.headers.get("Content-Type") or "").split(";", 1)[0].strip().lower()
            if kind != "application/json":
                return "Send JSON (Content-Type: application/json)."
        return None

    def _api(self, method: str, path: str) -> None:
        refusal = self._refusal(method)
        if refusal is not None:
            return self._json(403, {"error": refusal})
        quiz = _QUIZ.fullmatch(path)
        history = _HISTORY.fullmatch(path)
        if path == "/api/progress" or history:
            if method not in ("GET", "HEAD"):
                return self._json(405, {"error": "Read it with GET."})
            return self._learner_data(history.group(1) if history else None)
        if quiz:
            if method != "POST":
                return self._json(405, {"error": "Send an answer with POST."})
            return self._answer(quiz.group(1), quiz.group(2))
        return self._json(404, {"error": "There is no such request."})

    def _learner_data(self, exercise_id: str | None) -> None:
        from grader import catalog
        from grader.learner import attempts, progress
        from grader.learner.store import StoreError, open_store

        try:
            cat = catalog.load(self.server.site.root)
            if exercise_id is not None:
                try:
                    (ex,) = [e for e in cat.exercises if e.id == exercise_id]
                except ValueError:
                    return self._json(404, {"error": f"There is no exercise {exercise_id}."})
            store = open_store(self.server.site.root)
            try:
                if exercise_id is None:
                    data = progress.collect(cat, store).to_dict()
                else:
                    data = attempts.history(store, ex)
            finally:
                store.close()
        except (StoreError, catalog.ManifestError) as exc:
            return self._json(503, {"error": str(exc)})
        return self._json(200, data)

    def _body(self) -> dict | None:
        try:
            length = int(self.headers.get("Content-Length") or "")
        except ValueError:
            return None
        if not 0 < length <= MAX_BODY:
            return None
        try:
            data = json.loads(self.rfile.read(length))
        except (ValueError, UnicodeDecodeError):
            return None
        return data if isinstance(data, dict) else None

    def _answer(self, lesson_id: str, question_id: str) -> None:
        from grader import catalog
        from grader.quiz.model import QuizError
        from grader.quiz.terminal import find_quiz

        body = self._body()
        typed = body.get("answer") if body else None
        if not isinstance(typed, str):
            return self._json(400, {"error": 'Send {"answer": "..."} as JSON.'})
        try:
            exercise, quiz = find_quiz(catalog.load(self.server.site.root), lesson_id)
        except (LookupError, QuizError, catalog.ManifestError) as exc:
            return self._json(404, {"error": str(exc)})
        question = next((q for q in quiz.questions if q.id == question_id), None)
        if question is None:
            return self._json(404, {"error": f"The quiz of {lesson_id} has no {question_id}."})
        try:
            checked = self.server.main.call(lambda: _check(question, typed))
        except TimeoutError:
            return self._json(503, {"error": "The checker is busy; try again in a moment."})
        counts, answered, complete = False, 0, None
        if checked["readable"]:
            total = [q.id for q in quiz.questions]
            counts, answered, complete = self.server.rounds.add(
                exercise.id, question.id, " ".join(typed.split()), total
            )
        checked.update(counts=counts, answered=answered, total=len(quiz.questions))
        checked["recorded"] = self._record(lesson_id, complete) if complete else None
        return self._json(200, checked)

    def _record(self, lesson_id: str, answers: list[str]) -> dict:
        """``course quiz LESSON --json`` with the round's answers, one a line, as a learner
        would pipe them: the answers file written, graded and recorded in the store."""
        with self.server.record_lock:
            try:
                done = subprocess.run(
                    [sys.executable, "-m", "grader", "quiz", lesson_id, "--json"],
                    input="\n".join(answers) + "\n",
                    capture_output=True,
                    text=True,
                    cwd=self.server.site.root,
                    timeout=RECORD_SECONDS,
                )
            except (OSError, subprocess.TimeoutExpired) as exc:
                return {"ok": False, "message": f"The quiz could not be recorded ({exc})."}
        try:
            report = json.loads(done.stdout)
        except ValueError:
            why = done.stderr.strip().splitlines()[-1:] or ["no report"]
            return {"ok": False, "message": f"The quiz could not be recorded: {why[0]}"}
        return {
            "ok": True,
            "score": report.get("score"),
            "max_score": report.get("max_score"),
            "passed": report.get("passed"),
            "message": "Recorded, as 'course quiz' records it.",
        }


def _check(question, typed: str) -> dict:
    """One typed answer checked by the quiz's own checker (run in the main thread)."""
    from grader.quiz.checking import check_answer, read_typed
    from grader.quiz.model import AnswerError

    def unreadable(message: str) -> dict:
        return {
            "correct": False,
            "readable": False,
            "message": message,
            "notes": [],
            "explanation": "",
        }

    if not typed.strip():
        return unreadable("Type your answer first.")
    if len(typed) > MAX_ANSWER or any(ord(c) < 32 for c in typed):
        return unreadable(f"An answer is one line of at most {MAX_ANSWER} characters.")
    try:
        value = read_typed(question, typed)
    except AnswerError as exc:
        return unreadable(str(exc))
    outcome = check_answer(question, value)
    if not outcome.readable:
        return unreadable(outcome.message)
    return {
        "correct": outcome.correct,
        "readable": True,
        "message": outcome.message,
        "notes": list(outcome.feedback),
        "reveal": outcome.reveal,
        "revealNotes": list(outcome.reveal_notes),
        "explanation": question.explanation,
    }


def sources_snapshot(root: Path) -> frozenset:
    """Every page source's path, size and modification time (answers files excepted)."""
    found = set()
    for source in SOURCES:
        top = root / source
        for path in [top] if top.is_file() else top.rglob("*") if top.is_dir() else []:
            if path.suffix == ".toml" and path.name.startswith("quiz_answers"):
                continue  # written by `course quiz` (also for this site): no page changes
            if "__pycache__" in path.parts:
                continue
            try:
                info = path.stat()
            except OSError:  # removed while looking
                continue
            found.add((str(path), info.st_size, info.st_mtime_ns))
    return frozenset(found)


def _watch(site: Site, stop: threading.Event) -> None:
    """Build again when a source changes; a failed build keeps the last good site.

    A file event only wakes the loop, and so does a second without one: what decides is
    whether the sources differ from those of the last build, so an edit made while the
    watch was being set up, or during a build, is built all the same."""
    from watchfiles import watch

    paths = [site.root / source for source in SOURCES if (site.root / source).exists()]
    for _changes in watch(
        *paths,
        stop_event=stop,
        raise_interrupt=False,
        debounce=400,
        yield_on_timeout=True,
        rust_timeout=1000,
    ):
        if stop.is_set():
            return
        if sources_snapshot(site.root) == site.built_from:
            continue
        try:
            site.build()
            _say("a source changed; the site is built again (reload the page).")
        except SiteError as exc:
            _say(f"the site was not built again; the last good one is still served.\n{exc}")


def serve_site(root: Path, port: int) -> None:
    """Serve the course at http://127.0.0.1:PORT/ until interrupted (Ctrl-C or SIGTERM)."""
    work = Path(tempfile.mkdtemp(prefix="course-site-serve-"))
    try:
        _serve(root, port, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _serve(root: Path, port: int, work: Path) -> None:
    site, main = Site(root, work), MainThread()
    try:
        server = CourseServer(port, site, main)
    except OSError as exc:
        raise SiteError(
            f"Port {port} on {HOST} cannot be used ({exc.strerror or exc}); another program "
            f"may be serving there. Try 'course site serve --port {port + 1}'."
        ) from None
    stop = threading.Event()

    def end(signum, frame) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, end)
    except ValueError:  # not the main thread (a test calling this directly)
        previous = None
    threads = []
    try:
        site.build()
        threads = [
            threading.Thread(target=server.serve_forever, daemon=True),
            threading.Thread(target=_watch, args=(site, stop), daemon=True),
        ]
        for thread in threads:
            thread.start()
        print(
            f"Serving the course site at {server.origin}/ (this machine only), with your "
            "progress from .course/. Ctrl-C stops it.",
            flush=True,
        )
        main.run(stop)
    except KeyboardInterrupt:
        print("Stopped.", flush=True)
    finally:
        stop.set()
        if threads:
            server.shutdown()
        server.server_close()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
