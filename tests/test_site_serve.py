"""``course site serve``: the learner's own progress on the served pages, a quiz answered
there checked and recorded, and the local API closed to every other web page.

The real server runs as a subprocess (``course site serve --port N``) over a copy of the
course with a learner store of its own, so nothing here touches this checkout's
``.course/``. Pages are loaded in Debian's chromium (Playwright); every request to anything
but the server itself (and, where a test needs one, a second local "other site" on
another port) is blocked and counted. No assertion is timed: each waits for a condition,
with generous limits.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from grader import catalog
from grader.quiz.model import load_quiz, quiz_path
from tests.site_support import Traffic, copy_course, mkdocs_env, run_build, serve
from tests.support import ROOT, course
from tests.test_accessibility import AXE_RESULT, RUN_AXE, axe_source, blocking, new_findings, report

FOLDER = "1.2.39-numerical-differentiation"
LESSON = catalog.load(ROOT).lesson("1.2.39")
QUIZ_ITEM = next(e for e in LESSON.exercises if e.kind == "quiz")
QUIZ = load_quiz(quiz_path(QUIZ_ITEM), QUIZ_ITEM.id)
GRADED = "1.2.39.1"  # graded with its reference solution before the server starts
STARTUP_SECONDS = 600  # a build on a busy machine; the wait ends as soon as it serves
LOADED = ".course-progress[data-loaded='true']"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Served:
    def __init__(self, root: Path, port: int, process: subprocess.Popen, log: Path):
        self.root, self.port, self.process, self.log = root, port, process, log
        self.origin = f"http://127.0.0.1:{port}"

    def run(self, *args: str, stdin: str | None = None):
        return course(*args, cwd=self.root, env=self.env, stdin=stdin)

    @property
    def env(self) -> dict:
        return {**mkdocs_env(), "COURSE_ROOT": str(self.root)}

    def progress(self) -> dict:
        done = self.run("progress", "--json")
        assert done.code == 0, done.err
        return done.json()

    def request(self, method: str, path: str, headers: dict | None = None, body: bytes = b""):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            headers = {"Host": f"127.0.0.1:{self.port}", **(headers or {})}
            for name, value in headers.items():
                connection.putheader(name, value)
            if body or method == "POST":
                connection.putheader("Content-Length", str(len(body)))
            connection.endheaders(body or None)
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def token(self) -> str:
        status, _, body = self.request("GET", "/index.html")
        assert status == 200
        found = re.search(rb'<meta name="course-token" content="([^"]+)">', body)
        assert found, "the served page carries no token"
        return found.group(1).decode()


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[Served]:
    root = copy_course(tmp_path_factory.mktemp("serve"))
    shutil.copy2(ROOT / "pyproject.toml", root / "pyproject.toml")
    stub = next(e for e in LESSON.exercises if e.id == GRADED).stub
    shutil.copy2(ROOT / stub.replace("exercises/", "solutions/", 1), root / stub)
    env = {**mkdocs_env(), "COURSE_ROOT": str(root)}
    graded = course("grade", GRADED, cwd=root, env=env)
    assert graded.code == 0, graded.out + graded.err
    port = free_port()
    log = root.parent / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "grader", "site", "serve", "--port", str(port)],
            cwd=root,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = Served(root, port, process, log)
    try:
        wait_until_serving(server)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_serving(server: Served) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(f"course site serve ended:\n{server.log.read_text()[-4000:]}")
        try:
            if server.request("GET", "/index.html")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"course site serve never served:\n{server.log.read_text()[-4000:]}")


@contextmanager
def browsing(browser, allowed: set[str], **options):
    """A browser context that may reach the ``allowed`` origins (and files) only; yields
    the page and what it did (requests elsewhere blocked and counted, console errors)."""
    traffic = Traffic()
    context = browser.new_context(**options)

    def route(route_, request) -> None:
        parts = urlsplit(request.url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if parts.scheme in ("file", "data", "blob", "about") or origin in allowed:
            route_.continue_()
        else:
            traffic.outside.append(request.url)
            route_.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda m: traffic.console_errors.append(m.text) if m.type == "error" else 0)
    page.on("pageerror", lambda e: traffic.console_errors.append(str(e)))
    try:
        yield page, traffic
    finally:
        context.close()


def item(data: dict, item_id: str) -> dict:
    return next(i for lesson in data["lessons"] for i in lesson["items"] if i["id"] == item_id)


def score_text(entry: dict) -> str:
    return f"{entry['best_score']:g}/{entry['max_score']:g}" if entry["attempts"] else "-"


def shown_items(page) -> dict[str, dict]:
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll(
                '.course-progress .course-progress-item')].map(li => [li.dataset.id, {
            status: li.dataset.status, best: li.dataset.best,
            attempts: Number(li.dataset.attempts), text: li.textContent}]))"""
    )


# -- The learner's progress on the page -----------------------------------------------------


def test_the_served_pages_show_the_progress_that_course_progress_reports(served, browser):
    data = served.progress()
    graded = item(data, GRADED)
    assert graded["passed"] and graded["attempts"] == 1  # the grade before the server started
    lesson = next(lp for lp in data["lessons"] if lp["id"] == "1.2.39")
    with browsing(browser, {served.origin}, viewport={"width": 1280, "height": 900}) as (
        page,
        traffic,
    ):
        page.goto(f"{served.origin}/{FOLDER}/exercises/{GRADED}.html")
        page.wait_for_selector(LOADED, timeout=60_000)
        shown = shown_items(page)
        assert set(shown) == {GRADED}
        assert shown[GRADED]["status"] == graded["status"] == "passed"
        assert shown[GRADED]["best"] == score_text(graded) == "10/10"
        assert shown[GRADED]["attempts"] == graded["attempts"]
        panel = page.locator(".course-progress")
        assert panel.is_visible()
        lesson_text = panel.locator(".course-progress-lesson").inner_text()
        assert f"{lesson['score']:g} of {lesson['max_score']:g} points" in lesson_text
        assert f"{lesson['passed']} of {lesson['total']} items passed" in lesson_text
        following = panel.locator(".course-progress-next")
        assert following.get_attribute("data-next") == data["next"]["id"]
        assert data["next"]["command"] in following.inner_text()
        page.wait_for_function(
            "() => /Last attempt: 10\\/10/.test("
            "document.querySelector('.course-progress-details').textContent)",
            timeout=60_000,
        )

        page.goto(f"{served.origin}/{FOLDER}/index.html")  # the lesson: every item
        page.wait_for_selector(LOADED, timeout=60_000)
        shown = shown_items(page)
        assert list(shown) == [i["id"] for i in lesson["items"]]
        for entry in lesson["items"]:
            assert shown[entry["id"]]["status"] == entry["status"], entry["id"]
            assert shown[entry["id"]]["best"] == score_text(entry), entry["id"]
            assert shown[entry["id"]]["attempts"] == entry["attempts"], entry["id"]

        page.goto(f"{served.origin}/{FOLDER}/homework.html")  # the checklist, ticked
        page.wait_for_selector(LOADED, timeout=60_000)
        ticks = page.evaluate(
            """() => Object.fromEntries([...document.querySelectorAll(
                    'article li.task-list-item')].filter(li => li.querySelector('code'))
                .map(li => [li.querySelector('code').textContent.trim(),
                            li.querySelector('input[type=checkbox]').checked]))"""
        )
        assert ticks == {i["command"]: i["passed"] for i in lesson["items"]}
        assert ticks[f"course grade {GRADED}"] is True
        entries = page.evaluate(
            """() => [...document.querySelector('article ul.task-list').children]
                .map(li => li.querySelector('input[type=checkbox]').checked)"""
        )
        assert entries == [h["done"] for h in lesson["homework"]]
        assert page.locator("span.course-static").first.is_hidden()  # "cannot see your files"

        page.goto(f"{served.origin}/index.html")  # the whole course
        page.wait_for_selector(LOADED, timeout=60_000)
        total = page.locator(".course-progress-course").inner_text()
        assert f"{data['score']:g} of {data['max_score']:g} points" in total
    assert traffic.outside == [], traffic.outside
    assert traffic.console_errors == [], traffic.console_errors


def typed_answer(question, right: bool) -> str:
    answer = question.answer
    if question.type == "true_false":
        return str(answer if right else not answer).lower()
    if question.type == "multiple_choice":
        return ",".join(answer if right else answer[:1])
    if question.type == "single_choice":
        return answer if right else next(x for x in question.letters if x != answer)
    if question.type == "numeric":
        return repr(answer if right else answer * 2 + 1)
    return answer if right else "h"


def test_a_quiz_answered_on_the_served_page_is_checked_and_recorded(served, browser):
    answers_file = served.root / QUIZ_ITEM.stub
    assert item(served.progress(), QUIZ_ITEM.id)["attempts"] == 0
    first, *rest = QUIZ.questions
    with browsing(browser, {served.origin}, viewport={"width": 1280, "height": 900}) as (
        page,
        traffic,
    ):
        page.goto(f"{served.origin}/{FOLDER}/quiz.html")
        page.wait_for_selector(LOADED, timeout=60_000)
        assert page.locator(".admonition.course-static").is_hidden()  # "kept nowhere"

        def check(question, typed: str) -> dict:
            return page.evaluate(
                "([q, typed]) => window.CourseServer.checkQuiz('1.2.39', q, typed)",
                [question.id, typed],
            )

        unreadable = check(first, "maybe")
        assert unreadable["readable"] is False and unreadable["correct"] is False
        assert "true or false" in unreadable["message"]
        assert unreadable["counts"] is False
        wrong = check(first, typed_answer(first, right=False))  # the first answer counts
        assert wrong["readable"] and not wrong["correct"] and wrong["counts"]
        assert wrong["message"] and wrong["explanation"] == first.explanation
        assert set(wrong) >= {"correct", "readable", "message", "notes", "explanation"}
        again = check(first, typed_answer(first, right=True))
        assert again["correct"] and not again["counts"] and again["recorded"] is None
        assert not answers_file.read_text(encoding="utf-8").count(f"\n{first.id} =")
        results = [check(q, typed_answer(q, right=True)) for q in rest]
        assert all(r["correct"] for r in results), results
        recorded = results[-1]["recorded"]
        assert recorded and recorded["ok"], results[-1]
        expected = QUIZ_ITEM.points * (1 - first.points / sum(q.points for q in QUIZ.questions))
        assert recorded["score"] == pytest.approx(expected)
        page.wait_for_function(
            "() => document.querySelector('.course-progress-item').dataset.attempts === '1'",
            timeout=60_000,
        )
        shown = shown_items(page)[QUIZ_ITEM.id]
    quiz = item(served.progress(), QUIZ_ITEM.id)
    assert quiz["attempts"] == 1 and quiz["best_score"] == pytest.approx(expected)
    assert shown["best"] == score_text(quiz) and shown["status"] == quiz["status"]
    assert f"\n{first.id} = {typed_answer(first, right=False)}\n" in answers_file.read_text(
        encoding="utf-8"
    )
    assert traffic.outside == [] and traffic.console_errors == []


def test_the_quiz_form_on_the_served_page_asks_the_server(served, browser):
    """quiz.js sends what the learner chose through window.CourseServer.checkQuiz."""
    question = QUIZ.questions[0]
    assert question.type == "true_false"
    with browsing(browser, {served.origin}, viewport={"width": 390, "height": 844}) as (
        page,
        traffic,
    ):
        page.goto(f"{served.origin}/{FOLDER}/quiz.html")
        page.wait_for_selector(LOADED, timeout=60_000)
        form = page.locator(f"form[data-id='{question.id}']")
        form.locator(f"input[value='{str(question.answer).lower()}']").check()
        with page.expect_response(
            lambda r: r.url.endswith(f"/api/quiz/1.2.39/{question.id}"), timeout=60_000
        ) as answered:
            form.locator(".quiz-check").click()
        assert answered.value.status == 200
        result = answered.value.json()
        assert result["correct"] is True and result["readable"] is True
        page.wait_for_function(
            "() => /questions answered in this attempt/.test("
            "document.querySelector('.course-progress-round').textContent)",
            timeout=60_000,
        )
    assert traffic.outside == [] and traffic.console_errors == []


# -- Nobody else -----------------------------------------------------------------------------

OTHER_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Another site</title></head><body><h1>Another site</h1>
<form id="form" method="post" target="sink" enctype="text/plain"
  action="{origin}/api/quiz/1.2.39/{question}"><input name='{{"answer": "' value='true"}}'>
</form><iframe name="sink" title="sink"></iframe>
<iframe id="framed" title="framed" src="{origin}/index.html"></iframe></body></html>
"""

ATTEMPTS = """async ([origin, question]) => {
    const outcome = async (request) => {
        try {
            const response = await request();
            return {status: response.status, type: response.type,
                    body: response.type === 'opaque' ? '' : await response.text()};
        } catch (error) {
            return {error: String(error)};
        }
    };
    const post = {method: 'POST', headers: {'Content-Type': 'application/json'},
                  body: JSON.stringify({answer: 'false'})};
    return {
        read: await outcome(() => fetch(origin + '/api/progress')),
        readGuessing: await outcome(() => fetch(origin + '/api/progress',
            {headers: {'X-Course-Token': 'guessed-token'}})),
        readOpaque: await outcome(() => fetch(origin + '/api/progress', {mode: 'no-cors'})),
        page: await outcome(() => fetch(origin + '/index.html')),
        write: await outcome(() => fetch(origin + '/api/quiz/1.2.39/' + question, post)),
        writeGuessing: await outcome(() => fetch(origin + '/api/quiz/1.2.39/' + question,
            {...post, headers: {...post.headers, 'X-Course-Token': 'guessed-token'}})),
        writeSimple: await outcome(() => fetch(origin + '/api/quiz/1.2.39/' + question,
            {method: 'POST', mode: 'no-cors', headers: {'Content-Type': 'text/plain'},
             body: JSON.stringify({answer: 'false'})})),
    };
}"""


def test_another_web_page_can_neither_read_nor_write_the_progress(served, browser, tmp_path):
    before = served.progress()
    answers_before = (served.root / QUIZ_ITEM.stub).read_bytes()
    question = QUIZ.questions[0].id
    (tmp_path / "other.html").write_text(
        OTHER_PAGE.format(origin=served.origin, question=question), encoding="utf-8"
    )
    with serve(tmp_path) as other_url:
        other = other_url.rstrip("/")
        allowed = {served.origin, other}
        with browsing(browser, allowed, viewport={"width": 1280, "height": 900}) as (
            page,
            traffic,
        ):
            api_responses = []
            page.on(
                "response",
                lambda r: (
                    api_responses.append((r.request.method, r.status, r.url))
                    if "/api/" in r.url
                    else None
                ),
            )
            page.goto(other + "/other.html")
            found = page.evaluate(ATTEMPTS, [served.origin, question])
            with page.expect_response(
                lambda r: "/api/quiz/" in r.url and r.request.method == "POST", timeout=60_000
            ) as form_post:
                page.locator("#form").evaluate("form => form.submit()")
            assert form_post.value.status == 403  # a form cannot send JSON, nor the token
            framed = page.frame_locator("#framed").locator("meta[name='course-token']")
            assert framed.count() == 0  # the served page refuses to be framed elsewhere
    # Cross-origin reads fail in the browser (no CORS header), and the server said no first.
    for name in ("read", "readGuessing", "page", "write", "writeGuessing"):
        assert "error" in found[name], (name, found[name])
    assert found["readOpaque"]["type"] == "opaque" and found["readOpaque"]["body"] == ""
    statuses = {(method, status) for method, status, _ in api_responses}
    assert statuses <= {("GET", 403), ("POST", 403), ("OPTIONS", 403)}, api_responses
    assert ("POST", 403) in statuses  # the form and the simple POST reached it: refused
    assert not any(status == 200 for _, status, _ in api_responses)
    assert traffic.outside == [], traffic.outside
    # Nothing changed: not the store, not the answers file.
    assert served.progress() == before
    assert (served.root / QUIZ_ITEM.stub).read_bytes() == answers_before


def test_the_api_refuses_a_request_without_the_token_from_elsewhere_or_to_another_host(served):
    token = served.token()
    ok = {"X-Course-Token": token}
    post = {**ok, "Content-Type": "application/json"}
    body = json.dumps({"answer": "true"}).encode()
    question = QUIZ.questions[1].id
    quiz = f"/api/quiz/1.2.39/{question}"
    before = served.progress()
    refused = {
        "no token": served.request("GET", "/api/progress"),
        "wrong token": served.request("GET", "/api/progress", {"X-Course-Token": "x" + token}),
        "other origin": served.request(
            "GET", "/api/progress", {**ok, "Origin": "http://127.0.0.1:9"}
        ),
        "null origin": served.request("GET", "/api/progress", {**ok, "Origin": "null"}),
        "cross-site fetch": served.request(
            "GET", "/api/progress", {**ok, "Sec-Fetch-Site": "cross-site"}
        ),
        "rebound host": served.request(
            "GET", "/api/progress", {**ok, "Host": f"attacker.example:{served.port}"}
        ),
        "page by a rebound host": served.request(
            "GET", "/index.html", {"Host": f"attacker.example:{served.port}"}
        ),
        "post without token": served.request(
            "POST", quiz, {"Content-Type": "application/json"}, body
        ),
        "post as a form": served.request(
            "POST", quiz, {**ok, "Content-Type": "application/x-www-form-urlencoded"}, body
        ),
        "post as text": served.request("POST", quiz, {**ok, "Content-Type": "text/plain"}, body),
        "preflight": served.request(
            "OPTIONS",
            quiz,
            {"Origin": "http://127.0.0.1:9", "Access-Control-Request-Method": "POST"},
        ),
    }
    for why, (status, headers, content) in refused.items():
        assert status == 403, (why, status, content)
        assert json.loads(content)["error"], why
        assert not any(h.lower().startswith("access-control-") for h in headers), why
        assert headers.get("Cache-Control") == "no-store", why
    assert served.progress() == before
    status, headers, content = served.request("GET", "/api/progress", ok)
    assert status == 200 and headers["Cache-Control"] == "no-store"
    assert json.loads(content) == before  # the very data `course progress --json` prints
    status, _, content = served.request(
        "POST", quiz, {**post, "Origin": served.origin, "Sec-Fetch-Site": "same-origin"}, body
    )
    assert status == 200 and json.loads(content)["readable"] is True
    status, headers, _ = served.request("GET", "/index.html", {"Host": f"localhost:{served.port}"})
    assert status == 307 and headers["Location"] == f"{served.origin}/index.html"


# -- The static site, and what the served one looks like ------------------------------------


@pytest.fixture(scope="module")
def static_site(served) -> Path:
    """``course site build`` of the same copy: the site any web host (or a disk) serves."""
    out = served.root.parent / "static"
    done = run_build(served.root, out)
    assert done.returncode == 0, done.stderr[-4000:]
    return out


def test_the_static_site_keeps_working_without_the_server(static_site, browser):
    with browsing(browser, set(), viewport={"width": 1280, "height": 900}) as (page, traffic):
        for relative in (
            f"{FOLDER}/exercises/{GRADED}.html",
            f"{FOLDER}/homework.html",
            f"{FOLDER}/quiz.html",
        ):
            page.goto((static_site / relative).as_uri(), wait_until="load")
            page.wait_for_function("() => document.readyState === 'complete'")
            assert page.evaluate("() => typeof window.CourseServer") == "undefined"
            marker = page.locator(".course-progress")
            assert marker.count() == 1 and marker.is_hidden() and marker.inner_html() == ""
        assert page.locator(".admonition.course-static").is_visible()  # practise, not record
    assert traffic.outside == [] and traffic.console_errors == [], traffic


def test_search_previews_show_formulas_as_text(static_site):
    index = json.loads((static_site / "search" / "search_index.json").read_text("utf-8"))
    texts = [doc["text"] for doc in index["docs"]]
    assert not [t for t in texts if "\\(" in t or "\\[" in t or "\\frac" in t]
    assert any("ε" in t for t in texts)
    inlined = (static_site / "search" / "search_index.js").read_text("utf-8")
    assert "\\\\varepsilon" not in inlined and "ε" in inlined


@pytest.mark.parametrize(
    ("tex", "text"),
    [
        (r"\varepsilon", "ε"),
        (r"h^2", "h²"),
        (r"10^{-8}", "10⁻⁸"),
        (r"x_{k+1}", "xₖ₊₁"),
        (
            r"f'(x) = \lim_{h \to 0} \frac{f(x + h) - f(x)}{h}",
            "f'(x) = lim_(h → 0) (f(x + h) − f(x))/h",
        ),
        (r"\frac{\partial f}{\partial x_i}", "(∂f)/(∂xᵢ)"),
        (r"\sqrt{\varepsilon} \approx \sqrt[3]{\varepsilon}", "√ε ≈ ∛ε"),
        (r"\lVert \bar{g} \rVert_2", "‖ ḡ ‖₂"),
        (r"\left( \tfrac12 \right)", "( 1/2 )"),
        (r"\text{err}(h) \in \mathbb{R}^n", "err(h) ∈ ℝⁿ"),
    ],
)
def test_a_formula_reads_as_text_in_a_search_preview(tex, text):
    from grader.site.builder import readable_math

    assert readable_math(tex) == text


def test_the_course_map_fits_a_phone(static_site, browser):
    with browsing(browser, set(), viewport={"width": 390, "height": 844}) as (page, traffic):
        page.goto((static_site / "index.html").as_uri(), wait_until="load")
        widths = page.evaluate(
            """() => ({page: document.documentElement.scrollWidth,
                       tables: [...document.querySelectorAll('.course-map table')]
                           .map(t => t.scrollWidth - t.clientWidth),
                       boxes: [...document.querySelectorAll('.course-map .md-typeset__scrollwrap')]
                           .map(b => b.scrollWidth - b.clientWidth)})"""
        )
    assert widths["page"] <= 390, widths
    assert widths["tables"] and max(widths["tables"] + widths["boxes"]) <= 1, widths
    assert traffic.console_errors == []


VIEWS = (("light", 1280, 900), ("light", 390, 844), ("dark", 1280, 900), ("dark", 390, 844))


def test_the_served_progress_is_accessible_and_readable_in_every_view(served, browser):
    pages = (
        "index.html",
        f"{FOLDER}/exercises/{GRADED}.html",
        f"{FOLDER}/homework.html",
        f"{FOLDER}/quiz.html",
    )
    found = {}
    shots = Path(os.environ.get("COURSE_SHOTS", served.root.parent / "shots"))
    shots.mkdir(parents=True, exist_ok=True)
    for scheme, width, height in VIEWS:
        view = f"{scheme} {width}x{height}"
        found[view] = new_findings()
        with browsing(
            browser,
            {served.origin},
            viewport={"width": width, "height": height},
            color_scheme=scheme,
        ) as (page, traffic):
            page.add_init_script(axe_source())
            for relative in pages:
                page.goto(f"{served.origin}/{relative}", wait_until="load")
                page.wait_for_selector(LOADED, timeout=60_000)
                wide = page.evaluate("() => document.documentElement.scrollWidth")
                assert wide <= width, (view, relative, wide)
                page.evaluate(RUN_AXE)
                blocking(page.evaluate(AXE_RESULT), relative, found[view])
            for name, relative in (
                ("exercise", f"{FOLDER}/exercises/{GRADED}.html"),
                ("lesson", f"{FOLDER}/index.html"),
            ):
                page.goto(f"{served.origin}/{relative}")
                page.wait_for_selector(LOADED, timeout=60_000)
                page.screenshot(path=str(shots / f"serve-{name}-{scheme}-{width}.png"))
        assert traffic.outside == [] and traffic.console_errors == [], (view, traffic)
    failing = {view: f for view, f in found.items() if f}
    assert not failing, "\n".join(f"{view}:\n{report(f)}" for view, f in failing.items())


# -- Serving while the course changes --------------------------------------------------------


def page_text(served: Served, relative: str) -> str:
    status, _, body = served.request("GET", "/" + relative)
    return body.decode() if status == 200 else ""


def wait_for(condition, what: str, served: Served, seconds: float = STARTUP_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    raise AssertionError(f"{what}; the server said:\n{served.log.read_text()[-3000:]}")


def test_the_server_is_on_loopback_only_and_builds_again_when_a_source_changes(served):
    from tests.test_site import _listening

    assert _listening(served.port) == {"127.0.0.1"}
    home = served.root / "lessons" / "index.md"
    original = home.read_text(encoding="utf-8")
    try:
        home.write_text(original + "\n\nFresh words.\n", encoding="utf-8")
        wait_for(
            lambda: "Fresh words" in page_text(served, "index.html"),
            "a changed page was never served",
            served,
        )
        # A change that cannot be built keeps the last good site served, and says why.
        home.write_text(original + "\n\nFresh words. [[fact:no-such-fact]]\n", encoding="utf-8")
        wait_for(
            lambda: "not built again" in served.log.read_text(),
            "a failed build was not reported",
            served,
        )
        assert "Fresh words" in page_text(served, "index.html")
        assert "no-such-fact" in served.log.read_text()
    finally:
        home.write_text(original, encoding="utf-8")
    wait_for(
        lambda: "Fresh words" not in page_text(served, "index.html"),
        "the page put back was never served",
        served,
    )


def test_an_edit_made_before_the_watch_began_is_built_all_the_same(tmp_path):
    """The watch is set up after the first build, in a thread of its own: an edit made in
    between raises no file event, and is built because the sources differ from the build's."""
    import threading

    from grader.site.serve import Site, _watch

    root = copy_course(tmp_path)
    site = Site(root, tmp_path / "work")
    site.build()
    first = site.current
    home = root / "lessons" / "index.md"
    home.write_text(home.read_text(encoding="utf-8") + "\n\nEdited early.\n", encoding="utf-8")
    stop = threading.Event()
    watcher = threading.Thread(target=_watch, args=(site, stop), daemon=True)
    watcher.start()
    try:
        deadline = time.monotonic() + 240
        while site.current == first and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        stop.set()
        watcher.join(30)
    assert site.current != first, "the edit was never built"
    assert "Edited early." in (site.current / "index.html").read_text(encoding="utf-8")
