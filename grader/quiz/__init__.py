"""Quizzes: one file per lesson (see docs/quiz-format.md), checked here and asked in a
terminal (:mod:`.terminal`)."""
