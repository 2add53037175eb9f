"""The pages' view builders in lab.figures, without a page: what a typed word, a typed review,
typed numbers and a generated word turn into (the pages only draw these)."""

import numpy as np
import pytest

from lab.core.i18n import t
from lab.data import imdb
from lab.data import sequences as sq
from lab.figures import gates, imdb as imdb_views, structures, text as text_views

WORDS = "the a good bad movie film great awful and of".split()
WORD_INDEX = {w: rank for rank, w in enumerate(WORDS, start=1)}  # id = rank + 3


@pytest.fixture
def embedding() -> text_views.EmbeddingView:
    E = np.random.default_rng(0).normal(size=(imdb.INDEX_FROM + 9, 6))  # ids up to "of" - 1
    return text_views.EmbeddingView(E, WORD_INDEX, num_words=len(E))


def test_a_word_is_its_id_within_the_vocabulary_only(embedding):
    assert embedding.word_id(" Good ") == WORD_INDEX["good"] + imdb.INDEX_FROM
    assert embedding.word_id("of") is None  # its id is num_words: outside the model's words
    assert embedding.word_id("zebra") is None
    assert embedding.placeholder == "the"


def test_near_lists_the_nearest_words_by_cosine_and_marks_them(embedding):
    near = embedding.near("good")
    asked = embedding.word_id("good")
    E = embedding.E
    cosine = E @ E[asked] / np.linalg.norm(E, axis=1) / np.linalg.norm(E[asked])
    shown = [i for i in np.argsort(-cosine) if i != asked and i > imdb.OOV][:8]
    assert list(near.table.iloc[:, 0]) == [embedding.inv.get(i, "?") for i in shown]
    assert near.table.iloc[:, 1].tolist() == pytest.approx(cosine[shown].tolist())
    assert not near.unknown and near.figure is not None
    assert embedding.near("").table is None
    unknown = embedding.near("  " + "x" * 50)
    assert unknown.unknown == "x" * 40 and unknown.table is None


def test_an_analogy_waits_for_three_words_and_names_the_first_unknown(embedding):
    assert embedding.analogy(["good", "bad", " "]) == ("", None)
    assert embedding.analogy(["good", "zebra", "yak"]) == ("zebra", None)
    unknown, table = embedding.analogy(["good", "bad", "movie"])
    assert unknown == "" and len(table) == 5


class ReadsWordByWord:
    """A stand-in for a trained classifier: P(positive) rises by 0.1 a known word."""

    def word_by_word(self, ids):
        return np.cumsum([0.0] + [0.1 if i != imdb.OOV else 0.0 for i in ids[1:]])


def dataset(word_index=WORD_INDEX) -> imdb.Dataset:
    empty = np.zeros(0)
    return imdb.Dataset([], empty, [[1]], empty, word_index, "generated")


def test_a_review_is_read_word_by_word_up_to_its_last_words():
    model, data = ReadsWordByWord(), dataset()
    view = imdb_views.review_view(model, "good good movie zebra", data, 100, 0, 10, thr=0.25)
    assert view.notes == []  # all but one known, and short enough
    assert view.verdict == t("imdb.verdict", p=0.3, verdict=t("imdb.positive"), thr=0.25,
                             unknown="`zebra`")
    assert list(view.figure.data[0].y) == pytest.approx([0.1, 0.2, 0.3, 0.3])
    long = imdb_views.review_view(model, "good " * 12, data, 100, 0, 5, thr=0.5)
    assert long.notes == [("info", t("imdb.last_words", n=4, maxlen=5))]
    assert len(long.figure.data[0].y) == 4 and t("imdb.negative") in long.verdict
    assert imdb_views.review_view(model, "zebra", data, 100, 0, 5, 0.5).notes[0] == (
        "warning", t("imdb.all_unknown"))
    assert imdb_views.review_view(model, "!!", data, 100, 0, 5, 0.5).figure is None
    assert imdb_views.review_view(model, "good", dataset(None), 100, 0, 5, 0.5).notes == [
        ("warning", t("imdb.no_word_index"))]


def test_typed_numbers_keep_their_last_steps_and_the_seeded_cell():
    values, typed = gates.toy_values(", ".join(str(i) for i in range(sq.MAX_STEPS + 7)))
    assert typed == sq.MAX_STEPS + 7 and values[0] == 7 and len(values) == sq.MAX_STEPS
    found = gates.toy_input(values[:3], "GRU", seed=5)
    assert found.x.shape == (1, 3, 1) and found.labels == ["7", "8", "9"]
    assert found.cell.units == gates.TOY_UNITS and found.head is None
    again = gates.toy_input(values[:3], "GRU", seed=5).cell.kernel
    assert np.array_equal(found.cell.kernel, again)
    with pytest.raises(ValueError):
        gates.toy_values("3, x")


def test_a_generated_word_counts_its_wrong_characters():
    from lab.networks import charseq as cs

    net = cs.train(["abc", "abd"], "teacher", 8, 0.1, 5, 0).net
    made = structures.generated(net, "abc", 0, "")
    assert made.made[0] == "a" and len(made.made) == 3
    assert made.wrong == sum(x != y for x, y in zip(made.made, "abc"))
    assert list(made.table["should_be"]) == ["b", "c"]
    forced = structures.generated(net, "abc", 1, "d")
    assert forced.made[1] == "d" and forced.table["chosen"][0] == "d *"
