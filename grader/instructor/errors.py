"""What can stop a batch, or one learner's submission."""


class BatchError(Exception):
    """The batch cannot start (no such folder, no learners, an unusable store)."""


class SubmissionProblem(Exception):
    """A learner's whole submission cannot be read (an unsafe or broken zip)."""
