"""Correct: a match statement, and float counts (equal to the whole numbers)."""

NEURAL_NETWORK_LOSS_MODE = "reverse"
JACOBIAN_OF_SQUARE_MAP_MODE = "either"


def passes(mode, n_inputs, n_outputs):
    match mode:
        case "forward":
            return float(n_inputs)
        case "reverse":
            return float(n_outputs)
        case _:
            raise ValueError(f"no such mode: {mode!r}")


def cheaper_mode(n_inputs, n_outputs):
    difference = n_inputs - n_outputs
    if difference == 0:
        return "either"
    return "forward" if difference < 0 else "reverse"
