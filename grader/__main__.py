"""``python -m grader`` is the same as the ``course`` command."""

from grader.cli import main

main(prog_name="course")  # the name shell completion and help text use
