"""Correct: the pass counts that the mutations beside it edit."""

NEURAL_NETWORK_LOSS_MODE = "reverse"
JACOBIAN_OF_SQUARE_MAP_MODE = "either"


def passes(mode, n_inputs, n_outputs):
    if mode == "forward":
        return n_inputs
    if mode == "reverse":
        return n_outputs
    raise ValueError(f"unknown mode {mode!r}")


def cheaper_mode(n_inputs, n_outputs):
    if n_inputs < n_outputs:
        return "forward"
    if n_outputs < n_inputs:
        return "reverse"
    return "either"
