"""The ``course`` command. Thin on purpose: each command parses, calls a module, exits.

Exit status: 0 success (every check passed); 1 some check failed; 2 usage error
(unknown id, missing file, bad option), or a progress store that cannot be used (locked by
another program, read-only, full disk: 'course grade' then shows the result unrecorded).
Heavy modules (NumPy, pytest, rich) are imported inside the commands that need them so
that ``course --help`` stays fast.
"""

from __future__ import annotations

import click

from grader.cli import instructor, learner, site
from grader.cli.common import CourseGroup


@click.group(
    cls=CourseGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--no-color",
    is_flag=True,
    help="Plain text without colour (so does setting the NO_COLOR environment variable).",
)
@click.pass_context
def main(ctx: click.Context, no_color: bool) -> None:
    """A self-paced course with a trusted grader. Run 'course' alone for where you are."""
    if no_color:
        from grader.text import term

        term.disable_color()
    if ctx.invoked_subcommand is None:
        learner.overview()


for _command in (*learner.COMMANDS, instructor.instructor, site.site_group):
    main.add_command(_command)
