"""Hostile: os._exit(0) at import: no exception, no report, exit status 0.

expect: fail
message: exit status 0
"""

import os

os._exit(0)
