"""Learner-controlled text, made safe for each surface it goes out on.

Anything a submission decides is data, never control: exception messages, printed output,
SyntaxError source lines, file and zip member names, learner (folder) names. This module
is the one place that turns such text into text that is safe for one surface:

==================  =========================================================================
terminal            :func:`terminal_lines`, :func:`terminal_line`, :func:`terminal_block`
rich (a console)    :func:`rich_text`: a ``Text``, so markup such as ``[/]`` is never read
JSON                :func:`json_text`, :func:`json_safe` (a whole result)
JUnit XML           :func:`xml_text`
CSV                 :func:`csv_cell`
HTML                :func:`html_text`
==================  =========================================================================

A character that cannot be shown as it is becomes its Python escape, as ``repr`` would
write it (``\\x1b``, ``\\r``, ``\\x85``, ``\\u202e``, ``\\udcff``), so the reader
sees exactly what the code produced, and nothing moves a cursor, clears a screen, starts a
link, reverses text or breaks a line where the report did not put one.
"""

from __future__ import annotations

import html
import re
import shutil
import unicodedata
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # rich costs an import; only the instructor's progress bar needs it
    from rich.text import Text

# Marks every line that continues learner text (a newline in it, or a wrap on a terminal):
# such a line never starts where a report line starts, so it cannot pass for one.
CONTINUATION = "| "

_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"  # marks, embeddings, overrides, isolates
_SURROGATES = "\ud800-\udfff"  # not characters: left by undecodable bytes (surrogateescape)
# C0 controls but tab and newline, DEL, C1 controls, line and paragraph separators (which
# str.splitlines() and some terminals break lines at), bidirectional controls, surrogates.
_TERMINAL_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029{_BIDI}{_SURROGATES}]")
_LINE_UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{_BIDI}{_SURROGATES}]")
# XML 1.0 forbids C0 controls but tab, newline and CR, surrogates, U+FFFE and U+FFFF; C1 and
# bidirectional controls are allowed but make a CI page unreadable, so they are escaped too.
_XML_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff{_BIDI}{_SURROGATES}]")
_ONLY_SURROGATES = re.compile(f"[{_SURROGATES}]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# A cell starting with one of these is run as a formula by spreadsheets (OWASP "CSV
# injection"); full-width forms are included, some spreadsheets fold them.
_FORMULA_START = "=+-@\uff1d\uff0b\uff0d\uff20"


def _escape(match: re.Match) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _text(value: object) -> str:
    return value if isinstance(value, str) else str(value)


def _split(text: str) -> list[str]:
    """Lines at newlines only (``\\r\\n`` counts as one); every other line break that
    Python or a terminal knows is escaped instead, by the callers."""
    return _text(text).replace("\r\n", "\n").split("\n")


# --- terminal ------------------------------------------------------------------------------


def terminal_lines(text: str) -> list[str]:
    """``text`` as lines for a terminal or a log: split at newlines, tabs expanded, every
    other control character, separator, bidirectional control and surrogate escaped."""
    return [_TERMINAL_UNSAFE.sub(_escape, line).expandtabs(8) for line in _split(text)]


def terminal_line(text: str, newline: str = "\\n") -> str:
    """``text`` as one line (a name, a path, a one-line summary): as
    :func:`terminal_lines`, with each newline shown as ``newline`` (``\\n`` by default)."""
    return newline.join(terminal_lines(text))


def terminal_block(text: str, indent: str = "", width: int | None = None) -> list[str]:
    """``text`` as a block of report lines: the first at ``indent``, every further line
    marked as a continuation (``indent + "  | "``), so none can pass for a report line.

    With ``width`` (a terminal's columns) long lines are folded to fit, and the folded
    parts are continuations too: left to the terminal, a long line would go on at column 0,
    where the learner's text could draw a line of its own."""
    more = indent + "  " + CONTINUATION
    out: list[str] = []
    for line in terminal_lines(text):
        prefix = indent if not out else more
        if width is None:
            out.append(prefix + line)
            continue
        room = [max(10, width - display_width(p)) for p in (prefix, more)]
        pieces = fold(line, *room)
        out += [prefix + pieces[0]] + [more + piece for piece in pieces[1:]]
    return out


def terminal_width() -> int | None:
    """The columns to fold learner text to when standard output is a terminal; None
    elsewhere (a log or a pipe keeps each line whole, and whatever shows it wraps it)."""
    from grader.text.term import is_terminal

    if not is_terminal():
        return None
    return max(40, shutil.get_terminal_size().columns - 2)


def display_width(text: str) -> int:
    """Columns ``text`` takes on a terminal: wide (East Asian) characters take two,
    combining marks and zero-width format characters none."""
    return sum(_cells(char) for char in text)


def _cells(char: str) -> int:
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def fold(line: str, width: int, later: int | None = None) -> list[str]:
    """One line cut into pieces of at most ``width`` columns (``later`` for the pieces
    after the first), at a space where there is one, else anywhere: a long word is cut
    too, since the terminal would wrap it otherwise."""
    pieces: list[str] = []
    while True:
        room = width if not pieces else (later or width)
        used, end = 0, len(line)
        for index, char in enumerate(line):
            used += _cells(char)
            if used > room:
                end = index
                break
        if end == len(line):
            pieces.append(line)
            return pieces
        space = line.rfind(" ", 0, end + 1)
        if space > 0:
            pieces.append(line[:space].rstrip())
            line = line[space + 1 :]
        else:
            pieces.append(line[: max(end, 1)])
            line = line[max(end, 1) :]


def cut(line: str, width: int) -> str:
    """One line shortened to at most ``width`` columns, ending in ``...`` when cut."""
    if display_width(line) <= width:
        return line
    kept, used = [], 0
    for char in line:
        used += _cells(char)
        if used > width - 3:
            break
        kept.append(char)
    return "".join(kept) + "..."


# --- rich ----------------------------------------------------------------------------------


def rich_text(text: str, style: str = "") -> Text:
    """A rich ``Text`` of :func:`terminal_line`: rich prints it as it is, never reading
    ``[...]`` in it as markup (which can raise, or restyle the rest of the line)."""
    from rich.text import Text

    return Text(terminal_line(text), style=style)


# --- JSON ----------------------------------------------------------------------------------


def json_text(text: str) -> str:
    """``text`` as JSON keeps it, exactly, but for surrogates: they are not characters
    (strict JSON parsers, UTF-8 files and SQLite refuse them), so they are escaped."""
    return _ONLY_SURROGATES.sub(_escape, _text(text))


def json_safe(value: Any) -> Any:
    """``value`` (dicts, lists, tuples, strings, numbers) with every string, keys too,
    made safe by :func:`json_text`."""
    if isinstance(value, str):
        return json_text(value)
    if isinstance(value, dict):
        return {json_safe(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return value


# --- JUnit XML ---------------------------------------------------------------------------


def xml_text(text: str) -> str:
    """``text`` with only characters XML 1.0 allows (and no C1 or bidirectional controls):
    the others escaped, so the file parses and a CI page shows what the code produced.
    Newlines and tabs stay; a CR alone is escaped (an XML parser would make it a newline).
    ElementTree escapes ``<``, ``&`` and quotes itself."""
    return "\n".join(_XML_UNSAFE.sub(_escape, line) for line in _split(text))


# --- CSV ---------------------------------------------------------------------------------


def csv_cell(text: str) -> str:
    """One spreadsheet cell: a single line with no control characters, never run as a
    formula (a leading ``'`` makes spreadsheets show it as text). The csv module does the
    quoting; this makes the content safe."""
    cell = _LINE_UNSAFE.sub(_escape, _text(text))
    if cell.lstrip(" ")[:1] in tuple(_FORMULA_START):
        return "'" + cell
    return cell


# --- HTML --------------------------------------------------------------------------------


def html_text(text: str) -> str:
    """``text`` for an HTML page: control characters escaped as for a terminal (newlines
    kept), then ``<``, ``>``, ``&`` and quotes escaped."""
    return html.escape("\n".join(terminal_lines(text)), quote=True)
