"""The gates every exercise in every manifest must pass (docs/manifest.md, "Adding an exercise").

- the untouched stub scores below full marks;
- the reference solution scores full marks;
- every known-wrong implementation in a lesson's wrong/ fails at least one check, and each
  exercise keeps at least four of them;
- each known-wrong file declares its mistake (``mistake:``), and the first message a
  learner reads for it names that mistake;
- a correct file that known-wrong mutations edit (``_correct.py``) scores full marks, so
  that each mutation's edit is its only bug;
- every correct variant in a lesson's correct/ (other styles than the reference) scores
  full marks.
"""

import pytest

from grader import catalog
from tests.support import (
    CORRECT,
    ROOT,
    correct_variants,
    course,
    declared_mistake,
    first_message,
    materialize,
    wrong_description,
    wrong_implementations,
)

EXERCISES = catalog.load(ROOT).exercises
IDS = [e.id for e in EXERCISES]
WRONG = [(e.id, path) for e in EXERCISES for path in wrong_implementations(e.stub)]
MUTATED = sorted({(i, p.parent / CORRECT) for i, p in WRONG if p.name.endswith(".mutation.toml")})
VARIANTS = [(e.id, path) for e in EXERCISES for path in correct_variants(e.stub)]


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_stub_scores_below_full_marks(exercise):
    run = course("grade", exercise.id, "--submission", str(ROOT / exercise.stub), "--json")
    assert run.code == 1, run.err
    result = run.json()
    assert result["score"] < result["max_score"]
    assert not result["passed"]


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_solution_scores_full_marks(exercise):
    run = course("grade", exercise.id, "--solution", "--json")
    result = run.json()
    failed = [(c["name"], c["message"]) for c in result["checks"] if not c["passed"]]
    assert run.code == 0, (failed, result.get("error"), run.err)
    assert result["passed"] and result["score"] == result["max_score"]
    assert "error" not in result


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_each_exercise_keeps_a_catalogue_of_wrong_implementations(exercise):
    assert len(wrong_implementations(exercise.stub)) >= 4


@pytest.mark.parametrize("exercise_id,path", WRONG, ids=[f"{i}:{p.stem}" for i, p in WRONG])
def test_wrong_implementation_fails_a_check(exercise_id, path, tmp_path):
    assert wrong_description(path).startswith("Wrong:"), f"{path.name} should say what is wrong"
    run = course("grade", exercise_id, "--submission", str(materialize(path, tmp_path)), "--json")
    result = run.json()
    assert run.code == 1, f"{path.name} passed every check: {result}"
    assert not result["passed"]
    assert any(not c["passed"] and c["message"] for c in result["checks"])
    phrases = declared_mistake(path)
    assert phrases, f"{path.name} should declare its mistake on a 'mistake:' line"
    first = first_message(result)
    assert any(p.lower() in first.lower() for p in phrases), (
        f"the first message for {path.name} should name its mistake ({' | '.join(phrases)}); "
        f"it says: {first}"
    )


@pytest.mark.parametrize("exercise_id,path", MUTATED, ids=[i for i, _ in MUTATED])
def test_the_file_that_mutations_edit_scores_full_marks(exercise_id, path):
    run = course("grade", exercise_id, "--submission", str(path), "--json")
    result = run.json()
    assert run.code == 0 and result["passed"], [c["message"] for c in result["checks"]]


@pytest.mark.parametrize("exercise_id,path", VARIANTS, ids=[f"{i}:{p.stem}" for i, p in VARIANTS])
def test_every_correct_variant_scores_full_marks(exercise_id, path):
    run = course("grade", exercise_id, "--submission", str(path), "--json")
    result = run.json()
    failed = [(c["name"], c["message"]) for c in result["checks"] if not c["passed"]]
    assert run.code == 0 and result["passed"], (failed, result.get("error"))
