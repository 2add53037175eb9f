"""CPU per training of the NumPy forecaster: the compiled kernel against today's NumPy kernel.

    python -m bench.kernel               # every section
    python -m bench.kernel --only cpu    # one of: cpu, parts, compile

Sections (each figure beside a baseline measured in the same run, as a ratio):

* cpu: one full training at the stock page's defaults (``lab.models.stock_model.train``:
  ForecastSettings(), 30 epochs at most with early stopping, batch 32, lr 3e-3, 16 units, on
  the embedded GOOG series) for SimpleRNN, LSTM and GRU at windows 7, 40 and 60, run on the
  compiled kernel (float32, as Keras) and on today's kernel (``bench.kernel_baseline``: NumPy
  steps in float64), one after the other. Process CPU time (``time.process_time``: every
  thread), with the epochs each ran and the training's multiply-adds as
  ``lab.training.budget`` counts them (FLOP = 2 x MAC).
* parts: where one training batch's CPU goes (GRU(16), LSTM(16), SimpleRNN(16), batch 32,
  window 40, d 5, float32): the whole compiled batch (``seqnet._train_step``) beside its
  pieces timed alone, the recurrence forward and back (``forward_kernel``, ``backward_kernel``)
  and the products outside it (the input projection X W, the weight gradients X^T dZ and
  H^T dR); and the step's product h U through BLAS beside the same product as a hand loop
  over the batch and units (vectorised over the gate columns). Best of several repeats.
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


def _best(fn, repeats: int = 30) -> float:
    """The fastest of ``repeats`` calls of ``fn``, process CPU seconds (after a warm-up call)."""
    fn()
    best = float("inf")
    for _ in range(repeats):
        t0 = time.process_time()
        fn()
        best = min(best, time.process_time() - t0)
    return best


def bench_parts() -> None:
    import numba as nb
    import numpy as np

    from lab.maths import kinds, recurrent as rec
    from lab.networks import seqnet

    @nb.njit
    def hand_dot(A, U, R, times):  # R = A U, `times` times: a loop over the batch and units
        for _ in range(times):
            for b in range(A.shape[0]):
                r = R[b]
                r[:] = 0
                for k in range(A.shape[1]):
                    a, u = A[b, k], U[k]
                    for j in range(U.shape[1]):
                        r[j] += a * u[j]

    @nb.njit
    def blas_dot(A, U, R, times):
        for _ in range(times):
            np.dot(A, U, R)

    T, B, d, n, f32 = 40, 32, 5, 16, np.float32
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(1200, T, d)).astype(f32), rng.normal(size=1200).astype(f32)
    for kind in ("GRU", "LSTM", "SimpleRNN"):
        net = seqnet.init_net(kind, d, n).astype(f32)
        opt = seqnet.Adam(1e-3)
        order = np.arange(B * 20)
        batch = _best(lambda: seqnet.train_epoch(net, opt, X, y, order, B), 10) / 20
        G = net.recurrent.shape[1]
        code, U, b1 = rec.TANH, net.recurrent, np.zeros(G, f32)
        xw = rng.normal(size=(T, B, G)).astype(f32)
        H, C = np.zeros((T + 1, B, n), f32), np.zeros((T + 1, B, n), f32)
        pre, gates, aux = np.empty_like(xw), np.empty_like(xw), np.zeros((T, B, n), f32)
        dH, dZ, dR = np.zeros((T, B, n), f32), np.empty_like(xw), np.empty_like(xw)
        k = kinds.KINDS.index(kind)
        fwd = _best(lambda: rec.forward_kernel(k, code, U, b1, xw, H, C, pre, gates, aux))
        bwd = _best(lambda: rec.backward_kernel(k, code, U, dH, H, C, gates, aux, dZ, dR,
                                                np.zeros((B, n), f32), np.zeros((B, n), f32)))
        flat_x, flat_z = X[:B].reshape(T * B, d), dZ.reshape(T * B, G)
        h_prev = H[:T].reshape(T * B, n)
        outside = _best(lambda: (rec.dot(flat_x, net.kernel), rec.dot(flat_x.T, flat_z),
                                 rec.dot(h_prev.T, flat_z)))
        row(f"kernel parts, {kind}({n}) batch {B} x window {T}: one compiled batch",
            f"{batch * 1e6:.0f} us", f"recurrence forward {fwd * 1e6:.0f} us + back "
            f"{bwd * 1e6:.0f} us; products outside it {outside * 1e6:.0f} us",
            f"{(fwd + bwd) / batch:.0%} in the recurrence",
            f"rest (gather, biases, loss, Adam, allocations, the call) "
            f"{(batch - fwd - bwd - outside) * 1e6:.0f} us; load average {os.getloadavg()[0]:.1f}")
        R, times = np.empty((B, G), f32), 2000
        h = rng.normal(size=(B, n)).astype(f32)
        blas = _best(lambda: blas_dot(h, U, R, times), 5) / times
        hand = _best(lambda: hand_dot(h, U, R, times), 5) / times
        row(f"kernel parts, {kind}({n}) step product h U ({B} x {n} @ {n} x {G})",
            f"BLAS {blas * 1e6:.2f} us", f"hand loop {hand * 1e6:.2f} us",
            f"{hand / blas:.1f}x", f"the BLAS call kept; {T} steps forward and {T} back a batch")


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
    parser.add_argument("--only", choices=["cpu", "parts", "compile"])
    args = parser.parse_args()
    return run_sections({"cpu": bench_cpu, "parts": bench_parts,
                                    "compile": bench_compile}, args.only)


if __name__ == "__main__":
    sys.exit(main())
