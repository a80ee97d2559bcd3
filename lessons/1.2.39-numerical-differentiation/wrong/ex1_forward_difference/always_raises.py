"""Wrong: raises ValueError for every step, so the bad steps are refused but no slope is
ever computed.

mistake: usable step
"""


def forward_difference(f, x, h):
    raise ValueError("h must be finite and non-zero")
