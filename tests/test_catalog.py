"""The lesson manifests: the one list of exercises, validated when loaded."""

import pytest

from grader import catalog
from tests.support import ROOT

MANIFEST = "lessons/1.2.39-numerical-differentiation/lesson.toml"


def test_every_manifest_in_the_repo_loads_and_lists_existing_files():
    cat = catalog.load(ROOT)
    assert [lesson.id for lesson in cat.lessons][0] == "1.2.39"
    for ex in cat.exercises:
        assert ex.id.startswith(ex.lesson_id + ".")
        for relative in (ex.stub, ex.solution, ex.suite):
            assert (ROOT / relative).is_file(), relative
        assert ex.solution == "solutions/" + ex.stub.removeprefix("exercises/")
        assert len(ex.hints) >= 2


def test_lesson_ids_sort_numerically(learner_repo):
    lesson = learner_repo / "lessons" / "1.2.4-early"
    lesson.mkdir()
    (lesson / "index.md").write_text("# early\n")
    (lesson / "lesson.toml").write_text('exercises = []\n[lesson]\nid = "1.2.4"\ntitle = "Early"\n')
    ids = [lesson.id for lesson in catalog.load(learner_repo).lessons]
    assert ids.index("1.2.4") < ids.index("1.2.39")


@pytest.mark.parametrize(
    "edit,message",
    [
        (lambda t: t.replace("points = 10", 'points = "ten"', 1), "points"),
        (lambda t: t.replace('section = "forward-difference"\n', "", 1), "missing field 'section'"),
        (lambda t: t.replace('id = "1.2.39.1"', 'id = "1.2.40.1"', 1), "lesson id 1.2.39"),
        (
            lambda t: t.replace('ex1_forward_difference.py"\nsuite', 'nowhere.py"\nsuite', 1),
            "solution file",
        ),
        (lambda t: t.replace("[[exercises]]", "[[exercises]]\ncolour = 'red'", 1), "colour"),
        (lambda t: t + "\n[[exercises\n", "not valid TOML"),
    ],
)
def test_a_broken_manifest_is_refused_with_a_precise_message(learner_repo, edit, message):
    path = learner_repo / MANIFEST
    path.write_text(edit(path.read_text()))
    with pytest.raises(catalog.ManifestError) as error:
        catalog.load(learner_repo)
    assert message in str(error.value) and "lesson.toml" in str(error.value)


@pytest.mark.parametrize(
    "typo,expected", [("1.2.39.55", "1.2.39.5"), ("1.2.93", "1.2.39"), ("39.1", "1.2.39.1")]
)
def test_unknown_ids_suggest_the_nearest(typo, expected):
    with pytest.raises(catalog.UnknownId) as error:
        catalog.load(ROOT).resolve(typo)
    assert expected in error.value.suggestions


def test_a_lesson_id_resolves_to_all_its_items_in_order():
    cat = catalog.load(ROOT)
    items = cat.resolve("1.2.39")
    assert [e.id for e in items] == [e.id for e in cat.lesson("1.2.39").exercises]
