"""Numbers the lab says the lectures print, each checked against the notes (issue 25): the value
the lab computes, the page that shows it, and the lecture's printed value beside it."""

import json

import numpy as np
import pandas as pd
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


# --- Lecture 003's early stopping watches the validation loss -------------------------------------
def test_lecture_003_stops_on_validation_loss_and_the_page_says_so():
    """EarlyStopping(patience=3, restore_best_weights=True): Keras's default monitor, val_loss."""
    e = ex.EXPERIMENTS["one_hot_vs_embedding"]
    assert (e.fit.monitor, e.fit.patience) == ("val_loss", 3)
    assert [n.lecture_epochs for n in e.nets] == [36, 40, 27]  # where its printouts stop
    assert [n.lecture_accuracy for n in e.nets] == [0.7944, 0.7870, 0.8024]
    assert ex.EXPERIMENTS["four_architectures"].fit.monitor == "val_accuracy"  # monitor='val_acc'
    for lang in ("en", "ko"):
        text = shown(page("pages/experiments.py", {"ex_source": "generated",
                                                   "ex_id": "one_hot_vs_embedding"}, lang))
        assert i18n.t("experiments.monitor.val_loss", lang) in text, lang


def test_the_kept_epoch_follows_the_monitor_and_the_restore():
    r = ex.Result("n", {"val_loss": [0.6, 0.5, 0.55, 0.56], "val_accuracy": [0.6, 0.7, 0.75, 0.72],
                        "loss": [1, 1, 1, 1]}, np.zeros(2), 1, 0.0)
    assert (r.kept_epoch("val_loss"), r.best_val("val_loss")) == (2, 0.7)
    assert (r.kept_epoch("val_accuracy"), r.best_val("val_accuracy")) == (3, 0.75)
    assert (r.kept_epoch("val_accuracy", False), r.best_val("val_accuracy", False)) == (4, 0.72)


# --- Which epoch's weights a run ends with: the lecture's callback ------------------------------
def test_each_lecture_keeps_the_weights_its_callback_leaves():
    """003: EarlyStopping(patience=3, restore_best_weights=True); 004: EarlyStopping(
    monitor='val_acc'), patience 0, the last epoch's weights; 000 and 001: no callback."""
    fits = {e.id: (e.fit.monitor, e.fit.patience, e.fit.restore) for e in ex.EXPERIMENTS.values()}
    assert fits["one_hot_vs_embedding"] == ("val_loss", 3, True)
    assert fits["four_architectures"] == ("val_accuracy", 0, False)
    for e in ("lecture_001", "lecture_000"):  # no early stopping: a patience no run reaches
        fit = ex.EXPERIMENTS[e].fit
        assert not fit.restore and fit.patience >= fit.epochs
    assert not ex.EXPERIMENTS["lecture_001"].nets[1].fit.restore
    kept = {n.id: ex.lecture_kept(n, n.fit or e.fit)
            for e in ex.EXPERIMENTS.values() for n in e.nets}
    assert [kept[i] for i in ("one_hot_simplernn", "embedding_simplernn", "embedding_lstm")] == [
        (33, None), (37, None), (24, None)]  # 36, 40, 27 printed: 3 epochs back, not printed
    assert [kept[i] for i in ("one_hot_simplernn32", "embedding1000_simplernn")] == [
        (20, 0.7160), (10, 0.8158)]
    assert [kept[i] for i in ("feed_forward", "lstm1", "lstm32_dense", "lstm4_sequences")] == [
        (10, 0.7590), (16, 0.7288), (7, 0.7486), (None, None)]  # the last printed, not the best


def test_the_results_table_puts_the_kept_epoch_beside_the_lectures():
    e = ex.EXPERIMENTS["four_architectures"]
    net = e.nets[0]
    r = ex.Result(net.id, {"val_loss": [0.6, 0.5, 0.55], "val_accuracy": [0.6, 0.75, 0.7],
                           "loss": [1, 1, 1]}, np.array([0.9, 0.1]), 1, 0.0)
    fit = ex.capped(e, 30)
    row = ex.results_table(e, {net.id: fit}, {net.id: r}, np.array([1, 1])).iloc[0]
    assert (row.kept_epoch, row.best_val, row.test_accuracy) == (3, 0.7, 0.5)  # the last epoch
    assert (row.lecture_kept_epoch, row.lecture_kept_val, row.lecture_val) == (10, 0.7590, 0.7600)
    e3 = ex.EXPERIMENTS["one_hot_vs_embedding"]
    row = ex.results_table(e3, {e3.nets[0].id: ex.capped(e3, 30)},
                           {e3.nets[0].id: r}, np.array([1, 1])).iloc[0]
    assert (row.kept_epoch, row.best_val, row.lecture_kept_epoch) == (2, 0.75, 33)
    assert row.lecture_kept_val is pd.NA and row.lecture_val == 0.7944


def test_the_experiments_notebook_writes_each_lectures_callback():
    from lab.notebooks import experiments as nb

    def code(experiment: str) -> str:
        book = nb.build(nb.Settings(experiment, 3), None, "en")
        return "\n".join(c.source for c in book.cells if c.cell_type == "code")
    lecture_004, lecture_003 = code("four_architectures"), code("one_hot_vs_embedding")
    assert "monitor='val_accuracy', patience=0," in lecture_004
    assert "restore_best_weights=False" in lecture_004 and "weights=True" not in lecture_004
    assert "monitor='val_loss', patience=3," in lecture_003
    assert "restore_best_weights=True" in lecture_003


def trained_seeing_every_epoch(monkeypatch, net, fit, data):
    """``ex.train`` on ``data``, and the test reviews' probabilities after each epoch (by a
    callback in TerminateOnNaN's place: it runs before early stopping's)."""
    import keras

    x_train, x_test, words, _ = ex.prepare(data, net)
    seen = []

    class EveryEpoch(keras.callbacks.TerminateOnNaN):
        def on_epoch_end(self, epoch, logs=None):
            seen.append(self.model.predict(x_test, verbose=0, batch_size=512)[:, 0])
    monkeypatch.setattr(keras.callbacks, "TerminateOnNaN", EveryEpoch)
    return ex.train(net, fit, x_train, data.y_train, x_test, words), seen


def test_lecture_004_stores_the_epoch_it_stopped_at(monkeypatch, shared_data):
    """Patience 0 stops at the first epoch that does not improve the validation accuracy, and
    without restore_best_weights the model keeps that epoch's weights, not the best's."""
    e = ex.EXPERIMENTS["four_architectures"]
    data = ex.subset(imdb.load_npz(shared_data / "imdb_keras_subset_num500.npz", 10**6), (600, 200))
    r, seen = trained_seeing_every_epoch(monkeypatch, e.nets[0], ex.capped(e, 30), data)
    run, accuracy = len(r.history["loss"]), r.history["val_accuracy"]
    assert 1 < run < 30 and accuracy[-1] <= max(accuracy[:-1])  # stopped early
    best = r.kept_epoch("val_accuracy")
    assert r.kept_epoch("val_accuracy", restore=False) == run > best
    np.testing.assert_allclose(r.p_test, seen[run - 1], atol=1e-6)
    assert np.abs(r.p_test - seen[best - 1]).max() > 1e-4


def test_lecture_003_stores_the_best_epoch(monkeypatch, shared_data):
    """Patience 3 on the validation loss, the best epoch's weights restored. At the lecture's
    RMSprop 1e-4 a few hundred reviews take too long to overfit, so 1e-2 here."""
    from dataclasses import replace

    e = ex.EXPERIMENTS["one_hot_vs_embedding"]
    data = ex.subset(imdb.load_npz(shared_data / "imdb_keras_subset_num500.npz", 10**6), (600, 200))
    fit = replace(ex.capped(e, 20), lr=1e-2)
    r, seen = trained_seeing_every_epoch(monkeypatch, e.nets[1], fit, data)
    run, kept = len(r.history["loss"]), r.kept_epoch("val_loss")
    assert run < 20 and kept == run - 3  # stopped by the patience
    np.testing.assert_allclose(r.p_test, seen[kept - 1], atol=1e-6)
    assert np.abs(r.p_test - seen[run - 1]).max() > 1e-4


def test_the_new_rule_is_a_new_key_and_the_other_keys_stay():
    """A fit watching val_accuracy keys as before ``monitor`` and ``lecture_epochs`` existed
    (results cached then stay valid); lecture 003's val_loss is a new key."""
    from dataclasses import asdict

    e = ex.EXPERIMENTS["stacking"]
    net, fit = e.nets[0], ex.capped(e, 1)
    old_net = {k: v for k, v in asdict(net).items() if k not in (  # the fields added since
        "lecture_epochs", "lecture_last", "lecture_cut", "lecture_test", "hidden", "raw_text",
        "glove")}
    old_fit = {k: v for k, v in asdict(fit).items() if k not in ("monitor", "restore")}
    assert ex.key("s", "f", net, fit) == f"s|f|{old_net}|{old_fit}"
    e3 = ex.EXPERIMENTS["one_hot_vs_embedding"]
    assert "'monitor': 'val_loss'" in ex.key("s", "f", e3.nets[0], ex.capped(e3, 1))
    assert "'restore'" not in ex.key("s", "f", e3.nets[0], ex.capped(e3, 1))
    e4 = ex.EXPERIMENTS["four_architectures"]  # trained with the best epoch kept before
    assert "'restore': False" in ex.key("s", "f", e4.nets[3], ex.capped(e4, 1))
    assert "lecture_cut" not in ex.key("s", "f", e4.nets[3], ex.capped(e4, 1))


def test_training_stops_on_the_fits_monitor(monkeypatch, shared_data):
    """The experiment's monitor reaches Keras's EarlyStopping (one epoch on 300 reviews)."""
    import keras

    made = []
    real = keras.callbacks.EarlyStopping
    monkeypatch.setattr(keras.callbacks, "EarlyStopping",
                        lambda **kw: made.append(kw) or real(**kw))
    data = ex.subset(imdb.load_npz(shared_data / "imdb_keras_subset_num500.npz", 10**6), (300, 50))
    e = ex.EXPERIMENTS["one_hot_vs_embedding"]
    e4 = ex.EXPERIMENTS["four_architectures"]
    for experiment, net, monitor, restore in (
            (e, e.nets[-1], "val_loss", True),
            (ex.EXPERIMENTS["stacking"], ex.EXPERIMENTS["stacking"].nets[-1], "val_accuracy", True),
            (e4, e4.nets[0], "val_accuracy", False)):
        x_train, x_test, words, _ = ex.prepare(data, net)
        ex.train(net, ex.capped(experiment, 1, net), x_train, data.y_train, x_test, words)
        assert (made[-1]["monitor"], made[-1]["restore_best_weights"]) == (monitor, restore)


# --- Lecture 002's sine section: shapes, parameters, five predictions and labels ------------------
def test_the_sine_printouts_at_the_lectures_settings():
    from lab.models.rnn_demos import SINE_LECTURE, SineDemo

    rows = {what: (lecture, run, true)
            for what, lecture, run, true in SineDemo(20, 128).printouts()}
    for what in ("sine_windows", "sine_split", "sine_params", "sine_pred_shape"):
        lecture, run, true = rows[what]
        assert lecture == run == true, what
    assert rows["sine_params"][1] == 16_769 == 16_640 + 129
    lecture, run, true = rows["sine_random_idx"]
    assert list(run) == list(true) == lecture == [166, 62, 33, 92, 105]
    lecture, run, true = rows["sine_label"]
    np.testing.assert_allclose(run, true)  # the code's function, sin(2x) + cos(x/2)
    assert np.abs(np.asarray(run) - lecture).max() > 0.5  # not the lecture's labels
    lecture, run, _ = rows["sine_label_cos_x"]
    np.testing.assert_allclose(run, lecture, atol=1e-8)  # the lecture's: sin(2x) + cos(x)
    assert SINE_LECTURE["pred"][0] == -1.6262805 and len(rows["sine_pred"][1]) == 5


def test_other_settings_change_this_runs_column_only():
    from lab.models.rnn_demos import SineDemo

    rows = {what: (lecture, run, true) for what, lecture, run, true in SineDemo(30, 8).printouts()}
    assert rows["sine_windows"][1] == ((970, 30, 1), (970, 1))
    assert rows["sine_windows"][2] == ((980, 20, 1), (980, 1)) == rows["sine_windows"][0]
    assert rows["sine_params"][1:] == (8 + 64 + 8 + 9, 16_769)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_sine_tab_shows_the_lectures_printouts_with_128_units(lang):
    at = page("pages/rnn.py", {"s_units": 128}, lang)
    tables = [d.value for d in at.dataframe
              if i18n.t("printed.col.lecture", lang) in getattr(d.value, "columns", [])]
    assert len(tables) == 1, "the sine printouts"
    table = tables[0].set_index(i18n.t("printed.col.printed", lang))
    row = table.loc[i18n.t("printed.sine_params", lang)]
    assert row.tolist() == ["16,769", "16,769", "16,769"]
    labels = table.loc[i18n.t("printed.sine_label", lang)]
    assert labels.iloc[0].startswith("[-1.6275") and labels.iloc[1].startswith("[-0.8958")
    assert table.loc[i18n.t("printed.sine_random_idx", lang)].iloc[1] == "[166, 62, 33, 92, 105]"


# --- Lecture 002's threshold sweep and confusion matrix -------------------------------------------
def lecture_code(prob, y_test):
    """Lecture 002's loop, transcribed (range_with_floats, confusion_matrix(mylist, y_test))."""
    from sklearn.metrics import confusion_matrix

    def range_with_floats(start, stop, step):
        while stop > start:
            yield start
            start += step
    res, mylist = {}, []
    for i in range_with_floats(0.4, 0.801, 0.001):
        for j in range(len(prob)):
            mylist.append(1 if prob[j] >= i else 0)
        mymtx = confusion_matrix(mylist, y_test)
        res[round(i, 3)] = round((mymtx[0, 1] + mymtx[1, 0]) / (sum(sum(mymtx))), 4)
        mylist = []
    return mymtx, min(res.values()), min(res, key=res.get)


def test_the_sweep_is_the_lectures_code_and_the_true_table_is_the_best_ones():
    from sklearn.metrics import confusion_matrix

    from lab.models import lecture_sweep as ls

    rng = np.random.default_rng(2)
    y = rng.integers(0, 2, 800)
    p = np.clip(0.35 * y + 0.65 * rng.random(800), 0, 1)
    s = ls.sweep(y, p)
    table, lowest, at = lecture_code(p, y)
    assert (s.last_table.tolist(), s.lowest, s.lowest_at) == (table.tolist(), lowest, at)
    assert s.true_table.tolist() == confusion_matrix(y, p >= at).tolist()  # rows: true classes
    assert s.true_table.tolist() != s.last_table.tolist()
    assert round(s.last_threshold, 3) == 0.8 and len(ls.lecture_thresholds()) == 401
    # the lecture's printed table is not its best: its miss rate is above the lowest it prints
    assert round(ls.miss_rate(ls.PRINTED_TABLE), 4) == 0.3148 > ls.PRINTED_LOWEST == 0.3143
    assert np.sum(ls.PRINTED_TABLE) == 25_000 and np.sum(ls.PRINTED_TABLE, axis=0).tolist() == [
        12_500, 12_500]  # columns are the true classes: the test set's 12,500 and 12,500


def generated_experiment(experiment: str, lang: str, tmp_path, monkeypatch) -> AppTest:
    """The experiments page on the generated reviews, one epoch, a cache folder of its own."""
    monkeypatch.setenv("LAB_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(imdb, "KERAS_FILE", tmp_path / "none.npz")  # the generated reviews
    return page("pages/experiments.py", {"ex_id": experiment, "ex_epochs": 1,
                                         "ex_source": "generated"}, lang)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_experiments_page_shows_the_sweep(lang, tmp_path, monkeypatch):
    from lab.models import lecture_sweep as ls
    from tests.conftest import lab_failures

    at = generated_experiment("stacking", lang, tmp_path, monkeypatch)
    at.button(key="ex_run").click().run()
    assert not lab_failures(at)
    results, swept = at.dataframe[-2].value, at.dataframe[-1].value.set_index(
        i18n.t("printed.col.printed", lang))
    row = swept.loc[i18n.t("printed.sweep_table", lang)]
    assert row.iloc[0] == "[[8397, 3768], [4103, 8732]]"
    assert swept.loc[i18n.t("printed.sweep_lowest", lang)].iloc[0] == "0.3143"
    assert swept.loc[i18n.t("printed.sweep_table_rate", lang)].iloc[0] == "0.3148"
    data = ex.reviews("generated")
    fits = {n.id: ex.capped(ex.EXPERIMENTS["stacking"], 1, n) for n in ex.EXPERIMENTS[
        "stacking"].nets}
    found = {n.id: ex.STORE.get(ex.key("generated", ex.prepare(data, n)[3], n, fits[n.id]))
             for n in ex.EXPERIMENTS["stacking"].nets}
    best = ex.best_result(fits, found)
    s = ls.sweep(data.y_test, found[best].p_test)
    assert row.iloc[1] == str(s.last_table.tolist()) and row.iloc[2] == str(s.true_table.tolist())
    assert i18n.t("experiments.col.kept_epoch", lang) in results.columns


# --- What lectures 001 and 003 print of the data --------------------------------------------------
def printed_rows(data) -> dict:
    from lab.models import lecture_printouts as lp

    return {what: (lecture, run, true) for what, lecture, run, true in lp.rows(data)}


def test_the_data_printouts_on_the_reference_subset(shared_data):
    """The subset is Keras's first 5,000 reviews: the first reviews' printouts are the lecture's."""
    from lab.models import lecture_printouts as lp

    rows = printed_rows(imdb.load_npz(shared_data / "imdb_keras_subset_num500.npz", 10**6))
    for what in ("imdb_filtered", "imdb_movie", "imdb_decoded", "imdb_lengths_before",
                 "imdb_003_length0"):
        lecture, run, _ = rows[what]
        assert lecture == run, what
    assert rows["imdb_labels"][1].tolist() == lp.L001["labels"]
    assert rows["imdb_003_labels"][1].tolist() == lp.L003["labels"]
    lecture, run, true = rows["imdb_lengths"]
    assert (lecture, run, true) == ([218, 189], [59, 32], [59, 32])  # the note's slip
    ours = imdb.cap_vocabulary(imdb.load_npz(shared_data / "imdb_keras_subset_num500.npz",
                                             10**6).x_train[:1], 100, 20)[0]
    assert ours[:20] == lp.L001["x0"][:20] and (len(ours), len(lp.L001["x0"])) == (218, 214)
    assert [i for i in ours if i != 2] == [i for i in lp.L001["x0"] if i != 2]  # e001_x0_list
    assert rows["imdb_one_hot"][0] == ((20_000, 100, 100), 800_000_000)
    assert imdb.one_hot_bytes(20_000, 100, 100) == 800_000_000


def test_the_data_printouts_count_what_the_page_has():
    rows = printed_rows(imdb.load_generated(10_000))
    n = len(imdb.load_generated(10_000).x_train)
    assert rows["imdb_train_shape"][1] == ((n,), (n,))
    assert rows["imdb_seq_shapes"][1] == ((n - n // 5, 100), (n // 5, 100))
    assert rows["imdb_003_seq_shape"][1] == (n - n // 5, 100)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_experiments_page_shows_the_data_printouts(lang, shared_data, monkeypatch):
    import streamlit as st

    subset = imdb.load_npz(shared_data / "imdb_keras_subset_num500.npz", 10**6)
    monkeypatch.setattr(ex, "reviews", lambda source: subset)  # stands for Keras's reviews
    st.cache_resource.clear()
    try:
        at = page("pages/experiments.py", {"ex_source": "generated"}, lang)
    finally:
        st.cache_resource.clear()  # the page's reviews("generated") held the subset
    table = at.dataframe[0].value.set_index(i18n.t("printed.col.printed", lang))
    assert table.loc[i18n.t("printed.imdb_movie", lang)].tolist() == ["17", "17", "–"]
    lengths = table.loc[i18n.t("printed.imdb_lengths", lang)].tolist()
    assert lengths == ["[218, 189]", "[59, 32]", "[59, 32]"]
    labels = table.loc[i18n.t("printed.imdb_labels", lang)]
    assert labels.iloc[0] == labels.iloc[1] == "[1, 0, 0, 1, 0, 0, 1, 0, 1, 0]"
    assert table.loc[i18n.t("printed.imdb_one_hot", lang)].iloc[0] == (
        "(20000, 100, 100) 800,000,000")


# --- Lecture 001's NumPy RecurrentNetwork on IMDB (TBPTT over 10 steps) ---------------------------
def test_the_numpy_network_has_the_lectures_settings_those_of_its_keras_twin():
    """RecurrentNetwork(n_cells=32, batch_size=32, learning_rate=0.01), fit for 20 epochs on
    100 words (top 20 skipped), maxlen 100: the same as the lecture's Keras SimpleRNN(32) on
    one-hot, compiled with 'sgd' (0.01), batch 32, 20 epochs, no callback."""
    from dataclasses import astuple

    from lab.models import numpy_imdb as ni

    assert astuple(ni.Setup()) == (100, 20, 100, 32, 32, 0.01, 20, 10, 42, 0)
    assert (ni.TWIN_FIT.optimizer, ni.TWIN_FIT.restore, ni.TWIN.drop_oov) == ("sgd", False, True)
    assert ni.setup(5).epochs == 5 and ni.setup(50).epochs == 20


def test_the_numpy_networks_input_split_and_update_are_the_lectures(shared_data):
    import keras

    from lab.models import numpy_imdb as ni
    from lab.networks import rnn

    data = ex.subset(imdb.load_npz(shared_data / "imdb_keras_subset_num500.npz", 10**6), (300, 10))
    x_train, y_train, x_val, y_val = ni.lecture_split(data)
    np.random.seed(42)
    order = np.random.permutation(300)  # the lecture's random_index
    ids = imdb.pad(imdb.drop_oov(imdb.cap_vocabulary(data.x_train, 100, 20)), 100)
    assert (x_train == ids[order[:240]]).all() and (x_val == ids[order[240:]]).all()
    assert (y_val == data.y_train[order[240:]]).all()
    batch = ni.OneHot(x_train, 100)[np.arange(4)]  # to_categorical: the padding is [1, 0, ...]
    np.testing.assert_array_equal(batch, keras.utils.to_categorical(x_train[:4], 100))
    net = rnn.init_rnn(100, 32)
    before = net.copy()
    trace = rnn.forward(net, batch)
    g = rnn.bptt(net, trace, y_train[:4, None], 10).params()
    rnn.train_epoch(net, ni.OneHot(x_train[:4], 100), y_train[:4, None], ni.SGD(0.01), 32, k=10)
    for name, value in net.params().items():  # w -= lr * grad, gradient truncated at 10 steps
        np.testing.assert_allclose(value, before.params()[name] - 0.01 * g[name], atol=1e-12)
    assert ni.score(np.array([0.6, 0.4, 0.5]), np.array([1, 0, 1])) == 2 / 3  # z2 > 0 only


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_experiments_page_trains_the_numpy_network(lang, tmp_path, monkeypatch):
    from lab.models import numpy_imdb as ni
    from tests.conftest import lab_failures

    at = generated_experiment("lecture_001", lang, tmp_path, monkeypatch)
    at.button(key="ex_numpy_run").click().run(timeout=300)
    data = ex.reviews("generated")
    key = ni.key("generated", ni.lecture_split(data), ni.setup(1))
    job = ex.STORE.job(key)
    if job is not None:  # still training (the first run compiles the kernels): wait
        assert job.wait(300)
    at.run()  # redraw: the run above may have drawn the training, ended since
    assert not lab_failures(at)
    column = i18n.t("printed.col.printed", lang)  # the printouts' table, wherever it stands
    table = [d.value for d in at.dataframe if column in d.value.columns][-1].set_index(column)
    row = table.loc[i18n.t("printed.numpy_score", lang)]
    found = ex.STORE.get(key)
    assert found.history["val_accuracy"][-1] == ni.score(found.p_test, ni.lecture_split(data)[3])
    assert row.tolist()[:2] == ["0.7002", f"{found.history['val_accuracy'][-1]:.4f}"]
    assert table.loc[i18n.t("printed.numpy_epochs", lang)].tolist()[:2] == ["20", "1"]
