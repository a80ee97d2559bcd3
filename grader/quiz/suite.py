"""The hidden suite of a quiz: one check per question, made from the quiz file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from grader.quiz.answers import read_answers
from grader.quiz.checking import check_answer, feedback_text
from grader.quiz.model import AnswerError, Question, Quiz, QuizError, load_quiz, quiz_path


def suite_checks(suite_file: str) -> dict[str, Callable]:
    """Test functions for a quiz's hidden suite, one per question, in question order.

    A suite ``lessons/<lesson folder>/suites/test_quiz.py`` is two lines::

        from grader.quiz.suite import suite_checks
        globals().update(suite_checks(__file__))
    """
    import pytest

    from grader import catalog

    suite = Path(suite_file).resolve()
    folder = suite.parents[1]  # <root>/lessons/<lesson folder>/suites/test_quiz.py
    root = suite.parents[3]  # the graded course
    (lesson,) = [x for x in catalog.load(root).lessons if (root / x.folder).resolve() == folder]
    items = [e for e in lesson.exercises if e.kind == "quiz"]
    if len(items) != 1:
        raise QuizError(f"lesson {lesson.id} should list exactly one item of kind 'quiz'")
    exercise = items[0]
    quiz = load_quiz(quiz_path(exercise), exercise.id)
    checks: dict[str, Callable] = {}
    for question in quiz.questions:
        check = _make_check(quiz, question, exercise.stub)
        check = pytest.mark.points(question.points)(check)
        if question.section:
            check = pytest.mark.section(question.section)(check)
        checks[f"test_{question.name}"] = check
    return checks


def _make_check(quiz: Quiz, question: Question, stub: str) -> Callable:
    def check(submission_path: Path) -> None:
        from grader.grading.checks import fail

        try:
            answers, unknown = read_answers(submission_path, quiz)
        except AnswerError as exc:
            fail(str(exc))
        outcome = check_answer(question, answers.get(question.id))
        if outcome.correct:
            return
        if not outcome.answered:
            extra = (
                f" (The file has answers under names no question uses: {', '.join(unknown)}.)"
                if unknown
                else ""
            )
            fail(
                f"Question {question.number} ({question.id}) has no answer yet. Run 'course "
                f"quiz {quiz.id.rsplit('.', 1)[0]}', or write a line '{question.id} = ...' "
                f"under [answers] in {stub}.{extra}"
            )
        verdict = "is not right" if outcome.readable else "cannot be read as an answer"
        fail(
            f"Question {question.number}: your answer {outcome.shown!r} {verdict}. "
            + feedback_text(question, outcome).replace("\n", " ")
        )

    check.__doc__ = f"Question {question.number}: {question.title}"
    check.__name__ = f"test_{question.name}"
    return check
