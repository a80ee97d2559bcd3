"""The untrusted line: everything between the grader and a learner's code.

A learner's file is imported only in a worker process (:mod:`.worker`), fenced in by
:mod:`.host` (with :mod:`.isolation` and :mod:`.cgroups` on Linux) within :mod:`.limits`.
The grader's end of it is :mod:`.workers`; values cross as plain data (:mod:`.wire`,
:mod:`.symbolic`) over pipes read under deadlines (:mod:`.channel`), and functions given
to learner code stay in the grader as handles (:mod:`.trusted`).
"""
