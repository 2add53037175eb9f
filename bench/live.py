"""Live training, measured: how long a lecturer's slider move on the stock page takes to show a
trained forecast, and what a room that follows the lecturer costs.

    python -m bench.live                 # every section
    python -m bench.live --only train    # one of: train, page, room, hostile, alone, explore

Sections (each figure beside a baseline measured in the same run, as a ratio):

* train: seconds per epoch of the NumPy forecaster (``lab.networks.seqnet``) against Keras on
  TensorFlow for the same model and data (page default GRU(16), window 7, and window 60),
  plus TensorFlow's import and Keras's first epoch, which NumPy does not pay.
* page: a real ``streamlit run`` with an empty cache; one session over Streamlit's websocket
  protocol (``bench.ws_session``) opens the stock page, then moves window_size across 2..60,
  the learning rate, the units and the layer kind. For every move: the time to the first
  progress drawn and to the trained forecast on screen. Baseline: the same moves back to
  settings already trained (the page's own cost, no training).
* room: 8 and then 30 sessions on the stock page move the window to the same new value at
  once. Each one's wait until its forecast is on screen, against one session alone moving to
  another new value in the same run; and how many trainings ran (files the store saved).
* hostile: one student makes 30 quick new moves, then another's new move waits; against the
  same move on an idle server (``bench/hostile.py``).
* alone: a real ``streamlit run`` with an empty cache; one session opens the stock page (the
  first visit: its default forecast trained), then moves the window to 40 (lecture 002's) and
  back to the default. The first visit and window 40, each to its trained forecast, against the
  move back to the trained default (the page's own cost, no training).
* explore: 30 sessions on the stock page each move the window to a different new value at once
  (the lecturer says "each of you try your own window"): each one's wait to its own first
  progress and to its own forecast, against one session alone moving to a new window in the
  same run.

Nothing is asserted; the command exits non-zero only when a section fails to run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import kernel  # noqa: E402
from bench.browser_fps import _serve  # noqa: E402
from bench.table import pct, row, run_sections  # noqa: E402
from bench.ws_session import Session, slider  # noqa: E402

TIMEOUT_S = 120  # any single wait
POLL_S = 0.5  # the page's own polling interval (ui.training.POLL_S)
RMSE_LABEL = "Test RMSE, model"
PREVIOUS = "Still showing the previous result"
WINDOWS = (10, 20, 30, 45, 60, 2, 5, 14)
LRS = ("0.01", "0.001")
UNITS = ("32", "64", "8")
KINDS = ("LSTM", "SimpleRNN")


# --- train ---------------------------------------------------------------------------------
def bench_train() -> None:
    from lab.networks import seqnet
    from lab.data import stock
    from lab.models.stock_model import ForecastSettings

    data = stock.load_embedded("GOOG")
    t0 = time.perf_counter()
    import keras  # noqa: F401
    import tensorflow  # noqa: F401 - its import time is what is measured
    tf_import = time.perf_counter() - t0
    row("TensorFlow + Keras import", f"{tf_import:.1f} s", "NumPy: none", "-",
        "paid once per server process, before Keras's first epoch")
    for window, kind in ((7, "GRU"), (7, "LSTM"), (7, "SimpleRNN"), (60, "GRU")):
        p = stock.prepare(data, stock.PrepSettings(window_size=window))
        s = ForecastSettings(kind=kind)
        cut = int(p.split * 0.9)
        X, y = p.X[:cut], p.y[:cut]
        net = seqnet.init_net(kind, X.shape[2], s.units, seed=0)
        opt = seqnet.Adam(s.lr)
        rng = np.random.default_rng(0)
        times = []
        for _ in range(6):
            t0 = time.perf_counter()
            seqnet.train_epoch(net, opt, X, y, rng.permutation(cut), s.batch_size)
            times.append(time.perf_counter() - t0)
        numpy_epoch = statistics.median(times)
        model = keras.Sequential([keras.Input(X.shape[1:]),
                                  getattr(keras.layers, kind)(s.units), keras.layers.Dense(1)])
        model.compile(optimizer=keras.optimizers.Adam(s.lr), loss="mse")
        stamps = []
        cb = keras.callbacks.LambdaCallback(on_epoch_end=lambda e, l: stamps.append(
            time.perf_counter()))
        t0 = time.perf_counter()
        model.fit(X, y, batch_size=s.batch_size, epochs=6, verbose=0, callbacks=[cb])
        first = stamps[0] - t0
        keras_epoch = float(np.median(np.diff(stamps)))
        row(f"one epoch, {kind}(16), window {window} ({cut:,} windows, batch 32)",
            f"NumPy {numpy_epoch * 1000:.0f} ms", f"Keras {keras_epoch * 1000:.0f} ms "
            f"(first epoch {first:.1f} s)", f"{keras_epoch / numpy_epoch:.1f}x faster",
            "NumPy needs no first-epoch compile")


# --- page ----------------------------------------------------------------------------------
def shows_forecast(run) -> bool:
    text = run.text()
    return RMSE_LABEL in text and PREVIOUS not in text


def progress_stamp(run) -> float | None:
    """When the run's first progress bar reached the session (``perf_counter``), if it drew
    one: the browser draws it as it arrives, before the rest of its run."""
    return next((at for at, e in zip(run.stamps, run.elements)
                 if type(e).__name__ == "Progress"), None)


async def until_forecast(s: Session, first, timeout: float = TIMEOUT_S) -> tuple[float, float]:
    """(seconds to the first progress bar's arrival or to the result, seconds to the
    forecast) after a move whose first run was ``first`` (already awaited; its time counts)."""
    t0 = time.perf_counter() - first.seconds
    run, progress_at = first, None
    while True:
        if progress_at is None and (stamp := progress_stamp(run)) is not None:
            progress_at = stamp - t0
        if progress_at is None and shows_forecast(run):
            progress_at = time.perf_counter() - t0
        if shows_forecast(run):
            return progress_at, time.perf_counter() - t0
        if time.perf_counter() - t0 > timeout:
            raise TimeoutError("no forecast")
        if s.auto_rerun is None:  # the page finished with neither: read what follows
            await asyncio.sleep(POLL_S)
            run = await s._rerun([], timeout=TIMEOUT_S)
            continue
        await asyncio.sleep(s.auto_rerun[0])
        run = await s.tick(timeout=TIMEOUT_S)
        if not shows_forecast(run):  # the fragment saw the end and asked for a full rerun
            try:
                extra = await asyncio.wait_for(_read(s), 0.3)
                run = extra
            except asyncio.TimeoutError:
                pass


async def _read(s: Session):
    from bench.ws_session import Run

    run = Run(0.0)
    await s._read_until_finished(run)
    return run


def state_for(key: str, value):
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    st = WidgetState()
    if key == "sk_window":
        return slider(float(value))
    if key in ("sk_lr", "sk_units"):
        st.string_array_value.data.append(str(value))
    else:
        st.string_value = str(value)
    return st


async def move(s: Session, key: str, value, timeout: float = TIMEOUT_S) -> tuple[float, float]:
    first = await s.set(key, state_for(key, value), fragment=False, timeout=timeout)
    return await until_forecast(s, first, timeout)


def saved_models(cache: str) -> int:
    return len(list((Path(cache) / "stock_models").glob("*.json")))


def saved_windows(cache: str) -> dict[str, int]:
    """Each saved forecast's file name -> its window (read from the key in its JSON)."""
    import json
    import re

    return {f.name: int(re.search(r"window_size=(\d+)", json.loads(f.read_text())["key"])[1])
            for f in (Path(cache) / "stock_models").glob("*.json")}


async def bench_page() -> None:
    cache = tempfile.mkdtemp(prefix="lab-live-")
    proc, url = _serve("app.py", cache)
    try:
        async with Session(url) as s:
            first = await s.open("stock", timeout=TIMEOUT_S)
            progress, done = await until_forecast(s, first)
            row("stock page, first visit, empty cache -> trained forecast", f"{done:.2f} s",
                "aim 3 s", f"{done / 3:.2f} of aim", f"first progress {progress:.2f} s")
            moves = ([("sk_window", w) for w in WINDOWS] + [("sk_lr", v) for v in LRS]
                     + [("sk_units", v) for v in UNITS] + [("sk_kind", v) for v in KINDS])
            fresh, first_progress, back = [], [], []
            for key, value in moves:
                p, d = await move(s, key, value)
                fresh.append(d)
                first_progress.append(p)
                default = {"sk_window": 7, "sk_lr": "0.003", "sk_units": "16",
                           "sk_kind": "GRU"}[key]
                back.append((await move(s, key, default))[1])
            med, base = statistics.median(fresh), statistics.median(back)
            row(f"move to a new setting -> trained forecast, median of {len(fresh)} (window "
                f"2..60, lr, units, kind)", f"{med:.2f} s", f"move back to a trained one "
                f"{base:.2f} s", f"{med / base:.1f}x", f"aim 2 s; p95 {pct(fresh, 95):.2f} s "
                f"(aim 3 s), max {max(fresh):.2f} s")
            first_med = statistics.median(first_progress)
            row("move -> first progress (or result) on screen, median", f"{first_med:.2f} s",
                f"move back {base:.2f} s", f"{first_med / base:.1f}x",
                f"aim 0.5 s; p95 {pct(first_progress, 95):.2f} s")
            for (key, value), d in zip(moves, fresh):
                print(f"|   {key} = {value} | {d:.2f} s | | | |")
    finally:
        proc.terminate()


async def bench_room() -> None:
    cache = tempfile.mkdtemp(prefix="lab-room-")
    proc, url = _serve("app.py", cache)
    try:
        for n, window, alone_window in ((8, 25, 15), (30, 35, 16)):
            sessions = [Session(url) for _ in range(n)]
            for s in sessions:
                await s.__aenter__()
            for s in sessions:  # the default forecast is trained by the first, then shared
                await until_forecast(s, await s.open("stock", timeout=TIMEOUT_S))
            alone = (await move(sessions[0], "sk_window", alone_window))[1]
            before = saved_models(cache)
            waits = await asyncio.gather(*(move(s, "sk_window", window) for s in sessions))
            trainings = saved_models(cache) - before
            slowest = max(d for _, d in waits)
            row(f"{n} sessions move the window to {window} at once -> forecast",
                f"slowest {slowest:.2f} s, median {statistics.median(d for _, d in waits):.2f} s",
                f"one session alone {alone:.2f} s", f"{slowest / alone:.1f}x",
                f"aim 2x; trainings run: {trainings}")
            for s in sessions:
                await s.__aexit__()
    finally:
        proc.terminate()


ALONE_WINDOW = 40  # lecture 002's window


async def bench_alone() -> None:
    cache = tempfile.mkdtemp(prefix="lab-alone-")
    proc, url = _serve("app.py", cache)
    try:
        async with Session(url) as s:
            load = os.getloadavg()[0]
            first_progress, first = await until_forecast(
                s, await s.open("stock", timeout=TIMEOUT_S))
            progress, window = await move(s, "sk_window", ALONE_WINDOW)
            back = (await move(s, "sk_window", 7))[1]
            row("stock page, first visit, empty cache -> trained forecast (one session alone)",
                f"{first:.2f} s", f"move back to a trained window {back:.2f} s",
                f"{first / back:.1f}x", f"aim 2 s; first progress {first_progress:.2f} s; load average {load:.1f} before")
            row(f"window {ALONE_WINDOW} alone -> trained forecast", f"{window:.2f} s",
                f"move back to a trained window {back:.2f} s", f"{window / back:.1f}x",
                f"aim 2 s; first progress {progress:.2f} s; load average {load:.1f} before")
    finally:
        proc.terminate()


def _stat(pid: int) -> tuple[int, float, float]:
    """(parent, CPU seconds of its own, CPU seconds of its children it has reaped) of ``pid``."""
    import os

    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick,
            (int(fields[13]) + int(fields[14])) / tick)


def cpu_seconds(server: int) -> tuple[float, float]:
    """(the server's own CPU seconds, its descendants': the fork server, the training workers
    and children, counting the children that ended) so far (Linux's /proc; zeros elsewhere)."""
    stats = {}
    for d in Path("/proc").iterdir():
        try:
            stats[int(d.name)] = _stat(int(d.name))
        except (ValueError, OSError, IndexError):
            continue
    if server not in stats:
        return 0.0, 0.0
    tree, grew = {server}, True
    while grew:
        new = {pid for pid, (parent, _, _) in stats.items() if parent in tree} - tree
        tree |= new
        grew = bool(new)
    return stats[server][1], sum(stats[p][1] + stats[p][2] for p in tree - {server})


EXPLORERS = 30
EXPLORE_WINDOWS = tuple(range(2, 62, 2))  # 30 distinct windows, none the page default (7)
EXPLORE_ALONE = 9
EXPLORE_TIMEOUT_S = 900  # thirty trainings on a loaded machine: minutes, reported not cut


async def bench_explore() -> None:
    cache = tempfile.mkdtemp(prefix="lab-explore-")
    proc, url = _serve("app.py", cache)
    try:
        sessions = [Session(url) for _ in range(EXPLORERS)]
        for s in sessions:
            await s.__aenter__()
        for s in sessions:  # the default forecast is trained by the first, then shared
            await until_forecast(s, await s.open("stock", timeout=TIMEOUT_S))
        alone_progress, alone = await move(sessions[0], "sk_window", EXPLORE_ALONE)
        before = saved_models(cache)
        cpu0, load = cpu_seconds(proc.pid), os.getloadavg()[0]
        t0 = time.perf_counter()
        waits = await asyncio.gather(*(move(s, "sk_window", w, EXPLORE_TIMEOUT_S)
                                       for s, w in zip(sessions, EXPLORE_WINDOWS)))
        everyone = time.perf_counter() - t0
        server_cpu, train_cpu = (b - a for a, b in zip(cpu0, cpu_seconds(proc.pid)))
        progress, done = [p for p, _ in waits], [d for _, d in waits]
        med = statistics.median(done)
        row(f"explore: {EXPLORERS} sessions move the window to {EXPLORERS} distinct new windows "
            f"({EXPLORE_WINDOWS[0]}..{EXPLORE_WINDOWS[-1]}) at once -> each one's own forecast",
            f"median {med:.2f} s, slowest {max(done):.2f} s, first own progress p95 "
            f"{pct(progress, 95):.2f} s", f"one session alone (window {EXPLORE_ALONE}) "
            f"{alone:.2f} s, first progress {alone_progress:.2f} s", f"{med / alone:.1f}x median",
            f"aims: median 4 s, slowest 10 s, first own progress 1 s; p90 {pct(done, 90):.2f} s; "
            f"first own progress median {statistics.median(progress):.2f} s; trainings saved: "
            f"{saved_models(cache) - before}; all {EXPLORERS} done after {everyone:.1f} s; CPU "
            f"meanwhile: server {server_cpu:.1f} s, trainings {train_cpu:.1f} s; load average "
            f"{load:.1f} before")
        for s in sessions:
            await s.__aexit__()
    finally:
        proc.terminate()


async def _hostile() -> None:
    from bench.hostile import bench_hostile  # one student racing a slider (bench/hostile.py)

    await bench_hostile()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["train", "page", "room", "hostile", "alone", "explore",
                                           "cpu"])
    args = parser.parse_args()
    sections = {"train": bench_train, "page": lambda: asyncio.run(bench_page()),
                "room": lambda: asyncio.run(bench_room()),
                "hostile": lambda: asyncio.run(_hostile()),
                "alone": lambda: asyncio.run(bench_alone()),
                "explore": lambda: asyncio.run(bench_explore()),
                "cpu": kernel.bench_cpu}  # cpu per training: bench/kernel.py
    return run_sections(sections, args.only)


if __name__ == "__main__":
    sys.exit(main())
