"""The learner's side of the course: their state in SQLite (:mod:`.store`), progress and the
dashboard, hints, the reference solution, `course watch`, and resetting or restoring their
files without losing a byte (:mod:`.workspace`)."""
