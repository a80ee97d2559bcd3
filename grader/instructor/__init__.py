"""Batch grading for instructors: a folder of learners' submissions -> a gradebook.

``course instructor grade SUBMISSIONS_DIR --out GRADEBOOK.csv`` (see docs/instructors.md).
SUBMISSIONS_DIR holds one folder or one ``.zip`` per learner, each mirroring ``exercises/``
(``1.2.39/ex1_forward_difference.py`` ...). For every learner, every item of the catalogue
(exercises, project, quiz) is graded with :func:`grader.grading.runner.grade`, exactly as
``course grade`` grades a learner's own file.

How learners are kept apart:

- Each grading process owns one *slot*, a private folder under a batch folder in the
  temporary directory. A learner's files are copied (or unpacked) into the slot, graded
  there, and removed. Their worker cannot read SUBMISSIONS_DIR, the other slots (where
  other learners are being graded at the same time), nor the instructor's store and
  gradebook folders: they are passed to the runner as hidden folders.
- Only regular files are copied: symbolic links are refused, so a submission cannot point
  at another learner's folder. Zip members with absolute paths or ``..`` are refused, and
  every file, zip and member count is capped.
- A submission that cannot be read, or a file that is missing, gets zeros with the reason;
  nothing a learner submits can stop the batch, and no failure while grading one learner
  (in its grading process or in the thread that waits for it) loses another's result:
  every learner found is in the gradebook.
- Nothing the instructor writes (the gradebook, the JSON, the store) is visible to a
  worker: those files, and their folders where that hides nothing the worker needs, are
  hidden like SUBMISSIONS_DIR.
- Names and messages are the learners' text: they reach the terminal, the CSV and the
  JSON only through :mod:`grader.text.safe_text`.

Re-running skips work: every graded item is kept in the instructor's store (by default
``.course/instructor.sqlite3`` in the course) keyed by the learner, the item, the SHA-256
of what was graded and a key of the grader itself (its code, the item's suite and manifest
entry, Python and NumPy versions, and ``--seed`` when given).
"""
