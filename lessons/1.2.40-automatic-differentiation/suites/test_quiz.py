"""Hidden checks for 1.2.40.quiz: one check per question of the lesson's quiz, in order.

The questions, answers and explanations live in
lessons/1.2.40-automatic-differentiation/quiz.toml. The learner's answers file is data: it
is parsed here with tomllib and checked by grader.quiz.suite, and nothing in it is executed.
"""

from grader.quiz.suite import suite_checks

globals().update(suite_checks(__file__))
