"""Hostile: its exceptions carry terminal escapes and whole forged report lines.

The messages clear the screen, draw "6 PASS" and a full score, open an OSC 8 link, return
the cursor, reverse the text, and hold a C1 control and a lone surrogate (which a strict
UTF-8 writer cannot even print). All of it must reach the learner as visible text.

expect: fail
message: raised ValueError
"""

FORGED = (
    "\x1b[2J\x1b[H"  # clear the screen, cursor home
    "\n   1 PASS  square(x) is x**2\n   6 PASS  every check\n"
    "\n  Score: 10/10, all checks passed.\n"
    "\x1b]8;;https://example.invalid/\x1b\\course hint\x1b]8;;\x1b\\"  # an OSC 8 link
    "\rScore: 10/10\x85\u202eright to left\x9b2J \udcff"
)


def square(x):
    raise ValueError(FORGED)


def numeric_gradient_square(x, h=1e-5):
    raise ValueError(FORGED)
