"""Small Keras recurrent models for the gate inspector, trained in seconds.

* :func:`first_token_task` / :func:`memory_experiment`: a sequence of L random signs, whose
  label is its *first* sign; every later step is noise of the same kind. A model can only
  score above chance (0.5) by carrying the first step through L - 1 steps of distraction:
  the long-term dependency of lecture 004. SimpleRNN, LSTM and GRU are trained on the same
  data with the same seed and settings, and scored on fresh sequences.
* :func:`train_char_model`: lecture 000's four words (``good``, ``so good`` -> 1; ``bad``,
  ``worse`` -> 0) as one-hot characters into an LSTM or GRU, so the inspector can show the
  gates of a model that has learned something, on any sentence typed in those characters.

TensorFlow is imported inside the functions. Trained weights come back as ``lab.networks.cells.Cell``
objects, so the inspector runs them in NumPy (the tests prove the two agree). The experiment's
results live in ``STORE`` (``lab.training.store``): trained once per setting for the whole server, off
the page's thread, with progress per batch, and kept on disk.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass

import numpy as np

from lab.maths import kinds
from lab.networks import cells
from lab.data import sequences as sq
from lab.core.errors import Cancelled, InvalidInput
from lab.training.jobs import Job
from lab.training.store import Store
from lab.training.stored import Stored

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")



def first_token_task(n: int, length: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(x (n, L, 1) of random +-1, y (n, 1) = 1 where the first step is +1)."""
    if length < 1 or n < 1:
        raise InvalidInput("args.no_length")
    rng = np.random.default_rng(seed)
    x = rng.choice([-1.0, 1.0], size=(n, length, 1))
    return x, (x[:, 0, :] > 0).astype(float)


def _keras_model(kind: str, units: int, input_dim: int, lr: float,
                 lstm_forget_bias: float = 1.0):
    import keras

    layer = kinds.keras_layer(kind)
    model = keras.Sequential([keras.Input((None, input_dim)), layer(units),
                              keras.layers.Dense(1, activation="sigmoid")])
    if kind == "LSTM" and lstm_forget_bias != 1.0:  # Keras starts the forget bias at 1
        kernel, recurrent, bias = model.layers[0].get_weights()
        bias[units:2 * units] = lstm_forget_bias
        model.layers[0].set_weights([kernel, recurrent, bias])
    model.compile(optimizer=keras.optimizers.Adam(lr), loss="binary_crossentropy",
                  metrics=["accuracy"])
    return model


@dataclass(frozen=True)
class MemorySettings:
    units: int = 8
    n_train: int = 512
    n_test: int = 512
    epochs: int = 10
    lr: float = 0.01
    batch_size: int = 32
    seed: int = 0
    lstm_forget_bias: float = 1.0  # Keras's unit_forget_bias; larger keeps memory longer


def memory_accuracy(kind: str, length: int, s: MemorySettings = MemorySettings(),
                    on_batch=None, should_stop=None) -> float:
    """Test accuracy of one model trained on the first-token task of this length.
    ``on_batch(batch, batches)`` after every batch; ``should_stop()`` ends training early."""
    import keras

    keras.utils.set_random_seed(s.seed)
    x, y = first_token_task(s.n_train, length, s.seed)
    xt, yt = first_token_task(s.n_test, length, s.seed + 1)
    model = _keras_model(kind, s.units, 1, s.lr, s.lstm_forget_bias)
    batches = -(-s.n_train // s.batch_size) * s.epochs
    done = [0]

    def batch_end(batch, logs=None):
        done[0] += 1
        if on_batch is not None:
            on_batch(done[0], batches)
        if should_stop is not None and should_stop():
            model.stop_training = True

    model.fit(x, y, epochs=s.epochs, batch_size=s.batch_size, verbose=0,
              callbacks=[keras.callbacks.LambdaCallback(on_train_batch_end=batch_end)])
    return float(model.evaluate(xt, yt, verbose=0, batch_size=256)[1])


@dataclass
class MemoryResult(Stored, prefix="memory"):
    """Test accuracy for every kind at every length of one experiment (``lab.training.stored``: one
    array per kind in memory-<digest>.npz; accuracies are finite, so it never diverges)."""

    lengths: list[int]
    settings: MemorySettings
    accuracy: dict[str, list[float]]

    def to_disk(self) -> tuple[dict, dict]:
        return ({k: np.asarray(v) for k, v in self.accuracy.items()},
                {"lengths": self.lengths, "settings": asdict(self.settings)})

    @classmethod
    def from_disk(cls, meta: dict, a) -> "MemoryResult":
        return cls([int(v) for v in meta["lengths"]], MemorySettings(**meta["settings"]),
                   {k: [float(v) for v in a[k]] for k in a.files})


def memory_experiment(lengths, s: MemorySettings = MemorySettings(), layers=kinds.KINDS,
                      job: Job | None = None) -> dict[str, list[float]]:
    """Accuracy for every kind at every length. ``job`` (``lab.training.jobs.Job``) hears of every
    batch (its "epoch" counts the models trained) and of every model's accuracy; cancelling
    it stops after the current batch."""
    lengths = [int(v) for v in lengths]
    job = job or Job("", len(lengths) * len(layers))
    out = {k: [] for k in layers}
    done = 0
    for length in lengths:
        for kind in layers:
            acc = memory_accuracy(kind, length, s,
                                  on_batch=lambda b, n, d=done: job.on_batch(d, b, n),
                                  should_stop=job.should_stop)
            if job.should_stop():
                raise Cancelled
            out[kind].append(acc)
            job.on_epoch(done, {kind: acc})
            done += 1
    return out


MAX_RESULTS = 16  # experiments kept in memory for the whole server (all stay on disk)
STORE: Store[MemoryResult] = MemoryResult.store("memory_experiments", MAX_RESULTS)


def experiment_key(lengths, s: MemorySettings) -> str:
    return f"{sorted(int(v) for v in lengths)}|{s}"


def request(lengths, s: MemorySettings, restart: bool = False) -> MemoryResult | Job:
    """The experiment's result from memory or disk, or the (shared) job that runs it."""
    lengths = sorted(int(v) for v in lengths)
    return STORE.request(experiment_key(lengths, s), lambda job: MemoryResult(
        lengths, s, memory_experiment(lengths, s, job=job)), len(lengths) * len(kinds.KINDS),
        restart=restart)


def train_char_model(kind: str = "LSTM", units: int = 8, seed: int = 0, repeats: int = 64,
                     epochs: int = 4) -> tuple[cells.Cell, np.ndarray, np.ndarray, list[str]]:
    """(trained cell, Dense weights w (units, 1), Dense bias (1,), vocabulary)."""
    import keras

    keras.utils.set_random_seed(seed)
    x, y, _, vocab = sq.word_dataset()
    model = _keras_model(kind, units, len(vocab), 0.02)
    model.fit(np.repeat(x, repeats, 0), np.repeat(y, repeats, 0), epochs=epochs, batch_size=16,
              verbose=0, shuffle=True)
    kernel, recurrent, bias = model.layers[0].get_weights()
    w, b = model.layers[1].get_weights()
    return (cells.Cell(kind, kernel.astype(float), recurrent.astype(float), bias.astype(float)),
            w.astype(float), b.astype(float), vocab)
