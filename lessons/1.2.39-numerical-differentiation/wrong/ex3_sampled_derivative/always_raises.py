"""Wrong: raises ValueError for every input, so bad spacings and short inputs are refused
but no slope is ever computed.

mistake: good input
"""


def sampled_derivative(y, dx):
    raise ValueError("dx must be positive and y must hold at least two samples")
