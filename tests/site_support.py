"""Helpers for the site's tests: one strict build per test run, a local web server for it,
and a headless chromium that may talk to that server and to nothing else."""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from tests.support import ROOT

CHROMIUM = Path("/usr/bin/chromium")  # Debian's package: apt-get install chromium
LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}


def mkdocs_env() -> dict:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def run_build(
    root: Path, site_dir: Path | None = None, engine: str = "mkdocs"
) -> subprocess.CompletedProcess:
    """``course site build`` of the course at ``root``: the pages generated, then a strict
    build with ``engine``. ``python -m grader`` from ``root`` runs that course's own
    grader package."""
    command = [sys.executable, "-m", "grader", "site", "build", "--engine", engine]
    if site_dir is not None:
        command += ["--site-dir", str(site_dir)]
    return subprocess.run(
        command, cwd=root, env=mkdocs_env(), capture_output=True, text=True, timeout=600
    )


ENGINES = ("mkdocs", "zensical")  # the site builders `course site build --engine` runs


@functools.cache
def built_site(engine: str = "mkdocs") -> Path:
    """This checkout's site, built once per test run and builder into a temporary folder,
    the way a learner builds it: ``course site build [--engine zensical]``."""
    out = Path(tempfile.mkdtemp(prefix=f"course-site-{engine}-"))
    atexit.register(shutil.rmtree, out, ignore_errors=True)
    done = run_build(ROOT, out / "site", engine)
    if done.returncode != 0:
        raise AssertionError(f"course site build --engine {engine} failed:\n{done.stderr[-4000:]}")
    return out / "site"


def copy_course(parent: Path) -> Path:
    """What the site build reads, copied, so a test can break it without touching ours."""
    root = parent / "course"
    root.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "_build", "_docs")
    for name in ("lessons", "exercises", "solutions", "grader", "site"):
        shutil.copytree(ROOT / name, root / name, ignore=ignore)
    for name in ("mkdocs.yml", "README.md"):
        shutil.copy2(ROOT / name, root / name)
    return root


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # keep test output readable
        pass


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` over http on 127.0.0.1 from a thread; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@dataclass
class Traffic:
    """What pages asked for: every request to another host is blocked and kept here."""

    outside: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # local requests answered 4xx/5xx
    served: list[str] = field(default_factory=list)  # local requests answered 2xx/3xx
    console_errors: list[str] = field(default_factory=list)


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about", "file"):
        return True  # inline data, or the built site opened from disk
    return parts.scheme in ("http", "https") and parts.hostname in LOOPBACK


def launch_browser(playwright):
    """Debian's chromium, headless. Fails (never skips) when it is missing."""
    if not CHROMIUM.is_file():
        raise AssertionError(
            f"{CHROMIUM} is missing: the browser tests need Debian's chromium "
            "(apt-get install -y chromium); never run 'playwright install'."
        )
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM),
        headless=True,
        args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
    )


def guarded_context(browser, traffic: Traffic, **options):
    """A browser context whose pages can reach 127.0.0.1 only; the rest is counted."""
    context = browser.new_context(**options)

    def route(route_, request) -> None:
        if is_local(request.url):
            route_.continue_()
        else:
            traffic.outside.append(request.url)
            route_.abort()

    context.route("**/*", route)

    def on_page(page) -> None:
        page.on(
            "console",
            lambda m: (
                traffic.console_errors.append(f"{page.url}: {m.text}")
                if m.type == "error"
                else None
            ),
        )
        page.on("pageerror", lambda e: traffic.console_errors.append(f"{page.url}: {e}"))
        page.on(
            "response",
            lambda r: (traffic.failed if r.status >= 400 else traffic.served).append(
                f"{r.status} {r.url}"
            ),
        )

    context.on("page", on_page)
    return context
