"""A stub's docstring, the statement of its exercise, turned into Markdown for its page."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

from grader.site.lessons import relative


def module_docstring(path: Path) -> str | None:
    """The module docstring of ``path``, also when later code has a syntax error."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    try:
        return ast.get_docstring(ast.parse(text))
    except SyntaxError:
        pass
    # A learner may be half-way through an edit: read the first token only.
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE):
                continue
            if token.type == tokenize.STRING:
                value = ast.literal_eval(token.string)
                return _clean(value) if isinstance(value, str) else None
            return None
    except (tokenize.TokenError, SyntaxError, ValueError):
        return None
    return None


def _clean(text: str) -> str:
    import inspect

    return inspect.cleandoc(text)


def statement_source(exercise) -> tuple[str | None, str]:
    """The statement of an exercise: its stub's docstring, and where it came from.

    The learner's file comes first (it is what they read in their editor); if it is gone or
    has no docstring, the stub as the course shipped it (from git), as ``course reset``
    would restore it.
    """
    doc = module_docstring(exercise.path(exercise.stub))
    if doc:
        return doc, exercise.stub
    try:
        from grader.learner import workspace

        original = workspace.original_stub(exercise)
        doc = ast.get_docstring(ast.parse(original))
    except Exception:  # no git, no history, no docstring: say so on the page instead
        doc = None
    return doc, exercise.stub


_CODE_SPAN = re.compile(r"(``.+?``|`[^`]+`)")
# *emphasis* as a docstring writes it: after a space or bracket, around words.
_EMPHASIS = re.compile(r"(?<![\w*\\])\*(?=[A-Za-z])([^*\n]*?[A-Za-z.!?)])\*(?![\w*])")
# The same across one line break, for whole docstrings ("its *machine\n epsilon*").
_EMPHASIS_WRAPPED = re.compile(
    r"(?<![\w*\\`])\*(?=[A-Za-z])([^*\n]*(?:\n[^*\n]*)?[A-Za-z.!?)])\*(?![\w*])"
)
_ITEM = re.compile(r"^( {0,3})([-*]|\d+\.)\s+")
_PYTHON = re.compile(r"^\s*(import |from \w|print\(|\w+(, \w+)* = )|sympy\.|np\.")


def escape_text(text: str) -> str:
    """Docstring or hint text as Markdown: ``x**2`` and ``a*b*c`` stay literal, while
    ``*emphasis*`` and code spans keep their meaning."""
    parts = _CODE_SPAN.split(text)
    for i in range(0, len(parts), 2):  # even parts lie outside code spans
        # Set the emphasis aside, escape every other star, then put the emphasis back.
        emphasis = _EMPHASIS.findall(parts[i])
        part = _EMPHASIS.sub("\x00", parts[i]).replace("*", "\\*")
        for text in emphasis:
            part = part.replace("\x00", f"*{text}*", 1)
        parts[i] = part
    return "".join(parts)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def docstring_markdown(doc: str, page: str) -> str:
    """A stub's docstring as Markdown for the page ``page``.

    Docstrings are written for a terminal: paragraphs, ``-`` and ``1.`` lists whose items
    continue indented, and code or formulas indented four more columns after a blank line.
    The first line (the title) is dropped: the page's heading comes from the manifest. A
    ``Read: lessons/<page>#anchor`` line becomes a link, which the strict build checks.
    """
    # Emphasis may wrap onto the next line: mark it before the text is cut into lines.
    doc = _EMPHASIS_WRAPPED.sub(lambda m: f"\x01{m.group(1)}\x02", doc)
    lines = doc.expandtabs().splitlines()[1:]
    out: list[str] = []
    item = 0  # content column of the list item we are in, 0 outside lists
    blank = True
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            out.append("")
            blank, i = True, i + 1
            continue
        indent = _indent(line)
        if blank and indent >= item + 4:  # an indented block: code or a formula
            block = []
            while i < len(lines) and (not lines[i].strip() or _indent(lines[i]) >= item + 4):
                block.append(lines[i])
                i += 1
            while not block[-1].strip():
                block.pop()
            base = min(_indent(b) for b in block if b.strip())
            pad = "    " if item else ""
            language = "python" if any(_PYTHON.search(b) for b in block) else "text"
            out += [f"{pad}```{language}"]
            out += [pad + b[base:] if b.strip() else "" for b in block]
            out += [f"{pad}```", ""]
            blank = True
            continue
        read = re.match(r"^Read:\s+lessons/(\S+)$", line.strip())
        if read:
            target = read.group(1)
            out.append(
                f"Read in the lesson: [{target.rpartition('#')[2] or target}]"
                f"({relative(target, page)})"
            )
            blank, i = False, i + 1
            continue
        text = escape_text(line.strip())
        if text.endswith("::"):  # reST's "as follows::" introduces a code block
            text = text[:-1]
        marker = _ITEM.match(line)
        if marker:
            if not blank and not (out and _ITEM.match(out[-1])) and item == 0:
                out.append("")  # Markdown needs a blank line before a list
            item = len(marker.group(0))
            out.append(escape_text(line.strip()))
        elif item and indent >= item - 1:
            out.append("    " + text)  # a list item's continuation or next paragraph
        else:
            item = 0
            out.append(text)
        blank, i = False, i + 1
    return "\n".join(out).strip().replace("\x01", "*").replace("\x02", "*") + "\n"


def link_read_titles(markdown: str, titles: dict[str, str]) -> str:
    """Give ``Read in the lesson`` links the section's title instead of its anchor."""

    def title(match: re.Match) -> str:
        anchor = match.group(2).rpartition("#")[2]
        return f"[{titles.get(anchor, match.group(1))}]({match.group(2)})"

    return re.sub(r"\[([^\]]+)\]\(([^)]+#[^)]+)\)", title, markdown)
