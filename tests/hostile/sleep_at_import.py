"""Hostile: sleeps forever while being imported.

expect: fail
message: importing your file
"""

import time

while True:
    time.sleep(3600)
