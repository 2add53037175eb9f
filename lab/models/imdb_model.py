"""The IMDB classifier: Embedding + SimpleRNN/LSTM/GRU + Dense(sigmoid), trained with Keras.

Training reports every batch and epoch to a ``lab.training.jobs.Job`` (the page draws the curves as they
grow, at least every half second) and stops when the job is cancelled; ``STORE`` (a
``lab.training.store.Store``) runs it off the page's thread, once per key for the whole server.
For "your own review", the trained weights are copied into NumPy (``lab.networks.cells``), which gives
the probability after every word as the many-to-one network reads the review. A trained model
is saved as plain arrays (a pickle-free .npz) plus JSON, so a restarted server reloads it
without TensorFlow and without trusting any pickled or Keras-archive file.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from typing import NamedTuple

import numpy as np

from lab.maths import kinds
from lab.networks import cells
from lab.data import imdb
from lab.training.jobs import Job
from lab.training.keras_fit import fit_classifier
from lab.maths import sigmoid
from lab.training.store import Store
from lab.training.stored import Stored

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")



@dataclass(frozen=True)
class ModelSettings:
    """Page defaults, for the Keras subset (5,000 / 1,000 reviews, 500 words, maxlen 100);
    their test accuracy and training time are measured by ``python -m bench.run --only imdb``,
    see bench/RESULTS.md."""

    kind: str = "LSTM"
    embedding: int = 32
    units: int = 32
    epochs: int = 8
    optimizer: str = "adam"
    lr: float = 3e-3
    batch_size: int = 128
    seed: int = 0
    patience: int = 3  # early stopping on validation accuracy, best epoch's weights kept
    validation: float = 0.1  # the last 10% of the training reviews


@dataclass
class Trained(Stored, prefix="imdb", checked=("p_test",)):
    """A trained classifier (``lab.training.stored``: saved as imdb-<digest>.npz and .json, the cell's
    weights as the arrays kernel, recurrent and bias)."""

    settings: ModelSettings
    history: dict[str, list[float]]
    p_test: np.ndarray  # test-set probabilities, computed once
    embedding: np.ndarray  # (num_words, embedding)
    cell: cells.Cell
    w_out: np.ndarray
    b_out: np.ndarray
    seconds: float

    def to_disk(self) -> tuple[dict, dict]:
        return ({"p_test": self.p_test, "embedding": self.embedding,
                 "kernel": self.cell.kernel, "recurrent": self.cell.recurrent_kernel,
                 "bias": self.cell.bias, "w_out": self.w_out, "b_out": self.b_out},
                {"settings": asdict(self.settings), "history": self.history,
                 "seconds": self.seconds})

    @classmethod
    def from_disk(cls, meta: dict, a) -> "Trained":
        s = ModelSettings(**meta["settings"])
        return cls(s, meta["history"], a["p_test"], a["embedding"],
                   cells.Cell(s.kind, a["kernel"], a["recurrent"], a["bias"]),
                   a["w_out"], a["b_out"], float(meta["seconds"]))

    def word_by_word(self, ids: list[int]) -> np.ndarray:
        """P(positive) after each id, read in order (NumPy, the trained weights)."""
        ids = np.clip(np.asarray(ids, dtype=int), 0, len(self.embedding) - 1)
        x = self.embedding[ids][None]  # (1, T, embedding)
        h = cells.run(self.cell, x).h[0]  # (T, units)
        z = h @ self.w_out[:, 0] + self.b_out[0]
        return sigmoid(z)


def model_key(source: str, fingerprint: str, preset: str, settings: ModelSettings) -> str:
    """The cache key of a trained model: the data's content, its vocabulary preset and every
    setting (the page and ``lab.prepare`` look models up by it)."""
    return f"{source}|{fingerprint}|{preset}|{settings}"


def train(x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray, num_words: int,
          s: ModelSettings = ModelSettings(), job: Job | None = None) -> Trained:
    """Fit on x_train, the last 10% held out for validation: early stopping on validation
    accuracy keeps the best epoch's weights. ``job`` receives every batch and epoch, and a
    cancelled job stops training after the current batch."""
    import keras

    job = job or Job("", s.epochs)

    keras.utils.set_random_seed(s.seed)
    layer = kinds.keras_layer(s.kind)
    model = keras.Sequential([keras.Input((x_train.shape[1],)),
                              keras.layers.Embedding(num_words, s.embedding),
                              layer(s.units), keras.layers.Dense(1, activation="sigmoid")])
    history, seconds = fit_classifier(model, s.optimizer, s.lr, x_train, y_train, s.epochs,
                                      s.batch_size, s.validation, s.patience, job)
    p_test = model.predict(x_test, verbose=0, batch_size=512)[:, 0].astype(float)
    emb = model.layers[0].get_weights()[0].astype(float)
    kernel, recurrent, bias = (w.astype(float) for w in model.layers[1].get_weights())
    w_out, b_out = (w.astype(float) for w in model.layers[2].get_weights())
    return Trained(s, history, p_test, emb, cells.Cell(s.kind, kernel, recurrent, bias),
                   w_out, b_out, seconds)


MAX_MODELS = 8  # trained models kept in memory for the whole server; the oldest goes first
STORE: Store[Trained] = Trained.store("imdb_models", MAX_MODELS)


# The default model: the IMDB page opens on it (ui/settings.py), the text page reads its
# embedding and ``lab.prepare`` trains it, all three under the same key.
DEFAULT_PRESET = "lecture_003"  # its vocabulary and review length, a key of ``imdb.PRESETS``
DEFAULT_SETTINGS = ModelSettings()


class DefaultInputs(NamedTuple):
    """What training or finding the default model needs, for one source of reviews."""

    data: imdb.Dataset
    x_train: np.ndarray
    x_test: np.ndarray
    num_words: int
    settings: ModelSettings
    key: str


def default_inputs(source: str) -> DefaultInputs:
    """The default model's reviews ("keras" or "generated"), padded, and its key; the reviews
    are read once per process (:func:`lab.data.imdb.loaded`), shared with the page."""
    num_words, skip_top, maxlen = imdb.PRESETS[DEFAULT_PRESET]
    data, x_train, x_test, fingerprint = imdb.loaded(source, num_words, skip_top, maxlen)
    return DefaultInputs(data, x_train, x_test, num_words, DEFAULT_SETTINGS,
                         model_key(data.source, fingerprint, DEFAULT_PRESET, DEFAULT_SETTINGS))


def request_default(d: DefaultInputs, restart: bool = False) -> Trained | Job:
    """The default model for these inputs, from memory or disk, or the job that trains it."""
    return request(d.key, d.x_train, d.data.y_train, d.x_test, d.num_words, d.settings,
                   restart=restart)


def request(key: str, x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray,
            num_words: int, s: ModelSettings, restart: bool = False) -> Trained | Job:
    """The model for ``key`` from memory or disk, or the (shared) job that trains it."""
    return STORE.request(key, lambda job: train(x_train, y_train, x_test, num_words, s, job),
                         s.epochs, restart=restart)
