"""Hostile: sys.exit(0) at import, hoping for a clean exit status.

expect: fail
message: stopped the program
"""

import sys

sys.exit(0)
