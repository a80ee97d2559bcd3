"""An error raised by learner code is explained by what usually causes it, the most
specific advice first: a suite's advice for the function and Python's words, then advice
that Python's words alone give, then advice by the exception's type. Then, graded for real,
a matrix product where an elementwise one belongs is named by its words."""

import pytest

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
