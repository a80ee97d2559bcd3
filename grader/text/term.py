"""How the course's own text looks in a terminal: colour only where it can help.

Colour is used only when the output is a terminal, ``NO_COLOR`` is unset or empty (see
no-color.org), ``TERM`` is not ``dumb`` and ``course --no-color`` was not given (it sets
``NO_COLOR`` for the whole run, so processes started by the course obey it too).
Everywhere else the text is plain and stable, for scripts, logs and screen readers.
This module uses click's styling rather than rich, so it costs nothing to import.
"""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

import click


def disable_color() -> None:
    """``course --no-color``: no colour for this process and every process it starts."""
    os.environ["NO_COLOR"] = "1"


def is_terminal(stream: IO | None = None) -> bool:
    stream = sys.stdout if stream is None else stream
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or replaced stream
        return False


def color_enabled(stream: IO | None = None) -> bool:
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return is_terminal(stream)


def style(
    text: str,
    fg: str | None = None,
    *,
    bold: bool = False,
    dim: bool = False,
    stream: IO | None = None,
) -> str:
    """``text`` styled for ``stream`` (standard output by default), or as it is."""
    if not color_enabled(stream):
        return text
    return click.style(text, fg=fg, bold=bold, dim=dim)


# What a cut line must not end with before its "...": a mark that belongs to words after it.
DANGLING = " ,;:([{=+-*/|&"
ELLIPSIS = "..."


def shorten(text: str, width: int) -> str:
    """One line of at most ``width`` characters: cut after a whole word (where one ends in
    the last two thirds; a word cut in the middle reads as a different word), never on a
    dangling mark such as "," or ";", and ended by "..."."""
    line = " ".join(text.split())
    if len(line) <= width:
        return line
    cut = line[: width - len(ELLIPSIS) + 1]  # one more: a space there ends a whole word
    space = cut.rfind(" ")
    cut = cut[:space] if space >= (width - len(ELLIPSIS)) // 3 else cut[:-1]
    return close_cut(cut)


def close_cut(cut: str) -> str:
    """``cut``, the start of a longer text, ended by "..." after its last word."""
    return cut.rstrip(DANGLING + ".") + ELLIPSIS  # "said." + "..." reads as four dots


def wrap(text: str, indent: str = "", fg: str | None = None, *, dim: bool = False) -> list[str]:
    """``text`` as indented lines: wrapped to the terminal's width on a terminal, else one
    line (stable text for logs and scripts, which wrap it themselves)."""
    if not is_terminal():
        return [indent + text]
    width = max(40, shutil.get_terminal_size().columns - 2) - len(indent)
    lines = textwrap.wrap(text, width, break_on_hyphens=False, break_long_words=False)
    return [indent + style(line, fg, dim=dim) for line in lines or [""]]


@contextmanager
def working(label: str, stream: IO | None = None) -> Iterator[None]:
    """A small spinner with ``label`` while something slow runs, on a terminal only; it
    is erased when the work ends, so it never ends up in the text a learner reads back."""
    stream = sys.stderr if stream is None else stream
    if not is_terminal(stream) or os.environ.get("TERM") == "dumb":
        yield
        return
    done = threading.Event()

    def spin() -> None:
        frames = "|/-\\"
        started = time.monotonic()
        tick = 0
        while not done.wait(0.12):
            seconds = time.monotonic() - started
            stream.write(f"\r{label} {frames[tick % 4]} {seconds:.0f} s ")
            stream.flush()
            tick += 1

    thread = threading.Thread(target=spin, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
        stream.write("\r" + " " * (len(label) + 12) + "\r")
        stream.flush()
