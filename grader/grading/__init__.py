"""The trusted side of a grade: one pytest session over the hidden suites (:mod:`.runner`,
:mod:`.plugin`), assertions written for a learner (:mod:`.checks`), and the report
(:mod:`.report`). Nothing here runs learner code; it calls it through :mod:`grader.sandbox`.
"""
