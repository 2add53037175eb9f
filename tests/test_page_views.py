"""The experiments, IMDB and text pages' view builders without a page (the plan of an
experiment and what a run shows, the reviews a page's controls name, the tokenizer's rules, the
threshold section, the classifier a page trains or reads, the embedding's note), and that every
page stays thin: no page over 150 lines, no function over 25, no NumPy."""

import ast

import numpy as np
import pytest

from lab.core.cache import cache_dir
from lab.core import i18n
from lab.core.i18n import t
from lab.data import imdb
from lab.figures import experiments as ex_views, imdb as imdb_views, text as text_views
from lab.models import experiments as ex, imdb_model, lecture_sweep
from lab.training import budget
from tests.conftest import ROOT

MAX_PAGE_FUNCTION_LINES = 25
MAX_PAGE_LINES = 150


def reviews(n: int = 50, longest: int = 30, top_id: int = 40) -> imdb.Dataset:
    """``n`` training and ``n`` test reviews of ids up to ``top_id - 1`` (one is empty)."""
    rng = np.random.default_rng(0)
    seqs = [[int(i) for i in rng.integers(1, top_id, rng.integers(1, longest))]
            for _ in range(2 * n)]
    seqs[0], seqs[min(3, n - 1)] = [1, top_id - 1], []
    labels = (np.arange(n) % 2).astype(np.int64)
    return imdb.Dataset(seqs[:n], labels, seqs[n:], labels, None, "generated")


def result(net_id: str, best: float) -> ex.Result:
    p = np.linspace(0.01, 0.99, 50)
    return ex.Result(net_id, {"loss": [0.7, 0.6], "accuracy": [0.5, 0.6],
                              "val_loss": [0.7, 0.65], "val_accuracy": [best - 0.1, best]},
                     p, 123, 1.5)


# --- Experiments ---------------------------------------------------------------------------
def test_a_plan_caps_each_fit_and_names_the_models_own():
    data = reviews()
    short, long = (ex_views.plan("generated", data, "lecture_001", e) for e in (5, 50))
    assert short.fit.epochs == 5 and short.fits["embedding1000_simplernn"].optimizer == "adam"
    assert long.fit.epochs == 20 and long.fits["embedding1000_simplernn"].epochs == 10
    assert short.words == 40  # the largest id + 1
    first, own = long.captions()
    assert "sgd" in first and "20" in first
    assert t("experiments.net.embedding1000_simplernn") in own and "adam" in own
    assert len(ex_views.plan("generated", data, "four_architectures", 5).captions()) == 1
    assert short.asked != ex_views.plan("keras", data, "lecture_001", 5).asked != long.asked


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_fit_says_early_stopping_only_where_the_lecture_has_a_callback(lang):
    """Lectures 000 and 001 compile no EarlyStopping: their caption says the last epoch is kept;
    003's and 004's name what their callback watches."""
    data, say = reviews(), lambda e: ex_views.plan("generated", data, e, 5).captions()[0]
    no_stop = {"en": "with no early stopping", "ko": "조기 종료 없이"}[lang]
    with i18n.using(lang):
        assert no_stop in say("lecture_001") and no_stop in say("lecture_000")
        for e in ("one_hot_vs_embedding", "four_architectures"):
            assert no_stop not in say(e) and "patience" in say(e)


def test_the_plan_table_counts_each_models_parameters_for_the_datas_words():
    p = ex_views.plan("generated", reviews(), "four_architectures", 1)
    table = p.table()
    nets = p.experiment.nets
    assert table["parameters"].tolist() == [ex.param_count(n, ex.vocabulary(n, 40))
                                            for n in nets]
    assert table["lecture_parameters"].isna().tolist() == [n.lecture_params is None
                                                            for n in nets]
    assert (table["input_memory_mb"] > 0).all()


def test_run_costs_only_the_models_neither_trained_nor_training():
    p = ex_views.plan("generated", reviews(), "one_hot_vs_embedding", 2)
    nets = p.experiment.nets
    costs = [p.cost(n) for n in nets]
    assert costs[0] == budget.stacked([("SimpleRNN", 8)], 50, 100, 500, 2)  # one-hot, 500 wide
    assert p.new_cost() == pytest.approx(sum(costs))
    _, _, _, fingerprint = ex.prepare(p.data, nets[1])
    result(nets[1].id, 0.8).save(cache_dir(ex.STORE.folder),
                                 ex.key(p.source, fingerprint, nets[1], p.fits[nets[1].id]))
    assert not p.is_new(nets[1]) and p.is_new(nets[0])
    assert p.new_cost() == pytest.approx(costs[0] + costs[2])


def test_the_numpy_network_is_shown_beside_lecture_001_only():
    data = reviews()
    assert ex_views.numpy_run(ex_views.plan("generated", data, "stacking", 3)) is None
    run = ex_views.numpy_run(ex_views.plan("generated", data, "lecture_001", 30))
    assert run.epochs == 20 and run.asked == ("generated", 30)  # the lecture's 20 at most
    assert run.cost == budget.stacked([("SimpleRNN", 32)], 40, 100, 100, 20)  # 80% of 50


def test_a_run_shows_the_best_models_sweep():
    p = ex_views.plan("generated", reviews(), "stacking", 2)
    low, high = (n.id for n in p.experiment.nets)
    results = {low: result(low, 0.6), high: result(high, 0.9)}
    results[high].p_test = results[high].p_test[::-1].copy()
    view = ex_views.results_view(p, results)
    assert len(view.table) == 2 and not view.diverged
    assert t(f"experiments.net.{high}") in view.sweep_note
    expected = lecture_sweep.sweep(p.data.y_test, results[high].p_test).rows()
    assert [r[0] for r in view.sweep] == [r[0] for r in expected]
    assert np.array_equal(view.sweep[0][2], expected[0][2])
    assert len(view.curves.data) == 4  # validation and training accuracy of each


# --- IMDB ----------------------------------------------------------------------------------
def test_the_controls_name_reviews_or_say_what_is_missing():
    with pytest.raises(imdb.DataUnavailable) as err:
        imdb_views.load_args("folder", "lecture_003", None, "/data", folders_allowed=False)
    assert err.value.key == "imdb.err.folders_off"
    with pytest.raises(imdb.DataUnavailable) as err:
        imdb_views.load_args("csv", "lecture_003", None, "", folders_allowed=True)
    assert err.value.key == "imdb.choose_csv"
    assert imdb_views.load_args("folder", "lecture_001", None, "/data", True) == (
        "folder", 1000, 20, 100, None, "/data", True)  # lecture 001 drops the ids left at 2
    assert imdb_views.load_args("csv", "lecture_003", b"x", "", False)[-1] is False


def test_the_reviews_are_read_once_for_every_session(monkeypatch):
    """``imdb.loaded`` reads (and pads) the reviews once per process: the same arguments, or an
    upload of the same bytes, get the same arrays, also for threads asking at once."""
    import threading
    import time

    reads, real = [], imdb.load
    monkeypatch.setattr(imdb, "load", lambda *a: reads.append(a) or time.sleep(0.05) or real(*a))
    imdb.forget_loaded()
    csv = b"review,sentiment\n" + b"".join(b"a great film %d,positive\nawful %d,negative\n"
                                           % (i, i) for i in range(20))
    asked = ("csv", 500, 0, 20, csv, "", False)
    threads = [threading.Thread(target=imdb.loaded, args=asked) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    first = imdb.loaded(*asked)
    assert imdb.loaded("csv", 500, 0, 20, bytes(bytearray(csv)), "", False) is first
    assert len(reads) == 1 and first[1].shape == (32, 20)
    assert imdb.loaded("csv", 500, 0, 10, csv, "", False)[1].shape == (32, 10)  # a new maxlen
    assert len(reads) == 2
    imdb.forget_loaded()


def test_the_tokenizer_view_follows_the_preset():
    data = reviews()
    padded = np.array([0, 0, 1, 14])
    lecture_001 = imdb_views.tokenizer_view(data, "lecture_001", padded)
    assert len(lecture_001.rules) == 2 and "996" in lecture_001.rules[0]
    assert lecture_001.rules[1] == t("imdb.oov_dropped")
    assert lecture_001.shapes[0] == t("imdb.padded", ids=[0, 0, 1, 14])
    assert lecture_001.shapes[1] == t("imdb.one_hot", maxlen=100, num_words=1000,
                                      size=20_000 * 100 * 1000 * 4)
    assert len(imdb_views.tokenizer_view(data, "lecture_003", padded).rules) == 1


def test_the_threshold_view_scores_and_says_when_nothing_is_positive():
    y = np.array([0, 0, 1, 1, 1])
    p = np.array([0.1, 0.6, 0.4, 0.7, 0.9])
    view = imdb_views.threshold_view(y, p, 0.5, 1.0, 1.0)
    labels = [label for label, _ in view.metrics]
    assert labels == [t("imdb.accuracy"), t("imdb.precision"), t("imdb.recall"), "F1",
                      t("imdb.misclassified")]
    assert view.metrics[0][1] == "0.600" and view.metrics[4][1] == t("imdb.of", n=2, total=5)
    assert not view.none_positive and len(view.figures) == 4
    assert view.csv.startswith("threshold,misclassification,cost")
    assert imdb_views.threshold_view(y, p, 0.95, 1.0, 1.0).none_positive
    wrong = imdb_views.threshold_view(np.array([0, 1]), np.array([0.9, 0.1]), 0.5, 1.0, 1.0)
    assert not wrong.none_positive  # one predicted positive, wrongly


def test_a_new_classifier_other_than_the_default_trains_on_request():
    x = np.zeros((30, 100), dtype=np.int32)
    y = np.zeros(30)
    default = imdb_views.classifier("k1", x, y, x, 500, imdb_model.DEFAULT_SETTINGS)
    other = imdb_views.classifier("k2", x, y, x, 500, imdb_model.ModelSettings(units=8))
    assert default.found is None and not default.on_request and other.on_request
    assert other.name == "LSTM(8)"
    assert other.cost == budget.imdb(30, 100, 32, "LSTM", 8, 8)


# --- Text ----------------------------------------------------------------------------------
def test_the_embedding_note_gives_its_width_and_accuracy():
    class Trained:
        embedding = np.zeros((20, 6))
        p_test = np.array([0.9, 0.2, 0.4, 0.8])

    data = reviews(2)
    data.y_test = np.array([1, 0, 1, 1])
    note = text_views.embedding_note(Trained(), data)
    assert note == t("text.embedding_honest", source=data.summary(), dim=6, acc=0.75)


# --- Every page ----------------------------------------------------------------------------
PAGES = sorted((ROOT / "pages").glob("*.py"))


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_a_page_is_thin(path):
    """Controls, one lab call per view and figures (issue 24): no page over 150 lines, no
    function over 25, and no NumPy (its maths lives in lab)."""
    source = path.read_text()
    assert len(source.splitlines()) <= MAX_PAGE_LINES, f"{len(source.splitlines())} lines"
    tree = ast.parse(source)
    long = [f"{node.name}: {node.end_lineno - node.lineno + 1} lines"
            for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.end_lineno - node.lineno + 1 > MAX_PAGE_FUNCTION_LINES]
    assert not long, long
    imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names]
    imported += [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert not [m for m in imported if m and m.split(".")[0] == "numpy"], imported
