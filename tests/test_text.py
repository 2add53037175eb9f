"""Text as numbers (lab.data.text) against lecture 002's printed results and hand-checked counts."""

import numpy as np
import pytest

from lab.data import text as tx
from lab.core.errors import LabError


def test_the_lectures_split_loop_gives_its_ids_and_tensor():
    tok = tx.split_tokens(list(tx.LECTURE_SAMPLES))
    assert tok.vocabulary == ["The", "cat", "sat", "on", "the", "mat.", "dog", "ate", "my",
                              "homework."]  # case and the full stop make 10 tokens
    assert tok.ids == [[1, 2, 3, 4, 5, 6], [1, 7, 8, 9, 10]]
    results = tx.one_hot(tok, tx.LECTURE_MAX_LENGTH)
    assert results.shape == (2, 10, 11)
    # the lecture's first printed matrix: rows 0-5 carry a 1 at ids 1..6, the rest are zero
    np.testing.assert_array_equal(results[0].argmax(1)[:6], [1, 2, 3, 4, 5, 6])
    assert results[0, 6:].sum() == 0
    # its second print is garbled (10 columns, 'homework.' at 9): the true ids are 1, 7, 8, 9, 10
    np.testing.assert_array_equal(results[1].argmax(1)[:5], [1, 7, 8, 9, 10])


def test_keras_conventions_find_the_lectures_9_tokens():
    tok = tx.keras_tokens(list(tx.LECTURE_SAMPLES))
    assert len(tok.index) == tx.LECTURE_KERAS_TOKENS
    assert tok.index == {"the": 1, "cat": 2, "sat": 3, "on": 4, "mat": 5, "dog": 6, "ate": 7,
                         "my": 8, "homework": 9}  # 'the' thrice first, then first appearance
    assert tok.ids == [[1, 2, 3, 4, 1, 5], [1, 6, 7, 8, 9]]
    m = tx.binary_matrix(tok)
    assert m.shape == (2, 1000)
    np.testing.assert_array_equal(m[0, :4], [0, 1, 1, 1])  # array([[0., 1., 1., ...
    np.testing.assert_array_equal(m[1, :4], [0, 1, 0, 0])  #        [0., 1., 0., ...
    np.testing.assert_array_equal(tx.pad(tok.ids, 7), [[0, 1, 2, 3, 4, 1, 5],
                                                       [0, 0, 1, 6, 7, 8, 9]])
    np.testing.assert_array_equal(tx.pad(tok.ids, 3), [[4, 1, 5], [7, 8, 9]])


def test_keras_tokenizer_rules_agree_with_keras_text_vectorization():
    """Keras 3's TextVectorization lower-cases and strips punctuation the same way."""
    import keras

    layer = keras.layers.TextVectorization(output_mode="int")
    layer.adapt(list(tx.LECTURE_SAMPLES))
    vocab = layer.get_vocabulary()[2:]  # after '' (padding) and '[UNK]'
    assert set(vocab) == set(tx.keras_tokens(list(tx.LECTURE_SAMPLES)).index)
    assert vocab[0] == "the"


def test_the_lectures_cooccurrence_matrix():
    co = tx.cooccurrence(tx.corpus_tokens("\n".join(tx.LECTURE_CORPUS)), window=1)
    np.testing.assert_array_equal(co.reordered(tx.LECTURE_ORDER).counts, tx.LECTURE_COUNTS)
    assert co.probability("like", "I") == pytest.approx(2 / 3)  # I: like 2, enjoy 1
    np.testing.assert_allclose(co.probabilities().sum(1), 1.0)


def test_a_hand_checked_corpus_with_a_wider_window():
    co = tx.cooccurrence([["a", "b", "a", "c"]], window=2)
    # pairs within 2: (a,b) (a,a) (b,a) (b,c) (a,c)  -> a-b twice, a-a once (counted both ways)
    expected = {("a", "a"): 2, ("a", "b"): 2, ("a", "c"): 1, ("b", "c"): 1, ("b", "b"): 0,
                ("c", "c"): 0}
    for (i, k), n in expected.items():
        assert co.counts[co.words.index(i), co.words.index(k)] == n
        assert co.counts[co.words.index(k), co.words.index(i)] == n
    assert [r[0] for r in tx.ratio_table(co, "a", "b", ["c"])] == ["c"]
    _, pa, pb, ratio = tx.ratio_table(co, "a", "b", ["c"])[0]
    assert pa == pytest.approx(1 / 5) and pb == pytest.approx(1 / 3) and ratio == pytest.approx(0.6)


def test_glove_weighting_and_the_papers_table():
    f = tx.glove_weight([0, 1, 50, 100, 1000])
    assert f[0] == 0 and f[-1] == 1 and f[-2] == 1
    assert f[1] == pytest.approx(0.01 ** 0.75) and f[2] == pytest.approx(0.5 ** 0.75)
    rows = {r[0]: r for r in tx.glove_paper_ratios()}
    assert rows["solid"][3] == pytest.approx(8.636, abs=1e-3)  # printed 8.9 (rounded inputs)
    assert rows["water"][3] == pytest.approx(1.364, abs=1e-3)  # printed 1.36
    assert rows["fashion"][3] == pytest.approx(0.944, abs=1e-3)  # printed 0.96


@pytest.mark.parametrize("text,key", [("", "text.err.empty"), ("   \n ", "text.err.empty"),
                                      ("x" * 10_000, "text.err.too_long")])
def test_empty_or_huge_text_is_refused_with_a_message(text, key):
    with pytest.raises(LabError) as err:
        tx.samples_of(text)
    assert err.value.key == key and err.value.text("ko") != err.value.text("en")


def test_embedding_neighbours_analogy_and_projection():
    # a hand-made embedding: ids 3.. are words; 'king' - 'man' + 'woman' lands on 'queen'
    E = np.zeros((9, 3))
    E[3] = [1, 1, 0]   # king
    E[4] = [0, 1, 0]   # man
    E[5] = [0, 1, 1]   # woman
    E[6] = [1, 1, 1]   # queen
    E[7] = [-1, 0, 0]  # apple
    E[8] = [0.9, 1, 0.1]  # prince, near king
    near = tx.neighbours(E, E[3], k=2, skip=(3,))
    assert [i for i, _ in near] == [8, 6] and near[0][1] == pytest.approx(
        E[3] @ E[8] / np.linalg.norm(E[3]) / np.linalg.norm(E[8]))
    assert tx.analogy(E, 3, 4, 5, k=1)[0][0] == 6
    xy = tx.project(E, [3, 4, 5, 6, 7])
    assert xy.shape == (5, 2)
    assert tx.neighbours(np.zeros((5, 2)), np.zeros(2))[0][1] == 0.0  # no NaN from zero vectors
