"""Grading a cohort: many learners' submissions, each in its own fenced worker, into one
gradebook (see docs/instructors.md)."""
