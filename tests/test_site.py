"""The course site, built strictly: its pages, what they are generated from, and that a
broken link, a missing anchor or a page left out of the navigation fails the build.

The build itself runs once per test session (``tests/site_support.built_site``), through
``course site build``; tests/test_browser.py then looks at the same build in chromium.
"""

from __future__ import annotations

import html
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest

from grader import catalog
from grader.learner.progress import ItemProgress, LessonProgress
from grader.quiz.model import load_quiz, quiz_path
from tests.site_support import ENGINES, built_site, copy_course, mkdocs_env, run_build
from tests.support import ROOT

LESSON = catalog.load(ROOT).lesson("1.2.39")
FOLDER = "1.2.39-numerical-differentiation"


@pytest.fixture(scope="module")
def site() -> Path:
    return built_site()


BLOCK = "p|div|li|ul|ol|h[1-6]|td|th|tr|table|br|pre|details|summary|form|fieldset|legend|label"


def text_of(page: str) -> str:
    """The visible text of an HTML page, whitespace collapsed (highlighted code is split
    into many inline tags: only block tags separate words)."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    body = re.sub(rf"</?(?:{BLOCK})\b[^>]*>", " ", body)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", body)).split())


def read(site: Path, relative: str) -> str:
    return (site / relative).read_text(encoding="utf-8")


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


# -- What is built ---------------------------------------------------------------------------


def test_every_page_of_the_course_is_built(site):
    expected = ["index.html", f"{FOLDER}/index.html", f"{FOLDER}/project.html"]
    expected += [f"{FOLDER}/quiz.html", f"{FOLDER}/homework.html"]
    expected += [
        f"{FOLDER}/exercises/{e.id}.html" for e in LESSON.exercises if e.kind == "exercise"
    ]
    upcoming = LESSON.meta["next"]
    expected.append(f"{upcoming['id']}-automatic-differentiation/index.html")  # the real one
    for relative in expected:
        assert (site / relative).is_file(), relative
    for page in pages(site):
        text = page.read_text(encoding="utf-8")
        assert "[[" not in text_of(text), f"{page}: a placeholder was left unfilled"
        assert "<!-- course:" not in text, f"{page}: a home-page marker was left"


def test_nothing_is_generated_into_the_sources(site):
    lesson = ROOT / "lessons" / FOLDER
    assert not (lesson / "exercises").exists() and not (lesson / "figures").exists()
    assert not (lesson / "quiz.md").exists() and not (lesson / "homework.md").exists()
    for name in ("error-vs-step.svg", "project-epsilon.svg"):
        svg = site / FOLDER / "figures" / name
        assert svg.read_bytes().lstrip().startswith(b"<?xml"), name


def test_the_figures_are_referenced_by_their_pages(site):
    assert 'src="figures/error-vs-step.svg"' in read(site, f"{FOLDER}/index.html")
    assert 'src="figures/project-epsilon.svg"' in read(site, f"{FOLDER}/project.html")


@pytest.mark.parametrize(
    "exercise", [e for e in LESSON.exercises if e.kind == "exercise"], ids=lambda e: e.id
)
def test_exercise_pages_show_statement_command_and_collapsed_hints(site, exercise):
    page = read(site, f"{FOLDER}/exercises/{exercise.id}.html")
    text = text_of(page)
    assert f"course grade {exercise.id}" in text
    assert exercise.stub in text
    assert f"{exercise.points:g}" in text
    # The statement is the stub's docstring: its first paragraph after the title is shown.
    doc = (ROOT / exercise.stub).read_text(encoding="utf-8").split('"""')[1]
    first = doc.split("\n\n")[1]
    words = " ".join(first.replace("``", "").replace("*", "").split())
    assert words[:80] in text, words[:80]
    # Every hint of the manifest, in a collapsed block, in order.
    blocks = re.findall(r"<details class=\"hint\"(?: open)?>(.*?)</details>", page, re.S)
    assert len(blocks) == len(exercise.hints)
    assert all('<details class="hint" open' not in page for _ in blocks)
    for number, (block, hint) in enumerate(zip(blocks, exercise.hints, strict=True), 1):
        assert f"Hint {number} of {len(exercise.hints)}" in block
        assert " ".join(hint.replace("`", "").split())[:60] in text_of(block)
    # The lesson section the manifest names is linked (the strict build checked the anchor).
    assert f'href="../index.html#{exercise.section}"' in page


def test_project_page_has_the_command_and_the_manifests_hints(site):
    project = next(e for e in LESSON.exercises if e.kind == "project")
    page = read(site, f"{FOLDER}/project.html")
    assert f"course grade {project.id}" in text_of(page)
    assert len(re.findall(r'<details class="hint">', page)) == len(project.hints)


def test_quiz_page_is_rendered_from_the_quiz_file(site):
    item = next(e for e in LESSON.exercises if e.kind == "quiz")
    quiz = load_quiz(quiz_path(item), item.id)
    page = read(site, f"{FOLDER}/quiz.html")
    text = text_of(page)
    assert "course quiz 1.2.39" in text
    forms = re.findall(r'<form class="quiz-question" id="quiz-([a-z0-9-]+)"', page)
    assert forms == [q.id for q in quiz.questions]
    for question in quiz.questions:
        assert question.prompt[:60] in text
        for choice in question.choices:
            assert choice[:60] in text
    data = json.loads(html.unescape(re.search(r'data-quiz="([^"]+)"', page).group(1)))
    assert [d["id"] for d in data] == [q.id for q in quiz.questions]
    assert sum(d["points"] for d in data) == pytest.approx(item.points)
    for entry, question in zip(data, quiz.questions, strict=True):
        expected = list(question.answer) if isinstance(question.answer, tuple) else question.answer
        assert entry["answer"] == expected


def test_homework_page_is_the_checklist_that_course_progress_ticks(site):
    blank = tuple(ItemProgress(e, None, 0, False, 0, False) for e in LESSON.exercises)
    text = text_of(read(site, f"{FOLDER}/homework.html"))
    for entry in LessonProgress(LESSON, blank).homework:
        assert entry.text in text
        for item in entry.items:
            assert item.command in text


def test_home_page_has_the_readme_commands_and_the_course_map(site):
    page = read(site, "index.html")
    text = text_of(page)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in re.findall(r"```bash\n(.+?)\n```", readme)[:2]:
        assert command in text
    for exercise in LESSON.exercises:
        assert exercise.title.removeprefix("Quiz: ").lower() in text.lower()
    assert f"{FOLDER}/index.html" in page


def test_the_next_lesson_is_the_real_lesson_and_1_2_39_links_to_it(site):
    """1.2.39's manifest announces 1.2.40; now that 1.2.40 is in the course, its page is the
    real lesson (no "coming" page) and 1.2.39's "next lesson" links to it."""
    upcoming = LESSON.meta["next"]
    folder = f"{upcoming['id']}-automatic-differentiation"
    text = text_of(read(site, f"{folder}/index.html"))
    assert upcoming["title"] in text and "not published yet" not in text
    assert "Coming next" not in text_of(read(site, "index.html"))
    lesson_page = read(site, f"{FOLDER}/index.html")
    assert f'href="../{folder}/' in lesson_page and "It is ready" in text_of(lesson_page)


def test_no_page_loads_anything_from_another_host(site):
    """Static half of the browser test: no tag or stylesheet names an outside address."""
    loads = re.compile(
        r"<(?:script|img|iframe|source|audio|video)\b[^>]*\bsrc=\"(?!data:)([a-z]+:)?//"
        r"|<link\b[^>]*\bhref=\"(?:[a-z]+:)?//"
        r"|@import\s+(?:url\()?[\"']?(?:[a-z]+:)?//"
        r"|url\([\"']?(?:https?:)?//",
        re.I,
    )
    for path in [*pages(site), *site.rglob("*.css")]:
        text = path.read_text(encoding="utf-8")
        found = loads.search(text)
        assert found is None, f"{path.relative_to(site)}: {text[found.start() : found.end() + 80]}"


def test_math_is_served_from_the_site(site):
    lesson = read(site, f"{FOLDER}/index.html")
    assert 'class="arithmatex"' in lesson
    for asset in ("assets/katex/katex.min.js", "assets/katex/katex.min.css"):
        assert (site / asset).is_file()
    fonts = re.findall(r"url\((fonts/[^)]+\.woff2)\)", read(site, "assets/katex/katex.min.css"))
    assert fonts and all((site / "assets/katex" / font).is_file() for font in fonts)
    assert not (site / "assets/katex/README.md").exists()  # maintainers' notes stay out


@pytest.fixture(scope="module")
def facts_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "facts_for_site_test", ROOT / "lessons/1.2.39-numerical-differentiation/facts.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_project_figure_says_what_its_caption_says(facts_module):
    """The project page's caption and alt text describe the sweep; keep them true."""
    sweep, facts = facts_module.project_sweep(), facts_module.project_facts()
    buggy, correct, single = sweep["buggy"], sweep["correct"], sweep["correct_f32"]
    assert buggy.max() / buggy.min() < 1.1  # "whatever epsilon is"
    assert facts["project_buggy_common"] == pytest.approx(0.285, abs=0.005)  # as the page says
    assert facts["project_correct_common"] < facts["project_threshold"]  # the grader's bar
    assert facts["project_best_difference"] < facts["project_correct_common"] / 10
    assert correct[0] > 100 * correct.min() and correct[-1] > 100 * correct.min()  # a V
    # float32 stays far above float64, except at the largest steps (truncation rules there)
    small = facts_module.PROJECT_EPSILONS < 0.011
    assert (single[small] > 100 * correct[small]).all() and single.min() > 1e-4
    assert single[~small] == pytest.approx(correct[~small], rel=0.1)


def test_the_project_figure_is_deterministic(facts_module):
    module = facts_module
    first = module.project_epsilon_figure()
    module.project_sweep.cache_clear()
    assert module.project_epsilon_figure() == first
    assert b"<dc:date>" not in first and b"fill: #ffffff" in first


# -- What fails the build ---------------------------------------------------------------------


def test_strict_build_fails_on_broken_link_missing_anchor_and_page_not_in_nav(tmp_path):
    root = copy_course(tmp_path)
    lesson = root / "lessons" / FOLDER
    page = lesson / "index.md"
    page.write_text(
        page.read_text(encoding="utf-8")
        + "\n\nSee [a page](no-such-page.md) and [a section](project.md#no-such-anchor).\n",
        encoding="utf-8",
    )
    # Outside every lesson folder, a page is in the nav only if mkdocs.yml lists it.
    (root / "lessons" / "notes.md").write_text("# Notes nobody put in the nav\n", encoding="utf-8")
    done = run_build(root)
    output = done.stdout + done.stderr
    assert done.returncode != 0
    assert "Aborted with 3 warnings in strict mode" in output
    assert "no-such-page.md" in output and "is not found among documentation files" in output
    assert "does not contain an anchor '#no-such-anchor'" in output
    assert 'not included in the "nav"' in output and "notes.md" in output


def test_a_page_added_to_a_lesson_folder_joins_its_section_of_the_nav(tmp_path):
    root = copy_course(tmp_path)
    (root / "lessons" / FOLDER / "notes.md").write_text("# Extra notes\n\nMore.\n")
    done = run_build(root)
    assert done.returncode == 0, done.stdout + done.stderr
    home = (root / "site" / "_build" / "index.html").read_text(encoding="utf-8")
    assert "Extra notes" in home  # listed in the lesson's section, with no edit to mkdocs.yml


def test_an_unknown_home_page_marker_fails_the_build(tmp_path):
    root = copy_course(tmp_path)
    home = root / "lessons" / "index.md"
    home.write_text(home.read_text(encoding="utf-8") + "\n<!-- course:mapp -->\n", encoding="utf-8")
    done = run_build(root)
    assert done.returncode != 0
    assert "course:mapp" in done.stdout + done.stderr


# -- The commands --------------------------------------------------------------------------------


def test_course_site_commands_are_listed():
    done = subprocess.run(
        [sys.executable, "-m", "grader", "site", "--help"], capture_output=True, text=True
    )
    assert done.returncode == 0 and "build" in done.stdout and "serve" in done.stdout


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _listening(port: int) -> set[str]:
    """The IPv4 addresses on which something listens on ``port`` (from /proc/net/tcp)."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, _, hex_port = local.partition(":")
        if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
            found.add(socket.inet_ntoa(bytes.fromhex(address)[::-1]))
    return found


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url) as reply:
            return reply.read().decode()
    except OSError:
        return None


def test_course_site_serve_serves_on_loopback_only_and_regenerates_on_a_change(tmp_path):
    root = copy_course(tmp_path)
    port = _free_port()
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "grader", "site", "serve", "--port", str(port)],
        cwd=root,
        env=mkdocs_env(),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline, page = time.monotonic() + 240, None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/index.html") as reply:
                    page = reply.read().decode()
                break
            except OSError:
                time.sleep(0.5)
        log.flush()
        output = (tmp_path / "serve.log").read_text()[-3000:]
        assert page is not None, f"course site serve did not answer:\n{output}"
        assert "Numerical Methods for ML" in page
        # the vendored assets come from site/assets/, outside the docs folder
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/assets/katex/katex.min.js") as r:
            assert r.status == 200 and b"katex" in r.read(2000)
        listening = _listening(port)
        assert listening == {"127.0.0.1"}, listening
        # A change to a source page is generated again and served, placeholders filled.
        home = root / "lessons" / "index.md"
        home.write_text(home.read_text(encoding="utf-8") + "\n\nFresh words.\n", encoding="utf-8")
        deadline, fresh = time.monotonic() + 240, None
        while time.monotonic() < deadline and not (fresh and "Fresh words" in fresh):
            time.sleep(0.5)
            fresh = _fetch(f"http://127.0.0.1:{port}/index.html")
        assert fresh and "Fresh words" in fresh, (tmp_path / "serve.log").read_text()[-3000:]
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # its own session: the server and any child
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    log.close()
    assert _listening(port) == set()  # nothing left serving behind it


def test_pyproject_lists_playwright_for_the_browser_tests():
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]["test"]
    assert any(e.startswith("playwright") for e in extras)


# -- Two builders, one site ------------------------------------------------------------------


def _content(html: str) -> str:
    """The page's own content: the article, without the theme's header, nav and footer."""
    start = html.find("<article")
    return html[start : html.find("</article>", start)] if start >= 0 else html


def _anchors(html: str) -> set[str]:
    return set(re.findall(r'<h[1-6][^>]* id="([^"]+)"', _content(html)))


def _links(html: str) -> set[str]:
    """The links of the content to pages and sections of the site (not the outside)."""
    found = re.findall(r'<a [^>]*href="([^"]*)"', _content(html))
    return {link.removeprefix("./") for link in found if not re.match(r"[a-z]+:", link)}


def test_mkdocs_and_zensical_build_the_same_site_from_the_generated_pages():
    """Both builders run over the same generated folder (``course site build --engine``):
    the same pages, with the same headings' anchors and the same links between pages in
    their content, every placeholder filled, and the figures there."""
    sites = {engine: built_site(engine) for engine in ENGINES}
    pages = {
        engine: sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
        for engine, site in sites.items()
    }
    assert pages["mkdocs"] == pages["zensical"]
    assert f"{FOLDER}/quiz.html" in pages["mkdocs"] and f"{FOLDER}/homework.html" in pages["mkdocs"]
    for page in pages["mkdocs"]:
        html = {e: (site / page).read_text(encoding="utf-8") for e, site in sites.items()}
        assert _anchors(html["mkdocs"]) == _anchors(html["zensical"]), page
        assert _links(html["mkdocs"]) == _links(html["zensical"]), page
        for text in html.values():
            assert "[[" not in _content(text), page  # every fact and field filled
    for site in sites.values():
        figure = site / FOLDER / "figures" / "error-vs-step.svg"
        assert figure.read_bytes().lstrip().startswith(b"<?xml")
