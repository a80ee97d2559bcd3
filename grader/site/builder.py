"""``course site build`` and ``course site serve``: generate the pages, then build.

The course generates every page itself first (:mod:`.generate`: plain Markdown, figures
and assets in ``site/_docs/``), then a site builder turns that folder into the site:

- ``mkdocs`` (the default): MkDocs with Material, strict, so that a broken link, a missing
  anchor or a page left out of the navigation stops the build;
- ``zensical``: Zensical, Material's successor, on the same folder and configuration.

``serve`` listens on 127.0.0.1 only and generates the pages again when a source changes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from grader.site.generate import Generated, GenerateError, generate

DEFAULT_PORT = 8000
ENGINES = ("mkdocs", "zensical")
# What a change to means the pages must be generated again while serving.
SOURCES = ("lessons", "exercises", "site/assets", "mkdocs.yml", "README.md")


class SiteError(Exception):
    """The site cannot be built or served here; the message says why."""


def _environment() -> dict[str, str]:
    # Material 9.8 prints a banner about MkDocs 2.0 on every run; it is noise for learners.
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def _generate(root: Path, site_dir: Path | None) -> Generated:
    try:
        return generate(root, site_dir)
    except GenerateError as exc:
        raise SiteError(f"The pages could not be generated: {exc}") from None


def _engine_command(engine: str, generated: Generated, *args: str) -> list[str]:
    if engine == "mkdocs":
        try:
            import mkdocs  # noqa: F401  (only to say clearly when it is missing)
        except ImportError:
            raise SiteError(
                "MkDocs is not installed in this environment; run "
                "'.venv/bin/pip install -e .' in the course folder first."
            ) from None
        # Never -q or -v: with them MkDocs 1.6 stops treating warnings as errors.
        config = str(generated.config)
        return [sys.executable, "-m", "mkdocs", *args, "--strict", "--config-file", config]
    if engine == "zensical":
        program = shutil.which("zensical", path=str(Path(sys.executable).parent)) or shutil.which(
            "zensical"
        )
        if program is None:
            raise SiteError(
                "Zensical is not installed in this environment; run "
                "'.venv/bin/pip install zensical' first."
            )
        return [program, *args, "--strict", "--config-file", str(_zensical_config(generated))]
    raise SiteError(f"Unknown site builder {engine!r}; use one of {', '.join(ENGINES)}.")


ZENSICAL_OUT = "zensical-site"  # Zensical writes only inside its project: site/_docs/...


def _zensical_config(generated: Generated) -> Path:
    """The same configuration with the output inside the project, as Zensical requires;
    :func:`build` moves the site to where it was asked for."""
    text = generated.config.read_text(encoding="utf-8")
    lines = [
        f"site_dir: {ZENSICAL_OUT}" if line.startswith("site_dir:") else line
        for line in text.splitlines()
    ]
    path = generated.config.with_name("zensical.yml")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def build(root: Path, site_dir: Path | None = None, engine: str = "mkdocs") -> tuple[int, Path]:
    """Generate the pages and build the site; returns the builder's exit status and the
    output folder."""
    root = Path(root).resolve()
    generated = _generate(root, site_dir)
    done = subprocess.run(_engine_command(engine, generated, "build"), cwd=root, env=_environment())
    if engine == "zensical" and done.returncode == 0:
        built = generated.config.parent / ZENSICAL_OUT
        if generated.site_dir.exists():
            shutil.rmtree(generated.site_dir)
        shutil.move(str(built), generated.site_dir)
    return done.returncode, generated.site_dir


def serve(root: Path, port: int = DEFAULT_PORT) -> None:
    """Serve the site on 127.0.0.1 until interrupted, generating the pages again when a
    source changes (MkDocs watches the generated folder and rebuilds what it serves).

    This process becomes MkDocs' server (exec), so Ctrl-C or a signal sent to it reaches
    the server itself; the watcher that regenerates is a child in the same process group,
    which ends when its parent does.
    """
    root = Path(root).resolve()
    generated = _generate(root, None)
    command = _engine_command("mkdocs", generated, "serve") + ["--dev-addr", f"127.0.0.1:{port}"]
    parent = os.getpid()
    if hasattr(os, "fork") and os.fork() == 0:
        try:
            _regenerate_on_change(root, parent)
        finally:
            os._exit(0)
    os.chdir(root)
    os.execve(command[0], command, _environment())


def _regenerate_on_change(root: Path, parent: int) -> None:
    from watchfiles import watch

    paths = [root / source for source in SOURCES if (root / source).exists()]
    for changes in watch(*paths, yield_on_timeout=True, rust_timeout=1000, raise_interrupt=False):
        if os.getppid() != parent:  # the server has ended
            return
        if changes:
            try:
                generate(root)
            except GenerateError as exc:  # said, and the last good pages stay served
                print(f"course site serve: pages not generated: {exc}", file=sys.stderr)
