"""Numbers the lab says the lectures print, each checked against the notes (issue 25): the value
the lab computes, the page that shows it, and the lecture's printed value beside it."""

import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from lab.models import experiments as ex
from lab.core import i18n
from lab.data import imdb, stock
from lab.maths import kinds
from lab.networks import mlp, perceptron as pc
from tests.conftest import ROOT, link_params

APP = str(ROOT / "app.py")


def page(script: str, params: dict | None = None, lang: str = "en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=240)
    at.query_params.update(link_params(params or {}, lang))
    at.switch_page(script)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def shown(at: AppTest) -> str:
    return " ".join(e.value for kind in ("markdown", "caption", "info") for e in getattr(at, kind))


# --- Lecture 002's GRU(256): 199,680 only with Keras's default reset_after=True --------------------
@pytest.mark.parametrize("reset_after, lecture_count", [(True, 199_680), (False, 198_912)])
def test_gru_counts_equal_keras(reset_after, lecture_count):
    import keras

    layer = keras.layers.GRU(256, reset_after=reset_after)
    layer.build((None, 40, 2))
    assert layer.count_params() == kinds.param_count("GRU", 2, 256, reset_after) == lecture_count


def test_the_gate_page_says_which_gru_it_computes():
    fields = kinds.gru_note_fields()
    assert (fields["printed"], fields["keras"], fields["equation"]) == (199_680, 199_680, 198_912)
    for lang in ("en", "ko"):
        text = shown(page("pages/gates.py", {"gi_kind": "GRU"}, lang))
        assert "reset_after=True" in text and "198,912" in text and "199,680" in text, lang


# --- Lecture 004: LSTM(4, return_sequences) + Flatten ----------------------------------------------
LECTURE_004_RNN3_VAL = (0.6630, 0.7108, 0.7258)  # epochs 1-3; epoch 4 is a progress line


def test_lecture_004_sequences_level_is_the_best_it_printed():
    from lab.figures.experiments import curves_figure

    net = {n.id: n for n in ex.EXPERIMENTS["four_architectures"].nets}["lstm4_sequences"]
    assert net.lecture_accuracy == max(LECTURE_004_RNN3_VAL)
    levels = curves_figure({"m": {"val_accuracy": [0.7]}}, {"m": net.lecture_accuracy}).layout.shapes
    assert [s.y0 for s in levels] == [0.7258]  # the experiments page's dashed level
    for lang in ("en", "ko"):
        note = i18n.t("imdb.preset_note.lecture_004", lang)
        assert all(f"{v:.4f}" in note for v in LECTURE_004_RNN3_VAL) and "0.75 " not in note


# --- Lecture 001: the lecture's optimizers and its printed levels ----------------------------------
def test_lecture_001_compiles_each_model_as_the_lecture():
    e = ex.EXPERIMENTS["lecture_001"]
    one_hot, embedding = e.nets
    assert (ex.capped(e, 100, one_hot).optimizer, ex.capped(e, 100, one_hot).epochs) == ("sgd", 20)
    assert (ex.capped(e, 100, embedding).optimizer, ex.capped(e, 100, embedding).lr,
            ex.capped(e, 100, embedding).epochs) == ("adam", 1e-3, 10)
    assert ex.capped(e, 5, embedding).epochs == 5  # the page's cap still applies
    assert (one_hot.lecture_accuracy, embedding.lecture_accuracy) == (0.7160, 0.8158)
    for lang in ("en", "ko"):  # the notes' own clash: 0.7160 at epoch 20, 0.693 from evaluate
        note = i18n.t("imdb.preset_note.lecture_001", lang)
        assert "0.7160" in note and "0.693" in note and "0.8158" in note


def test_the_experiments_page_names_the_embedding_models_own_fit():
    at = page("pages/experiments.py", {"ex_source": "generated", "ex_id": "lecture_001"})
    assert "adam" in shown(at) and "sgd" in shown(at)


# --- Keras's id rule: ids, not ranks --------------------------------------------------------------
def test_kept_ranks_follow_the_ids():
    assert imdb.kept_ranks(100, 20) == (17, 96)  # 16 words skipped, ranks up to 96 kept
    assert imdb.kept_ranks(1000, 20) == (17, 996)
    assert imdb.kept_ranks(500) == (1, 496)


def test_the_id_rule_is_keras_own(shared_data, tmp_path, monkeypatch):
    """keras.datasets.imdb.load_data itself, on Keras-format raw arrays made from the shared
    subset (ranks, no start marker; the subset's unknown words given ranks past 500)."""
    import keras.src.datasets.imdb as keras_imdb

    sub = imdb.load_npz(shared_data / "imdb_keras_subset_num500.npz", 10**9)
    raw = lambda xs: np.array([np.array([w - 3 if w > 2 else 600 for w in x[1:]])  # noqa: E731
                               for x in xs], dtype=object)
    n_train, n_test = 300, 100
    path = tmp_path / "imdb.npz"
    np.savez(path, x_train=raw(sub.x_train[:n_train]), y_train=np.arange(n_train),
             x_test=raw(sub.x_test[:n_test]), y_test=np.arange(n_test))
    monkeypatch.setattr(keras_imdb, "get_file", lambda *a, **k: str(path))
    (xtr, ytr), _ = keras_imdb.load_data(num_words=100, skip_top=20)
    ours = imdb.cap_vocabulary(sub.x_train[:n_train], 100, 20)
    by_label = {int(label): list(x) for x, label in zip(xtr, ytr)}  # undo Keras's shuffle
    assert [by_label[i] for i in range(n_train)] == ours
    assert ours[0][:5] == [2, 2, 22, 2, 43]  # lecture 001's printout starts 2, 2, 22, 2, 43
    word_index = json.loads((shared_data / "imdb_word_index.json").read_text())
    skipped = [w for w, r in word_index.items() if r + imdb.INDEX_FROM < 20]
    assert len(skipped) == imdb.kept_ranks(100, 20)[0] - 1 == 16


def test_lecture_001_lengths_after_its_filter(shared_data):
    """The notes print 218 189: the lengths before [w for w in x if w > 2], not after."""
    sub = imdb.load_npz(shared_data / "imdb_keras_subset_num500.npz", 10**9)
    first_two = imdb.drop_oov(imdb.cap_vocabulary(sub.x_train[:2], 100, 20))
    assert [len(x) for x in sub.x_train[:2]] == [218, 189]
    assert [len(x) for x in first_two] == [59, 32]


def test_the_ids_rule_on_the_page():
    at = page("pages/imdb.py", {"im_source": "generated", "im_preset": "lecture_001",
                                "im_epochs": 1})
    text = shown(at)
    assert "rank 996" in text and "only the 16 most frequent" in text
    assert "0.7160" in text and "0.693" in text  # the preset's note: the lecture's levels
    assert "w > 2" in text  # the ids left at 2 are removed, as the lecture does


def test_presets_use_the_lectures_vocabulary():
    assert imdb.PRESETS["lecture_004"][0] == 88_579 == 708_632 // 8  # Embedding(88579, 8)
    assert "lecture_001" in imdb.DROP_OOV_PRESETS
    for lang in ("en", "ko"):
        assert "88,579" in i18n.t("imdb.preset.lecture_004", lang)


# --- Lecture 000: XOR's hand-made weights, the sigmoid slide ----------------------------------------
def test_the_lecture_xor_weights_do_not_pass_the_convergence_test():
    y = mlp.forward(mlp.lecture_preset()).y
    loss = mlp.bce(y)
    assert np.all((y[:, 0] > 0.5) == (mlp.XOR_T[:, 0] > 0.5))
    assert round(loss, 4) == 0.0522 and loss > mlp.CONVERGED_LOSS == 0.05
    assert not mlp.is_converged(mlp.lecture_preset())
    for lang in ("en", "ko"):
        assert f"{loss:.4f}" in i18n.t("xor.preset_note", lang, y="")


def test_the_sigmoid_slide_error_is_printed_y_minus_one():
    printed_y, printed_error = pc.LECTURE_PRINTED_Y[1], pc.LECTURE_PRINTED_ERROR[1]
    assert round(printed_y - 1, 2) == printed_error == -0.64
    true_y = 1 / (1 + np.exp(0.55))
    assert round(true_y, 4) == 0.3659 and round(true_y - 1, 4) == -0.6341
    assert "0.36 - 1" in i18n.t("perceptron.slide_note", "en")
    assert "0.36 - 1" in i18n.t("perceptron.slide_note", "ko")


# --- The embedded stock series' dates come from the data ----------------------------------------
def test_the_embedded_series_dates_come_from_the_data():
    data = stock.load_embedded("GOOG")
    assert f"{data.frame.index[0]:%Y-%m-%d}" == "2004-08-19"
    assert "2004-08-19" in data.summary()
    for lang in ("en", "ko"):
        assert "2000" not in i18n.t("stock.series", lang)


# --- lecture 004's NUM_WORDS is the largest id + 1, and the page says so ---------------------------
def test_why_differ_names_the_largest_id():
    for lang in ("en", "ko"):
        text = i18n.t("experiments.why_differ", lang, train=1, words=2, epochs=3,
                      lecture_epochs=4, data="d")
        assert "distinct" not in text and "서로 다른" not in text
    assert "+ 1" in i18n.t("experiments.why_differ", "en", train=1, words=2, epochs=3,
                           lecture_epochs=4, data="d")
