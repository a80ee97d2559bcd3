"""Quizzes: the quiz files, the answer checker, and `course quiz` piped and on a terminal.

Runs that write answers or record attempts work on a copy of the course (the
``learner_repo`` fixture and ``COURSE_ROOT``), so this checkout's files and progress are
never touched.
"""

from __future__ import annotations

import sys
import time
import tomllib
from pathlib import Path

import pytest

from grader import catalog
from grader.quiz import answers as answers_file
from grader.quiz import checking, expressions, model
from tests.support import ROOT, course

QUIZ_FILES = sorted(ROOT.glob("lessons/*/" + model.QUIZ_FILE))
QUIZ_ITEMS = [e for e in catalog.load(ROOT).exercises if e.kind == "quiz"]
LESSON_QUIZ = model.load_quiz(ROOT / "lessons/1.2.39-numerical-differentiation/quiz.toml")
ALL_RIGHT = ["f", "t", "f", "t", "a,b", "a,b,d", "b", "((x+h)**2-(x-h)**2)/(2*h)", "3.01"]


def question(question_id: str) -> model.Question:
    return LESSON_QUIZ.question(question_id)


def in_copy(root: Path) -> dict[str, str]:
    return {"COURSE_ROOT": str(root), "NO_COLOR": "1"}


# --- every quiz file ---------------------------------------------------------------------


def test_the_lesson_has_a_quiz():
    assert QUIZ_FILES, "no quiz file under lessons/"
    assert [e.id for e in QUIZ_ITEMS if e.lesson_id == "1.2.39"] == ["1.2.39.quiz"]


@pytest.mark.parametrize("path", QUIZ_FILES, ids=[p.parent.name for p in QUIZ_FILES])
def test_every_quiz_file_parses_with_answers_and_explanations(path: Path):
    quiz = model.load_quiz(path)
    assert quiz.questions
    for q in quiz.questions:
        assert q.answer is not None and q.answer != "", q.id
        assert len(q.explanation) > 40, f"{q.id}: the explanation should teach something"
        assert q.prompt.strip() and q.title.strip()
        outcome = checking.check_answer(q, q.answer)
        assert outcome.correct, f"{q.id}: the file's own answer fails: {outcome.message}"


@pytest.mark.parametrize("item", QUIZ_ITEMS, ids=[e.id for e in QUIZ_ITEMS])
def test_each_quiz_item_has_its_file_stub_and_solution(item):
    quiz = model.load_quiz(model.quiz_path(item), item.id)  # also checks [quiz] id
    stub, _ = answers_file.read_answers(item.path(item.stub), quiz)
    assert stub == {}, "the untouched answers file must hold no answers"
    solution, unknown = answers_file.read_answers(item.path(item.solution), quiz)
    assert not unknown
    for q in quiz.questions:
        assert checking.check_answer(q, solution.get(q.id)).correct, q.id


def test_the_spec_questions_are_in_order():
    types = [q.type for q in LESSON_QUIZ.questions]
    assert types[:4] == ["true_false"] * 4
    assert [q.answer for q in LESSON_QUIZ.questions[:4]] == [False, True, False, True]
    assert all(t.endswith("_choice") for t in types[4:7])
    assert types[7] == "expression" and "numeric" in types


BROKEN = {
    "no explanation": """
        [quiz]
        id = "9.9.quiz"
        [[questions]]
        id = "a"
        type = "true_false"
        prompt = "p"
        answer = true
    """,
    "letter out of range": """
        [quiz]
        id = "9.9.quiz"
        [[questions]]
        id = "a"
        type = "single_choice"
        prompt = "p"
        choices = ["one", "two"]
        answer = "c"
        explanation = "e"
    """,
    "numeric without tolerance": """
        [quiz]
        id = "9.9.quiz"
        [[questions]]
        id = "a"
        type = "numeric"
        prompt = "p"
        answer = 1.5
        explanation = "e"
    """,
    "unknown type": """
        [quiz]
        id = "9.9.quiz"
        [[questions]]
        id = "a"
        type = "essay"
        prompt = "p"
        answer = "x"
        explanation = "e"
    """,
    "misspelt field": """
        [quiz]
        id = "9.9.quiz"
        [[questions]]
        id = "a"
        type = "true_false"
        prompt = "p"
        answer = true
        explanaton = "e"
    """,
    "expression without conditions": """
        [quiz]
        id = "9.9.quiz"
        [[questions]]
        id = "a"
        type = "expression"
        prompt = "p"
        answer = "x"
        variables = ["x"]
        explanation = "e"
    """,
}


@pytest.mark.parametrize("text", BROKEN.values(), ids=BROKEN.keys())
def test_a_broken_quiz_file_is_refused_with_a_reason(tmp_path: Path, text: str):
    path = tmp_path / "quiz.toml"
    path.write_text("\n".join(line.strip() for line in text.splitlines()))
    with pytest.raises(model.QuizError, match="question 1"):
        model.load_quiz(path)


# --- checking answers --------------------------------------------------------------------


def test_the_central_difference_passes():
    q = question("central-difference-code")
    for typed in (
        "((x+h)**2-(x-h)**2)/(2*h)",
        "(x + h)**2/(2*h) - (x - h)**2/(2*h)",
        "((h + x)**2 - (x - h)**2) * (1/(2*h))",
        "0.5*((x+h)**2-(x-h)**2)/h",
    ):
        outcome = checking.check_answer(q, typed)
        assert outcome.correct, (typed, outcome.message)


@pytest.mark.parametrize(
    "typed,reason",
    [
        ("2*x", "does not contain the step h"),
        ("((x+h)**2 - x**2)/h", "equals 2*x + h"),
        ("((x+h)**2 - (x-h)**2)/h", "tends to 4*x"),
        ("(x+h)**2 - (x-h)**2", "no h in its denominator"),
        ("4*x*h/(2*h)", "the h you wrote cancels out"),  # not "does not contain h"
    ],
)
def test_wrong_expressions_are_told_why(typed: str, reason: str):
    outcome = checking.check_answer(question("central-difference-code"), typed)
    assert not outcome.correct and outcome.readable
    assert reason in outcome.message


@pytest.mark.parametrize(
    "typed",
    [
        "__import__('os')",
        "__import__('os').system('touch {marker}')",
        "open('{marker}', 'w')",
        "(lambda: open('{marker}', 'w'))()",
        "x.__class__",
        "[c for c in ().__class__.__bases__]",
        "sympify('x')",
    ],
)
def test_dangerous_text_is_refused_without_running_it(tmp_path: Path, typed: str, monkeypatch):
    marker = tmp_path / "ran"
    import builtins

    def forbidden(*args, **kwargs):
        raise AssertionError("the checker must not evaluate learner text")

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    outcome = checking.check_answer(
        question("central-difference-code"), typed.format(marker=marker)
    )
    assert not outcome.correct and not outcome.readable
    assert "cannot be used here" in outcome.message
    assert not marker.exists()


@pytest.mark.parametrize(
    "typed,words",
    [
        ("2x", "multiplication sign"),
        ("((x+h)**2-(x-h)**2/(2*h)", "parentheses do not match"),
        ("(x+h)**2 -", "ends with an operator"),
        ("x^2", "**"),
        ("3,01", "decimals with a point"),
        ("3.01.0", "at most one decimal point"),
        ("(x+h)**2 \u2212 x", "Type - for a minus sign"),
        ("2\u00d7x", "Type * for a product"),
        ("x\u00b2", "Type **2 for a square"),
        ("(f(x+h)-f(x-h))/(2*h)", "f(x + h) is written (x + h)**2"),
    ],
)
def test_a_syntax_error_gets_a_friendly_message(typed: str, words: str):
    with pytest.raises(model.ExpressionError) as caught:
        expressions.parse_expression(typed)
    message = str(caught.value)
    assert words in message
    assert "Traceback" not in message and "File " not in message


@pytest.mark.parametrize("typed", ["9**20**20", "(x**20)**20", "x**h", "1/(h-h)", "1e999"])
def test_expressions_that_would_blow_up_are_refused(typed: str):
    with pytest.raises(model.ExpressionError):
        expressions.parse_expression(typed)


def test_a_slow_symbolic_check_is_stopped():
    import time

    started = time.perf_counter()
    with pytest.raises(model.ExpressionError, match="too long"):
        with expressions.time_limit(0.2):
            time.sleep(5)
    assert time.perf_counter() - started < 2


def test_true_false_and_letters_read_as_a_learner_types_them():
    tf = question("exact")
    assert [checking.read_typed(tf, t) for t in ("t", "TRUE", " f ", "False")] == [
        True,
        True,
        False,
        False,
    ]
    with pytest.raises(model.AnswerError):
        checking.read_typed(tf, "maybe")
    many = question("when-to-check")
    assert checking.read_typed(many, "d, a,b") == ["a", "b", "d"]
    assert checking.read_typed(many, "abd") == ["a", "b", "d"]
    with pytest.raises(model.AnswerError, match="letters a to e"):
        checking.read_typed(many, "a,z")
    one = question("choose-epsilon")
    assert checking.read_typed(one, "B") == "b"
    with pytest.raises(model.AnswerError, match="one letter"):
        checking.read_typed(one, "a,b")


def test_multiple_choice_needs_exactly_the_right_letters():
    q = question("error-sources")
    assert checking.check_answer(q, ["b", "a"]).correct
    partial = checking.check_answer(q, ["a"])
    assert not partial.correct and "you left out 1 right choice" in partial.message
    assert "(b)" not in partial.message and "(a) and (b)" in partial.reveal  # shown on request
    extra = checking.check_answer(q, ["a", "b", "c"])
    assert not extra.correct and extra.feedback  # the remark for choice c


def test_numeric_answers_use_the_tolerance(tmp_path: Path):
    q = question("cubic-estimate")
    assert checking.check_answer(q, 3.01).correct
    assert checking.check_answer(q, 3.0100005).correct
    assert checking.check_answer(q, "(1.331 - 0.729)/0.2").correct  # arithmetic, read safely
    assert not checking.check_answer(q, 3.02).correct
    assert not checking.check_answer(q, "three").readable
    path = tmp_path / "quiz.toml"
    path.write_text(
        '[quiz]\nid = "9.9.quiz"\n[[questions]]\nid = "eps"\ntype = "numeric"\n'
        'prompt = "p"\nanswer = 6e-6\nrelative_tolerance = 0.5\nexplanation = "e"\n'
    )
    relative = model.load_quiz(path).questions[0]
    assert checking.check_answer(relative, 8e-6).correct
    assert not checking.check_answer(relative, 1e-5).correct


def test_an_unanswered_question_says_so():
    outcome = checking.check_answer(question("exact"), None)
    assert not outcome.correct and not outcome.answered


def test_answers_files_round_trip(tmp_path: Path):
    answers = {
        "exact": False,
        "error-sources": ["a", "b"],
        "choose-epsilon": "b",
        "central-difference-code": 'weird "quoted" \\ text é',
        "cubic-estimate": 3.01,
    }
    path = tmp_path / "answers.toml"
    path.write_text(answers_file.render_answers(LESSON_QUIZ, answers, "1.2.39"), encoding="utf-8")
    read, unknown = answers_file.read_answers(path, LESSON_QUIZ)
    assert read == answers and unknown == []
    assert tomllib.loads(path.read_text(encoding="utf-8"))["quiz"] == LESSON_QUIZ.id


# --- `course grade` on answers files ------------------------------------------------------


def test_grade_the_stub_and_the_solution():
    stub = course(
        "grade",
        "1.2.39.quiz",
        "--submission",
        str(ROOT / "exercises/1.2.39/quiz_answers.toml"),
        "--json",
    )
    assert stub.code == 1
    assert stub.json()["score"] < stub.json()["max_score"]
    solution = course("grade", "1.2.39.quiz", "--solution", "--json")
    assert solution.code == 0, solution.out
    result = solution.json()
    assert result["score"] == result["max_score"]
    assert [c["name"] for c in result["checks"]] == [q.name for q in LESSON_QUIZ.questions]


def test_grading_never_runs_what_an_answers_file_holds(tmp_path: Path):
    marker = tmp_path / "ran"
    answers = tmp_path / "answers.toml"
    code = f"__import__('os').system('touch {marker}')"
    answers.write_text(
        answers_file.render_answers(LESSON_QUIZ, {"central-difference-code": code}, "1.2.39")
    )
    run = course("grade", "1.2.39.quiz", "--submission", str(answers), "--json")
    assert run.code == 1
    check = run.json()["checks"][7]
    assert check["name"] == "q8_central_difference_code" and not check["passed"]
    assert "cannot be used here" in check["message"]
    assert not marker.exists()


def test_an_unreadable_answers_file_fails_every_check_kindly(tmp_path: Path):
    answers = tmp_path / "answers.toml"
    answers.write_text("[answers\nexact = ")
    run = course("grade", "1.2.39.quiz", "--submission", str(answers), "--json")
    result = run.json()
    assert run.code == 1 and result["score"] == 0
    assert all("not valid TOML" in c["message"] for c in result["checks"])


# --- `course quiz`, piped ----------------------------------------------------------------


def test_piped_all_right_scores_full_marks_and_records(learner_repo: Path):
    run = course(
        "quiz", "1.2.39", "--json", stdin="\n".join(ALL_RIGHT) + "\n", env=in_copy(learner_repo)
    )
    assert run.code == 0, run.err
    result = run.json()
    assert result["exercise"] == "1.2.39.quiz" and result["passed"]
    assert result["score"] == result["max_score"]
    assert [c["name"] for c in result["checks"]] == [q.name for q in LESSON_QUIZ.questions]
    saved, _ = answers_file.read_answers(
        learner_repo / "exercises/1.2.39/quiz_answers.toml", LESSON_QUIZ
    )
    assert saved["error-sources"] == ["a", "b"] and saved["exact"] is False
    # The same file grades the same with `course grade`, alone and within the lesson.
    again = course("grade", "1.2.39.quiz", "--json", env=in_copy(learner_repo))
    assert again.code == 0 and again.json()["score"] == result["max_score"]
    history = course("list", "--json", env=in_copy(learner_repo)).json()
    row = next(r for r in history if r["id"] == "1.2.39.quiz")
    assert row["attempts"] == 2 and row["status"] == "passed"


def test_piped_some_wrong_exits_1_and_keeps_the_best_score(learner_repo: Path):
    env = in_copy(learner_repo)
    first = course("quiz", "1.2.39", stdin="\n".join(ALL_RIGHT) + "\n", env=env)
    assert first.code == 0, first.out + first.err
    wrong = ["t", "t", "maybe", "t", "a,c", "", "b", "2*x"]  # 9th line missing
    run = course("quiz", "1.2.39", stdin="\n".join(wrong) + "\n", env=env)
    assert run.code == 1, run.err
    assert "Not quite." in run.out and "Please answer true or false" in run.out
    assert "does not contain the step h" in run.out  # question 8 is told why
    assert "Best score: 10/10 over 2 attempt(s)" in run.out
    assert "'course restore 1.2.39.quiz' brings them back" in run.out
    saved, _ = answers_file.read_answers(
        learner_repo / "exercises/1.2.39/quiz_answers.toml", LESSON_QUIZ
    )
    assert saved["smaller-step"] == "maybe" and "when-to-check" not in saved
    assert "cubic-estimate" not in saved
    graded = course("grade", "1.2.39.quiz", "--json", env=env).json()
    failed = [c["name"] for c in graded["checks"] if not c["passed"]]
    assert failed == [
        "q1_exact",
        "q3_smaller_step",
        "q5_error_sources",
        "q6_when_to_check",
        "q8_central_difference_code",
        "q9_cubic_estimate",
    ]
    # The all-right answers were kept before they were overwritten; restore brings them back.
    restored = course("restore", "1.2.39.quiz", env=env)
    assert restored.code == 0, restored.err
    back, _ = answers_file.read_answers(
        learner_repo / "exercises/1.2.39/quiz_answers.toml", LESSON_QUIZ
    )
    assert back["central-difference-code"] == ALL_RIGHT[7] and back["smaller-step"] is False


def test_the_lesson_grade_includes_the_quiz(learner_repo: Path):
    run = course("grade", "1.2.39", "--solution", "--json", env=in_copy(learner_repo))
    items = {r["exercise"]: r for r in run.json()}
    assert items["1.2.39.quiz"]["passed"]


@pytest.mark.parametrize("wanted,words", [("9.9.99", "no lesson"), ("1.2.39.5", "not a quiz")])
def test_quiz_usage_errors_exit_2(wanted: str, words: str):
    run = course("quiz", wanted, stdin="")
    assert run.code == 2 and words in run.err


# --- `course quiz` on a terminal -----------------------------------------------------------


def spawn_quiz(root: Path):
    import pexpect

    env = {**in_copy(root), "TERM": "xterm", "PATH": "/usr/bin:/bin"}
    return pexpect.spawn(
        sys.executable,
        ["-m", "grader", "quiz", "1.2.39"],
        cwd=str(root),
        env=env,
        encoding="utf-8",
        timeout=60,
        dimensions=(40, 100),
    )


def test_interactive_run_retries_unreadable_answers(learner_repo: Path):
    import pexpect

    child = spawn_quiz(learner_repo)
    child.expect("Question 1 of 9")
    child.expect(r"Your answer \(true/false or t/f\): ")
    child.sendline("maybe")
    child.expect("Please answer true or false")
    child.expect("Try again")
    for answer in ALL_RIGHT[:7]:
        child.expect("Your answer")
        child.sendline(answer)
        child.expect("Correct")
    child.expect("Question 8 of 9")
    child.expect("Your answer")
    child.sendline("((x+h)**2-(x-h)**2/(2*h)")  # a parenthesis short
    child.expect("parentheses do not match")
    child.expect("Try again")
    child.expect("Your answer")
    child.sendline("2x")
    child.expect("multiplication sign")
    child.expect("Your answer")
    child.sendline(ALL_RIGHT[7])
    child.expect("Correct")
    child.expect("Question 9 of 9")
    child.expect("Your answer")
    child.sendline("3.01")
    child.expect("Score: 10/10")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    saved, _ = answers_file.read_answers(
        learner_repo / "exercises/1.2.39/quiz_answers.toml", LESSON_QUIZ
    )
    assert saved["central-difference-code"] == ALL_RIGHT[7]


def test_interactive_wrong_answer_is_explained_and_ctrl_c_saves_nothing(learner_repo: Path):
    import pexpect

    stub = (learner_repo / "exercises/1.2.39/quiz_answers.toml").read_text()
    child = spawn_quiz(learner_repo)
    child.expect("Your answer")
    child.sendline("t")
    child.expect("Not quite")
    child.expect("truncation error")  # the explanation follows at once
    child.expect("Your answer")
    # As a person would: a moment after the prompt appears. A ^C sent in the same instant
    # can reach the terminal while readline is still switching its mode, and be lost.
    time.sleep(0.5)
    child.sendintr()
    child.expect("Nothing was saved")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    assert (learner_repo / "exercises/1.2.39/quiz_answers.toml").read_text() == stub
    from grader.learner.store import open_store

    store = open_store(learner_repo)
    assert store.attempts("1.2.39.quiz") == [] and store.kept("1.2.39.quiz") == []
    store.close()
