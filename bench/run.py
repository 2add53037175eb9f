"""Benchmarks for the lab: one command, one table. Run ``python -m bench.run``.

Every figure is printed beside a baseline measured in the same run, as a ratio, so the table
holds on a slower or busier machine. Timings are medians of repeated runs. Nothing here is
asserted: tests check correctness, this file measures speed.

Rows:
* XOR to convergence: the NumPy network (page defaults, and the lecture's learning rate 0.1)
  against the lecture's Keras ``fit(epochs=10000, batch_size=4)``, timed over
  ``KERAS_EPOCHS`` epochs and scaled to 10,000 (the table says so).
* Perceptron updates per second against the lecture's own loop, transcribed.
* The NumPy BPTT step on lecture 001's IMDB one-hot shapes against ``tf.GradientTape``; the
  sine demo's training time; the gradient-flow computation at T = 200.
* The gate inspector's rerun when a bias slider moves on a 100-step sentence, and the
  long-range memory experiment's total time and accuracies (Keras's default forget bias 1,
  and 3).
* The IMDB page's default model on the shared Keras subset (training time, test accuracy) and
  the threshold redraw.
* Every IMDB experiment (lectures 000, 001, 003, 004, stacking) on the shared subset, at most
  20 epochs: training time and accuracies, beside the lecture's printed accuracy (labelled as
  not a same-run baseline).
* The stock page: preparing Samsung's 5,913 rows (lecture 002's features, window 40) against
  the lecture's own loops, transcribed; training time per epoch for the page default and the
  lecture presets, against the default; the default model's whole training beside its 20 s
  budget and its test RMSE beside the naive forecast's; the page's first run with an empty
  model cache (TensorFlow import and training included).
* A stock upload just under the 20 MB limit: the parser's peak memory beside the file's size.
* A page rerun (AppTest, server side) for every page, against the home page, and the RNN
  page's rerun when its scale slider moves.
* One animation frame's server work (train + every figure + JSON), against the frame budget.
* Server CPU per rerun on a real server (``bench.cpu``): each page opened (cold, then again),
  its main widget moved, and XOR's Play per frame, against an empty Streamlit app's page open
  and slider move measured in the same run.
* ``--browser``: frames per second of the XOR page playing in headless Chromium, against an
  empty frame of the same app (the ceiling of Streamlit's fragment loop on this machine).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from lab.networks import mlp, perceptron as pc  # noqa: E402

REPEATS = 5
KERAS_EPOCHS = 300  # timed, then scaled to the lecture's 10,000
LECTURE_EPOCHS = 10_000
FRAME_BUDGET_S = 0.2  # five frames a second


def median_time(fn, repeats: int = REPEATS) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def row(name: str, value: str, baseline: str, ratio: str, note: str = "") -> None:
    print(f"| {name} | {value} | {baseline} | {ratio} | {note} |", flush=True)


# --- XOR ------------------------------------------------------------------------------------
def bench_xor() -> None:
    def converge(lr):
        p = mlp.init_params(3, seed=0)
        steps, _ = mlp.train_until_converged(p, lr)
        return steps

    steps_default, steps_lecture = converge(0.5), converge(0.1)
    t_default = median_time(lambda: converge(0.5))
    t_lecture = median_time(lambda: converge(0.1))

    from lab.networks import keras_ref

    model = keras_ref.build_model(3, lr=0.1)
    x, t = mlp.XOR_X.astype("float32"), mlp.XOR_T.astype("float32")
    model.fit(x, t, epochs=5, batch_size=4, verbose=0)  # build and trace first
    t0 = time.perf_counter()
    model.fit(x, t, epochs=KERAS_EPOCHS, batch_size=4, verbose=0)
    keras_epoch = (time.perf_counter() - t0) / KERAS_EPOCHS
    keras_full = keras_epoch * LECTURE_EPOCHS

    numpy_step = median_time(lambda: mlp.train(mlp.init_params(3, 0), 0.5, 1000)) / 1000
    row("XOR converged, page defaults (H=3, lr 0.5, seed 0)",
        f"{t_default * 1000:.0f} ms ({steps_default:,} steps)",
        f"Keras fit, 10,000 epochs: {keras_full:.1f} s (est.)",
        f"{keras_full / t_default:,.0f}x faster",
        f"Keras timed over {KERAS_EPOCHS} epochs x {LECTURE_EPOCHS // KERAS_EPOCHS}")
    row("XOR converged, lecture's lr 0.1",
        f"{t_lecture * 1000:.0f} ms ({steps_lecture:,} steps)",
        f"Keras fit, 10,000 epochs: {keras_full:.1f} s (est.)",
        f"{keras_full / t_lecture:,.0f}x faster", "")
    row("XOR one training step (same work)", f"{numpy_step * 1e6:.0f} us",
        f"Keras one epoch: {keras_epoch * 1e6:.0f} us", f"{keras_epoch / numpy_step:,.0f}x faster",
        "one full-batch SGD step each")


# --- Perceptron -------------------------------------------------------------------------------
def lecture_perceptron(passes: int) -> None:
    """The lecture's loop, transcribed (the baseline)."""
    def f(v):
        return 1 if v > 0 else 0
    x = np.array([[1, 0, 0], [1, 0, 1], [1, 1, 0], [1, 1, 1]])
    t = np.array([0, 1, 1, 0])
    w = np.array([0., 0., 0.])
    for _ in range(passes):
        for i in range(len(x)):
            e = t[i] - f(np.dot(x[i], w))
            w[0] = w[0] + 0.1 * e * x[i][0]
            w[1] = w[1] + 0.1 * e * x[i][1]
            w[2] = w[2] + 0.1 * e * x[i][2]


def bench_perceptron() -> None:
    passes = 2000
    ours = median_time(lambda: pc.train("XOR", 0.1, passes))
    base = median_time(lambda: lecture_perceptron(passes))
    n = 4 * passes
    row("Perceptron updates per second (with the full table kept)", f"{n / ours:,.0f}/s",
        f"lecture loop, nothing kept: {n / base:,.0f}/s", f"{base / ours:.2f}x the speed",
        f"{passes:,} passes on XOR")


# --- Pages and frames -------------------------------------------------------------------------
def bench_pages() -> None:
    from streamlit.testing.v1 import AppTest

    from ui.catalog import LESSONS

    def run(script):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        if script:
            at.switch_page(script)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    home = median_time(lambda: run(None))
    row("Page rerun: home (AppTest, server side)", f"{home * 1000:.0f} ms", "-", "1.00x", "")
    for lesson in LESSONS:
        t = median_time(lambda: run(lesson.script))
        row(f"Page rerun: {lesson.title()}", f"{t * 1000:.0f} ms",
            f"home {home * 1000:.0f} ms", f"{t / home:.2f}x", "first run of a fresh session")
    at = run("pages/xor.py")

    def step():
        at.button(key="xor__step").click().run()
    t = median_time(step)
    row("XOR page: Step pressed (full rerun)", f"{t * 1000:.0f} ms", f"home {home * 1000:.0f} ms",
        f"{t / home:.2f}x", "50 steps + redraw")
    at = run("pages/rnn.py")
    radii = iter(np.tile([0.8, 1.2], 20))

    def move_radius():
        at.slider(key="g_T").set_value(200)
        at.slider(key="g_radius").set_value(float(next(radii))).run()
        assert not at.exception
    t = median_time(move_radius)
    row("RNN page: scale slider moved, T = 200 (full rerun)", f"{t * 1000:.0f} ms",
        "budget 500 ms", f"{t / 0.5:.2f} of budget", "every tab of the page recomputed")


def bench_frame() -> None:
    from lab.figures.perceptron import decision_figure, history_figure
    from lab.figures.xor import boundary_figure, hidden_space_figure, loss_figure

    p = mlp.init_params(3, 0)
    losses = list(mlp.train(p, 0.5, 500))

    def xor_frame():
        losses.extend(mlp.train(p, 0.5, 50))
        for fig in (boundary_figure(p), hidden_space_figure(p), loss_figure(np.asarray(losses))):
            fig.to_json()
    t = median_time(xor_frame, 20)
    row("XOR animation frame, server work", f"{t * 1000:.1f} ms",
        f"budget at 5 frames/s: {FRAME_BUDGET_S * 1000:.0f} ms",
        f"{t / FRAME_BUDGET_S:.2f} of budget", "50 steps + 3 figures + JSON")
    run = pc.train("AND", 0.1, 10)

    def pc_frame():
        w = run.updates.iloc[20][["w0", "w1", "w2"]].to_numpy(float)
        decision_figure(w, pc.GATES["AND"], 1).to_json()
        history_figure(run, 21).to_json()
    t = median_time(pc_frame, 20)
    row("Perceptron animation frame, server work", f"{t * 1000:.1f} ms",
        f"budget at 5 frames/s: {FRAME_BUDGET_S * 1000:.0f} ms",
        f"{t / FRAME_BUDGET_S:.2f} of budget", "2 figures + JSON")


# --- Unrolled RNN ---------------------------------------------------------------------------------
def bench_rnn() -> None:
    import tensorflow as tf

    from lab.networks import rnn
    from lab.models.rnn_demos import SineDemo

    m, T, n_f, n_c = 32, 100, 100, 32  # lecture 001's IMDB one-hot setting
    rng = np.random.default_rng(0)
    net = rnn.init_rnn(n_f, n_c, seed=0)
    x = np.eye(n_f)[rng.integers(0, n_f, (m, T))]
    y = rng.integers(0, 2, (m, 1)).astype(float)

    def numpy_step():
        trace = rnn.forward(net, x)
        rnn.bptt(net, trace, y)
    t_np = median_time(numpy_step)

    import keras
    model = keras.Sequential([keras.Input((T, n_f)), keras.layers.SimpleRNN(n_c),
                              keras.layers.Dense(1, activation="sigmoid")])
    xs, ys = tf.constant(x, tf.float32), tf.constant(y, tf.float32)
    loss_fn = keras.losses.BinaryCrossentropy()

    def tape_step():
        with tf.GradientTape() as tape:
            loss = loss_fn(ys, model(xs, training=True))
        tape.gradient(loss, model.trainable_weights)
    t_tf = median_time(tape_step)

    @tf.function
    def graph_step():
        with tf.GradientTape() as tape:
            loss = loss_fn(ys, model(xs, training=True))
        return tape.gradient(loss, model.trainable_weights)
    t_graph = median_time(graph_step)
    row("BPTT step, batch 32, T 100, n_f 100, n_c 32: NumPy", f"{t_np * 1000:.1f} ms",
        f"tf.GradientTape eager: {t_tf * 1000:.1f} ms", f"{t_tf / t_np:.2f}x faster",
        "forward + full BPTT")
    row("same, against TensorFlow compiled", f"{t_np * 1000:.1f} ms",
        f"tf.function: {t_graph * 1000:.1f} ms", f"{t_graph / t_np:.2f}x", "graph mode")

    def sine_training():
        SineDemo().advance(20)
    t_sine = median_time(sine_training, 3)
    row("Sine demo, 20 epochs (784 windows of 20, n_c 16, Adam)", f"{t_sine:.2f} s",
        f"one epoch: {t_sine / 20 * 1000:.0f} ms", "-", "lecture 002's data")

    flow = median_time(lambda: rnn.gradient_flow(200, 1.0, "tanh"), 10)
    row("Gradient flow, T = 200 (forward + BPTT)", f"{flow * 1000:.1f} ms",
        "budget 500 ms", f"{flow / 0.5:.3f} of budget", "")


# --- Gate inspector -----------------------------------------------------------------------------
def bench_gates() -> None:
    from streamlit.testing.v1 import AppTest

    from lab.models import memory

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.switch_page("pages/gates.py")
    at.run()
    at.radio(key="gi_source").set_value("sentence through a trained character model").run()
    sentence = ("so good " * 13)[:100]  # 100 steps
    at.text_input(key="gi_sentence").set_value(sentence).run()
    shifts = iter(np.tile([2.0, -2.0], 20))

    def move_bias():
        at.slider(key="gi_f").set_value(float(next(shifts))).run()
        assert not at.exception
    t = median_time(move_bias)
    row("Gate inspector: forget-bias slider, 100-step sentence (full rerun)",
        f"{t * 1000:.0f} ms", "budget 500 ms", f"{t / 0.5:.2f} of budget", "trained LSTM, NumPy")

    lengths = [5, 20, 50, 100]
    for fb in (1.0, 3.0):
        s = memory.MemorySettings(lstm_forget_bias=fb)
        t0 = time.perf_counter()
        res = memory.memory_experiment(lengths, s)
        total = time.perf_counter() - t0
        acc = "; ".join(f"{k} " + "/".join(f"{a:.2f}" for a in v) for k, v in res.items())
        row(f"Long-range memory experiment, LSTM forget bias {fb:g} (L = 5/20/50/100)",
            f"{total:.0f} s for 12 models", f"{total / 12:.1f} s a model", "-", acc)


# --- IMDB ---------------------------------------------------------------------------------------
SHARED = ROOT.parent / "shared" / "data"


def bench_imdb() -> None:
    from lab.data import imdb
    from lab.maths import threshold as th
    from lab.figures.imdb import (confusion_figure, histogram_figure, roc_pr_figure,
                                  sweep_figure)
    from lab.models.imdb_model import ModelSettings, train

    subset = SHARED / "imdb_keras_subset_num500.npz"
    if subset.exists():
        data = imdb.load_npz(subset, num_words=500)
        label = "Keras IMDB subset (5,000 / 1,000 reviews, 500 words, maxlen 100)"
    else:
        data = imdb.load_generated(500)
        label = "generated reviews (../shared/data missing)"
    xtr, xte = imdb.pad(data.x_train, 100), imdb.pad(data.x_test, 100)
    s = ModelSettings()
    trained = train(xtr, data.y_train, xte, 500, s)
    acc = th.at_threshold(data.y_test, trained.p_test, 0.5).accuracy
    epochs = len(trained.history["loss"])
    row(f"IMDB default model ({s.kind}({s.units}), embedding {s.embedding}, Adam {s.lr:g})",
        f"test accuracy {acc:.3f}, {trained.seconds:.1f} s training",
        "target: 0.78 in 30 s", f"{trained.seconds / 30:.2f} of the time budget",
        f"{label}; {epochs} epochs (early stopping)")
    y, p = data.y_test, trained.p_test
    th.sweep(y, p)  # cached by the page; the redraw below recounts and redraws
    thresholds = iter(np.tile([0.3, 0.6], 20))

    def redraw():
        thr = float(next(thresholds))
        m = th.at_threshold(y, p, thr)
        t, mis, cost = th.sweep(y, p)
        for fig in (confusion_figure(m), sweep_figure(t, mis, cost, thr, 0.5, 0.5, False),
                    roc_pr_figure(th.curves(y, p), m), histogram_figure(y, p, thr)):
            fig.to_json()
    t = median_time(redraw, 10)
    row("IMDB threshold moved: recount + 4 figures (the fragment's work)", f"{t * 1000:.0f} ms",
        "budget 200 ms", f"{t / 0.2:.2f} of budget", "no re-prediction")


def lecture_002_prepare(df, window_size: int = 40):
    """Lecture 002's preparation, transcribed: iloc loops for the shifted moving averages,
    replace/dropna, MinMax on everything, and a list-append window loop (the baseline)."""
    import pandas as pd
    from sklearn.preprocessing import MinMaxScaler

    raw_df = df.copy()
    raw_df["3MA"] = raw_df["Close"].rolling(window=3).mean()
    raw_df["5MA"] = raw_df["Close"].rolling(window=5).mean()
    raw_df["3MA_new"] = np.nan
    raw_df["5MA_new"] = np.nan
    c3, c5, n3, n5 = (raw_df.columns.get_loc(c) for c in ("3MA", "5MA", "3MA_new", "5MA_new"))
    for i in range(len(raw_df) - 1):
        raw_df.iloc[i + 1, n3] = raw_df.iloc[i, c3]
        raw_df.iloc[i + 1, n5] = raw_df.iloc[i, c5]
    raw_df["Volume"] = raw_df["Volume"].replace(0, np.nan)
    raw_df = raw_df.dropna()
    scaled = pd.DataFrame(MinMaxScaler().fit_transform(raw_df[["Close", "3MA_new", "5MA_new"]]),
                          columns=["Close", "3MA_new", "5MA_new"])
    feature, label = scaled[["3MA_new", "5MA_new"]].to_numpy(), scaled[["Close"]].to_numpy()
    xs, ys = [], []
    for i in range(len(feature) - window_size):
        xs.append(feature[i:i + window_size])
        ys.append(label[i + window_size])
    return np.array(xs), np.array(ys)


def bench_stock() -> None:
    import tempfile

    from lab.data import stock
    from lab.models.stock_model import PRESETS, ForecastSettings, engine, train

    samsung_file, daily_file = SHARED / "samsung_005930.csv", SHARED / "stock_daily.csv"
    if not samsung_file.exists():
        row("Stock", "skipped", "-", "-", "../shared/data missing")
        return
    raw = samsung_file.read_bytes()
    lecture_settings = PRESETS["lecture 002 LSTM"].prep
    ours = median_time(lambda: stock.prepare(stock.parse_csv(raw), lecture_settings))
    frame = stock.parse_csv(raw).frame
    theirs = median_time(lambda: lecture_002_prepare(frame), 3)
    row("Stock: read + prepare Samsung, 5,913 rows (3MA/5MA, window 40)", f"{ours * 1000:.0f} ms",
        f"lecture's loops {theirs * 1000:.0f} ms", f"{theirs / ours:.0f}x faster",
        "parse_csv checks every cell; windows are a strided view")

    from lab.training.jobs import Job

    class EpochClock(Job):
        def __init__(self):
            super().__init__("bench", 0)
            self.times = []

        def on_epoch(self, epoch, logs):
            self.times.append(time.perf_counter())
            super().on_epoch(epoch, logs)

    def per_epoch(data, prep, model, epochs):
        p = stock.prepare(data, prep)
        clock = EpochClock()
        train(p, ForecastSettings(**{**model.__dict__, "epochs": epochs, "validation": 0.1}),
              clock)
        return float(np.median(np.diff(clock.times))), p

    goog = stock.load_embedded("GOOG")
    default_epoch, p = per_epoch(goog, stock.PrepSettings(), ForecastSettings(), 6)
    row("Stock: one epoch, page default (GOOG, GRU(16), window 7, NumPy)",
        f"{default_epoch * 1000:.0f} ms", "-", "1.00x", f"{p.split:,} training windows")
    samsung = stock.parse_csv(raw)
    samsung.frame = samsung.frame.loc["2000-09-01":"2022-09-19"]
    daily = stock.parse_csv(daily_file.read_bytes())
    for key, data in [("lecture 000", daily), ("lecture 002 LSTM", samsung),
                      ("lecture 002 GRU", samsung)]:
        preset = PRESETS[key]
        t, p = per_epoch(data, preset.prep, preset.model, 4)
        row(f"Stock: one epoch, {key} ({engine(preset.model)})", f"{t * 1000:.0f} ms",
            f"default {default_epoch * 1000:.0f} ms", f"{t / default_epoch:.1f}x",
            f"{p.split:,} windows; at most {preset.model.epochs} epochs = "
            f"{t * preset.model.epochs:.0f} s")
    p = stock.prepare(goog, stock.PrepSettings())
    f = train(p, ForecastSettings())
    table = stock.evaluate(p, f.pred)
    row("Stock: page default trained (GOOG, 30 epochs at most)",
        f"{f.seconds:.1f} s, {len(f.history['loss'])} epochs", "budget 20 s",
        f"{f.seconds / 20:.2f} of budget",
        f"test RMSE {table.iloc[0]['RMSE (price)']:.2f} vs naive "
        f"{table.iloc[1]['RMSE (price)']:.2f}")
    from streamlit.testing.v1 import AppTest

    os.environ["LAB_CACHE_DIR"] = tempfile.mkdtemp()
    t0 = time.perf_counter()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.switch_page("pages/stock.py")
    at.run()
    from lab.models.stock_model import STORE

    for job in list(STORE._jobs.values()):  # the page trains on the store's thread
        job.wait(300)
    at.run()
    first = time.perf_counter() - t0
    assert not at.exception
    row("Stock page: first run, empty model cache (AppTest)", f"{first:.1f} s", "budget 20 s",
        f"{first / 20:.2f} of budget", "loads data, trains the default in NumPy, draws")


# --- Browser frames per second ----------------------------------------------------------------
def upload_csv(size: int) -> bytes:
    """A Yahoo Finance export (Date,Open,High,Low,Close,Adj Close,Volume) of about ``size``
    bytes: daily rows from 1200 on, a random walk."""
    n = size // 60
    close = 100 * np.exp(np.cumsum(np.random.default_rng(0).normal(0, 0.001, n)))
    start = np.datetime64("1200-01-01")
    rows = [f"{start + i},{c * 0.99:.4f},{c * 1.01:.4f},{c * 0.98:.4f},{c:.4f},{c:.4f},{1000 + i}"
            for i, c in enumerate(close)]
    raw = ("Date,Open,High,Low,Close,Adj Close,Volume\n" + "\n".join(rows) + "\n").encode()
    return raw[:raw.rindex(b"\n", 0, size) + 1]


def bench_upload() -> None:
    """The stock page's upload just under its 20 MB limit: the peak memory the parser
    allocates (tracemalloc) beside the file's size, and its CPU time."""
    import tracemalloc

    from lab.data import stock

    raw = upload_csv(stock.MAX_BYTES - 2**16)
    t0 = time.process_time()
    data = stock.parse_csv(raw, "upload.csv")
    cpu = time.process_time() - t0
    tracemalloc.start()
    stock.parse_csv(raw, "upload.csv")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    lines = raw.count(b"\n") - 1
    row(f"Stock upload {len(raw) / 2**20:.1f} MB ({lines:,} rows): the parser's peak memory",
        f"{peak / 2**20:.1f} MB", f"file {len(raw) / 2**20:.1f} MB", f"{peak / len(raw):.2f}x", f"{len(data.frame):,} rows kept; {cpu:.1f} s CPU")


def bench_cpu() -> None:
    from bench import cpu

    cpu.rows(row)


def bench_browser() -> None:
    from bench.browser_fps import measure_fps

    result = measure_fps()
    if result is None:
        row("XOR page frames/s in headless Chromium", "skipped", "-", "-", "chromium not found")
        return
    fps, ceiling = result
    row("XOR page playing, frames/s in headless Chromium", f"{fps:.2f}/s",
        f"empty frame, same app: {ceiling:.2f}/s", f"{fps / ceiling:.2f}x",
        "1 step/frame, heat-map on; software rendering, server and browser share 2 cores")


def bench_experiments() -> None:
    """Each experiment of the "IMDB experiments" page on the shared Keras subset, with the
    page's default cap of 20 epochs: training time, and the accuracy reached beside the
    lecture's printed one (the lecture's number is not a same-run baseline: the row says so)."""
    from lab.models import experiments as ex
    from lab.data import imdb

    subset = SHARED / "imdb_keras_subset_num500.npz"
    if not subset.exists():
        row("IMDB experiments", "skipped", "-", "-", "../shared/data missing")
        return
    data = imdb.load_npz(subset, 10**6)
    for e in ex.EXPERIMENTS.values():
        for net in e.nets:
            fit = ex.capped(e, 20, net)  # the net's own fit where the lecture compiles it so
            x_train, x_test, words, _ = ex.prepare(data, net)
            r = ex.train(net, fit, x_train, data.y_train, x_test, words)
            test = float(((r.p_test >= 0.5) == data.y_test).mean())
            printed = (f"lecture {e.lecture} printed val {net.lecture_accuracy:.4f} ({e.lecture_data})"
                       if net.lecture_accuracy is not None else "lecture printed none")
            row(f"Experiment {e.id}: {net.id} ({r.params:,} parameters)",
                f"{r.seconds:.1f} s, {len(r.history['loss'])} epochs; best val "
                f"{r.best_val():.4f}, test {test:.4f}", printed, "- (not a same-run baseline)",
                f"4,000 / 1,000 / 1,000 reviews; at most {fit.epochs} epochs (lecture "
                f"{(net.fit or e.fit).epochs})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--browser", action="store_true",
                        help="also measure frames/s in headless Chromium (about a minute)")
    parser.add_argument("--only", choices=["xor", "perceptron", "rnn", "gates", "imdb", "stock",
                                           "upload", "experiments", "pages", "frame", "cpu",
                                           "browser"])
    parser.add_argument("--rows", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.rows:
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores; medians of {REPEATS} "
              "runs; each section in its own process\n")
        print("| what | measured | baseline (same run) | ratio | note |")
        print("| --- | --- | --- | --- | --- |", flush=True)
    steps = {"xor": bench_xor, "perceptron": bench_perceptron, "rnn": bench_rnn,
             "gates": bench_gates, "imdb": bench_imdb, "stock": bench_stock,
             "upload": bench_upload,
             "experiments": bench_experiments, "frame": bench_frame,
             "pages": bench_pages, "cpu": bench_cpu,
             "browser": bench_browser}
    if args.only:
        steps[args.only]()
        return
    # Every section in a fresh process: once TensorFlow is loaded, Python-heavy work in the
    # same process (Streamlit reruns above all) measured up to 3x slower.
    import subprocess

    failed = []
    for name in steps:
        if name == "browser" and not args.browser:
            continue
        out = subprocess.run([sys.executable, "-m", "bench.run", "--only", name, "--rows"],
                             cwd=ROOT, capture_output=True, text=True)
        rows = [line for line in out.stdout.splitlines() if line.startswith("| ")]
        if rows:
            print("\n".join(rows), flush=True)
        if out.returncode != 0:  # even after printing some rows: the section did not finish
            failed.append(name)
            last = out.stderr.strip().splitlines()[-1] if out.stderr.strip() else ""
            print(f"| section {name} | FAILED (exit {out.returncode}) | - | - | {last} |",
                  flush=True)
    if failed:
        print(f"\nfailed sections: {', '.join(failed)}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
