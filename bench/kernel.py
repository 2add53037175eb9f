"""CPU per training of the NumPy forecaster: the compiled kernel against today's NumPy kernel.

    python -m bench.kernel               # every section
    python -m bench.kernel --only cpu    # one of: cpu, compile

Sections (each figure beside a baseline measured in the same run, as a ratio):

* cpu: one full training at the stock page's defaults (``lab.models.stock_model.train``:
  ForecastSettings(), 30 epochs at most with early stopping, batch 32, lr 3e-3, 16 units, on
  the embedded GOOG series) for SimpleRNN, LSTM and GRU at windows 7, 40 and 60, run on the
  compiled kernel (float32, as Keras) and on today's kernel (``bench.kernel_baseline``: NumPy
  steps in float64), one after the other. Process CPU time (``time.process_time``: every
  thread), with the epochs each ran and the training's multiply-adds as
  ``lab.training.budget`` counts them (FLOP = 2 x MAC).
* compile: numba compiles the kernel once per machine and keeps it (cache=True); a fresh
  process with an empty cache against one that loads it.

Nothing is asserted; the command exits non-zero only when a section fails to run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.table import row, run_sections  # noqa: E402

WINDOWS = (7, 40, 60)
KINDS = ("SimpleRNN", "LSTM", "GRU")


def _cpu(fn) -> tuple[float, object]:
    t0 = time.process_time()
    out = fn()
    return time.process_time() - t0, out


def bench_cpu() -> None:
    from bench import kernel_baseline
    from lab.data import stock
    from lab.models import stock_model
    from lab.training import budget

    data = stock.load_embedded("GOOG")
    load = os.getloadavg()[0]
    ratios = []
    small = stock.prepare(data, stock.PrepSettings(window_size=3))
    for kind in KINDS:  # load (or compile) every kernel before anything is timed
        stock_model.train(small, stock_model.ForecastSettings(kind=kind, epochs=1))
    for window in WINDOWS:
        p = stock.prepare(data, stock.PrepSettings(window_size=window))
        for kind in KINDS:
            s = stock_model.ForecastSettings(kind=kind)
            cut = int(p.split * (1 - s.validation))
            new_s, new = _cpu(lambda: stock_model.train(p, s))
            with kernel_baseline.today():
                old_s, old = _cpu(lambda: stock_model.train(p, s))
            epochs_new, epochs_old = len(new.history["loss"]), len(old.history["loss"])
            flop = 2 * budget.stock(cut, window, p.X.shape[2], kind, s.units, epochs_new)
            ratios.append(old_s / new_s)
            row(f"cpu per training, {kind}({s.units}), window {window} ({cut:,} windows, "
                f"batch {s.batch_size})",
                f"{new_s:.2f} s ({epochs_new} epochs, {flop / 1e9:.2f} GFLOP, "
                f"{flop / new_s / 1e9:.2f} GFLOP/s)",
                f"today's kernel {old_s:.2f} s ({epochs_old} epochs)",
                f"{old_s / new_s:.1f}x",
                f"per epoch {old_s / epochs_old / (new_s / epochs_new):.1f}x; compiled float32 "
                f"vs NumPy float64, fit + predict")
    row("cpu per training, smallest ratio of the nine", f"{min(ratios):.1f}x",
        "aim 4x", "-", f"load average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at "
        f"the end, {os.cpu_count()} cores")


PROBE = ("import time; t, c = time.perf_counter(), time.process_time(); import numpy as np; "
         "from lab.networks import seqnet; "
         "X = np.random.default_rng(0).normal(size=(64, 5, 3)); "
         "[seqnet.fit(seqnet.init_net(k, 3, 4), X, X[:, -1, 0], epochs=1, lr=1e-3, "
         "batch_size=32) for k in ('SimpleRNN', 'LSTM', 'GRU')]; "
         "print(time.perf_counter() - t, time.process_time() - c)")


def bench_compile() -> None:
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache, PYTHONPATH=str(ROOT))

        def seconds() -> tuple[float, float]:
            out = subprocess.run([sys.executable, "-c", PROBE], env=env, cwd=ROOT,
                                 capture_output=True, text=True, check=True)
            wall, cpu = out.stdout.split()[-2:]
            return float(wall), float(cpu)

        (cold, cold_cpu), (warm, warm_cpu) = seconds(), seconds()
    row("kernel compile, first training of each kind in a fresh process", f"{cold:.1f} s, CPU "
        f"{cold_cpu:.1f} s (empty cache: compiled)", f"{warm:.1f} s, CPU {warm_cpu:.1f} s (the "
        "cache loaded)", f"{cold_cpu / warm_cpu:.0f}x CPU", "paid once per machine; numba keeps "
        f"the machine code (cache=True); load average {os.getloadavg()[0]:.1f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["cpu", "compile"])
    args = parser.parse_args()
    return run_sections({"cpu": bench_cpu, "compile": bench_compile}, args.only)


if __name__ == "__main__":
    sys.exit(main())
