"""The one contract of stored results (lab.training.stored) and the one key digest (lab.core.cache.digest):
the names and files of models saved before the contract existed are the names and files now."""

import json
from dataclasses import asdict, dataclass
from types import SimpleNamespace

import numpy as np
import pytest

from lab.networks import cells
from lab.models import experiments as ex, memory, stock_model
from lab.data import imdb
from lab.core.cache import digest, save_arrays
from lab.models.imdb_model import ModelSettings, Trained
from lab.models.stock_model import Forecast, ForecastSettings
from lab.training.stored import Stored

# Written from the code before lab.core.cache.digest existed (hashlib.sha256 in each module), so a
# machine prepared then still finds its models and its links still open the same view.
OLD_STEMS = {
    "abc": "ba7816bf8f01cfea414140de",
    "2f1c|PrepSettings(window_size=7)|GRU|numpy": "730207862df65a213e33016a",
    "한국어|x": "15d4de575381ba5d6e8b31f5",
}
OLD_STOCK_FINGERPRINT = "b9c0969a598fdca9"
OLD_IMDB_FINGERPRINT = "54608cf5013858ed"
OLD_EXPERIMENT_FINGERPRINT = "f6374c085746c43a"


def small_reviews() -> imdb.Dataset:
    return imdb.Dataset([[1, 5, 9], [1, 4]], np.array([1, 0]), [[1, 7]], np.array([1]), None,
                        "generated")


@pytest.mark.parametrize("key,stem", OLD_STEMS.items())
def test_file_names_are_the_ones_saved_models_already_have(key, stem):
    assert digest(key, size=24) == stem
    assert Forecast.file_stem(key) == f"stock-{stem}"
    assert Trained.file_stem(key) == f"imdb-{stem}"
    assert memory.MemoryResult.file_stem(key) == f"memory-{stem}"
    assert ex.Result.file_stem(key) == f"experiment-{stem}"


def test_data_fingerprints_are_the_ones_keys_already_hold():
    p = SimpleNamespace(X=np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 7,
                        y=np.array([0.25, -1.5], dtype=np.float32), split=1)
    assert stock_model.fingerprint(p) == OLD_STOCK_FINGERPRINT
    assert imdb.padded(small_reviews(), 4)[2] == OLD_IMDB_FINGERPRINT
    net = ex.Net("n", (ex.Layer("LSTM", 2),), embedding=2, num_words=8, maxlen=4)
    assert ex.prepare(small_reviews(), net)[3] == OLD_EXPERIMENT_FINGERPRINT


def test_digest_reads_an_array_by_content_not_layout():
    a = np.arange(12.0).reshape(3, 4)
    assert digest(a.T) == digest(np.ascontiguousarray(a.T)) != digest(a)
    assert digest("a", "b") == digest("ab") == digest(b"a", "b")
    assert len(digest("ab", size=40)) == 40
    assert digest("한") == digest("한".encode()) != digest("한".encode("cp949"))


def forecast() -> Forecast:
    return Forecast(ForecastSettings(units=4), {"loss": [0.5, 0.25], "val_loss": [0.6, 0.3]},
                    np.array([0.1, 0.2, 0.3]), 1.5, 97, "numpy")


def classifier() -> Trained:
    rng = np.random.default_rng(0)
    s = ModelSettings(kind="GRU", embedding=2, units=3)
    return Trained(s, {"loss": [0.7], "val_accuracy": [0.6]}, np.array([0.2, 0.9]),
                   rng.normal(size=(10, 2)), cells.Cell("GRU", rng.normal(size=(2, 9)),
                                                        rng.normal(size=(3, 9)),
                                                        rng.normal(size=(2, 9))),
                   rng.normal(size=(3, 1)), np.zeros(1), 12.0)


def memory_result() -> memory.MemoryResult:
    return memory.MemoryResult([2, 5], memory.MemorySettings(units=4),
                               {"SimpleRNN": [0.9, 0.5], "LSTM": [1.0, 0.75], "GRU": [1.0, 1.0]})


def experiment_result() -> ex.Result:
    return ex.Result("one_lstm", {"loss": [0.69], "val_accuracy": [0.55]}, np.array([0.4, 0.6]),
                     1234, 3.25)


# What each kind wrote before lab.training.stored, copied from the code of that time: (file prefix,
# arrays, JSON fields).
def old_format(r):
    if isinstance(r, Forecast):
        return "stock", {"pred": r.pred}, {
            "settings": asdict(r.settings), "history": r.history, "seconds": r.seconds,
            "params": r.params, "engine": r.engine}
    if isinstance(r, Trained):
        return "imdb", {
            "p_test": r.p_test, "embedding": r.embedding, "kernel": r.cell.kernel,
            "recurrent": r.cell.recurrent_kernel, "bias": r.cell.bias, "w_out": r.w_out,
            "b_out": r.b_out}, {
            "settings": asdict(r.settings), "history": r.history, "seconds": r.seconds}
    if isinstance(r, memory.MemoryResult):
        return "memory", {k: np.asarray(v) for k, v in r.accuracy.items()}, {
            "lengths": r.lengths, "settings": asdict(r.settings)}
    return "experiment", {"p_test": r.p_test}, {
        "net_id": r.net_id, "history": r.history, "params": r.params, "seconds": r.seconds}


def same(a, b) -> bool:
    """Equal results, arrays compared by value (a Cell's too)."""
    for name in a.__dataclass_fields__:
        x, y = getattr(a, name), getattr(b, name)
        if isinstance(x, cells.Cell):
            x, y = (x.kind, x.kernel, x.recurrent_kernel, x.bias), (
                y.kind, y.kernel, y.recurrent_kernel, y.bias)
        for u, v in zip(x if isinstance(x, tuple) else [x], y if isinstance(y, tuple) else [y]):
            if isinstance(u, np.ndarray):
                if not np.array_equal(u, v):
                    return False
            elif u != v:
                return False
    return True


@pytest.mark.parametrize("make", [forecast, classifier, memory_result, experiment_result])
def test_a_model_saved_in_the_old_format_loads_and_a_new_save_writes_the_same_files(
        tmp_path, make):
    r = make()
    key = "source|fingerprint|settings"
    prefix, arrays, meta = old_format(r)
    stem = f"{prefix}-{digest(key, size=24)}"
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir(), new.mkdir()
    save_arrays(old, stem, key, arrays, meta)
    back = type(r).load(old, key)
    assert back is not None and same(back, r)
    assert type(r).load(old, "another key") is None

    r.save(new, key)
    assert (new / f"{stem}.json").read_text() == (old / f"{stem}.json").read_text()
    with np.load(new / f"{stem}.npz") as a, np.load(old / f"{stem}.npz") as b:
        assert a.files == b.files
        assert all(np.array_equal(a[k], b[k]) and a[k].dtype == b[k].dtype for k in a.files)


def test_diverged_looks_at_the_history_and_the_checked_outputs():
    assert not forecast().diverged and not experiment_result().diverged
    assert not memory_result().diverged  # accuracies only: a memory experiment never diverges
    f = forecast()
    f.pred[1] = np.nan
    assert f.diverged
    f = forecast()
    f.history["val_loss"][-1] = np.inf
    assert f.diverged
    c = classifier()
    c.embedding[0, 0] = np.nan  # the classifier is judged by its test probabilities, as before
    assert not c.diverged
    c.p_test[0] = np.nan
    assert c.diverged


@dataclass
class Toy(Stored, prefix="toy"):
    """A new kind of model: a dataclass and a prefix."""

    settings: ForecastSettings
    weights: np.ndarray
    seconds: float
    steps: int = 3


def test_a_new_kind_is_a_dataclass_and_a_prefix(tmp_path, monkeypatch):
    with pytest.raises(TypeError, match="prefix"):
        type("Nameless", (Stored,), {})
    monkeypatch.setenv("LAB_CACHE_DIR", str(tmp_path))
    from lab.training import store as store_mod

    toy = Toy(ForecastSettings(kind="LSTM"), np.arange(3.0), 2, 5)
    toy.save(tmp_path, "k")
    meta = json.loads((tmp_path / f"{Toy.file_stem('k')}.json").read_text())
    assert meta == {"key": "k", "settings": asdict(toy.settings), "seconds": 2, "steps": 5}
    back = Toy.load(tmp_path, "k")
    assert back.settings == toy.settings and isinstance(back.seconds, float) and back.steps == 5
    np.testing.assert_array_equal(back.weights, toy.weights)

    store = Toy.store("toys", limit=2)
    try:
        job = store.request("t", lambda job: Toy(ForecastSettings(), np.ones(2), 1.0), 1)
        assert job.wait(5) and store.get("t").weights.tolist() == [1.0, 1.0]
        store.clear()
        again = store.get("t")  # from disk, frozen as every stored result is
        assert again is not None and not again.weights.flags.writeable
        toy.weights[0] = np.nan
        assert toy.diverged
    finally:
        store.clear()
        store_mod._stores.remove(store)


def test_the_imdb_page_opens_on_the_default_model_that_prepare_trains():
    """One declaration: the IMDB page's controls start on it, and ``lab.prepare`` and the text
    page find the model under the key those controls give."""
    from lab.models import imdb_model
    from ui.settings import IMDB

    c = {k: IMDB[k].initial() for k in ("im_preset", "im_kind", "im_emb", "im_units",
                                         "im_epochs", "im_opt", "im_lr")}
    page = ModelSettings(kind=c["im_kind"], embedding=c["im_emb"], units=c["im_units"],
                         epochs=c["im_epochs"], optimizer=c["im_opt"], lr=c["im_lr"])
    assert c["im_preset"] == imdb_model.DEFAULT_PRESET and page == imdb_model.DEFAULT_SETTINGS
    d = imdb_model.default_inputs("generated")
    num_words, skip_top, maxlen = imdb.PRESETS[c["im_preset"]]
    data = imdb.load_generated(num_words, skip_top)
    _, _, fingerprint = imdb.padded(data, maxlen)
    assert d.key == imdb_model.model_key(data.source, fingerprint, c["im_preset"], page)
    assert d.num_words == num_words and d.x_train.shape[1] == maxlen
