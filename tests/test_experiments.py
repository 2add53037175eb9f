"""The lectures' text-model experiments (issue 15): parameter counts against Keras and the
lectures, the data each model reads, training on the reference subset, and the page."""

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from lab.core import i18n
from lab.models import experiments as ex
from lab.data import imdb
from tests.conftest import ROOT, lab_failures, link_params

APP = str(ROOT / "app.py")
LECTURE_004_WORDS = 88_579  # lecture 004: NUM_WORDS = x_train_seq.max() + 1 (708,632 / 8)


def nets():
    return [(e, n) for e in ex.EXPERIMENTS.values() for n in e.nets]


@pytest.mark.parametrize("experiment, net", nets(), ids=lambda v: getattr(v, "id", ""))
def test_parameter_counts_equal_keras_and_the_lecture(experiment, net):
    words = net.num_words or LECTURE_004_WORDS
    model = ex.build(net, words)
    assert model.count_params() == ex.param_count(net, words)
    if net.lecture_params is not None:
        assert ex.param_count(net, words) == net.lecture_params
    assert [s for _, s in ex.shapes(net, words)][-1] == (None, 1) == model.output_shape


def test_the_lectures_printed_counts_are_all_here():
    printed = {n.lecture_params for _, n in nets()}
    assert {4_081, 8_209, 8_809, 4_289, 32_337, 708_793, 708_672, 708_921} <= printed


def test_stacking_returns_sequences_between_the_layers():
    net = ex.EXPERIMENTS["stacking"].nets[1]
    assert ex.shapes(net, 500)[1:3] == [("LSTM(8)", (None, 100, 8)), ("LSTM(8)", (None, 8))]


def test_lecture_001_drops_the_ids_left_at_2():
    net = ex.EXPERIMENTS["lecture_001"].nets[0]
    data = imdb.Dataset([[1, 5, 25, 99, 150, 30]], np.array([1]), [[1, 40, 400]], np.array([0]),
                        None, "t")
    x_train, x_test, words, _ = ex.prepare(data, net)
    assert words == 100
    assert x_train[0][-3:].tolist() == [25, 99, 30]  # 1, 5 (< skip_top 20) and 150 (>= 100) -> 2
    assert 2 not in x_train and 2 not in x_test


def test_input_memory_is_the_lectures():
    net = ex.EXPERIMENTS["lecture_001"].nets[0]
    assert ex.input_bytes(net, 100, 20_000) == 800_000_000  # lecture 001's one-hot, float32
    assert ex.input_bytes(ex.EXPERIMENTS["lecture_001"].nets[1], 1000, 20_000) == 8_000_000


def test_length_statistics():
    data = imdb.Dataset([[1] * n for n in (10, 20, 30, 200)], np.zeros(4), [], np.zeros(0),
                        None, "t")
    s = ex.length_stats(data, 25)
    assert (s.mean, s.median, s.truncated, s.padded) == (65.0, 25.0, 0.5, 0.5)


@pytest.fixture
def subset(shared_data):
    return imdb.load_npz(shared_data / "imdb_keras_subset_num500.npz", 10**6)


@pytest.mark.parametrize("experiment", list(ex.EXPERIMENTS), ids=str)
def test_every_experiment_trains_on_the_reference_subset(experiment, subset):
    """One epoch each (two for lecture 004's four models at maxlen 20), 500 reviews (a
    model's build and first batches take most of the time: 2,000 took 1.2-1.7x as long)."""
    e = ex.EXPERIMENTS[experiment]
    data = ex.subset(subset, (500, 100))
    for net in e.nets:
        fit = ex.capped(e, 2 if experiment == "four_architectures" else 1, net)
        x_train, x_test, words, _ = ex.prepare(data, net)
        r = ex.train(net, fit, x_train, data.y_train, x_test, words)
        assert not r.diverged and r.params == ex.param_count(net, words)
        assert len(r.history["val_accuracy"]) == fit.epochs and r.p_test.shape == (100,)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_page_runs_lecture_004s_comparison(lang, tmp_path, monkeypatch):
    monkeypatch.setenv("LAB_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(imdb, "KERAS_FILE", tmp_path / "none.npz")  # the generated reviews
    at = AppTest.from_file(APP, default_timeout=300)
    at.query_params.update(link_params({"ex_id": "four_architectures", "ex_epochs": 1,
                                        "ex_maxlen": 20, "ex_source": "generated"}, lang))
    at.switch_page("pages/experiments.py")
    at.run()
    assert not lab_failures(at)
    nets = ex.EXPERIMENTS["four_architectures"].nets
    plan = at.dataframe[1].value  # after the data printouts: the lecture's counts, blanks
    assert plan.iloc[:, 3].tolist() == [n.lecture_params or pd.NA for n in nets]
    at.button(key="ex_run").click().run()
    assert not lab_failures(at)
    assert len(at.dataframe) == 4, "the results table and the sweep are drawn below the plan"
    results = at.dataframe[-2].value
    data = imdb.load_generated(10_000)
    expected = [ex.param_count(n, ex.prepare(data, n)[2]) for n in nets]
    assert len(results) == 4 and results.iloc[:, 1].tolist() == expected
    assert results[i18n.t("experiments.col.best_val", lang)].between(0, 1).all()
    printed = [n.lecture_epochs or pd.NA for n in nets]  # beside the epochs this run kept
    assert results[i18n.t("experiments.col.lecture_epochs", lang)].tolist() == printed
    # the epochs whose weights the lecture's run ends with (patience 0, the last), and their
    # printed validation accuracy: not the best (0.7600, 0.7556); LSTM(4)'s printout is cut
    assert results[i18n.t("experiments.col.lecture_kept_epoch", lang)].tolist() == [
        10, 16, 7, pd.NA]
    assert results[i18n.t("experiments.col.lecture_kept_val", lang)].tolist() == [
        0.7590, 0.7288, 0.7486, pd.NA]
    assert len(at.get("plotly_chart")) >= 2  # the lengths and the curves


def test_prepare_trains_the_experiments_the_page_then_opens_without_training(tmp_path,
                                                                             monkeypatch):
    from lab import prepare

    monkeypatch.setenv("LAB_CACHE_DIR", str(tmp_path))
    generated = imdb.load_generated(10_000)
    monkeypatch.setattr(ex, "reviews", lambda source: generated)  # stands for Keras's reviews
    monkeypatch.setattr(ex, "EXPERIMENTS", {"four_architectures":
                                            ex.EXPERIMENTS["four_architectures"]})
    monkeypatch.setattr(ex, "PAGE_EPOCHS", 1)
    results = prepare.prepare([prepare.Step("experiments", prepare.experiments)])
    assert results[0][1], results

    trained = []

    def refuse(net, *args, **kwargs):  # a store job: its error would only be drawn on the page
        trained.append(net.id)
        raise AssertionError("the page trained after lab.prepare")
    monkeypatch.setattr(ex, "train", refuse)
    monkeypatch.setattr(imdb, "KERAS_FILE", tmp_path)  # "prepared": the Keras reviews exist
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update(link_params({"ex_id": "four_architectures", "ex_epochs": 1}))
    at.switch_page("pages/experiments.py")
    at.run()
    at.button(key="ex_run").click().run()
    assert trained == [] and not lab_failures(at), (trained, lab_failures(at))
    assert at.session_state["ex_source"] == "keras"
    assert len(at.dataframe) == 4 and len(at.dataframe[-2].value) == 4, "the results table"
    import streamlit as st
    st.cache_resource.clear()  # the page's reviews("keras") held the generated stand-in
