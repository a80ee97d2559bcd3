"""The built site in a real browser: Playwright driving Debian's chromium (/usr/bin/chromium).

The site is served over http on 127.0.0.1 from a thread of this process. Every request to
any other host is aborted and counted, and every test ends by checking that there were
none, that no local request failed and that no page logged an error to the console. These
tests fail, never skip, when chromium is missing: CI installs it (.ci/run).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from grader import catalog
from grader.quiz.model import load_quiz, quiz_path
from tests.site_support import (
    ENGINES,
    Traffic,
    built_site,
    guarded_context,
    serve,
)
from tests.support import ROOT

LESSON = catalog.load(ROOT).lesson("1.2.39")
FOLDER = "1.2.39-numerical-differentiation"
QUIZ_ITEM = next(e for e in LESSON.exercises if e.kind == "quiz")
QUIZ = load_quiz(quiz_path(QUIZ_ITEM), QUIZ_ITEM.id)


@pytest.fixture(scope="module", params=ENGINES)
def site(request) -> Path:
    """The site as each builder makes it from the same generated pages: every test here
    runs on both."""
    return built_site(request.param)


@pytest.fixture(scope="module")
def base_url(site):
    with serve(site) as url:
        yield url


@pytest.fixture
def page(browser, traffic):
    context = guarded_context(browser, traffic, viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def assert_clean(traffic: Traffic) -> None:
    assert traffic.outside == [], f"requests to other hosts: {traffic.outside}"
    assert traffic.failed == [], f"local requests that failed: {traffic.failed}"
    assert traffic.console_errors == [], f"console errors: {traffic.console_errors}"


def html_pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


# -- Every page ----------------------------------------------------------------------------------


def test_the_outside_world_is_really_blocked(page, traffic, base_url):
    """The guard works: a request to another host is aborted and counted."""
    page.goto(base_url + "index.html", wait_until="load")
    reached = page.evaluate(
        "() => fetch('https://example.com/probe.js').then(() => true, () => false)"
    )
    assert reached is False
    assert traffic.outside == ["https://example.com/probe.js"]


def test_every_page_loads_with_no_console_error_and_no_outside_request(
    site, page, traffic, base_url
):
    visited = html_pages(site)
    assert len(visited) >= 15
    for relative in visited:
        page.goto(base_url + relative, wait_until="networkidle")
        expect(page.locator("h1").first).to_be_visible()
    assert_clean(traffic)


def test_every_formula_is_rendered(site, page, traffic, base_url):
    counts = {}
    for relative in html_pages(site):
        if 'class="arithmatex"' not in (site / relative).read_text(encoding="utf-8"):
            continue
        page.goto(base_url + relative, wait_until="networkidle")
        found = page.evaluate(
            """() => {
                const all = [...document.querySelectorAll('.arithmatex')];
                return {
                    formulas: all.length,
                    typeset: all.filter(e => e.querySelector('.katex')).length,
                    errors: document.querySelectorAll('.katex-error').length,
                    raw: all.filter(e => !e.querySelector('.katex'))
                            .map(e => e.textContent.slice(0, 80)),
                };
            }"""
        )
        assert found["errors"] == 0 and found["typeset"] == found["formulas"], (relative, found)
        counts[relative] = found["formulas"]
    assert counts[f"{FOLDER}/index.html"] > 100
    # KaTeX drew with its own fonts, served by the site itself
    fonts = [url for url in traffic.served if "/assets/katex/fonts/" in url]
    assert any("KaTeX_Main-Regular.woff2" in url for url in fonts), traffic.served
    assert f"{FOLDER}/project.html" in counts
    assert_clean(traffic)


def test_the_lesson_opened_from_disk_renders_its_math(site, page, traffic):
    """`course site build`, then open the file: no server, same result."""
    page.goto((site / FOLDER / "index.html").as_uri(), wait_until="load")
    page.wait_for_function("() => document.querySelectorAll('.arithmatex .katex').length > 100")
    assert page.locator(".katex-error").count() == 0
    assert traffic.outside == [] and traffic.console_errors == []


# -- The quiz ------------------------------------------------------------------------------------


def answer(page, question, value) -> None:
    """Fill in one question's form with ``value`` as a learner would, then press Check."""
    form = page.locator(f"form#quiz-{question.id}")
    if question.type == "true_false":
        form.locator(f"input[value='{'true' if value else 'false'}']").check()
    elif question.type in ("single_choice", "multiple_choice"):
        for letter in [value] if isinstance(value, str) else value:
            form.locator(f"input[value='{letter}']").check()
    else:
        form.locator("input[type=text]").fill(str(value))
    form.locator("button.quiz-check").click()


def right_answer(question):
    if question.type == "numeric":
        return "(1.331 - 0.729) / 0.2" if question.answer == 3.01 else question.answer_text()
    return question.answer


def test_the_quiz_can_be_answered_and_scores(page, traffic, base_url):
    page.goto(base_url + f"{FOLDER}/quiz.html", wait_until="networkidle")
    score = page.locator(".quiz-score")
    expect(score).to_contain_text(f"Score: 0 of {QUIZ_ITEM.points:g} points")
    for question in QUIZ.questions:
        answer(page, question, right_answer(question))
        form = page.locator(f"form#quiz-{question.id}")
        expect(form).to_have_class("quiz-question quiz-right")
        expect(form.locator(".quiz-explanation")).to_be_visible()
        expect(form.locator("button.quiz-check")).to_be_disabled()
    expect(score).to_contain_text(
        f"Score: {QUIZ_ITEM.points:g} of {QUIZ_ITEM.points:g} points "
        f"({len(QUIZ.questions)} of {len(QUIZ.questions)} questions answered). All done."
    )
    expect(score).to_contain_text("course quiz 1.2.39")
    assert_clean(traffic)


def test_wrong_and_unreadable_answers_get_feedback(page, traffic, base_url):
    page.goto(base_url + f"{FOLDER}/quiz.html", wait_until="networkidle")
    by_type = {q.type: q for q in QUIZ.questions}

    exact = QUIZ.question("exact")
    answer(page, exact, not exact.answer)
    form = page.locator("form#quiz-exact")
    expect(form).to_have_class("quiz-question quiz-wrong")
    expect(form.locator(".quiz-feedback")).to_contain_text("The statement is false, not true.")
    expect(form.locator(".quiz-explanation")).to_be_hidden()  # until right or "Show the answer"

    # A multiple choice with a wrong pick shows the quiz file's remark for that choice.
    several = by_type["multiple_choice"]
    wrong = next(letter for letter in several.feedback if letter not in several.answer)
    answer(page, several, [*several.answer, wrong])
    feedback = page.locator(f"form#quiz-{several.id} .quiz-feedback")
    expect(feedback).to_contain_text(f"you chose ({wrong}), which is not right")
    expect(feedback).to_contain_text(several.feedback[wrong][:40])

    # An expression: unreadable text is not an answer yet; then a one-sided difference
    # fails the quiz file's last condition, with its message.
    expression = by_type["expression"]
    form = page.locator(f"form#quiz-{expression.id}")
    answer(page, expression, "((x + h)**2 - x**2) / 2h")
    expect(form.locator(".quiz-feedback")).to_contain_text("A * is missing")
    expect(form.locator("button.quiz-check")).to_be_enabled()
    answer(page, expression, "((x + h)**2 - x**2) / h")
    expect(form).to_have_class("quiz-question quiz-wrong")
    last = expression.conditions[-1].message
    expect(form.locator(".quiz-feedback")).to_contain_text(last.split("{")[0].strip())

    # A wrong divisor fails the limit condition.
    limit = next(c for c in expression.conditions if c.check == "limit")
    page.locator(".quiz-reset").click()
    answer(page, expression, "((x + h)**2 - (x - h)**2) / h")
    expect(form.locator(".quiz-feedback")).to_contain_text(limit.message.split("{")[0].strip())

    numeric = by_type["numeric"]
    answer(page, numeric, numeric.answer + 1)
    expect(page.locator(f"form#quiz-{numeric.id} .quiz-feedback")).to_contain_text(
        f"Your answer {numeric.answer + 1:g} is not right."
    )
    page.locator(f"form#quiz-{numeric.id} button.quiz-show").click()
    expect(page.locator(f"form#quiz-{numeric.id} .quiz-answer")).to_contain_text(
        f"The answer is {numeric.answer_text()}"
    )
    expect(page.locator(".quiz-score")).to_contain_text(
        f"Score: 0 of {QUIZ_ITEM.points:g} points (2 of {len(QUIZ.questions)}"
    )
    assert_clean(traffic)


# -- Search ----------------------------------------------------------------------------------------


def test_search_finds_central_difference(page, traffic, base_url):
    page.goto(base_url + "index.html", wait_until="networkidle")
    field = page.locator(".md-search__input")
    if field.count():  # Material for MkDocs: the search field is in the header
        field.click()
    else:  # Zensical: a button in the header opens the search dialog, its field focused
        page.locator(".md-search__button").first.click()
    page.keyboard.type("central difference", delay=20)  # both search as keys go up
    # Either builder's results link to the page with the words to highlight (?h=...).
    results = page.locator("a[href*='h=central']")
    expect(results.first).to_be_visible(timeout=20_000)
    targets = results.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert any(f"{FOLDER}/index.html" in href for href in targets), targets
    assert_clean(traffic)


# -- Reading on a phone (and on paper) -------------------------------------------------------------

PHONE = {"width": 390, "height": 844}
LESSONS = catalog.load(ROOT).lessons


def lesson_html(lesson) -> str:
    return lesson.page.removesuffix(".md") + ".html"


@pytest.fixture
def phone(browser, traffic):
    context = guarded_context(browser, traffic, viewport=PHONE, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


def test_every_lesson_has_its_contents_on_a_phone(phone, traffic, base_url):
    """On a phone the theme offers no contents for the lesson (its section's index page):
    the page's own "On this page" block does, and each of its links lands at its section."""
    assert LESSONS
    for lesson in LESSONS:
        phone.goto(base_url + lesson_html(lesson), wait_until="networkidle")
        contents = phone.locator("article details.course-toc")
        expect(contents).to_be_visible()
        sections = phone.locator("article > h2[id], article > h3[id]").evaluate_all(
            "hs => hs.map(h => h.id)"
        )
        links = contents.locator("a")
        hrefs = links.evaluate_all("links => links.map(a => a.getAttribute('href'))")
        assert len(sections) >= 10, (lesson.id, sections)
        assert hrefs == [f"#{section}" for section in sections], lesson.id
        for index, section in enumerate(sections):
            phone.evaluate("() => window.scrollTo(0, 0)")
            if contents.get_attribute("open") is None:
                contents.locator("summary").click()
            link = links.nth(index)
            expect(link).to_be_visible()
            link.click()
            expect(phone).to_have_url(f"{base_url}{lesson_html(lesson)}#{section}")
            heading = phone.locator(f"article > [id='{section}']")
            expect(heading).to_be_in_viewport()
            # at the top of the screen (once a smooth scroll is over), or as near as the
            # end of the page lets it be
            phone.wait_for_function(
                """([h, most]) => {
                    const top = h.getBoundingClientRect().top;
                    const end = document.documentElement.scrollHeight - innerHeight - 2;
                    return (top >= 0 && top < most) || scrollY >= end;
                }""",
                arg=[heading.element_handle(), PHONE["height"] / 3],
                timeout=5_000,
            )
    assert_clean(traffic)


def test_the_contents_block_gives_way_to_the_sidebar_on_a_wide_screen(page, traffic, base_url):
    page.goto(base_url + lesson_html(LESSONS[0]), wait_until="networkidle")
    expect(page.locator("article details.course-toc")).to_be_hidden()
    expect(page.locator(".md-sidebar--secondary a[href$='#questions']").first).to_be_visible()
    assert_clean(traffic)


BROKEN_MID_WORD = """() => {
    // Inline code split over two lines at a place that is neither a space nor just after
    // punctuation: "gradi|ent", "1.2.|39" is fine, "diff|erence" is not.
    const after = /[\\s.,;:\\/_\\-(\\[{=+*<>|&]/;
    const bad = [];
    for (const code of document.querySelectorAll('article code')) {
        if (code.closest('pre') || code.getClientRects().length < 2) continue;
        const chars = [];
        const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
        for (let node; (node = walker.nextNode()); ) {
            for (let i = 0; i < node.length; i++) {
                const range = document.createRange();
                range.setStart(node, i);
                range.setEnd(node, i + 1);
                const rect = range.getBoundingClientRect();
                if (rect.width || rect.height) chars.push({c: node.data[i], top: rect.top});
            }
        }
        for (let i = 1; i < chars.length; i++) {
            const wrapped = chars[i].top > chars[i - 1].top + 2;
            if (wrapped && !after.test(chars[i - 1].c) && !/\\s/.test(chars[i].c)) {
                bad.push(`${code.textContent} at ${i}`);
                break;
            }
        }
    }
    return bad;
}"""


def test_no_inline_code_breaks_mid_word_and_no_page_is_wider_than_a_phone(
    site, phone, traffic, base_url
):
    broken, wide = {}, {}
    for relative in html_pages(site):
        if relative == "404.html":
            continue
        phone.goto(base_url + relative, wait_until="networkidle")
        phone.evaluate(
            "() => document.querySelectorAll('article details').forEach(d => d.open = true)"
        )
        found = phone.evaluate(BROKEN_MID_WORD)
        if found:
            broken[relative] = found
        width = phone.evaluate("() => document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide[relative] = width
    assert broken == {}, broken
    assert wide == {}, wide
    assert_clean(traffic)


def test_the_course_map_shows_each_command_on_one_line(phone, traffic, base_url):
    phone.goto(base_url + "index.html", wait_until="networkidle")
    commands = phone.locator("article td code").evaluate_all(
        """codes => codes.map(c => ({text: c.textContent, lines: c.getClientRects().length,
                                     height: c.getBoundingClientRect().height,
                                     line: parseFloat(getComputedStyle(c).lineHeight) || 20}))"""
    )
    expected = {e.command for e in catalog.load(ROOT).exercises}
    assert expected <= {c["text"] for c in commands}
    for command in commands:
        assert command["lines"] == 1 and command["height"] < 1.5 * command["line"], command
    assert_clean(traffic)


def test_the_copy_button_never_covers_code(phone, traffic, base_url):
    phone.goto(base_url + "index.html", wait_until="networkidle")
    blocks = phone.locator("article pre").evaluate_all(
        """pres => pres.map(pre => {
            const button = pre.querySelector('.md-code__button, .md-clipboard');
            const code = pre.querySelector(':scope > code');
            if (!button || !code) return null;
            return {button: button.getBoundingClientRect().left,
                    code: code.getBoundingClientRect().right,
                    overflows: code.scrollWidth > code.clientWidth};
        }).filter(Boolean)"""
    )
    assert any(block["overflows"] for block in blocks), blocks  # a long line to test with
    for block in blocks:
        assert block["button"] >= block["code"] - 1, block
    assert_clean(traffic)


def test_a_wide_formula_scrolls_by_keyboard_and_shows_that_it_does(phone, traffic, base_url):
    phone.goto(base_url + lesson_html(LESSONS[0]), wait_until="networkidle")
    wide = phone.locator("article div.arithmatex[tabindex='0']").first
    expect(wide).to_have_attribute("role", "region")
    assert wide.evaluate("d => d.scrollWidth > d.clientWidth")
    # a shadow, drawn by a background that stays while the content scrolls
    assert "radial-gradient" in wide.evaluate("d => getComputedStyle(d).backgroundImage")
    wide.focus()
    phone.keyboard.press("ArrowRight")
    phone.wait_for_function("d => d.scrollLeft > 0", arg=wide.element_handle(), timeout=5_000)
    assert_clean(traffic)


def test_every_figure_is_drawn_for_the_phone_on_a_phone(site, phone, traffic, base_url):
    """Each figure has a narrow variant, and a phone gets it: its labels are then drawn at
    more than two thirds of their size, where the wide drawing's were at about a third."""
    seen = 0
    for relative in html_pages(site):
        if "figures/" not in (site / relative).read_text(encoding="utf-8"):
            continue
        phone.goto(base_url + relative, wait_until="networkidle")
        phone.evaluate(
            "() => document.querySelectorAll('article details').forEach(d => d.open = true)"
        )
        figures = phone.locator("article img[src*='figures/']")
        for index in range(figures.count()):
            figure = figures.nth(index)
            figure.scroll_into_view_if_needed()
            expect(figure).to_be_visible()
            shown = figure.evaluate(
                """img => ({src: img.currentSrc, complete: img.complete,
                            natural: img.naturalWidth, width: img.getBoundingClientRect().width})"""
            )
            assert shown["src"].endswith("-narrow.svg"), (relative, shown)
            assert shown["complete"] and shown["natural"] > 0, (relative, shown)
            assert 300 <= shown["width"] <= PHONE["width"], (relative, shown)
            assert shown["width"] / shown["natural"] >= 0.7, (relative, shown)
            seen += 1
    assert seen >= 4
    assert_clean(traffic)


def test_a_wide_screen_gets_the_wide_figures(page, traffic, base_url):
    page.goto(base_url + lesson_html(LESSONS[0]), wait_until="networkidle")
    figure = page.locator("article img[src*='figures/']").first
    expect(figure).to_be_visible()
    src = figure.evaluate("img => img.currentSrc")
    assert src.endswith(".svg") and not src.endswith("-narrow.svg"), src
    assert_clean(traffic)


def test_print_opens_hints_and_solutions_and_hides_the_quiz_controls(browser, traffic, base_url):
    context = guarded_context(
        browser, traffic, viewport={"width": 1280, "height": 900}, color_scheme="dark"
    )
    page = context.new_page()
    try:
        page.goto(base_url + f"{FOLDER}/project.html", wait_until="networkidle")
        closed = page.locator("article details:not([open])")
        assert closed.count() >= 3  # the project's hints, closed on screen
        closed.evaluate_all("ds => ds.forEach(d => d.setAttribute('data-closed', ''))")
        closed = page.locator("article details[data-closed]")
        expect(closed.first.locator(":scope > :not(summary)").first).to_be_hidden()
        page.emulate_media(media="print", color_scheme="dark")
        for index in range(closed.count()):
            inside = closed.nth(index).locator(":scope > :not(summary)").first
            expect(inside).to_be_visible()
        colours = page.evaluate(
            """() => [document.body, document.querySelector('article pre > code')]
                        .map(e => getComputedStyle(e).backgroundColor)"""
        )
        for colour in colours:
            channels = [float(x) for x in colour[colour.index("(") + 1 : -1].split(",")[:3]]
            assert min(channels) >= 230, colours  # white or nearly: no dark background
        page.emulate_media(media="screen", color_scheme="dark")
        page.goto(base_url + f"{FOLDER}/quiz.html", wait_until="networkidle")
        expect(page.locator("button.quiz-check").first).to_be_visible()
        page.emulate_media(media="print", color_scheme="dark")
        expect(page.locator("form.quiz-question").first).to_be_visible()
        expect(page.locator("button.quiz-check").first).to_be_hidden()
    finally:
        context.close()
    assert_clean(traffic)
