"""Take-home notebooks (issue 26, part 5): every page that trains offers its settings as a
Jupyter notebook, which holds the lecture's Keras code, reads the same data and states the
page's numbers. Here the exported notebooks run on small data (the reference copies in
../shared/data, no network) and must reproduce the page: parameter counts and the data's
numbers exactly, trained metrics within each notebook's stated tolerance.

The notebooks' code runs two ways: in this process (fast: Keras is imported once), and
headless in a Jupyter kernel through ``nbclient`` as a student would run it (a kernel of its
own imports TensorFlow again: the XOR notebook by default, every one under ``-m slow``).
"""

from __future__ import annotations

import ast
import dataclasses
import re
import shutil
from pathlib import Path

import nbformat
import numpy as np
import pytest

from lab.core import i18n
from lab.data import imdb, stock
from lab.data.stock import PrepSettings
from lab.models import experiments as ex, imdb_model, memory, stock_model
from lab.models.imdb_model import ModelSettings
from lab.models.memory import MemorySettings
from lab.networks import charseq as cs, mlp
from tests.conftest import link_params
from lab.notebooks import (cells, charseq as nb_charseq, experiments as nb_experiments,
                           imdb as nb_imdb, memory as nb_memory, rnn_demos as nb_rnn,
                           stock as nb_stock, xor as nb_xor)

ROOT = Path(__file__).resolve().parents[1]
HANGUL = re.compile("[\uac00-\ud7a3]")
# Lecture 000's model, smaller, and its 507 training windows in one batch: shuffling (Keras's
# in the notebook, tf.data's in the lab) cannot change a step.
STOCK_SMALL = stock_model.ForecastSettings("LSTM", 8, "tanh", epochs=30, lr=3e-2, batch_size=512,
                                           validation=0.0)
IMDB_SMALL = ModelSettings("SimpleRNN", embedding=8, units=4, epochs=1, batch_size=128)


def every_notebook(lang: str, shown=None) -> list:
    """One notebook of every builder (and every stock source and experiment)."""
    books = [nb_xor.build(nb_xor.Settings(True, 3, 0, 0.1, 10), shown, lang),
             nb_xor.build(nb_xor.Settings(False, 5, 7, 0.5, 0), shown, lang),
             nb_imdb.build(nb_imdb.Settings("keras", "lecture_001", ModelSettings()), shown, lang),
             nb_imdb.build(nb_imdb.Settings("csv", "lecture_003", ModelSettings()), shown, lang),
             nb_memory.build(nb_memory.Settings((5, 20), MemorySettings()), None, lang),
             nb_charseq.build(nb_charseq.Settings(cs.DEFAULT_WORDS, 16, 0.02, 200, 0), shown,
                              lang),
             nb_rnn.build(nb_rnn.Settings(8, 0.05, 10, 20, 16, 0.01, 3), shown, lang)]
    books += [nb_stock.build(nb_stock.Settings(nb_stock.Source(kind, "005930.KS", "x.csv"),
                                               PrepSettings(), stock_model.ForecastSettings()),
                             shown, lang) for kind in ("embedded", "upload", "online")]
    return books + [nb_experiments.build(nb_experiments.Settings(e, 20), None, lang)
                    for e in ex.EXPERIMENTS]


def markdown(nb) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_notebook_is_valid_python_in_the_users_language(lang):
    shown = {"params": 1_234, "loss": 0.5}
    for nb in every_notebook(lang, shown) + every_notebook(lang, None):
        nbformat.validate(nb)
        nbformat.validate(nbformat.reads(cells.to_bytes(nb).decode(), as_version=4))
        assert nb.metadata.kernelspec.name == "python3" and nb.metadata.lab.language == lang
        for cell in nb.cells:
            if cell.cell_type == "code":
                compile(cell.source, "cell", "exec")  # Python, never a shell command
        text = markdown(nb)
        assert bool(HANGUL.search(text)) == (lang == "ko"), text[:200]
        assert nb.cells[-1].source.endswith(f"\n{cells.RESULTS}")
    trained = markdown(every_notebook(lang, shown)[0])
    assert "`1,234`" in trained and i18n.t("notebooks.number.params", lang) in trained
    assert i18n.t("notebooks.not_trained", lang) in markdown(every_notebook(lang)[0])


def test_a_setting_outside_the_kinds_table_is_refused():
    from lab.maths.kinds import UnknownKind

    with pytest.raises(UnknownKind):
        nb_imdb.build(nb_imdb.Settings("keras", "lecture_003", ModelSettings(kind="Conv1D")),
                      None, "en")


# --- The notebooks' models are the lab's models --------------------------------------------
def settings_of(nb) -> dict:
    """The constants of the notebook's settings cell."""
    code = next(c.source for c in nb.cells if c.cell_type == "code")
    out: dict = {}
    exec(code, out)
    return out


def built(nb, names: dict | None = None, index: int = 0):
    """The index-th Keras model the notebook builds, from its own code (the
    ``keras.Sequential`` statement), with its settings and ``names`` defined."""
    import keras

    lines = [c.source for c in nb.cells if c.cell_type == "code" and
             "keras.Sequential(" in c.source][index].splitlines()
    start = next(i for i, line in enumerate(lines) if "keras.Sequential(" in line)
    end = next(i for i, line in enumerate(lines) if i > start and line.startswith("])"))
    space = {**settings_of(nb), "keras": keras, **(names or {})}
    exec("\n".join(lines[start:end + 1]), space)
    return next(v for v in space.values() if isinstance(v, keras.Model))


def layers(model) -> list:
    """Each layer's class and configuration, its name left out (Keras numbers the names)."""
    return [(type(layer).__name__, {k: v for k, v in layer.get_config().items() if k != "name"})
            for layer in model.layers]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_notebooks_models_are_the_labs_models(seed):
    from lab.networks import keras_ref

    rng = np.random.default_rng(seed)
    pick = lambda options: options[int(rng.integers(len(options)))]  # noqa: E731
    hidden = int(rng.integers(1, 9))
    nb = nb_xor.build(nb_xor.Settings(False, hidden, seed, 0.5, 5), None, "en")
    assert layers(built(nb)) == layers(keras_ref.build_model(hidden))

    prep = PrepSettings(("Close", "3MA_new"), "close", int(rng.integers(2, 30)), 0.7)
    model = stock_model.ForecastSettings(pick(("SimpleRNN", "LSTM", "GRU")),
                                         pick((4, 16, 128)), pick(("tanh", "relu")))
    nb = nb_stock.build(nb_stock.Settings(nb_stock.Source("embedded"), prep, model), None, "en")
    assert layers(built(nb)) == layers(stock_model.build(prep.window_size, 2, model))

    s = ModelSettings(pick(("SimpleRNN", "LSTM", "GRU")), pick((8, 32)), pick((4, 32)))
    nb = nb_imdb.build(nb_imdb.Settings("keras", "lecture_003", s), None, "en")
    keras_model = built(nb)
    assert keras_model.count_params() == nb_imdb.param_count(500, s)
    assert [type(layer).__name__ for layer in keras_model.layers] == ["Embedding", s.kind, "Dense"]

    e = ex.EXPERIMENTS[pick(tuple(ex.EXPERIMENTS))]
    nb = nb_experiments.build(nb_experiments.Settings(e.id, 3), None, "en")
    for i, net in enumerate(e.nets):
        words = ex.vocabulary(net, 600)
        assert layers(built(nb, {"words": words}, i)) == layers(ex.build(net, words)), net.id

    s = MemorySettings(units=int(rng.integers(2, 12)), lstm_forget_bias=pick((1.0, 3.0)))
    space = {}
    nb = nb_memory.build(nb_memory.Settings((5,), s), None, "en")
    for cell in nb.cells[:next(i for i, c in enumerate(nb.cells) if "def make_model" in c.source) + 1]:
        if cell.cell_type == "code":
            exec(cell.source, space)
    for kind in ("SimpleRNN", "LSTM", "GRU"):
        ours, lab = space["make_model"](kind), memory._keras_model(kind, s.units, 1, s.lr,
                                                                    s.lstm_forget_bias)
        assert layers(ours) == layers(lab)
        assert all(np.array_equal(a, b) for a, b in zip(ours.layers[0].get_weights()[2:],
                                                          lab.layers[0].get_weights()[2:]))

    words = ("국민대학", "딥러닝")
    nb = nb_charseq.build(nb_charseq.Settings(words, 6, 0.02, 10, 0), None, "en")
    V = len(cs.vocabulary(list(words)))
    assert built(nb, {"V": V}).count_params() == nb_charseq.param_count(words, 6)


# --- Running the notebooks -------------------------------------------------------------------
def run_here(nb, folder: Path, monkeypatch) -> dict:
    """Every code cell in one namespace in this process, run in ``folder``; the last cell's
    numbers."""
    monkeypatch.chdir(folder)
    space: dict = {}
    for cell in nb.cells:
        if cell.cell_type == "code":
            exec(cell.source, space)
    return space[cells.RESULTS]


def run_kernel(nb, folder: Path, first: str = "") -> dict:
    """The notebook run headless in a Jupyter kernel (``nbclient``, this venv's ``python3``
    kernel, in ``folder``), after a cell ``first``; the last cell's numbers."""
    from nbclient import NotebookClient

    nb = nbformat.from_dict(nb)
    if first:
        nb.cells.insert(0, nbformat.v4.new_code_cell(first))
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(folder)}}).execute()
    out = nb.cells[-1].outputs[-1]
    assert out.output_type == "execute_result", out
    return ast.literal_eval(out.data["text/plain"])


def xor_case(steps: int = 30):
    s = nb_xor.Settings(False, 3, 4, 0.5, steps)
    p = s.start()
    mlp.train(p, s.lr, s.steps)  # what the page does for these steps
    return nb_xor.build(s, nb_xor.numbers(p, s.steps), "en"), nb_xor.numbers(p, s.steps)


def check_xor(got: dict, page: dict) -> None:
    assert got["params"] == page["params"] and got["steps"] == page["steps"]
    assert got["loss"] == pytest.approx(page["loss"], abs=nb_xor.TOLERANCE)
    assert got["outputs"] == pytest.approx(page["outputs"], abs=nb_xor.TOLERANCE)


def stock_case(shared: Path, folder: Path, monkeypatch):
    """Lecture 000's stock_daily.csv, uploaded, with a small LSTM: the page's numbers, as the
    page trains a large model (with Keras: a model of NumPy's size starts from other random
    numbers, which moves this small series' RMSE by a third or more)."""
    monkeypatch.setattr(stock_model, "NUMPY_MAX_UNITS", STOCK_SMALL.units - 1)
    shutil.copy(shared / "stock_daily.csv", folder)
    data = stock.parse_csv((shared / "stock_daily.csv").read_bytes(), "stock_daily.csv")
    prep = stock_model.PRESETS["lecture 000"].prep
    windows = stock.prepare(data, prep)
    page = nb_stock.numbers(windows, stock_model.train(windows, STOCK_SMALL))
    s = nb_stock.Settings(nb_stock.Source("upload", file_name="stock_daily.csv"), prep, STOCK_SMALL)
    return nb_stock.build(s, page, "en"), page


def check_stock(got: dict, page: dict) -> None:
    for name in ("params", "windows", "train_windows", "epochs_run"):
        assert got[name] == page[name], name
    assert got["rmse_naive"] == pytest.approx(page["rmse_naive"], rel=nb_stock.NAIVE_TOLERANCE)
    assert got["scaled_sum"] == pytest.approx(page["scaled_sum"], rel=nb_stock.NAIVE_TOLERANCE)
    assert page["engine"] == "keras"
    assert got["rmse_model"] == pytest.approx(page["rmse_model"],
                                              rel=nb_stock.RMSE_TOLERANCE["keras"])


def imdb_case():
    """The IMDB page's numbers for small settings on the reference subset (as Keras's)."""
    num_words, skip_top, maxlen = imdb.PRESETS["lecture_003"]
    data = imdb.load_keras(num_words, skip_top)
    x_train, x_test, _ = imdb.padded(data, maxlen)
    trained = imdb_model.train(x_train, data.y_train, x_test, num_words, IMDB_SMALL)
    page = nb_imdb.numbers(trained, data.y_test, num_words, 0.5)
    return nb_imdb.build(nb_imdb.Settings("keras", "lecture_003", IMDB_SMALL), page, "en"), page


def check_imdb(got: dict, page: dict) -> None:
    assert got["params"] == page["params"] and got["epochs_run"] == page["epochs_run"]
    assert got["test_accuracy"] == pytest.approx(page["test_accuracy"],
                                                 abs=nb_imdb.ACCURACY_TOLERANCE)


# In a kernel, Keras's IMDB loader reads the reference subset, as keras_imdb_prepared does here.
IMDB_SUBSET_CELL = """\
import sys
sys.path.insert(0, {root!r})
import keras
import numpy as np
from lab.data import imdb as lab_imdb


def load_data(num_words=None, skip_top=0, **_):
    d = lab_imdb.load_npz({subset!r}, num_words or 10**9, skip_top)
    ids = lambda xs: np.array([np.array(x) for x in xs], dtype=object)
    return (ids(d.x_train), d.y_train), (ids(d.x_test), d.y_test)


keras.datasets.imdb.load_data = load_data"""


def test_xor_notebook_reproduces_the_page(tmp_path, monkeypatch):
    nb, page = xor_case()
    check_xor(run_here(nb, tmp_path, monkeypatch), page)


def test_stock_notebook_reproduces_the_page(shared_data, tmp_path, monkeypatch):
    nb, page = stock_case(shared_data, tmp_path, monkeypatch)
    check_stock(run_here(nb, tmp_path, monkeypatch), page)


def test_a_ranged_upload_notebook_cuts_the_pages_rows(shared_data, tmp_path, monkeypatch):
    """Lecture 002's Samsung days on the uploaded file: the notebook's windows are the page's
    (5,528 of the file's 5,913 rows), not the whole file's."""
    shutil.copy(shared_data / "samsung_005930.csv", tmp_path)
    data = stock.parse_csv((shared_data / "samsung_005930.csv").read_bytes(), "samsung.csv")
    prep = stock_model.PRESETS["lecture 002 LSTM"].prep
    windows = stock.prepare(stock.within(data, *stock.LECTURE_002_DAYS), prep)
    source = nb_stock.Source("upload", file_name="samsung_005930.csv",
                             first=stock.LECTURE_002_DAYS[0], last=stock.LECTURE_002_DAYS[1])
    one_epoch = dataclasses.replace(STOCK_SMALL, epochs=1)
    got = run_here(nb_stock.build(nb_stock.Settings(source, prep, one_epoch), None, "en"),
                   tmp_path, monkeypatch)
    assert got["windows"] == list(windows.X.shape) and got["train_windows"] == windows.split
    assert got["scaled_sum"] == pytest.approx(float(windows.X.astype(float).sum()),
                                              rel=nb_stock.NAIVE_TOLERANCE)


def test_imdb_notebook_reproduces_the_page(keras_imdb_prepared, tmp_path, monkeypatch):
    nb, page = imdb_case()
    check_imdb(run_here(nb, tmp_path, monkeypatch), page)


def test_xor_notebook_runs_headless_in_a_kernel(tmp_path):
    nb, page = xor_case(steps=10)
    check_xor(run_kernel(nb, tmp_path), page)


@pytest.mark.slow
def test_stock_and_imdb_notebooks_run_headless_in_a_kernel(shared_data, keras_imdb_prepared,
                                                           tmp_path, monkeypatch):
    nb, page = stock_case(shared_data, tmp_path, monkeypatch)
    check_stock(run_kernel(nb, tmp_path), page)
    nb, page = imdb_case()
    cell = IMDB_SUBSET_CELL.format(root=str(ROOT),
                                   subset=str(shared_data / "imdb_keras_subset_num500.npz"))
    check_imdb(run_kernel(nb, tmp_path, cell), page)


# --- The pages offer them --------------------------------------------------------------------
TRAINING_PAGES = ("xor", "rnn", "structures", "gates", "stock", "imdb", "experiments")


def handed_notebooks(monkeypatch) -> dict:
    """What the pages hand their download buttons, by file name (a notebook's is a callable:
    Streamlit makes the file when the button is clicked)."""
    from streamlit.elements.widgets import button

    handed, real = {}, button.marshall_file

    def spy(coordinates, data, proto, mimetype, file_name=None, **kwargs):
        handed[file_name] = data
        return real(coordinates, data, proto, mimetype, file_name, **kwargs)
    monkeypatch.setattr(button, "marshall_file", spy)
    return handed


@pytest.mark.parametrize("page", TRAINING_PAGES + ("perceptron", "text"))
def test_every_training_page_offers_its_notebook(page, monkeypatch):
    """In the sidebar, also of a page that stopped to wait for its Train or Run button (IMDB
    at new settings, the experiments): the notebook of the settings on screen, with the
    numbers the page showed where it trained; nothing on a page that does not train."""
    from streamlit.testing.v1 import AppTest

    handed = handed_notebooks(monkeypatch)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    if page == "imdb":  # new settings: the page waits for its Train button
        at.query_params.update(link_params({"im_epochs": 1, "im_kind": "SimpleRNN",
                                            "im_units": 4, "im_emb": 8}))
    at.switch_page(f"pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    name = f"{page}_en.ipynb"
    if page not in TRAINING_PAGES:
        assert name not in handed
        return
    assert callable(handed[name]), "the notebook was made on the rerun, not when asked"
    nb = nbformat.reads(handed[name]().decode(), as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.lab.page == page
    trained = i18n.t("notebooks.not_trained", "en") not in markdown(nb)
    assert trained == (page in ("xor", "rnn", "structures", "stock")), page
    if page == "imdb":  # the settings on screen
        assert "keras.layers.SimpleRNN(4)" in "".join(c.source for c in nb.cells)
        assert "epochs=1," in "".join(c.source for c in nb.cells)
        assert settings_of(nb)["MAXLEN"] == imdb.PRESETS[imdb_model.DEFAULT_PRESET][2]
        at.button(key="im_train").click().run()  # trained: the notebook has the page's numbers
        nb = nbformat.reads(handed[name]().decode(), as_version=4)
        accuracy = next(m.value for m in at.metric if m.label == i18n.t("imdb.accuracy", "en"))
        row = re.search(rf"\| {i18n.t('notebooks.number.test_accuracy', 'en')} \| `([0-9.]+)`",
                        markdown(nb))
        assert row and float(row.group(1)) == pytest.approx(float(accuracy), abs=5e-4)
    if page == "stock":
        assert f"keras.layers.{at.selectbox(key='sk_kind').value}(" in "".join(
            c.source for c in nb.cells)


def test_the_notebook_speaks_the_pages_language(monkeypatch):
    from streamlit.testing.v1 import AppTest

    handed = handed_notebooks(monkeypatch)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params.update(link_params(lang="ko"))
    at.switch_page("pages/xor.py")
    at.run()
    at.button(key="xor__step").click().run()
    nb = nbformat.reads(handed["xor_ko.ipynb"]().decode(), as_version=4)
    assert HANGUL.search(markdown(nb)) and nb.metadata.lab.language == "ko"
    assert settings_of(nb)["STEPS"] == at.session_state["xor_state"].steps > 0


# --- The other pages' notebooks run too (slow: six Keras models, generation step by step; the
# fast tests above compile their cells and build their models beside the lab's) -----------------
@pytest.mark.slow
def test_the_memory_notebook_reproduces_the_labs_experiment(tmp_path, monkeypatch):
    """Keras on both sides with the same seeds: the same accuracies."""
    s = MemorySettings(units=4, n_train=64, n_test=64, epochs=1)
    result = memory.MemoryResult([3], s, memory.memory_experiment([3], s))
    page = nb_memory.numbers(result)
    got = run_here(nb_memory.build(nb_memory.Settings((3,), s), page, "en"), tmp_path,
                   monkeypatch)["accuracy"]
    assert got.keys() == page.keys()
    for length, row in page.items():
        assert got[length] == pytest.approx(row, abs=nb_memory.ACCURACY_TOLERANCE)


@pytest.mark.slow
def test_the_rnn_and_character_notebooks_count_the_pages_parameters(tmp_path, monkeypatch):
    from lab.models.rnn_demos import SineDemo, WordsDemo

    words, sine = WordsDemo(4, 0.05, 0), SineDemo(5, 3, 0.01, 0)
    words.advance(3)
    sine.advance(1)
    page = nb_rnn.numbers(words, sine)
    s = nb_rnn.Settings(4, 0.05, 3, 5, 3, 0.01, 1)
    got = run_here(nb_rnn.build(s, page, "en"), tmp_path, monkeypatch)
    for name in ("words_params", "words_epochs", "sine_params", "sine_epochs"):
        assert got[name] == page[name], name
    assert np.isfinite(got["words_loss"]) and np.isfinite(got["sine_loss"])

    s = nb_charseq.Settings(cs.DEFAULT_WORDS, 5, 0.05, 20, 0)
    page = nb_charseq.numbers(s, cs.train(list(s.words), "teacher", 5, 0.05, 20, 0))
    got = run_here(nb_charseq.build(s, page, "en"), tmp_path, monkeypatch)
    assert got["params"] == page["params"] and got["epochs_run"] == page["epochs_run"]
    assert 0 <= got["generated"] <= 1 and np.isfinite(got["final_loss"])


@pytest.mark.slow
@pytest.mark.parametrize("experiment", list(ex.EXPERIMENTS)[:2])
def test_the_experiments_notebook_reproduces_the_page(experiment, keras_imdb_prepared, tmp_path,
                                                      monkeypatch):
    """Every model of the experiment, one epoch, on the reference subset."""
    e, data = ex.EXPERIMENTS[experiment], ex.reviews("keras")
    results = {}
    for n in e.nets:  # as the page trains them
        x_train, x_test, words, _ = ex.prepare(data, n)
        results[n.id] = ex.train(n, ex.capped(e, 1, n), x_train, data.y_train, x_test, words)
    page = nb_experiments.numbers(e, results, data.y_test)
    nb = nb_experiments.build(nb_experiments.Settings(experiment, 1), page, "en")
    got = run_here(nb, tmp_path, monkeypatch)
    for net, row in page.items():
        assert got[net]["params"] == row["params"], net
        assert got[net]["test_accuracy"] == pytest.approx(
            row["test_accuracy"], abs=nb_experiments.ACCURACY_TOLERANCE), net


def cells_until(nb, marker: str, folder: Path, monkeypatch) -> dict:
    """The notebook's code cells run here up to the first that holds ``marker``; its names."""
    monkeypatch.chdir(folder)
    space: dict = {}
    for cell in nb.cells:
        if cell.cell_type == "code":
            exec(cell.source, space)
            if marker in cell.source:
                return space
    raise AssertionError(marker)


@pytest.mark.parametrize("source", ["embedded", "yahoo_csv"])
def test_the_notebook_reads_the_pages_prices_and_windows(source, shared_data, tmp_path,
                                                          monkeypatch):
    """The embedded series (bokeh-sampledata) and a Yahoo Finance export (lecture 002's
    Samsung file), up to the windows: the page's prices and the page's scaled windows."""
    if source == "embedded":
        data, where = stock.load_embedded("AAPL"), nb_stock.Source("embedded", "AAPL")
    else:
        shutil.copy(shared_data / "samsung_005930.csv", tmp_path)
        data = stock.parse_csv((shared_data / "samsung_005930.csv").read_bytes(), "samsung.csv")
        where = nb_stock.Source("upload", file_name="samsung_005930.csv")
    prep = dataclasses.replace(stock_model.PRESETS["lecture 002 returns"].prep, train_fraction=0.8)
    nb = nb_stock.build(nb_stock.Settings(where, prep, stock_model.ForecastSettings()), None, "en")
    space = cells_until(nb, "X_train, y_train", tmp_path, monkeypatch)
    assert np.allclose(space["prices"][list(data.frame.columns)].to_numpy(),
                       data.frame.to_numpy(), rtol=1e-12)
    windows = stock.prepare(data, prep)
    assert space["X"].shape == windows.X.shape and np.array_equal(space["X"], windows.X)
    assert np.array_equal(space["y"], windows.y)
