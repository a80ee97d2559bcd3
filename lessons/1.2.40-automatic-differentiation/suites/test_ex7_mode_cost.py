"""Hidden checks for 1.2.40.7: passes(mode, n_inputs, n_outputs), cheaper_mode(n_inputs,
n_outputs) and the constants NEURAL_NETWORK_LOSS_MODE and JACOBIAN_OF_SQUARE_MAP_MODE.

A forward pass gives one column of the Jacobian and a reverse pass one row, so the counts
are n_inputs and n_outputs. Shapes are drawn at grade time with n_inputs != n_outputs
wherever a count is checked, so that a count that belongs to the other mode, the number of
entries of the Jacobian or the smaller of the two counts is told apart by its value and
named.

The refusal check calls ``passes`` with every mode of ``BAD_MODES`` first and reads the
whole pattern of what came back before it names the first one that did not raise
ValueError: texts accepted whatever their capital letters, texts with spaces stripped,
texts that only contain a mode's name, or every unknown mode counted as one of the two
(a fall-through branch).
"""

import pytest

from grader.grading import checks
from grader.sandbox.workers import LearnerError

MODES = ("forward", "reverse")
CHOICES = ("forward", "reverse", "either")
ONE_PER = {"forward": "one per input", "reverse": "one per output"}

# Values that are not the two exact texts, the first ones the likeliest to slip through.
BAD_MODES = ("Forward", " reverse", "REVERSE", "forward ", "forwards", "backward", "", None, 1)

ERROR_ADVICE = {
    "passes:KeyError": "A dictionary lookup with a key it does not hold raises KeyError, "
    "and the statement asks for ValueError: test whether mode is one of the two texts "
    "first, and raise ValueError yourself when it is not.",
    "passes:AttributeError": "A string method (.lower(), .strip()) was called on a mode "
    "that is not a text, such as None or 1. Compare mode with the two exact texts using "
    "== and raise ValueError for anything else: no conversion is needed.",
}


def draw_shapes(rng, count: int) -> list[tuple[int, int]]:
    """``count`` pairs (n_inputs, n_outputs) with n_inputs != n_outputs: small ones, and
    one like a network's loss (a million inputs, one output) and its opposite."""
    shapes = [(int(rng.integers(1_000_000, 5_000_000)), 1), (1, int(rng.integers(2, 10_000)))]
    while len(shapes) < count:
        n, m = (int(v) for v in rng.integers(1, 50, size=2))
        if n != m:
            shapes.append((n, m))
    order = rng.permutation(len(shapes))
    return [shapes[i] for i in order]


def count(mode: str, n: int, m: int) -> int:
    return n if mode == "forward" else m


def is_count(got) -> bool:
    return isinstance(got, (int, float)) and not isinstance(got, bool)


# --- the counts -------------------------------------------------------------------------


def count_words(mode: str, got: float, n: int, m: int) -> str:
    """What a wrong count ``got`` for ``mode`` is, where its value says so, or ""."""
    if mode == "forward":
        what = (
            "the number of outputs, reverse mode's count: the two modes are swapped. A "
            "forward pass seeds one input direction and carries it to every output, so it "
            "gives one column of the Jacobian, and the n_inputs columns take n_inputs passes"
        )
    else:
        what = (
            "the number of inputs, forward mode's count: the two modes are swapped. A "
            "reverse pass starts from one output and sends its adjoint back to every input, "
            "so it gives one row of the Jacobian, and the n_outputs rows take n_outputs "
            "passes"
        )
    if got == count("reverse" if mode == "forward" else "forward", n, m):
        return what
    if got == n * m:
        return (
            "n_inputs * n_outputs, the number of entries of the Jacobian: one pass fills a "
            "whole column (forward) or a whole row (reverse), not a single entry"
        )
    if got == min(n, m):
        return (
            "the smaller of the two counts, which belongs to the cheaper mode: passes counts "
            "the passes of the mode it is given, whichever is cheaper"
        )
    if got == 1:
        return (
            "1: one pass gives one column (forward) or one row (reverse) of the Jacobian, "
            "and the full Jacobian needs all of them"
        )
    return ""


def check_count(submission, mode: str, n: int, m: int) -> None:
    got = submission.passes(mode, n, m)
    call = submission.last_text
    expected = count(mode, n, m)
    number = checks.as_float(got, call, "a number of passes")
    if number == expected:
        return
    said = f"{call} returned {checks.show(got)}; expected {expected}"
    if words := count_words(mode, number, n, m):
        checks.fail(f"{said}. Your value is {words}.")
    checks.fail(
        f"{said}: a full Jacobian of a function with {n} inputs and {m} outputs takes "
        f"{expected} {mode}-mode passes ({ONE_PER[mode]})."
    )


@pytest.mark.points(2)
def test_forward_mode_counts_the_inputs(submission, rng):
    """passes("forward", n, m) is n: one pass per input direction."""
    for n, m in draw_shapes(rng, 6):
        check_count(submission, "forward", n, m)


@pytest.mark.points(2)
def test_reverse_mode_counts_the_outputs(submission, rng):
    """passes("reverse", n, m) is m: one pass per output."""
    for n, m in draw_shapes(rng, 6):
        check_count(submission, "reverse", n, m)


# --- refusing other modes ----------------------------------------------------------------


def outcome(submission, mode, n: int, m: int):
    """("value", what came back) or ("raised", the exception's type name)."""
    try:
        return "value", submission.passes(mode, n, m)
    except LearnerError as error:
        if error.type_name == "NotImplementedError":
            raise
        return "raised", error


def canonical(mode) -> str:
    """The exact mode a text stands for once its case and spaces are ignored, or ""."""
    if isinstance(mode, str) and mode.strip().lower() in MODES:
        return mode.strip().lower()
    return ""


def accepted_words(mode, got, outcomes: dict, n: int, m: int) -> str:
    """Why ``mode`` gave the number ``got``, read from what every bad mode gave."""
    numbers = {
        bad: value for bad, (kind, value) in outcomes.items() if kind == "value" and is_count(value)
    }

    def took(bad) -> bool:  # accepted as the mode it spells, with that mode's count
        return bad in numbers and canonical(bad) and numbers[bad] == count(canonical(bad), n, m)

    def holds(bad) -> str:  # the mode's name a text contains, or ""
        return next((name for name in MODES if isinstance(bad, str) and name in bad), "")

    cased = [b for b in BAD_MODES if isinstance(b, str) and b == b.strip() and canonical(b)]
    spaced = [b for b in BAD_MODES if isinstance(b, str) and b != b.strip() and canonical(b)]
    longer = [b for b in BAD_MODES if holds(b) and not canonical(b)]  # "forwards"
    if (
        holds(mode)
        and got == count(holds(mode), n, m)
        and all(b in numbers and numbers[b] == count(holds(b), n, m) for b in longer)
    ):
        seen = " and ".join(repr(b) for b in dict.fromkeys([mode, *longer]))
        return (
            f"it was read as {holds(mode)!r} because it contains that word ({seen} were "
            f"accepted): a test such as '{holds(mode)}' in mode, or mode.startswith(...), "
            f'lets other texts through. Compare the whole text: mode == "{holds(mode)}"'
        )
    if took(mode) and mode == mode.strip() and all(took(b) for b in cased):
        also = " Spaces around it were stripped too." if all(took(b) for b in spaced) else ""
        return (
            f"it was read as {canonical(mode)!r}: your comparison ignores capital letters "
            "(a .lower() or .casefold(), or a case-insensitive test)." + also + " The mode "
            'must be exactly "forward" or "reverse"; a near miss is a mistake in the '
            "caller's code, which a ValueError makes visible"
        )
    if took(mode) and all(took(b) for b in spaced):
        return (
            f"it was read as {canonical(mode)!r}: spaces around the text were stripped (a "
            '.strip()). The mode must be exactly "forward" or "reverse", with no spaces; a '
            "near miss is a mistake in the caller's code, which a ValueError makes visible"
        )
    for name in MODES:
        if numbers and all(v == count(name, n, m) for v in numbers.values()):
            return (
                f"it was counted as {name} mode, as every unknown mode was: any mode other "
                f"than the {'reverse' if name == 'forward' else 'forward'} one fell through "
                f"to the {name} branch (an else, or a final return). Test for both texts "
                "and raise ValueError when mode is neither"
            )
    return ""


@pytest.mark.points(2)
def test_other_modes_raise_value_error(submission, rng):
    """Any mode but the exact texts "forward" and "reverse" raises ValueError."""
    n, m = draw_shapes(rng, 3)[2]
    outcomes = {bad: outcome(submission, bad, n, m) for bad in BAD_MODES}
    for bad in BAD_MODES:
        kind, value = outcomes[bad]
        call = f"passes({bad!r}, {n}, {m})"
        if kind == "raised" and value.is_a("ValueError"):
            continue
        if kind == "raised":
            python = value.error.get("message", "")
            said = f' (Python says: "{python}")' if python else ""
            why = {
                "KeyError": "a dictionary lookup of a key it does not hold raises KeyError",
                "AttributeError": "a string method was called on a mode that is not a text",
                "TypeError": "an operation on the mode did not accept this type",
            }.get(value.type_name, "")
            checks.fail(
                f"{call} raised {value.type_name}{said}; expected ValueError."
                + (f" Here {why}." if why else "")
                + " Compare mode with the two exact texts using == (which works for any "
                "value, None and numbers included) and raise ValueError yourself when it "
                "is neither."
            )
        if value is None:
            checks.fail(
                f"{call} returned None instead of raising ValueError: a function that "
                "reaches its end without a return gives None. For an unknown mode, raise "
                "the error (raise ValueError(...)); returning it or printing a message does "
                "not stop the caller."
            )
        if isinstance(value, str) or not is_count(value):
            checks.fail(
                f"{call} returned {checks.show(value)}; expected it to raise ValueError "
                '(raise ValueError(...)): only "forward" and "reverse" are modes.'
            )
        words = accepted_words(bad, value, outcomes, n, m)
        checks.fail(
            f"{call} returned {checks.show(value)}; expected it to raise ValueError."
            + (f" For {bad!r}, {words}." if words else ' Only "forward" and "reverse" are modes.')
        )


# --- the cheaper mode -------------------------------------------------------------------


def choice_words(got, n: int, m: int, expected: str) -> str:
    """Why ``got`` is not the choice ``expected`` for n inputs and m outputs."""
    if isinstance(got, str) and got.strip().lower() in CHOICES and got != expected:
        if got.strip().lower() == expected:
            return f'spell it exactly "{expected}": lowercase, without spaces'
    if is_count(got) and got in (n, m, min(n, m)):
        return (
            "that is a number of passes, not a mode: return the name of the cheaper mode, "
            '"forward", "reverse" or "either"'
        )
    if not isinstance(got, str):
        return 'return one of the texts "forward", "reverse" or "either"'
    if got not in CHOICES:
        return 'the only answers are the texts "forward", "reverse" and "either"'
    if expected == "either":
        return (
            f"the counts are equal: forward mode needs n_inputs = {n} passes and reverse mode "
            f"n_outputs = {m}. With equal counts neither mode is cheaper, and the statement "
            'asks for "either"; a comparison such as <= or >= gives the tie to one mode'
        )
    if got == "either":
        return (
            f"forward mode needs {n} passes and reverse mode {m}, so one of them is cheaper: "
            '"either" is only for equal counts'
        )
    return (
        f"the comparison goes the wrong way: forward mode needs n_inputs = {n} passes and "
        f"reverse mode n_outputs = {m}, so {expected} mode needs fewer. Cheaper means fewer "
        "passes"
    )


def check_choice(submission, n: int, m: int) -> None:
    expected = "forward" if n < m else "reverse" if m < n else "either"
    got = submission.cheaper_mode(n, m)
    if got == expected and isinstance(got, str):
        return
    checks.fail(
        f"{submission.last_text} returned {checks.show(got)}; expected {expected!r}: "
        f"{choice_words(got, n, m, expected)}."
    )


@pytest.mark.points(2)
def test_cheaper_mode_picks_the_fewer_passes(submission, rng):
    """cheaper_mode names the mode with fewer passes when the counts differ."""
    for n, m in draw_shapes(rng, 8):
        check_choice(submission, n, m)


@pytest.mark.points(1)
def test_equal_counts_give_either(submission, rng):
    """cheaper_mode is "either" when n_inputs == n_outputs."""
    sizes = [1, int(rng.integers(2, 50)), int(rng.integers(1_000, 1_000_000))]
    for size in sizes:
        check_choice(submission, size, size)


# --- the constants ----------------------------------------------------------------------


def constant_answer(submission, name: str):
    answer = submission.constant(name)
    checks.true(
        answer is not None,
        f'{name} is still None: replace it with "forward", "reverse" or "either".',
    )
    checks.true(
        isinstance(answer, str) and answer.strip().lower() in CHOICES,
        f'{name} is {checks.show(answer)}; it should be one of the texts "forward", '
        '"reverse" or "either".',
    )
    return answer


@pytest.mark.points(1)
def test_a_network_loss_uses_reverse_mode(submission):
    """NEURAL_NETWORK_LOSS_MODE is "reverse"."""
    answer = constant_answer(submission, "NEURAL_NETWORK_LOSS_MODE")
    if answer == "reverse":
        return
    other = submission.constants.get("JACOBIAN_OF_SQUARE_MAP_MODE")
    if answer == "either" and other == "reverse":
        checks.fail(
            'NEURAL_NETWORK_LOSS_MODE is "either" and JACOBIAN_OF_SQUARE_MAP_MODE is '
            '"reverse": the two are swapped. A loss has a million inputs and one output, so '
            "reverse mode needs 1 pass and forward mode a million; a map from R^n to R^n "
            "needs n passes either way."
        )
    if answer.strip().lower() == "reverse":
        checks.fail(f'NEURAL_NETWORK_LOSS_MODE is {answer!r}: spell it exactly "reverse".')
    checks.fail(
        f"NEURAL_NETWORK_LOSS_MODE is {answer!r}. A training loss is one number that "
        "depends on a million parameters: forward mode would need one pass per parameter, "
        "a million passes, while one reverse pass gives the whole gradient. That is why "
        'deep learning uses reverse mode: the answer is "reverse".'
    )


@pytest.mark.points(1)
def test_a_square_map_is_a_tie(submission):
    """JACOBIAN_OF_SQUARE_MAP_MODE is "either"."""
    answer = constant_answer(submission, "JACOBIAN_OF_SQUARE_MAP_MODE")
    if answer == "either":
        return
    if answer.strip().lower() == "either":
        checks.fail(f'JACOBIAN_OF_SQUARE_MAP_MODE is {answer!r}: spell it exactly "either".')
    checks.fail(
        f"JACOBIAN_OF_SQUARE_MAP_MODE is {answer!r}. A map from R^n to R^n has n inputs "
        "and n outputs: forward mode needs n passes (one per column) and reverse mode n "
        "passes too (one per row), so by the pass count neither is cheaper: the answer is "
        '"either".'
    )
