"""One quiz verdict: the terminal, `course grade` and the site agree, and the site's retries
are honest.

Each lesson owns a corpus of answers (``lessons/<lesson>/quiz_corpus.toml``): right ones in
many styles, wrong ones, and ones that cannot be read. Every answer goes through the
Python checker (grader/quiz/checking.py, which `course quiz` and `course grade` use) and,
in Debian's chromium, through the site's checker (site/assets/course/quiz.js, read from the
built quiz page with the data that page carries); both must give the same verdict (right,
wrong, unreadable) and the same words, and the verdict the corpus lists. Then the quiz page
itself: the first answer is the one that scores, the answer stays hidden until the learner
has it right or asks for it, chosen and right options are marked in words in both colour
schemes and on paper, and the score bar stays one line on a phone. As in
tests/test_browser.py, every request to another host is blocked and counted; these tests
fail, never skip, when chromium is missing.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from playwright.sync_api import expect

from grader import catalog
from grader.quiz import checking, model
from tests.site_support import Traffic, built_site, guarded_context, serve
from tests.support import ROOT

CORPUS_FILE = "quiz_corpus.toml"
VERDICTS = ("right", "wrong", "unreadable")
QUIZ_ITEMS = [e for e in catalog.load(ROOT).exercises if e.kind == "quiz"]
FOLDER = "1.2.39-numerical-differentiation"


def lesson_folder(item) -> Path:
    return model.quiz_path(item).parent


def load_corpus(item) -> list[tuple[str, str, str]]:
    """(question id, typed text, listed verdict) for every answer of a lesson's corpus."""
    data = tomllib.loads((lesson_folder(item) / CORPUS_FILE).read_text(encoding="utf-8"))
    assert data["corpus"]["quiz"] == item.id
    entries = []
    for question_id, groups in data["questions"].items():
        assert set(groups) <= set(VERDICTS), (question_id, groups.keys())
        for verdict in VERDICTS:
            entries += [(question_id, typed, verdict) for typed in groups.get(verdict, [])]
    return entries


def tidy(text: str) -> str:
    return " ".join(text.split())


def python_verdict(question: model.Question, typed: str) -> dict:
    outcome = checking.check_answer(question, typed)
    return {
        "verdict": "right" if outcome.correct else ("wrong" if outcome.readable else "unreadable"),
        "message": tidy(outcome.message),
        "notes": [tidy(n) for n in outcome.feedback],
        "reveal": tidy(outcome.reveal),
        "revealNotes": [tidy(n) for n in outcome.reveal_notes],
    }


JS_CHECK_ALL = """(entries) => {
    const data = JSON.parse(document.querySelector('.course-quiz').dataset.quiz);
    const byId = Object.fromEntries(data.map(q => [q.id, q]));
    const tidy = t => t.split(/\\s+/).filter(Boolean).join(' ');
    return entries.map(([id, typed]) => {
        const r = window.CourseQuiz.check(byId[id], typed);
        return {
            verdict: r.correct ? 'right' : (r.readable ? 'wrong' : 'unreadable'),
            message: tidy(r.message),
            notes: r.notes.map(tidy),
            reveal: tidy(r.reveal),
            revealNotes: r.revealNotes.map(tidy),
        };
    });
}"""


@pytest.fixture(scope="module")
def base_url():
    with serve(built_site("mkdocs")) as url:
        yield url


def new_page(browser, traffic, width=1280, height=900, scheme="light"):
    context = guarded_context(
        browser, traffic, viewport={"width": width, "height": height}, color_scheme=scheme
    )
    return context, context.new_page()


@pytest.fixture
def page(browser, traffic):
    context, page = new_page(browser, traffic)
    yield page
    context.close()


def assert_clean(traffic: Traffic) -> None:
    assert traffic.outside == [], f"requests to other hosts: {traffic.outside}"
    assert traffic.failed == [], f"local requests that failed: {traffic.failed}"
    assert traffic.console_errors == [], f"console errors: {traffic.console_errors}"


def quiz_url(base_url: str, item) -> str:
    return f"{base_url}{lesson_folder(item).name}/quiz.html"


# -- The corpus ----------------------------------------------------------------------------------


@pytest.mark.parametrize("item", QUIZ_ITEMS, ids=[e.id for e in QUIZ_ITEMS])
def test_the_corpus_covers_every_question_with_every_kind_of_answer(item):
    quiz = model.load_quiz(model.quiz_path(item), item.id)
    entries = load_corpus(item)
    assert len(entries) >= 150, f"{item.id}: {len(entries)} answers; the corpus needs 150"
    pairs = [(q, t) for q, t, _ in entries]
    assert len(set(pairs)) == len(pairs), "an answer is listed twice"
    for question in quiz.questions:
        listed = {v for q, _, v in entries if q == question.id}
        assert listed == set(VERDICTS), f"{question.id}: the corpus lists only {listed}"
    assert {q for q, _, _ in entries} == {q.id for q in quiz.questions}
    typed = [t for q, t, _ in entries if quiz.question(q).type == "expression"]
    for form in ("^", "\u2212", "/(2*h", "2x", ","):  # the tricky forms the issue names
        if item.lesson_id == "1.2.39":
            assert any(form in t for t in typed), form
    numbers = [t for q, t, _ in entries if quiz.question(q).type == "numeric"]
    if numbers:
        assert any("," in t for t in numbers) and any("/" in t for t in numbers)


@pytest.mark.parametrize("item", QUIZ_ITEMS, ids=[e.id for e in QUIZ_ITEMS])
def test_the_terminal_the_grader_and_the_site_agree_on_the_corpus(item, page, traffic, base_url):
    quiz = model.load_quiz(model.quiz_path(item), item.id)
    entries = load_corpus(item)
    page.goto(quiz_url(base_url, item), wait_until="networkidle")
    site = page.evaluate(JS_CHECK_ALL, [[q, t] for q, t, _ in entries])
    disagreements, unlisted = [], []
    for (question_id, typed, listed), js in zip(entries, site, strict=True):
        question = quiz.question(question_id)
        python = python_verdict(question, typed)
        # The terminal stores what read_typed makes of the text (as `course grade` reads
        # it back from the answers file) and checks that: the same outcome.
        try:
            stored = checking.read_typed(question, typed)
        except model.AnswerError as exc:
            assert python["verdict"] == "unreadable", (question_id, typed)
            assert tidy(str(exc)) == python["message"], (question_id, typed)
        else:
            assert python_verdict(question, stored) == python, (question_id, typed, stored)
        if js != python:
            disagreements.append(f"{question_id} {typed!r}:\n  python {python}\n  site   {js}")
        if python["verdict"] != listed:
            unlisted.append(f"{question_id} {typed!r}: listed {listed}, checked {python}")
    assert not disagreements, f"{len(disagreements)} of {len(entries)} differ:\n" + "\n".join(
        disagreements[:20]
    )
    assert not unlisted, "\n".join(unlisted)
    assert_clean(traffic)


def test_the_python_checker_gives_the_words_the_issue_asked_for():
    quiz = model.load_quiz(model.quiz_path(QUIZ_ITEMS[0]), QUIZ_ITEMS[0].id)
    code = quiz.question("central-difference-code")
    for typed in ("2*x*h/h", "2*x + 0/h"):
        outcome = checking.check_answer(code, typed)
        assert not outcome.correct and "cancels out" in outcome.message
    outcome = checking.check_answer(code, "((x+h)**2 - x**2)/h")
    assert "{" not in outcome.message and "equals 2*x + h" in outcome.message
    number = checking.check_answer(quiz.question("cubic-estimate"), "3.01.0")
    assert "at most one decimal point" in number.message and "2x" not in number.message
    # A wrong answer's message does not give the answer away; the reveal does.
    for question_id, typed in (("cubic-estimate", "3.31"), ("choose-epsilon", "a")):
        question = quiz.question(question_id)
        outcome = checking.check_answer(question, typed)
        assert question.answer_text() not in outcome.message
        assert question.answer_text() in outcome.reveal
    many = checking.check_answer(quiz.question("error-sources"), "a")
    assert "(b)" not in many.message and "(b)" in many.reveal


# -- The quiz page: honest retries -----------------------------------------------------------------


def form(page, question_id: str):
    return page.locator(f"form#quiz-{question_id}")


def answer(page, question, value) -> None:
    f = form(page, question.id)
    if question.type == "true_false":
        f.locator(f"input[value='{'true' if value else 'false'}']").check()
    elif question.type in ("single_choice", "multiple_choice"):
        for box in f.locator("input").all():
            wanted = box.get_attribute("value") in value
            if wanted or question.type == "multiple_choice":
                box.set_checked(wanted)
    else:
        f.locator("input[type=text]").fill(str(value))
    f.locator("button.quiz-check").click()


def visible_text(page) -> str:
    return page.locator("article").inner_text()


def test_a_retry_never_raises_the_score_and_the_answer_waits(page, traffic, base_url):
    item = QUIZ_ITEMS[0]
    quiz = model.load_quiz(model.quiz_path(item), item.id)
    page.goto(quiz_url(base_url, item), wait_until="networkidle")
    score = page.locator(".quiz-score")
    expect(page.locator(".quiz-rules")).to_contain_text("only your first answer")
    expect(page.locator(".quiz-rules")).to_contain_text("Start again")

    # A wrong first answer scores 0; the answer and the explanation stay hidden.
    numeric = quiz.question("cubic-estimate")
    answer(page, numeric, "3.31")
    f = form(page, numeric.id)
    expect(f).to_have_class("quiz-question quiz-wrong")
    expect(f.locator(".quiz-feedback")).to_contain_text("Your answer 3.31 is not right.")
    expect(f.locator(".quiz-feedback")).to_contain_text(
        "Only your first answer counts, so this question scores 0"
    )
    expect(f.locator(".quiz-explanation")).to_be_hidden()
    assert "3.01" not in visible_text(page)
    assert numeric.explanation[:40] not in visible_text(page)
    expect(score).to_contain_text(f"Score: 0 of {item.points:g} points (1 of 9")

    # Try again, right this time: the page says it does not count, and the score stays.
    f.locator("button.quiz-retry").click()
    answer(page, numeric, "3.01")
    expect(f).to_have_class("quiz-question quiz-right")
    expect(f.locator(".quiz-feedback")).to_contain_text("this try does not change your score")
    expect(f.locator(".quiz-explanation")).to_be_visible()
    expect(score).to_contain_text(f"Score: 0 of {item.points:g} points (1 of 9")
    expect(score).to_contain_text("Only first answers count")

    # A wrong answer, then "Show the answer": the reveal and the explanation, no points.
    code = quiz.question("central-difference-code")
    answer(page, code, "((x+h)**2 - x**2)/h")
    f = form(page, code.id)
    assert code.answer_text() not in visible_text(page)
    f.locator("button.quiz-show").click()
    expect(f.locator(".quiz-answer")).to_contain_text(f"One right answer is {code.answer_text()}")
    expect(f.locator(".quiz-explanation")).to_be_visible()
    expect(f.locator("button.quiz-check")).to_be_disabled()
    expect(score).to_contain_text(f"Score: 0 of {item.points:g} points (2 of 9")

    # A right first answer scores its points at once.
    exact = quiz.question("exact")
    answer(page, exact, exact.answer)
    share = round(item.points * exact.points / sum(q.points for q in quiz.questions), 2)
    expect(score).to_contain_text(f"Score: {share:g} of {item.points:g} points (3 of 9")

    # Start again is a fresh attempt: everything cleared.
    page.locator(".quiz-reset").click()
    expect(score).to_contain_text(f"Score: 0 of {item.points:g} points (0 of 9")
    expect(form(page, numeric.id).locator(".quiz-explanation")).to_be_hidden()
    assert_clean(traffic)


def test_every_wrong_first_answer_then_retries_ends_with_no_points(page, traffic, base_url):
    """The issue's run: wrong first answers, then the right ones, used to end at 8 of 10."""
    item = QUIZ_ITEMS[0]
    quiz = model.load_quiz(model.quiz_path(item), item.id)
    page.goto(quiz_url(base_url, item), wait_until="networkidle")
    wrong = {
        "true_false": lambda q: not q.answer,
        "single_choice": lambda q: [next(c for c in q.letters if c != q.answer)],
        "multiple_choice": lambda q: [next(c for c in q.letters if c not in q.answer)],
        "numeric": lambda q: "3.31",
        "expression": lambda q: "2*x*h/h",
    }
    for question in quiz.questions:
        answer(page, question, wrong[question.type](question))
        expect(form(page, question.id)).to_have_class("quiz-question quiz-wrong")
        text = visible_text(page)
        assert question.explanation[:40] not in text, question.id
        reveal = checking.check_answer(question, wrong[question.type](question)).reveal
        assert not reveal or reveal not in text, question.id
        expect(form(page, question.id).locator(".quiz-answer")).to_be_hidden()
        form(page, question.id).locator("button.quiz-retry").click()
        right = question.answer if question.type != "single_choice" else [question.answer]
        answer(page, question, right)
        expect(form(page, question.id)).to_have_class("quiz-question quiz-right")
    expect(page.locator(".quiz-score")).to_contain_text(
        f"Score: 0 of {item.points:g} points (9 of 9 questions answered). All done."
    )
    assert_clean(traffic)


# -- Marks, schemes, print, phone ----------------------------------------------------------------

CONTRAST = """(el) => {
    const rgb = c => c.match(/[\\d.]+/g).slice(0, 4).map(Number);
    const lum = ([r, g, b]) => {
        const f = v => {
            v /= 255;
            return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
        };
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    let node = el, bg = null;
    while (node && node.nodeType === 1) {
        const c = rgb(getComputedStyle(node).backgroundColor);
        if (c.length < 4 || c[3] > 0.5) { bg = c; break; }
        node = node.parentElement;
    }
    bg = bg || [255, 255, 255];
    const fg = rgb(getComputedStyle(el).color);
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    return (a + 0.05) / (b + 0.05);
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_chosen_and_right_options_are_marked_in_words(browser, traffic, base_url, scheme):
    item = QUIZ_ITEMS[0]
    quiz = model.load_quiz(model.quiz_path(item), item.id)
    question = quiz.question("error-sources")  # right: a and b
    context, page = new_page(browser, traffic, scheme=scheme)
    try:
        page.goto(quiz_url(base_url, item), wait_until="networkidle")
        answer(page, question, ["a", "c"])
        f = form(page, question.id)
        picked = f.locator(".quiz-choice.quiz-picked")
        expect(picked).to_have_count(2)
        expect(f.locator(".quiz-mark-key")).to_have_count(0)  # not before the answer is shown
        expect(picked.nth(1).locator(".quiz-mark")).to_have_text("✗ your choice")
        f.locator("button.quiz-show").click()
        keys = f.locator(".quiz-choice.quiz-key")
        expect(keys).to_have_count(2)
        expect(keys.nth(1).locator(".quiz-mark-key")).to_have_text("right answer")
        expect(picked.nth(0).locator(".quiz-mark-picked")).to_have_text("✓ your choice")
        for mark in f.locator(".quiz-mark").all():
            expect(mark).to_be_visible()
            assert mark.evaluate(CONTRAST) >= 4.5, (scheme, mark.inner_text())
        # Disabled after checking, the choices keep full-strength text; the verdict, the
        # answer and the remarks are readable too.
        for text in f.locator(".quiz-choice, .quiz-feedback p, .quiz-answer p").all():
            assert text.evaluate(CONTRAST) >= 4.5, (scheme, text.inner_text()[:40])
        # On paper (printed from this scheme): only the chosen boxes are filled in, the
        # marks stay, the controls go.
        page.emulate_media(media="print", color_scheme=scheme)
        boxes = f.locator("input[type=checkbox]")
        fills = [b.evaluate("b => getComputedStyle(b).backgroundColor") for b in boxes.all()]
        checked = [b.is_checked() for b in boxes.all()]
        assert [fill != "rgb(255, 255, 255)" for fill in fills] == checked, (fills, checked)
        expect(f.locator(".quiz-mark-key").first).to_be_visible()
        expect(f.locator("button.quiz-show")).to_be_hidden()
        expect(page.locator(".quiz-summary")).to_be_hidden()
    finally:
        context.close()
    assert_clean(traffic)


def test_the_score_bar_stays_one_short_line_on_a_phone(browser, traffic, base_url):
    item = QUIZ_ITEMS[0]
    quiz = model.load_quiz(model.quiz_path(item), item.id)
    context, page = new_page(browser, traffic, width=390, height=844)
    try:
        page.goto(quiz_url(base_url, item), wait_until="networkidle")
        for question in quiz.questions:
            answer(page, question, question.answer)
        form(page, quiz.questions[3].id).scroll_into_view_if_needed()
        bar = page.locator(".quiz-summary").bounding_box()
        assert bar["height"] <= 0.08 * 844, bar
        line = page.locator(".quiz-score-short")
        expect(line).to_be_visible()
        box = line.bounding_box()
        height = float(line.evaluate("e => parseFloat(getComputedStyle(e).lineHeight) || 20"))
        assert box["height"] <= 1.5 * height, box  # one line
        expect(page.locator(".quiz-score")).to_contain_text("All done.")  # for screen readers
    finally:
        context.close()
    assert_clean(traffic)


# -- The server hook ------------------------------------------------------------------------------

SERVER = """window.CourseServer = {
    calls: [],
    checkQuiz(lesson, question, typed) {
        this.calls.push([lesson, question, typed]);
        if (typed === '2*x') return Promise.reject(new Error('server gone'));
        return Promise.resolve({correct: false, readable: true, message: 'From the server.',
                                notes: [], explanation: ''});
    },
};"""


def test_a_served_page_asks_the_server_and_falls_back_to_its_own_checker(
    browser, traffic, base_url
):
    item = QUIZ_ITEMS[0]
    quiz = model.load_quiz(model.quiz_path(item), item.id)
    context = guarded_context(browser, traffic, viewport={"width": 1280, "height": 900})
    context.add_init_script(SERVER)
    page = context.new_page()
    try:
        page.goto(quiz_url(base_url, item), wait_until="networkidle")
        code = quiz.question("central-difference-code")
        answer(page, code, code.answer)
        f = form(page, code.id)
        expect(f.locator(".quiz-feedback")).to_contain_text("From the server.")
        f.locator("button.quiz-retry").click()
        answer(page, code, "2*x")  # the server fails: the local checker answers
        expect(f.locator(".quiz-feedback")).to_contain_text("does not contain the step h")
        calls = page.evaluate("() => window.CourseServer.calls")
        assert calls == [[item.lesson_id, code.id, code.answer], [item.lesson_id, code.id, "2*x"]]
    finally:
        context.close()
    assert_clean(traffic)


def test_no_quiz_message_leaves_a_placeholder_unfilled():
    for item in QUIZ_ITEMS:
        quiz = model.load_quiz(model.quiz_path(item), item.id)
        for question_id, typed, _ in load_corpus(item):
            outcome = checking.check_answer(quiz.question(question_id), typed)
            assert not re.search(r"\{(answer|simplified|limit)\}", outcome.message), typed


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_an_answered_quiz_page_has_no_serious_accessibility_violation(
    browser, traffic, base_url, scheme
):
    """tests/test_accessibility.py checks every page as it loads; here the quiz once the
    marks, verdicts, practice notes and revealed answers are on it."""
    from tests.test_accessibility import AXE_RESULT, BLOCKING, RUN_AXE, axe_source

    item = QUIZ_ITEMS[0]
    quiz = model.load_quiz(model.quiz_path(item), item.id)
    for width, height in ((1280, 900), (390, 844)):
        context, page = new_page(browser, traffic, width, height, scheme)
        context.add_init_script(axe_source())
        try:
            page.goto(quiz_url(base_url, item), wait_until="networkidle")  # axe added on load
            answer(page, quiz.question("error-sources"), ["a", "c"])
            form(page, "error-sources").locator("button.quiz-show").click()
            answer(page, quiz.question("choose-epsilon"), ["a"])
            answer(page, quiz.question("exact"), False)
            answer(page, quiz.question("cubic-estimate"), "3.31")
            form(page, "cubic-estimate").locator("button.quiz-retry").click()
            answer(page, quiz.question("cubic-estimate"), "3.01")
            page.evaluate(RUN_AXE)
            found = [v for v in page.evaluate(AXE_RESULT) if v["impact"] in BLOCKING]
            assert found == [], [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in found]
        finally:
            context.close()
    assert_clean(traffic)
