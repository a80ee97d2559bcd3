"""An error raised by learner code is explained by what usually causes it, the most
specific advice first: a suite's advice for the function and Python's words, then advice
that Python's words alone give, then advice by the exception's type. Then, graded for real,
a matrix product where an elementwise one belongs is named by its words."""

import pytest

from grader.grading import source_notes
from grader.grading.plugin import GENERAL_ADVICE, MESSAGE_ADVICE, explain
from tests.support import course

NOT_ALIGNED = {
    "type": "ValueError",
    "mro": ["ValueError", "Exception", "BaseException"],
    "message": "shapes (2,3) and (2,3) not aligned: 3 (dim 1) != 2 (dim 0)",
}


def advice_for(words: str) -> str:
    return next(text for _, found, text in MESSAGE_ADVICE if found == words)


@pytest.mark.parametrize(
    "advice,function,expected",
    [
        ({}, "", advice_for("not aligned")),  # Python's words say more than the type
        ({"ValueError": "by type"}, "", advice_for("not aligned")),
        ({"ValueError/not aligned": "suite, worded"}, "", "suite, worded"),
        ({"square:ValueError": "for square"}, "square", "for square"),
        (
            {"square:ValueError/aligned": "square, worded", "square:ValueError": "for square"},
            "square",
            "square, worded",
        ),
        ({"square:ValueError/other words": "not these"}, "square", advice_for("not aligned")),
    ],
)
def test_the_most_specific_advice_wins(advice, function, expected):
    assert explain(NOT_ALIGNED, advice, function) == expected


def test_without_telling_words_the_type_decides():
    info = {**NOT_ALIGNED, "message": "math domain error"}
    assert explain(info, {}, "") == GENERAL_ADVICE["ValueError"]
    assert explain(info, {"ValueError": "by type"}, "") == "by type"


def test_a_matrix_product_for_a_square_is_named(tmp_path):
    wrong = tmp_path / "square_by_dot.py"
    wrong.write_text(
        "import numpy as np\n\n\ndef square(x):\n    return np.dot(x, x)\n\n\n"
        "def numeric_gradient_square(x, h=1e-5):\n"
        "    x = np.array(x, dtype=float)\n"
        "    return (square(x + h) - square(x - h)) / (2 * h)\n",
        encoding="utf-8",
    )
    run = course("grade", "1.2.39.5", "--submission", str(wrong), "--json", "--seed", "5")
    messages = [c["message"] for c in run.json()["checks"] if not c["passed"]]
    assert any("matrix product" in m for m in messages), messages


def test_a_refusal_by_the_learners_own_check_is_said_as_such(tmp_path):
    """No stock advice about what Python means by ValueError when the learner's own raise
    refused a good input: the message says it was their check."""
    wrong = tmp_path / "refuses_one_entry.py"
    wrong.write_text(
        "import numpy as np\n\n\ndef numeric_gradient(f, x, h=1e-5):\n"
        "    x = np.array(x, dtype=float)\n"
        "    if x.size < 2:\n"
        "        raise ValueError('a gradient needs two variables')\n"
        "    g = np.zeros_like(x)\n"
        "    flat, out = x.reshape(-1), g.reshape(-1)\n"
        "    for i in range(flat.size):\n"
        "        keep = flat[i]\n"
        "        flat[i] = keep + h\n"
        "        up = f(x)\n"
        "        flat[i] = keep - h\n"
        "        down = f(x)\n"
        "        flat[i] = keep\n"
        "        out[i] = (up - down) / (2 * h)\n"
        "    return g\n",
        encoding="utf-8",
    )
    run = course("grade", "1.2.39.7", "--submission", str(wrong), "--json", "--seed", "5")
    messages = [c["message"] for c in run.json()["checks"] if not c["passed"]]
    own = [m for m in messages if "from a check of your own (your file, line 7)" in m]
    assert own and "a gradient needs two variables" in own[0], messages
    assert not any("setting an array element" in m for m in own), own


# -- What the source shows and values cannot ----------------------------------------------


@pytest.mark.parametrize(
    "source,words",
    [
        ("def f(a, b):\n    max = max(a, b)\n    return max\n", "assigns to max"),
        ("def f(xs, out=[]):\n    out.append(1)\n    return out\n", "out=[] is made once"),
        (
            "def f(h):\n    if h == 0:\n        raise ValueError('h')\n        return 1 / h\n",
            "Line 4 of your file can never run",
        ),
    ],
)
def test_a_python_slip_in_the_source_is_noted(source, words):
    (note,) = source_notes.notes(source)
    assert words in note


@pytest.mark.parametrize(
    "source",
    [
        "def f(a, b):\n    sum = a + b\n    return sum\n",  # the built-in is never called
        "def f(xs, out=[]):\n    return len(out) + len(xs)\n",  # the default never changes
        "def f(h):\n    if h == 0:\n        raise ValueError('h')\n    return 1 / h\n",
        "def f(:\n",  # does not parse: nothing to say
    ],
)
def test_nothing_is_noted_where_nothing_goes_wrong(source):
    assert source_notes.notes(source) == []
