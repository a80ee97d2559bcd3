"""``course site build`` and ``course site serve``: the course site, built with MkDocs.

Both run the MkDocs of this environment on the repository's ``mkdocs.yml`` in strict mode,
so that a broken link, a missing anchor or a page left out of the navigation stops the
build instead of reaching a learner. ``serve`` listens on 127.0.0.1 only. The pages, the
hooks that generate some of them and the vendored assets are described in
``site/hooks/course_pages.py``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

DEFAULT_PORT = 8000
BUILD_DIR = Path("site") / "_build"  # relative to the repository; ignored by git


class SiteError(Exception):
    """The site cannot be built or served here; the message says why."""


def _environment() -> dict[str, str]:
    # Material 9.8 prints a banner about MkDocs 2.0 on every run; it is noise for learners.
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def _command(root: Path, *args: str) -> list[str]:
    config = root / "mkdocs.yml"
    if not config.is_file():
        raise SiteError(f"{config} is missing: the course site cannot be built without it.")
    try:
        import mkdocs  # noqa: F401  (only to say clearly when it is missing)
    except ImportError:
        raise SiteError(
            "MkDocs is not installed in this environment; run "
            "'.venv/bin/pip install -e .' in the course folder first."
        ) from None
    # Never -q or -v: with them MkDocs 1.6 stops treating warnings as errors.
    return [sys.executable, "-m", "mkdocs", *args, "--strict", "--config-file", str(config)]


def build_command(root: Path, site_dir: Path | None = None) -> list[str]:
    command = _command(root, "build")
    if site_dir is not None:
        command += ["--site-dir", str(site_dir)]
    return command


def serve_command(root: Path, port: int = DEFAULT_PORT) -> list[str]:
    return _command(root, "serve") + ["--dev-addr", f"127.0.0.1:{port}"]


def build(root: Path, site_dir: Path | None = None) -> tuple[int, Path]:
    """Build the site strictly; returns MkDocs' exit status and the output folder."""
    out = Path(site_dir) if site_dir is not None else root / BUILD_DIR
    done = subprocess.run(build_command(root, site_dir), cwd=root, env=_environment())
    return done.returncode, out


def serve(root: Path, port: int = DEFAULT_PORT) -> None:
    """Serve the site on 127.0.0.1 until interrupted, rebuilding when a source changes.

    This process becomes MkDocs' server (exec), so Ctrl-C or a signal sent to it reaches
    the server itself and never leaves one running behind it.
    """
    command = serve_command(root, port)
    os.chdir(root)
    os.execve(command[0], command, _environment())
