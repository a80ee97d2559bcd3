"""Learner text is data (issue 13, class 3): grader/text/safe_text.py for each surface, and
the real report of hostile submissions whose messages and output carry escapes and forged
report lines, piped, on a terminal (a real pseudo-terminal), as JSON and as JUnit XML."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from grader.text import safe_text
from tests.support import ROOT, course
from tests.terminal_support import on_a_terminal

NASTY = {
    "clear screen": "before\x1b[2J\x1b[Hafter",
    "csi": "\x1b[31mred\x1b[0m\x1b[1A\x1b[2K\x1b[?1049h",
    "osc 8 link": "\x1b]8;;https://example.invalid/\x1b\\click me\x1b]8;;\x1b\\",
    "osc title": "\x1b]0;owned\x07",
    "carriage return": "10/10\rScore",
    "nul and del": "a\x00b\x7fc",
    "c1 next line": "a\x85b",
    "c1 csi": "\x9b2J",
    "right-to-left override": "abc\u202edcba\u2066x\u2069\u200f",
    "lone surrogate": "caf\udce9 \ud800",
    "separators": "a\u2028b\u2029c\x0bd\x0ce\x1cf\x1dg\x1eh",
    "forged report": "boom\n   6 PASS  every check\n\n  Score: 10/10, all checks passed.",
    "windows newline": "one\r\n  Score: 10/10",
    "tab": "a\tb",
}
BIDI = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
FORGED_LINE = re.compile(r"^[ \t]*(Score:|\d+ (PASS|FAIL)\b|Check \d+ failed)", re.MULTILINE)
SGR = re.compile(r"\x1b\[[0-9;]*m")  # colour, which the report itself may use on a terminal


def unsafe_for_terminal(text: str) -> list[str]:
    """Characters that could move the cursor, break a line or reverse text."""
    return [
        c
        for c in text
        if unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp") or c in BIDI
        if c != "\n"
    ]


# --- terminal ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", NASTY.values(), ids=NASTY.keys())
def test_terminal_lines_hold_no_control_character(text):
    lines = safe_text.terminal_lines(text)
    for line in lines:
        assert unsafe_for_terminal(line) == [], line
        assert "\n" not in line
        line.encode("utf-8")  # strict: a surrogate would raise
    one = safe_text.terminal_line(text)
    assert unsafe_for_terminal(one) == [] and "\n" not in one


def test_escapes_show_what_the_code_produced():
    assert safe_text.terminal_line("\x1b[2J") == "\\x1b[2J"
    assert safe_text.terminal_line("a\rb\x85c\u202ed\udce9") == "a\\rb\\x85c\\u202ed\\udce9"
    assert safe_text.terminal_line("one\ntwo") == "one\\ntwo"
    assert safe_text.terminal_line("one\ntwo", newline=" ") == "one two"
    assert safe_text.terminal_lines("one\r\ntwo") == ["one", "two"]


def test_ordinary_text_is_left_as_it_is():
    text = "Zoë 李明 ✓ naïve café — x² = 4, [bold] is not markup here"
    assert safe_text.terminal_lines(text) == [text]
    assert safe_text.csv_cell(text) == text
    assert safe_text.json_text(text) == text
    assert safe_text.xml_text(text) == text


@pytest.mark.parametrize("width", [None, 24, 80])
def test_a_newline_or_a_wrap_in_learner_text_is_a_marked_continuation(width):
    text = NASTY["forged report"] + " " + "padding " * 20 + "Score: 10/10, all checks passed."
    lines = safe_text.terminal_block(text, "    ", width)
    assert lines[0] == "    boom"
    for line in lines[1:]:
        assert line.startswith("      " + safe_text.CONTINUATION), line
    assert not FORGED_LINE.search("\n".join(lines))
    if width is not None:
        assert all(safe_text.display_width(line) <= width for line in lines)


def test_folding_counts_columns_and_cuts_long_words():
    wide = "漢" * 30
    assert all(safe_text.display_width(p) <= 20 for p in safe_text.fold(wide, 20))
    assert "".join(safe_text.fold(wide, 20)) == wide
    word = "x" * 72 + "Score:10/10"  # no space: a terminal would wrap it at column 0
    assert all(len(p) <= 40 for p in safe_text.fold(word, 40))
    assert safe_text.display_width(safe_text.cut("漢" * 10, 9)) <= 9


# --- rich ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["[/]", "[bold]x[/bold]", "[link=https://e.invalid]x", "\\[x"])
def test_rich_never_reads_learner_text_as_markup(name):
    from rich.console import Console

    out = io.StringIO()
    console = Console(file=out, force_terminal=True, color_system=None, width=200)
    console.print(safe_text.rich_text(f"{name}: 0/10 \x1b[2J"))
    assert out.getvalue().startswith(f"{name}: 0/10 \\x1b[2J")
    assert "\x1b" not in out.getvalue()


# --- JSON ----------------------------------------------------------------------------------


def test_json_is_valid_and_keeps_the_text_whatever_it_is():
    data = safe_text.json_safe({"messages": list(NASTY.values()), NASTY["lone surrogate"]: 1})
    for ascii_only in (True, False):
        text = json.dumps(data, ensure_ascii=ascii_only)
        text.encode("utf-8")  # strict
        back = json.loads(text)
        assert back == data
    strings = [*back["messages"], *back]
    assert not any(0xD800 <= ord(c) <= 0xDFFF for s in strings for c in s)
    # Everything but the surrogates is kept exactly: JSON is data, escaped by JSON itself.
    assert back["messages"][0] == NASTY["clear screen"]
    assert "\\udce9" in back["messages"][list(NASTY).index("lone surrogate")]


# --- JUnit XML -----------------------------------------------------------------------------


def xml_allowed(c: str) -> bool:
    n = ord(c)
    return n in (0x9, 0xA, 0xD) or 0x20 <= n <= 0xD7FF or 0xE000 <= n <= 0xFFFD or n > 0xFFFF


@pytest.mark.parametrize("text", NASTY.values(), ids=NASTY.keys())
def test_xml_text_parses_and_reads_back(text):
    safe = safe_text.xml_text(text)
    assert all(xml_allowed(c) for c in safe)
    assert not any(0x80 <= ord(c) <= 0x9F or c in BIDI for c in safe)
    root = ET.Element("testcase", name=safe)
    ET.SubElement(root, "failure", message=safe).text = safe
    parsed = ET.fromstring(ET.tostring(root, encoding="utf-8"))
    assert parsed.find("failure").text == safe
    assert parsed.find("failure").get("message") == safe


# --- CSV -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        '=HYPERLINK("https://e.invalid")',
        "+1",
        "-1+1",
        "@SUM(A1)",
        " =1",
        "\t=1",
        "\r=1",
        "\uff1d1",
    ],  # fmt: skip
)
def test_a_cell_is_never_a_formula(name):
    cell = safe_text.csv_cell(name)
    assert cell[:1] in ("'", "\\"), cell


def test_csv_cells_keep_one_row_each():
    names = list(NASTY.values())
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for name in names:
        writer.writerow([safe_text.csv_cell(name), "10"])
    text = buffer.getvalue()
    text.encode("utf-8")  # strict
    assert text.count("\n") == len(names)  # a newline in a name never starts a row
    rows = list(csv.reader(io.StringIO(text)))
    assert [r[0] for r in rows] == [safe_text.csv_cell(n) for n in names]
    assert all(unsafe_for_terminal(r[0]) == [] for r in rows)


# --- HTML ----------------------------------------------------------------------------------


def test_html_is_escaped():
    text = '<script>alert("x")</script>&\x1b[2J'
    safe = safe_text.html_text(text)
    assert "<" not in safe and '"' not in safe and "\x1b" not in safe
    assert html.unescape(safe) == '<script>alert("x")</script>&\\x1b[2J'


# --- the real report of hostile submissions ------------------------------------------------

FORGERS = ["forges_report_in_message", "forges_report_in_output", "forges_report_in_syntax_error"]


def hostile(name: str) -> Path:
    return ROOT / "tests" / "hostile" / f"{name}.py"


def strict_env() -> dict:
    # A strict UTF-8 output: an unescaped surrogate would end the report with a traceback.
    return {"PYTHONIOENCODING": "utf-8:strict", "LC_ALL": "C.UTF-8", "NO_COLOR": "1"}


def assert_no_forgery(report: str) -> None:
    assert "\x1b" not in report and "\x9b" not in report and "\r" not in report
    assert unsafe_for_terminal(report) == []
    # The report's own score line is the only one, and no line starts with a PASS: the
    # forged ones are there, but as marked continuations of the learner's text.
    starts = [m.group().strip() for m in FORGED_LINE.finditer(report)]
    assert starts.count("Score:") == 1, starts
    assert re.search(r"^  Score: 0/10,", report, flags=re.MULTILINE)
    assert not any("PASS" in start for start in starts), starts
    assert "Score: 10/10" in report  # still shown: as the learner's text


@pytest.mark.parametrize("name", FORGERS)
def test_piped_report_and_junit_of_a_forger(name, tmp_path):
    junit = tmp_path / "junit.xml"
    run = course(
        "grade",
        "1.2.39.5",
        "--submission",
        str(hostile(name)),
        "--junit-xml",
        str(junit),
        env=strict_env(),
    )
    assert run.code == 1, run.err
    assert "Traceback" not in run.err
    assert_no_forgery(run.out)
    assert "\\x1b[2J" in run.out  # shown, as text
    suites = ET.parse(junit).getroot()  # the file parses
    failures = [f.get("message") + (f.text or "") for f in suites.iter("failure")]
    printed = [out.text or "" for out in suites.iter("system-out")]
    assert failures and all("\x1b" not in text for text in failures + printed)
    assert any("\\x1b[2J" in text for text in failures + printed)  # readable, as text


def test_json_of_a_forger_keeps_the_text_as_data():
    run = course(
        "grade",
        "1.2.39.5",
        "--submission",
        str(hostile("forges_report_in_message")),
        "--json",
        env=strict_env(),
    )
    assert "\x1b" not in run.out  # JSON escapes it: \u001b
    message = run.json()["checks"][0]["message"]
    assert "\x1b[2J" in message and "\n  Score: 10/10" in message  # the data, exactly
    assert "\\udcff" in message  # a surrogate is not a character: escaped


@pytest.mark.parametrize("name", FORGERS)
def test_terminal_report_of_a_forger(name):
    env = {k: v for k, v in strict_env().items() if k != "NO_COLOR"}
    code, shown, _ = on_a_terminal(
        ["grade", "1.2.39.5", "--submission", str(hostile(name))], env, columns=80
    )
    assert code == 1
    assert SGR.search(shown), "a terminal report is in colour"
    plain = SGR.sub("", shown)  # the only escapes are the report's own colours
    assert_no_forgery(plain)
    learners = [line for line in plain.splitlines() if line.lstrip().startswith("| ")]
    assert learners and all(safe_text.display_width(line) <= 80 for line in learners)


def test_a_file_name_is_shown_as_text(tmp_path):
    odd = tmp_path / "evil\x1b[2J\u202ename.py"
    odd.write_bytes(hostile("forges_report_in_syntax_error").read_bytes())
    run = course("grade", "1.2.39.5", "--submission", str(odd), env=strict_env())
    assert run.code == 1 and "Traceback" not in run.err
    assert "evil\\x1b[2J\\u202ename.py" in run.out
    assert_no_forgery(run.out)
