"""Lecture 002's raw-text IMDB model and its frozen-GloVe variant (issue 25): the Keras
tokenizer's rules, the GloVe file and embedding matrix, the lecture's parameter count, the
frozen embedding, and the IMDB experiments page with and without the vector file."""

from dataclasses import replace

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from lab.core import i18n
from lab.core.cache import cache_root
from lab.core.errors import LabError
from lab.data import glove, imdb, text
from lab.models import experiments as ex
from tests.conftest import ROOT, lab_failures, link_params

APP = str(ROOT / "app.py")
RAW, FROZEN = ex.EXPERIMENTS["raw_text_glove"].nets


def vector(k: int) -> np.ndarray:
    return (np.arange(glove.DIM, dtype=np.float32) + k) / 100


def write_vectors(path, words) -> None:
    """A GloVe-format file: each word, then its 100 numbers."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{w} " + " ".join(f"{x:g}" for x in vector(k)) + "\n"
                            for k, w in enumerate(words)), encoding="utf8")


def test_the_tokenizer_follows_keras_rules():
    """Lower case, filters as spaces, ids by count (ties: first seen), and num_words keeps the
    ids below it: 'the' and 'cat' twice, then 'hat', 'a', 'sat' once each."""
    index = text.keras_tokens(["The cat, the hat!", "A cat sat."]).index
    assert index == {"the": 1, "cat": 2, "hat": 3, "a": 4, "sat": 5}
    assert text.keras_sequences(index, ["The HAT sat on a cat..."], 4) == [[1, 3, 2]]
    raw = glove.tokenized(["The cat, the hat!", "A cat sat."], ["the dog sat"], 4, 3)
    assert raw.x_train.tolist() == [[2, 1, 3], [0, 0, 2]] and raw.x_test.tolist() == [[0, 0, 1]]


def test_ids_decode_to_words_without_the_marks():
    word_index = {"the": 1, "film": 2}  # id = rank + 3; 0 pad, 1 start, 2 unknown
    assert glove.decoded([[1, 4, 5, 2, 0, 4]], word_index) == ["the film the"]


def test_the_embedding_matrix_has_the_files_vectors_and_zeros_elsewhere(tmp_path):
    path = tmp_path / glove.FILE
    write_vectors(path, ["the", "zebra", "cat"])
    index = {"the": 1, "cat": 2, "hat": 3, "sat": 5}
    found = glove.load(path, [w for w, i in index.items() if i < 4])
    assert found.total == 3 and set(found.vectors) == {"the", "cat"}  # only the words asked
    m = glove.matrix(index, found, 4)
    assert m.shape == (4, 100)
    np.testing.assert_array_equal(m[1], vector(0))
    np.testing.assert_array_equal(m[2], vector(2))
    assert not m[0].any() and not m[3].any()  # the padding, and 'hat' (not in the file)
    path.write_text("\n")
    with pytest.raises(LabError):
        glove.load(path, ["the"])


def test_prepare_copies_the_file_into_the_cache(tmp_path):
    from lab import prepare

    source = tmp_path / "mine.txt"
    write_vectors(source, ["the"])
    assert glove.found() is None
    assert prepare.main(["--glove", str(source)]) == 0
    assert glove.found() == cache_root() / "glove" / glove.FILE
    assert glove.found().read_bytes() == source.read_bytes()
    assert prepare.main(["--glove", str(tmp_path / "missing.txt")]) == 1


def test_the_lectures_parameter_count_and_the_frozen_models_trainable_count():
    for net in (RAW, FROZEN):
        model = ex.build(net, net.num_words)
        assert model.count_params() == ex.param_count(net, 10_000) == 1_320_065
        trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
        assert trainable == ex.trainable_count(net, 10_000)
    assert ex.trainable_count(FROZEN, 10_000) == 320_065
    assert ex.trainable_count(RAW, 10_000) == 1_320_065


def test_the_frozen_embedding_is_unchanged_after_an_epoch(monkeypatch):
    built = []
    build = ex.build
    monkeypatch.setattr(ex, "build", lambda *a: built.append(build(*a)) or built[-1])
    rng = np.random.default_rng(0)
    x, y = rng.integers(0, 50, (64, 5)), rng.integers(0, 2, 64)
    fit = replace(FROZEN.fit, epochs=1, lr=0.01)
    weights = rng.normal(size=(50, 100)).astype(np.float32)
    for net in (FROZEN, RAW):
        ex.train(replace(net, num_words=50, maxlen=5), fit, x, y, x[:8], 50, weights=weights)
    frozen, trained = built
    np.testing.assert_array_equal(frozen.layers[0].get_weights()[0], weights)
    assert not np.allclose(trained.layers[0].get_weights()[0], weights)  # the same, trainable


def open_page(lang: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update(link_params({"ex_id": "raw_text_glove", "ex_epochs": 1,
                                        "ex_source": "generated"}, lang))
    at.switch_page("pages/experiments.py")
    return at.run()


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_without_the_file_the_page_says_how_to_get_it(lang):
    at = open_page(lang)
    assert not lab_failures(at)
    said = [i.value for i in at.info]
    assert i18n.t("raw_text.no_glove", lang, url=glove.URL, file=glove.FILE) in said
    assert any("nlp.stanford.edu" in s and "--glove" in s for s in said)
    data = imdb.load_generated(10_000)
    found = len(ex.raw_text(data, RAW).index)
    assert i18n.t("raw_text.tokens", lang, found=found, lecture=88_582) in [
        c.value for c in at.caption]
    plan = at.dataframe[1].value
    assert plan.iloc[:, 2].tolist() == [1_320_065, 1_320_065]  # parameters, then the lecture's
    assert plan.iloc[:, 3].tolist() == [1_320_065, 1_320_065]
    assert plan[i18n.t("experiments.col.trainable_parameters", lang)].tolist() == [
        1_320_065, 320_065]
    assert [n.id for n in ex.EXPERIMENTS["raw_text_glove"].nets if ex.runnable(n, data)] == [
        RAW.id]


def test_with_the_file_both_models_train_beside_the_lectures_accuracies(monkeypatch):
    """The lecture's models at 40 words and maxlen 10 (to train in seconds), through the page."""
    e = ex.EXPERIMENTS["raw_text_glove"]
    small = replace(e, nets=tuple(replace(n, num_words=40, maxlen=10) for n in e.nets))
    monkeypatch.setitem(ex.EXPERIMENTS, e.id, small)
    data = imdb.load_generated(10_000)
    words = sorted(ex.raw_text(data, small.nets[0]).index)[:5]
    write_vectors(cache_root() / "glove" / glove.FILE, words + ["unseen"])
    at = open_page("en")
    assert not lab_failures(at)
    assert i18n.t("raw_text.no_glove", url=glove.URL, file=glove.FILE) not in [
        i.value for i in at.info]
    kept = sum(ex.raw_text(data, small.nets[0]).index[w] < 40 for w in words)
    assert i18n.t("raw_text.vectors", found=6, lecture=400_000, words=kept, num_words=40) in [
        c.value for c in at.caption]
    at.button(key="ex_run").click().run()
    assert not lab_failures(at)
    results = at.dataframe[-2].value
    assert results[i18n.t("experiments.col.lecture_test")].tolist() == [0.8188, 0.6824]
    assert results[i18n.t("experiments.col.lecture_val")].isna().all()  # none printed
    assert results[i18n.t("experiments.col.test_accuracy")].between(0, 1).all()
    assert results.iloc[:, 1].tolist() == [ex.param_count(n, 40) for n in small.nets]
