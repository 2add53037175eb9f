"""The lectures' text-model experiments on IMDB reviews (lectures 000 to 004), as data:
each experiment is a few models trained on the same reviews and compared.

* lecture 003: SimpleRNN(8) on one-hot input against Embedding(500, 16) + SimpleRNN(8), then
  an LSTM(8); RMSprop 1e-4, batch 64, maxlen 100, 500 words, and the lecture's
  ``EarlyStopping(patience=3, restore_best_weights=True)``, which watches Keras's default,
  the validation loss, and leaves the best epoch's weights;
* lecture 001: SimpleRNN(32) on one-hot (100 words, the top 20 skipped and the ids left at 2
  dropped) against Embedding(1000, 32) + SimpleRNN(8), no early stopping;
* lecture 004, maxlen 20, the full vocabulary: Embedding(·, 8) + Flatten + Dense (feed-forward),
  LSTM(1, sigmoid) as the output itself, LSTM(32) + Dense, LSTM(4, return_sequences) + Flatten +
  Dense; RMSprop, batch 128, ``EarlyStopping(monitor='val_acc')``: Keras's default patience 0
  and no ``restore_best_weights``, so training stops at the first epoch that does not improve
  and the model keeps that epoch's weights, one epoch past the best;
* stacking (lectures 000, 002): one LSTM(8) against LSTM(8, return_sequences=True) + LSTM(8);
* lecture 000: Embedding(10000, 128) + LSTM(128), maxlen 80, batch 32, 3 epochs ("about 83%"),
  no early stopping;
* lecture 002, raw texts (``lab.data.glove``): Tokenizer(num_words=10000), maxlen 100,
  Embedding(10000, 100) + Flatten + Dense(32, relu) + Dense, rmsprop, batch 32, 20 epochs, against
  the same model whose embedding is set from GloVe's 100-d vectors and frozen, 30 epochs; the
  frozen model trains only where the vector file is in the cache (``glove_file``).

A lecture without early stopping keeps its last epoch's weights (``Fit.restore`` False, a
patience no run reaches); the lab's own stacking experiment keeps the best epoch's. The results
table puts the epoch whose weights are scored beside the one the lecture's callback leaves.

Each model trains through ``STORE`` (``lab.training.store``): once per setting for the whole server, off
the page's thread, with progress. One-hot input is made inside the model (Keras's
``CategoryEncoding``, no weights), so the lecture's 800 MB tensors are counted, not allocated.
The validation set is the last 20% of the training reviews, as the lectures' 20,000 / 5,000.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

import numpy as np
import pandas as pd

from lab.core import i18n
from lab.data import glove, imdb
from lab.maths import kinds
from lab.core.cache import digest
from lab.core.errors import LabError
from lab.training.jobs import Job
from lab.training.keras_fit import fit_classifier
from lab.training.store import Store
from lab.training.stored import Stored

VALIDATION = 0.2  # the lectures' 20,000 / 5,000
PAGE_EPOCHS = 20  # the page's default cap on epochs (lab.prepare trains with it too)
SUBSET = (5_000, 1_000)  # training and test reviews used from the Keras data (as the reference copy)


@dataclass(frozen=True)
class Layer:
    kind: str  # SimpleRNN, LSTM or GRU
    units: int
    activation: str = "tanh"
    sequences: bool = False  # return_sequences: (None, T, n) instead of (None, n)


@dataclass(frozen=True)
class Net:
    """One model: its input, recurrent layers and head, the data it reads, and what the
    lecture printed for it (parameters for the lecture's vocabulary, validation accuracy)."""
    id: str  # names it in lab/locales: experiments.net.<id>
    layers: tuple[Layer, ...]
    embedding: int = 0  # 0: one-hot input
    head: str = "dense"  # "dense", "flatten" (Flatten + Dense), "none" (the last layer outputs)
    num_words: int = 500  # 0: the whole vocabulary of the data (lecture 004: max id + 1)
    skip_top: int = 0
    drop_oov: bool = False  # lecture 001 removes the ids left at 2
    maxlen: int = 100
    lecture_params: int | None = None
    lecture_accuracy: float | None = None  # the lecture's best printed val accuracy
    lecture_test: float | None = None  # the lecture's printed test accuracy (model.evaluate)
    lecture_epochs: int | None = None  # the last epoch the lecture's printout shows
    lecture_last: float | None = None  # the val accuracy printed there, if not the best
    lecture_cut: bool = False  # the printout ends while training goes on (kept epoch unknown)
    fit: "Fit | None" = None  # the lecture compiles this model its own way (else the experiment's)
    hidden: int = 0  # a Dense(hidden, relu) between Flatten and the output (lecture 002)
    raw_text: bool = False  # ids from a Keras Tokenizer fitted on the decoded texts (lecture 002)
    glove: bool = False  # the embedding set from GloVe's vectors and frozen (raw_text too)


@dataclass(frozen=True)
class Fit:
    optimizer: str
    lr: float
    batch_size: int
    epochs: int  # the lecture's
    patience: int
    seed: int = 0
    monitor: str = "val_accuracy"  # what early stopping watches (lecture 003: val_loss)
    restore: bool = True  # restore_best_weights: the best epoch's weights kept, else the last's

    @property
    def stops_early(self) -> bool:
        """Whether the lecture's run has an early-stopping callback (lectures 000 and 001 have
        none: their patience is their epochs, so no run stops before its last)."""
        return self.restore or self.patience < self.epochs


@dataclass(frozen=True)
class Experiment:
    id: str  # experiments.exp.<id>
    lecture: str
    fit: Fit
    nets: tuple[Net, ...]
    lecture_data: str  # what the lecture trained on (the page says why results differ)


E = Layer
EXPERIMENTS: dict[str, Experiment] = {e.id: e for e in (
    Experiment("one_hot_vs_embedding", "003", Fit("rmsprop", 1e-4, 64, 100, 3,
                                                  monitor="val_loss"), (
        Net("one_hot_simplernn", (E("SimpleRNN", 8),), lecture_params=4_081,
            lecture_accuracy=0.7944, lecture_epochs=36),
        Net("embedding_simplernn", (E("SimpleRNN", 8),), embedding=16, lecture_params=8_209,
            lecture_accuracy=0.7870, lecture_epochs=40),
        Net("embedding_lstm", (E("LSTM", 8),), embedding=16, lecture_params=8_809,
            lecture_accuracy=0.8024, lecture_epochs=27)), "20,000 / 5,000"),
    Experiment("lecture_001", "001", Fit("sgd", 0.01, 32, 20, 20, restore=False), (
        Net("one_hot_simplernn32", (E("SimpleRNN", 32),), num_words=100, skip_top=20,
            drop_oov=True, lecture_params=4_289, lecture_accuracy=0.7160, lecture_epochs=20),
        Net("embedding1000_simplernn", (E("SimpleRNN", 8),), embedding=32, num_words=1000,
            skip_top=20, drop_oov=True, lecture_params=32_337, lecture_accuracy=0.8158,
            lecture_epochs=10, fit=Fit("adam", 1e-3, 32, 10, 10, restore=False))),
        "20,000 / 5,000"),
    Experiment("four_architectures", "004", Fit("rmsprop", 1e-3, 128, 30, 0, restore=False), (
        Net("feed_forward", (), embedding=8, head="flatten", num_words=0, maxlen=20,
            lecture_params=708_793, lecture_accuracy=0.7600, lecture_epochs=10,
            lecture_last=0.7590),
        Net("lstm1", (E("LSTM", 1, "sigmoid"),), embedding=8, head="none", num_words=0,
            maxlen=20, lecture_params=708_672, lecture_accuracy=0.7288, lecture_epochs=16),
        Net("lstm32_dense", (E("LSTM", 32),), embedding=8, num_words=0, maxlen=20,
            lecture_accuracy=0.7556, lecture_epochs=7, lecture_last=0.7486),
        Net("lstm4_sequences", (E("LSTM", 4, sequences=True),), embedding=8, head="flatten",
            num_words=0, maxlen=20, lecture_params=708_921, lecture_accuracy=0.7258,
            lecture_epochs=3, lecture_cut=True)),  # its epoch 4 is a progress line
        "20,000 / 5,000, 88,579 words"),
    Experiment("stacking", "000, 002", Fit("adam", 3e-3, 128, 8, 3), (
        Net("one_lstm", (E("LSTM", 8),), embedding=16),
        Net("two_lstms", (E("LSTM", 8, sequences=True), E("LSTM", 8)), embedding=16)), "-"),
    Experiment("lecture_000", "000", Fit("adam", 1e-3, 32, 3, 3, restore=False), (
        Net("embedding128_lstm128", (E("LSTM", 128),), embedding=128, num_words=10_000,
            maxlen=80, lecture_accuracy=0.83),), "25,000 / 25,000"),
    Experiment("raw_text_glove", "002", Fit("rmsprop", 1e-3, 32, 20, 20, restore=False), (
        Net("raw_text_dense", (), embedding=100, head="flatten", hidden=32, num_words=10_000,
            raw_text=True, lecture_params=1_320_065, lecture_test=0.8188),
        Net("glove_frozen", (), embedding=100, head="flatten", hidden=32, num_words=10_000,
            raw_text=True, glove=True, lecture_params=1_320_065, lecture_test=0.6824,
            fit=Fit("rmsprop", 1e-3, 32, 30, 30, restore=False))),
        "20,000 / 5,000 (aclImdb)"),
)}


# --- Counting ------------------------------------------------------------------------------------
def vocabulary(net: Net, data_words: int) -> int:
    """The input's width: the net's ``num_words``, or the data's (max id + 1) when 0."""
    return net.num_words or data_words


def shapes(net: Net, words: int) -> list[tuple[str, tuple]]:
    """Each layer's output shape (None for the batch), as ``model.summary()`` prints them."""
    T = net.maxlen
    out = [("Embedding" if net.embedding else "one-hot", (None, T, net.embedding or words))]
    for layer in net.layers:
        name = f"{layer.kind}({layer.units})"
        out.append((name, (None, T, layer.units) if layer.sequences else (None, layer.units)))
    if net.head == "flatten":
        width = int(np.prod([d for d in out[-1][1][1:]]))
        out += [("Flatten", (None, width))] + [(f"Dense({net.hidden})", (None, net.hidden))] * (
            net.hidden > 0) + [("Dense", (None, 1))]
    elif net.head == "dense":
        out.append(("Dense", (None, 1)))
    return out


def param_count(net: Net, words: int) -> int:
    """Weights of the model: embedding, recurrent layers (``lab.maths.kinds``) and head."""
    total = words * net.embedding
    width = net.embedding or words
    for layer in net.layers:
        total += kinds.param_count(layer.kind, width, layer.units)
        width = layer.units
    if net.head == "flatten":
        flat = net.maxlen * width if net.layers else net.maxlen * net.embedding
        total += (flat * net.hidden + net.hidden + net.hidden + 1) if net.hidden else flat + 1
    elif net.head == "dense":
        total += width + 1
    return total


def trainable_count(net: Net, words: int) -> int:
    """The weights training changes: all but a frozen (GloVe) embedding's."""
    return param_count(net, words) - (words * net.embedding if net.glove else 0)


def input_bytes(net: Net, words: int, reviews: int) -> int:
    """Memory of the input the lecture feeds: float32 one-hot, or int32 ids for an embedding."""
    return imdb.one_hot_bytes(reviews, net.maxlen, words) if not net.embedding else (
        reviews * net.maxlen * 4)


# --- Data ------------------------------------------------------------------------------------------
def prepare(data: imdb.Dataset, net: Net) -> tuple[np.ndarray, np.ndarray, int, str]:
    """(padded training ids, padded test ids, vocabulary width, fingerprint) for one net, from
    data loaded with the whole vocabulary: its own ``num_words``, ``skip_top`` and ``drop_oov``."""
    if net.raw_text:
        raw = raw_text(data, net)
        return raw.x_train, raw.x_test, net.num_words, glove.fingerprint(
            raw, glove_file() if net.glove else None) + digest(data.y_train, data.y_test)
    words = max(max((max(s) for s in data.x_train if s), default=2) + 1, 3)
    width = vocabulary(net, words)

    def cut(seqs):
        seqs = imdb.cap_vocabulary(seqs, width, net.skip_top)
        return imdb.drop_oov(seqs) if net.drop_oov else seqs
    x_train, x_test = imdb.pad(cut(data.x_train), net.maxlen), imdb.pad(cut(data.x_test), net.maxlen)
    return x_train, x_test, width, digest(x_train, x_test, data.y_train, data.y_test)


_RAW: dict = {}  # (id of the reviews, num_words, maxlen) -> (reviews, RawText); the last few


def raw_text(data: imdb.Dataset, net: Net) -> glove.RawText:
    """Lecture 002's input for ``net``: the reviews decoded to texts and tokenized the Keras way
    (kept for the last reviews asked, as each page run prepares every model)."""
    k = (id(data), net.num_words, net.maxlen)
    kept = _RAW.get(k)  # read once: a page's thread and a training's may both be here
    if kept is None or kept[0] is not data:
        if data.word_index is None:
            raise LabError("raw_text.err.no_index")
        if len(_RAW) > 3:
            _RAW.clear()
        kept = _RAW[k] = (data, glove.tokenized(glove.decoded(data.x_train, data.word_index),
                                                glove.decoded(data.x_test, data.word_index),
                                                net.num_words, net.maxlen))
    return kept[1]


def glove_file():
    """The GloVe vector file in the cache, or None (``lab.data.glove.found``)."""
    return glove.found()


_VECTORS: dict = {}  # (file stamp, num_words, id of the index) -> Vectors; the last one


def vectors(data: imdb.Dataset, net: Net) -> glove.Vectors | None:
    """The cached file's vectors of the words ``net`` reads, or None without the file."""
    p = glove_file()
    if p is None:
        return None
    raw = raw_text(data, net)
    k = (str(p), glove.stamp(p), net.num_words, id(raw))
    found = _VECTORS.get(k)
    if found is None:
        _VECTORS.clear()
        found = _VECTORS[k] = glove.load(p, [w for w, i in raw.index.items()
                                             if i < net.num_words])
    return found


def runnable(net: Net, data: imdb.Dataset) -> bool:
    """Whether ``net`` can train on ``data``: a raw-text net needs the reviews' word index, a
    GloVe net the vector file too."""
    return not net.raw_text or (data.word_index is not None and (not net.glove or
                                                                 glove_file() is not None))


def reviews(source: str) -> imdb.Dataset:
    """The page's reviews: Keras's (every word; cut to ``SUBSET`` so an experiment takes
    minutes) or the generated ones."""
    if source == "keras":
        return subset(imdb.load_keras(None))
    return imdb.load_generated(10_000)


def capped(e: Experiment, epochs: int, net: Net | None = None) -> Fit:
    """The fit of ``net`` (its own, else the experiment's) with at most ``epochs`` epochs (the
    page's control)."""
    fit = net.fit if net is not None and net.fit is not None else e.fit
    return replace(fit, epochs=min(epochs, fit.epochs))


def subset(data: imdb.Dataset, n: tuple[int, int] = SUBSET) -> imdb.Dataset:
    """The first reviews only (the Keras data has 25,000 + 25,000)."""
    return replace(data, x_train=data.x_train[:n[0]], y_train=data.y_train[:n[0]],
                   x_test=data.x_test[:n[1]], y_test=data.y_test[:n[1]])


# --- Keras ------------------------------------------------------------------------------------------
def build(net: Net, words: int, weights: np.ndarray | None = None):
    """The Keras model of ``net`` for a vocabulary of ``words``; ``weights``: the embedding's
    (a GloVe net's, frozen)."""
    import keras

    parts = [keras.Input((net.maxlen,), dtype="int32")]
    if net.embedding:
        parts.append(keras.layers.Embedding(words, net.embedding, trainable=not net.glove))
    else:  # one-hot inside the model: no weights, nothing materialised
        parts.append(keras.layers.CategoryEncoding(words, output_mode="one_hot"))
    for layer in net.layers:
        parts.append(kinds.keras_layer(layer.kind)(layer.units, activation=layer.activation,
                                                   return_sequences=layer.sequences))
    if net.head == "flatten":
        parts.append(keras.layers.Flatten())
        if net.hidden:
            parts.append(keras.layers.Dense(net.hidden, activation="relu"))
    if net.head in ("flatten", "dense"):
        parts.append(keras.layers.Dense(1, activation="sigmoid"))
    model = keras.Sequential(parts)
    if weights is not None:
        model.layers[0].set_weights([weights])
    return model


@dataclass
class Result(Stored, prefix="experiment"):
    """One trained net of an experiment (``lab.training.stored``: experiment-<digest>.npz and .json)."""

    net_id: str
    history: dict[str, list[float]]
    p_test: np.ndarray
    params: int
    seconds: float

    def kept_epoch(self, monitor: str = "val_accuracy", restore: bool = True) -> int:
        """The epoch (from 1) whose weights the model ends with: the best of ``monitor`` when
        early stopping restores the best weights, else the last epoch run."""
        values = self.history.get(monitor) or [float("nan")]
        if not restore:
            return len(values)
        return 1 + int(np.nanargmin(values) if monitor.endswith("loss") else np.nanargmax(values))

    def best_val(self, monitor: str = "val_accuracy", restore: bool = True) -> float:
        """The validation accuracy of the kept epoch (the best one when watching accuracy and
        restoring)."""
        accuracy = self.history.get("val_accuracy") or [float("nan")]
        return accuracy[min(self.kept_epoch(monitor, restore), len(accuracy)) - 1]


def train(net: Net, fit: Fit, x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray,
          words: int, job: Job | None = None, weights: np.ndarray | None = None) -> Result:
    """Fit with the lecture's optimizer, batch and early stopping (on ``fit.monitor``; the
    best epoch's weights are kept if ``fit.restore``, else the last epoch's), the last 20% of
    the training reviews held out."""
    import keras

    job = job or Job("", fit.epochs)
    keras.utils.set_random_seed(fit.seed)
    model = build(net, words, weights)
    history, seconds = fit_classifier(model, fit.optimizer, fit.lr, x_train, y_train,
                                      fit.epochs, fit.batch_size, VALIDATION, fit.patience, job,
                                      monitor=fit.monitor, restore=fit.restore)
    p_test = model.predict(x_test, verbose=0, batch_size=512)[:, 0].astype(float)
    return Result(net.id, history, p_test, int(model.count_params()), seconds)


def results_table(experiment: Experiment, fits: dict[str, Fit], results: dict[str, Result],
                  y_test: np.ndarray) -> pd.DataFrame:
    """One row per trained net (``results`` by net id): parameters, the epochs run beside the
    last epoch the lecture printed, the epoch whose weights are scored beside the one the
    lecture's callback leaves (``lecture_kept``), the kept epoch's validation accuracy beside
    the lecture's at its kept epoch and its best, the test accuracy at threshold 0.5 (of the
    kept weights), seconds."""
    rows = []
    for net in experiment.nets:
        if net.id not in results:
            continue
        r, fit = results[net.id], fits[net.id]
        lecture_epoch, lecture_val = lecture_kept(net, net.fit or experiment.fit)
        rows.append({
            "model": i18n.t(f"experiments.net.{net.id}"), "parameters": r.params,
            "epochs_run": len(r.history.get("loss", [])), "lecture_epochs": net.lecture_epochs,
            "kept_epoch": r.kept_epoch(fit.monitor, fit.restore),
            "lecture_kept_epoch": lecture_epoch,
            "best_val": r.best_val(fit.monitor, fit.restore), "lecture_kept_val": lecture_val,
            "lecture_val": net.lecture_accuracy,
            "test_accuracy": float(((r.p_test >= 0.5) == np.asarray(y_test)).mean()),
            "lecture_test": net.lecture_test, "seconds": r.seconds})
    table = pd.DataFrame(rows).astype({"lecture_epochs": "Int64", "lecture_kept_epoch": "Int64",
                                       "lecture_kept_val": "Float64", "lecture_val": "Float64",
                                       "lecture_test": "Float64"})
    # the lecture's test accuracy only where it prints one (lecture 002's raw-text models)
    return table.drop(columns="lecture_test") if table["lecture_test"].isna().all() else table


def lecture_kept(net: Net, fit: Fit) -> tuple[int | None, float | None]:
    """(epoch, validation accuracy printed for it) of the weights the lecture's own run ends
    with, by its callback (``fit`` uncapped): the last epoch it printed, or after an early stop
    with ``restore_best_weights`` the epoch ``patience`` before it, whose accuracy the notes
    do not print (lecture 003). None where the printout ends before training does."""
    if net.lecture_epochs is None or net.lecture_cut:
        return None, None
    if fit.restore and net.lecture_epochs < fit.epochs:
        return net.lecture_epochs - fit.patience, None
    last = net.lecture_last if net.lecture_last is not None else net.lecture_accuracy
    return net.lecture_epochs, last


def best_result(fits: dict[str, Fit], results: dict[str, Result]) -> str:
    """The id of the trained net with the highest kept validation accuracy."""
    return max(results, key=lambda i: results[i].best_val(fits[i].monitor, fits[i].restore))


MAX_RESULTS = 16
STORE: Store[Result] = Result.store("experiments", MAX_RESULTS)


PRINTED_ONLY = ("lecture_epochs", "lecture_last", "lecture_cut", "lecture_test")  # printouts
AS_CACHED = (("monitor", "val_accuracy"), ("restore", True), ("hidden", 0), ("raw_text", False),
             ("glove", False))  # new fields, as before they existed


def key(source: str, fingerprint: str, net: Net, fit: Fit) -> str:
    """The store's key: the data and every setting that changes the training. The printed
    epochs are no setting, and a fit that watches validation accuracy and keeps the best epoch
    keys as it did before ``monitor`` and ``restore`` existed, so results cached then stay
    valid; lecture 003's monitor and the last-epoch fits of lectures 000, 001, 004 are new keys."""
    return f"{source}|{fingerprint}|{_as_keyed(asdict(net))}|{_as_keyed(asdict(fit))}"


def _as_keyed(fields: dict) -> dict:
    """``fields`` (and a net's own fit inside) without the fields added after results were cached
    while they have the value all of those results had."""
    return {k: _as_keyed(v) if isinstance(v, dict) else v for k, v in fields.items()
            if k not in PRINTED_ONLY and (k, v) not in AS_CACHED}


def request(source: str, data: imdb.Dataset, net: Net, fit: Fit, restart: bool = False):
    """The trained ``net`` from memory or disk, or the shared job that trains it."""
    x_train, x_test, words, fingerprint = prepare(data, net)

    def run(job):
        weights = None
        if net.glove:
            raw, found = raw_text(data, net), vectors(data, net)
            if found is None:
                raise LabError("raw_text.err.no_glove")
            weights = glove.matrix(raw.index, found, words)
        return train(net, fit, x_train, data.y_train, x_test, words, job, weights)
    return STORE.request(
        key(source, fingerprint, net, fit), run,
        fit.epochs, restart=restart)


# --- Choosing maxlen (lecture 003) ----------------------------------------------------------------------
@dataclass(frozen=True)
class Lengths:
    lengths: np.ndarray  # of every training review, in ids
    mean: float
    median: float
    truncated: float  # share of reviews longer than maxlen (their start is cut off)
    padded: float  # share shorter than maxlen (zeros in front)


def length_stats(data: imdb.Dataset, maxlen: int) -> Lengths:
    n = np.array([len(s) for s in data.x_train])
    return Lengths(n, float(n.mean()) if len(n) else 0.0, float(np.median(n)) if len(n) else 0.0,
                   float(np.mean(n > maxlen)) if len(n) else 0.0,
                   float(np.mean(n < maxlen)) if len(n) else 0.0)
