"""Correct: a dictionary of counts, a membership test first, and min over the counts."""

NEURAL_NETWORK_LOSS_MODE = "reverse"
JACOBIAN_OF_SQUARE_MAP_MODE = "either"

MODES = ("forward", "reverse")


def passes(mode, n_inputs, n_outputs):
    if not isinstance(mode, str) or mode not in MODES:
        raise ValueError("mode is 'forward' or 'reverse'")
    return {"forward": n_inputs, "reverse": n_outputs}[mode]


def cheaper_mode(n_inputs, n_outputs):
    counts = {mode: passes(mode, n_inputs, n_outputs) for mode in MODES}
    if counts["forward"] == counts["reverse"]:
        return "either"
    return min(counts, key=counts.get)
