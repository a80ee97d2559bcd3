"""Reference solution for exercise 1.2.40.7: the cost of forward and reverse mode."""

# A loss has one output and millions of inputs: one reverse pass gives the whole gradient.
NEURAL_NETWORK_LOSS_MODE = "reverse"
# n inputs and n outputs: n columns or n rows, the same number of passes.
JACOBIAN_OF_SQUARE_MAP_MODE = "either"


def passes(mode, n_inputs, n_outputs):
    """Forward mode gives one column per pass, reverse mode one row per pass."""
    if mode == "forward":
        return n_inputs
    if mode == "reverse":
        return n_outputs
    raise ValueError(f'mode must be "forward" or "reverse", not {mode!r}')


def cheaper_mode(n_inputs, n_outputs):
    """The mode with fewer passes, or "either" on a tie."""
    forward = passes("forward", n_inputs, n_outputs)
    reverse = passes("reverse", n_inputs, n_outputs)
    if forward < reverse:
        return "forward"
    if reverse < forward:
        return "reverse"
    return "either"
