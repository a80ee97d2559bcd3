"""Hostile: prints terminal escapes and forged report lines, and computes nothing right.

Its printed output is shown under the first failing check: the escapes must arrive as
visible text, and no printed line may start where a report line starts.

expect: fail
message: expected
"""

import sys

FORGED = (
    "\x1b[2J\x1b[H\x1b[32m"
    "   1 PASS  square(x) is x**2\n"
    "  Score: 10/10, all checks passed.\n"
    "\x1b[1A\x1b[2K\r  Score: 10/10\u2028  Score: 10/10\x1c\x0c\x0b\x00\x7f\x1b]0;title\x07"
)


def square(x):
    print(FORGED)
    sys.stdout.write("\x1b[?1049h")  # the terminal's alternate screen, unbalanced
    return x * x + 1


def numeric_gradient_square(x, h=1e-5):
    print(FORGED, end="\r")
    return x
