"""The forecaster: one SimpleRNN/LSTM/GRU layer and Dense(1), trained on windows.

Up to ``NUMPY_MAX_UNITS`` units the network is trained in NumPy (``lab.networks.seqnet``, proven equal
to Keras in the tests): no TensorFlow to import, and faster than Keras at that size (measured
by ``python -m bench.live --only train``, see bench/RESULTS.md).
Lecture 002's large presets (LSTM(128), GRU(256) on 5,099 windows of 40) train with Keras,
where TensorFlow's kernels pay for their start-up. Either way the trainer reports every batch
and epoch to a ``lab.training.jobs.Job`` (progress bar and loss curve on the page) and stops when the
job is cancelled; ``lab.training.store`` runs it off the page's thread.
Early stopping watches the last part of the *training* windows (lecture 002 validated on its
test set, which lets the test days choose the epoch). A trained forecast is kept as plain
arrays (pickle-free .npz) plus JSON, keyed by everything that produced it, so moving back to a
setting, or restarting the server, shows it again without training or importing TensorFlow.

An exploration grid (``grid``) trains a room's exploration space in the background before or
during class: every window of the page's slider for the other settings as they are, or every
layer kind and unit count of ``GRID_UNITS``. Its points are the keys the page asks for, so a
student who explores inside it finds each forecast in the store.
"""

from __future__ import annotations

import dataclasses
import os
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lab.maths import kinds
from lab.networks import seqnet
from lab.core.cache import digest
from lab.training.jobs import Job, keras_callback
from lab.data.stock import (LECTURE_000_ORDER, MA_COLUMNS, DataError, Prepared, PrepSettings,
                       StockData, evaluate, prepare, prepared)
from lab.training import store
from lab.training.store import Grid, Store, Task
from lab.training.stored import Stored

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

NUMPY_MAX_UNITS = 64  # up to here NumPy trains faster than Keras (``bench.live --only train``)
# Batches run per call into TensorFlow: fewer Python round trips, the same result. Progress is
# reported once per call, so this stays small enough for the large presets' progress bar to
# move several times a second (``python -m bench.run --only stock``, see bench/RESULTS.md).
STEPS_PER_EXECUTION = 4


@dataclass(frozen=True)
class ForecastSettings:
    """Page defaults, for the embedded GOOG series; their training time is measured by
    ``python -m bench.run --only stock``, see bench/RESULTS.md."""

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
    """A lecture's settings; its title is ``stock.preset_title.<slug of its name>``."""

    data: str  # the data the lecture used (the page says so; upload it to reproduce exactly)
    prep: PrepSettings
    model: ForecastSettings
    lecture_r2: float | None = None  # the R² the lecture printed (prices or returns: its target)


SAMSUNG = "Samsung 005930.KS 2000-09-01..2022-09-19"
LECTURE_002_PREP = PrepSettings(MA_COLUMNS, "close", 40, 0.95, lecture_scaling=True)
LECTURE_002_FIT = dict(epochs=100, lr=1e-3, batch_size=16, patience=10)  # EarlyStopping(10)

PRESETS: dict[str, Preset] = {
    "page default": Preset(
        "any series", PrepSettings(), ForecastSettings()),
    "lecture 000": Preset(
        "stock_daily.csv",
        PrepSettings(LECTURE_000_ORDER, "close", 7, 0.7, lecture_scaling=True),
        ForecastSettings("LSTM", 16, "relu", epochs=100, lr=1e-3, batch_size=16, validation=0.0)),
    "lecture 002 LSTM": Preset(
        SAMSUNG, LECTURE_002_PREP,
        ForecastSettings("LSTM", 128, "tanh", **LECTURE_002_FIT), lecture_r2=0.9180336839485008),
    "lecture 002 returns": Preset(
        SAMSUNG,
        dataclasses.replace(LECTURE_002_PREP, target="return"),
        ForecastSettings("LSTM", 128, "tanh", **LECTURE_002_FIT), lecture_r2=-0.008012695856493446),
    # The lecture's GRU comes after the returns section and trains on its R_t data.
    "lecture 002 GRU": Preset(
        SAMSUNG, dataclasses.replace(LECTURE_002_PREP, target="return"),
        ForecastSettings("GRU", 256, "tanh", **LECTURE_002_FIT), lecture_r2=-0.09758368300630482),
}


def engine(s: ForecastSettings) -> str:
    """"numpy" (lab.networks.seqnet) for the small models, "keras" for the lectures' large ones."""
    return "numpy" if s.units <= NUMPY_MAX_UNITS else "keras"


@dataclass
class Forecast(Stored, prefix="stock"):
    """A trained forecast (``lab.training.stored``: saved as stock-<digest>.npz and .json)."""

    settings: ForecastSettings
    history: dict[str, list[float]]
    pred: np.ndarray  # scaled forecasts for every window, training and test
    seconds: float
    params: int
    engine: str = "numpy"


MAX_MODELS = 24  # forecasts kept in memory for the whole server; the oldest goes first
STORE: Store[Forecast] = Forecast.store("stock_models", MAX_MODELS)


def fingerprint(p: Prepared) -> str:
    """A digest of the windows and targets: two data sets with equal settings differ here.
    Kept on ``p`` (shared windows are never changed): a page run asks for its keys often."""
    if "_fingerprint" not in p.__dict__:
        p.__dict__["_fingerprint"] = digest(p.X, p.y, np.array([p.split]))
    return p.__dict__["_fingerprint"]


# Keras: seconds per epoch ~ EPOCH_OVERHEAD_S + SECONDS_PER_MAC * multiply-adds; NumPy: a cost
# per batch and time step plus one per gate block. Fitted on 2 cores to the epochs of lecture
# 002's presets (``python -m bench.run --only stock``) and of the page default
# (``python -m bench.live --only train``), see bench/RESULTS.md. Only used to warn before a
# long training.
EPOCH_OVERHEAD_S = 0.1
SECONDS_PER_MAC = 3e-10
NUMPY_STEP_S, NUMPY_GATE_S = 25e-6, 25e-6


def model_key(p: Prepared, s: ForecastSettings) -> str:
    """The cache key of a forecast: the windows' content, not the file name, every setting and
    the engine (the page and ``lab.prepare`` look forecasts up by it)."""
    return f"{fingerprint(p)}|{p.settings}|{s}|{engine(s)}"


def estimate_seconds(p: Prepared, s: ForecastSettings) -> float:
    """A rough upper estimate of the training time (every epoch run, no early stop)."""
    T, d = p.X.shape[1], p.X.shape[2]
    macs = p.split * T * (s.units + d + 1) * s.units * kinds.gates(s.kind)
    if engine(s) == "numpy":
        batches = -(-p.split // s.batch_size)
        per_step = NUMPY_STEP_S + NUMPY_GATE_S * kinds.gates(s.kind)
        return s.epochs * (batches * T * per_step + 3 * SECONDS_PER_MAC * macs)
    return s.epochs * (EPOCH_OVERHEAD_S + SECONDS_PER_MAC * macs)


def build(window_size: int, n_features: int, s: ForecastSettings):
    import keras

    layer = kinds.keras_layer(s.kind)
    return keras.Sequential([keras.Input((window_size, n_features)),
                             layer(s.units, activation=s.activation),
                             keras.layers.Dense(1)])


def train(p: Prepared, s: ForecastSettings = ForecastSettings(), job: Job | None = None
          ) -> Forecast:
    """Fit on the training windows (MSE, Adam). With ``s.validation`` > 0 the last part of the
    training windows is held out (as Keras's ``validation_split`` does) and early stopping
    keeps the best epoch's weights. A loss that is not finite stops training (diverged).
    ``job`` receives every batch and epoch, and stops the training when cancelled."""
    job = job or Job("", s.epochs)
    cut = int(p.split * (1 - s.validation))  # windows [cut, split) validate
    if engine(s) == "keras":
        return _train_keras(p, s, cut, job)
    net = seqnet.init_net(s.kind, p.X.shape[2], s.units, s.activation, s.seed)
    res = seqnet.fit(net, p.X[:cut], p.y[:cut], epochs=s.epochs, lr=s.lr,
                     batch_size=s.batch_size, seed=s.seed, patience=s.patience,
                     validation=(p.X[cut:p.split], p.y[cut:p.split]) if cut < p.split else None,
                     on_epoch=job.on_epoch, on_batch=job.on_batch, should_stop=job.should_stop)
    return Forecast(s, res.history, seqnet.predict(res.net, p.X), res.seconds,
                    net.count_params(), "numpy")


def keras_code(p: Prepared, s: ForecastSettings) -> str:
    """The Keras program that trains the same model (what the lectures write)."""
    T, d = p.X.shape[1], p.X.shape[2]
    val = (f"validation_split={s.validation},\n          callbacks=[keras.callbacks.EarlyStopping("
           f"\n              monitor=\"val_loss\", patience={s.patience}, "
           f"restore_best_weights=True)]," if s.validation else "")
    return (f"import keras\n\n"
            f"keras.utils.set_random_seed({s.seed})\n"
            f"model = keras.Sequential([\n"
            f"    keras.Input(({T}, {d})),  # window of {T} days x {d} features\n"
            f"    keras.layers.{s.kind}({s.units}, activation=\"{s.activation}\"),\n"
            f"    keras.layers.Dense(1),\n])\n"
            f"model.compile(optimizer=keras.optimizers.Adam(learning_rate={s.lr:g}), "
            f"loss=\"mse\")\n"
            f"model.fit(X_train, y_train, epochs={s.epochs}, batch_size={s.batch_size},"
            f"\n          {val}{chr(10) + '          ' if val else ''}shuffle=True)\n"
            f"y_pred = model.predict(X_test)  # {kinds.param_count(s.kind, d, s.units) + s.units + 1:,}"
            f" parameters")


def _train_keras(p: Prepared, s: ForecastSettings, cut: int, job: Job) -> Forecast:
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(s.seed)
    model = build(p.X.shape[1], p.X.shape[2], s)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=s.lr), loss="mse",
                  steps_per_execution=STEPS_PER_EXECUTION)
    # A cached tf.data pipeline: an epoch is faster than from NumPy arrays.
    train_ds = (tf.data.Dataset.from_tensor_slices((p.X[:cut], p.y[:cut])).cache()
                .shuffle(cut, seed=s.seed, reshuffle_each_iteration=True)
                .batch(s.batch_size).prefetch(2))
    val_ds = None
    callbacks = [keras.callbacks.TerminateOnNaN(), keras_callback(job, -(-cut // s.batch_size))]
    if cut < p.split:
        val_ds = tf.data.Dataset.from_tensor_slices((p.X[cut:p.split], p.y[cut:p.split]))
        val_ds = val_ds.batch(1024).cache()
        callbacks.append(keras.callbacks.EarlyStopping(
            monitor="val_loss", patience=s.patience, restore_best_weights=True))
    t0 = time.perf_counter()
    hist = model.fit(train_ds, epochs=s.epochs, validation_data=val_ds, verbose=0,
                     callbacks=callbacks, shuffle=False)  # the pipeline shuffles
    seconds = time.perf_counter() - t0
    pred = model.predict(p.X, verbose=0, batch_size=1024)[:, 0].astype(float)
    history = {k: [float(v) for v in vals] for k, vals in hist.history.items()}
    return Forecast(s, history, pred, seconds, int(model.count_params()), "keras")


def request(p: Prepared, s: ForecastSettings, restart: bool = False) -> Forecast | Job:
    """The forecast for these windows and settings, from memory or disk, or the (shared) job
    that trains it (``restart``: train again after a cancel or a failure)."""
    return STORE.request(model_key(p, s), task(p, s), s.epochs, restart=restart)


def task(p: Prepared, s: ForecastSettings) -> Task:
    """The training of ``s`` on ``p`` for the store: the NumPy forecaster shares a worker process
    with other trainings (``lab.training.pool``, shortest first by ``estimate_seconds``)."""
    return Task(train, (p, s), share=engine(s) == "numpy", cost=estimate_seconds(p, s))


def scaling_comparison(data: StockData, prep: Prepared, s: ForecastSettings,
                       forecast: Forecast) -> pd.DataFrame | None:
    """This forecast's test scores beside those of the same model trained with the other
    scaling (MinMax fitted on the whole series, as the lectures do, or on the training part
    only), once that one has been trained; rows "lecture" and "train_only"."""
    p = prep.settings
    other_settings = dataclasses.replace(p, lecture_scaling=not p.lecture_scaling)
    try:
        other = prepared(data, other_settings)  # shared: a page run asks for it each time
    except DataError:
        return None
    found = STORE.get(model_key(other, s))
    if found is None or found.diverged:
        return None
    rows = {("lecture" if pp.settings.lecture_scaling else "train_only"):
            evaluate(pp, f.pred).loc["model"] for pp, f in ((prep, forecast), (other, found))}
    return pd.DataFrame(rows).T


# --- Exploration grids ----------------------------------------------------------------------
GRID_WINDOWS = tuple(range(2, 61))  # the page's window slider (ui/settings.py, sk_window)
GRID_UNITS = (8, 16, 32, 64)  # the NumPy sizes of the page's units (up to NUMPY_MAX_UNITS)
GRIDS = ("stock-windows", "stock-units-kinds")


def grid_settings(name: str, prep: PrepSettings, s: ForecastSettings
                  ) -> list[tuple[PrepSettings, ForecastSettings]]:
    """The settings of grid ``name`` around the page's ``prep`` and ``s``: every window
    (``stock-windows``), or every layer kind x ``GRID_UNITS`` (``stock-units-kinds``)."""
    if name == "stock-windows":
        return [(dataclasses.replace(prep, window_size=w), s) for w in GRID_WINDOWS]
    if name == "stock-units-kinds":
        return [(prep, dataclasses.replace(s, kind=k, units=u))
                for k in kinds.KINDS for u in GRID_UNITS]
    raise ValueError(name)


def grid(name: str, data: StockData, prep: PrepSettings, s: ForecastSettings) -> Grid:
    """Grid ``name`` on this data around these settings, trained in the background for the whole
    server (the one already preparing, if it is)."""
    def point(p_settings: PrepSettings, f_settings: ForecastSettings):
        def ask():
            p = prepare(data, p_settings)
            return STORE.request(model_key(p, f_settings), task(p, f_settings),
                                 f_settings.epochs, background=True)
        return ask

    around = f"{name}|{fingerprint(prepare(data, prep))}|{prep}|{s}"
    return store.grid(around, lambda: [point(*ps) for ps in grid_settings(name, prep, s)])
