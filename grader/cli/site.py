"""``course site``: build and serve the course site on this machine."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from grader.cli.common import UsageError, load_catalog


@click.group("site")
def site_group() -> None:
    """The course site: lessons, exercises, quiz and plots, built and served on this machine."""


@site_group.command("build")
@click.option(
    "--site-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Where to write the site (default: site/_build/).",
)
@click.option(
    "--engine",
    type=click.Choice(["mkdocs", "zensical"]),
    default="mkdocs",
    show_default=True,
    help="The site builder run over the generated pages.",
)
def site_build(site_dir: Path | None, engine: str) -> None:
    """Generate the pages, then build the site strictly (a broken link or anchor fails)."""
    from grader.site import builder as site_mod

    cat = load_catalog()
    try:
        code, out = site_mod.build(cat.root, site_dir, engine)
    except site_mod.SiteError as exc:
        raise UsageError(str(exc)) from None
    if code == 0:
        click.echo(f"The site is in {out}; open {out / 'index.html'} or run 'course site serve'.")
    sys.exit(code)


@site_group.command("serve")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
def site_serve(port: int) -> None:
    """Serve the site at http://127.0.0.1:PORT/ with your progress, rebuilding it on a change.

    Only this machine can reach it. Its pages show your scores, the homework checklist
    ticked and your next step, as 'course progress' does, and a quiz answered there is
    checked and recorded as 'course quiz' records it. Ctrl-C stops it."""
    from grader.site import builder as site_mod

    cat = load_catalog()
    try:
        site_mod.serve(cat.root, port)  # until Ctrl-C
    except site_mod.SiteError as exc:
        raise UsageError(str(exc)) from None
