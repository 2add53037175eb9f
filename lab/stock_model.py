"""The forecaster: one SimpleRNN/LSTM/GRU layer and Dense(1), trained with Keras on windows.

Training reports each epoch through a callback so the page can draw the loss as it falls.
Early stopping watches the last part of the *training* windows (lecture 002 validated on its
test set, which lets the test days choose the epoch). A trained forecast is kept as plain
arrays (pickle-free .npz) plus JSON, keyed by everything that produced it, so moving back to a
setting, or restarting the server, shows it again without training or importing TensorFlow.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from lab.cache import load_arrays, save_arrays
from lab.memory import keras_recurrent_layer
from lab.stock import LECTURE_000_ORDER, MA_COLUMNS, Prepared, PrepSettings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

KINDS = ("SimpleRNN", "LSTM", "GRU")
# Batches run per call into TensorFlow: fewer Python round trips (about 1.5x faster epochs for
# the page default on 2 cores; the result is the same).
STEPS_PER_EXECUTION = 16


@dataclass(frozen=True)
class ForecastSettings:
    """Page defaults: about 10 s of training on 2 cores for the embedded GOOG series
    (see ``python -m bench.run --only stock``)."""

    kind: str = "GRU"
    units: int = 16
    activation: str = "tanh"
    epochs: int = 30  # at most; early stopping usually ends sooner
    lr: float = 3e-3
    batch_size: int = 32
    seed: int = 0
    patience: int = 5  # epochs without a better validation loss before stopping
    validation: float = 0.1  # the last 10% of the training windows; 0 = no early stopping


@dataclass(frozen=True)
class Preset:
    title: str
    data: str  # the data the lecture used (the page says so; upload it to reproduce exactly)
    prep: PrepSettings
    model: ForecastSettings


SAMSUNG = "Samsung 005930.KS 2000-09-01..2022-09-19"
LECTURE_002_PREP = PrepSettings(MA_COLUMNS, "close", 40, 0.95, lecture_scaling=True)
LECTURE_002_FIT = dict(epochs=100, lr=1e-3, batch_size=16, patience=10)  # EarlyStopping(10)

PRESETS: dict[str, Preset] = {
    "page default": Preset(
        "Page default", "any series", PrepSettings(), ForecastSettings()),
    "lecture 000": Preset(
        "Lecture 000: 7 days x 5 features, LSTM(16, relu), 70/30", "stock_daily.csv",
        PrepSettings(LECTURE_000_ORDER, "close", 7, 0.7, lecture_scaling=True),
        ForecastSettings("LSTM", 16, "relu", epochs=100, lr=1e-3, batch_size=16, validation=0.0)),
    "lecture 002 LSTM": Preset(
        "Lecture 002: 3MA/5MA, window 40, LSTM(128), 95/5", SAMSUNG, LECTURE_002_PREP,
        ForecastSettings("LSTM", 128, "tanh", **LECTURE_002_FIT)),
    "lecture 002 GRU": Preset(
        "Lecture 002: the same with GRU(256)", SAMSUNG, LECTURE_002_PREP,
        ForecastSettings("GRU", 256, "tanh", **LECTURE_002_FIT)),
    "lecture 002 returns": Preset(
        "Lecture 002: target R_t (returns), LSTM(128)", SAMSUNG,
        dataclasses.replace(LECTURE_002_PREP, target="return"),
        ForecastSettings("LSTM", 128, "tanh", **LECTURE_002_FIT)),
}


@dataclass
class Forecast:
    settings: ForecastSettings
    history: dict[str, list[float]]
    pred: np.ndarray  # scaled forecasts for every window, training and test
    seconds: float
    params: int

    @property
    def diverged(self) -> bool:
        return not np.isfinite(self.pred).all() or not all(
            np.isfinite(v).all() for v in self.history.values())

    def save(self, folder: Path, key: str) -> None:
        save_arrays(folder, file_stem(key), key, {"pred": self.pred},
                    {"settings": asdict(self.settings), "history": self.history,
                     "seconds": self.seconds, "params": self.params})

    @classmethod
    def load(cls, folder: Path, key: str) -> "Forecast | None":
        return load_arrays(folder, file_stem(key), key, lambda meta, a: cls(
            ForecastSettings(**meta["settings"]), meta["history"], a["pred"],
            float(meta["seconds"]), int(meta["params"])))


def file_stem(key: str) -> str:
    return "stock-" + hashlib.sha256(key.encode()).hexdigest()[:24]


def fingerprint(p: Prepared) -> str:
    """A digest of the windows and targets: two data sets with equal settings differ here."""
    digest = hashlib.sha256()
    for part in (p.X, p.y, np.array([p.split])):
        digest.update(np.ascontiguousarray(part).tobytes())
    return digest.hexdigest()[:16]


# Seconds per training epoch ~ EPOCH_OVERHEAD_S + SECONDS_PER_MAC * multiply-adds, fitted to
# ``python -m bench.run --only stock`` on 2 cores (default 0.12 s, lecture 002's LSTM(128) 5 s
# and GRU(256) 10 s an epoch). Only used to warn before a long training.
EPOCH_OVERHEAD_S = 0.1
SECONDS_PER_MAC = 3e-10
GATES = {"SimpleRNN": 1, "GRU": 3, "LSTM": 4}


def model_key(p: Prepared, s: ForecastSettings) -> str:
    """The cache key of a forecast: the windows' content, not the file name, and every setting
    (the page and ``lab.prepare`` look forecasts up by it)."""
    return f"{fingerprint(p)}|{p.settings}|{s}"


def estimate_seconds(p: Prepared, s: ForecastSettings) -> float:
    """A rough upper estimate of the training time (every epoch run, no early stop)."""
    macs = p.split * p.X.shape[1] * (s.units + p.X.shape[2] + 1) * s.units * GATES[s.kind]
    return s.epochs * (EPOCH_OVERHEAD_S + SECONDS_PER_MAC * macs)


def build(window_size: int, n_features: int, s: ForecastSettings):
    import keras

    layer = keras_recurrent_layer(s.kind)
    return keras.Sequential([keras.Input((window_size, n_features)),
                             layer(s.units, activation=s.activation),
                             keras.layers.Dense(1)])


def train(p: Prepared, s: ForecastSettings = ForecastSettings(), on_epoch=None) -> Forecast:
    """Fit on the training windows (MSE, Adam). With ``s.validation`` > 0 the last part of the
    training windows is held out (as Keras's ``validation_split`` does) and early stopping
    keeps the best epoch's weights. ``on_epoch(epoch, logs)`` is called after every epoch; a
    NaN loss stops training."""
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(s.seed)
    model = build(p.X.shape[1], p.X.shape[2], s)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=s.lr), loss="mse",
                  steps_per_execution=STEPS_PER_EXECUTION)
    cut = int(p.split * (1 - s.validation))  # windows [cut, split) validate
    # A cached tf.data pipeline: an epoch is about 1.5x faster than from NumPy arrays.
    train_ds = (tf.data.Dataset.from_tensor_slices((p.X[:cut], p.y[:cut])).cache()
                .shuffle(cut, seed=s.seed, reshuffle_each_iteration=True)
                .batch(s.batch_size).prefetch(2))
    val_ds = None
    callbacks = [keras.callbacks.TerminateOnNaN()]
    if cut < p.split:
        val_ds = tf.data.Dataset.from_tensor_slices((p.X[cut:p.split], p.y[cut:p.split]))
        val_ds = val_ds.batch(1024).cache()
        callbacks.append(keras.callbacks.EarlyStopping(
            monitor="val_loss", patience=s.patience, restore_best_weights=True))
    if on_epoch:
        callbacks.append(keras.callbacks.LambdaCallback(
            on_epoch_end=lambda epoch, logs: on_epoch(epoch, dict(logs or {}))))
    t0 = time.perf_counter()
    hist = model.fit(train_ds, epochs=s.epochs, validation_data=val_ds, verbose=0,
                     callbacks=callbacks, shuffle=False)  # the pipeline shuffles
    seconds = time.perf_counter() - t0
    pred = model.predict(p.X, verbose=0, batch_size=1024)[:, 0].astype(float)
    history = {k: [float(v) for v in vals] for k, vals in hist.history.items()}
    return Forecast(s, history, pred, seconds, int(model.count_params()))
