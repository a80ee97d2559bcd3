"""``python -m grader`` is the same as the ``course`` command."""

from grader.cli import main

main()
