"""Lecture 001's NumPy RecurrentNetwork on IMDB, one full run as the experiments page trains it.

    python -m bench.numpy_imdb

The page's Keras reviews are the first 5,000 training and 1,000 test reviews
(``lab.models.experiments.SUBSET``); the shared reference subset
(``../shared/data/imdb_keras_subset_num500.npz``) holds exactly those, so this reads it in their
place. ``lab.models.numpy_imdb.train`` runs as the store's job runs it for the page (with a
``Job`` taking the progress): the lecture's split (4,000 to train, 1,000 to validate), 100
words, 32 cells, batch 32, SGD 0.01, TBPTT over 10 steps, the page's default 20 epochs.

Rows: the whole run's wall and CPU seconds beside one epoch of the same training measured in
the same run, after a warm-up (the ratio is about the epoch count when every epoch costs the
same; under load, CPU seconds hold better than wall seconds), then the score after the last
epoch (``rn.score``, what the page shows) and the best epoch's, beside the lecture's printed
0.7002 (on 20,000 / 5,000 reviews: not a same-run baseline, the row says so). Nothing is asserted; the command exits non-zero only when a section fails to run.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.table import row, run_sections  # noqa: E402

SUBSET = ROOT.parent / "shared" / "data" / "imdb_keras_subset_num500.npz"


def timed(split, epochs: int):
    """(wall seconds, CPU seconds, history) of ``numpy_imdb.train`` for ``epochs``, as the
    page's job runs it."""
    from lab.models import numpy_imdb as ni
    from lab.training.jobs import Job

    s = ni.setup(epochs)
    wall, cpu = time.perf_counter(), time.process_time()
    _, history, _, _ = ni.train(split, s, Job("bench", s.epochs))
    return time.perf_counter() - wall, time.process_time() - cpu, history


def bench_full() -> None:
    from lab.data import imdb
    from lab.models import experiments as ex, numpy_imdb as ni

    if not SUBSET.exists():
        row("NumPy RecurrentNetwork on IMDB", "skipped", "-", "-", "../shared/data missing")
        return
    split = ni.lecture_split(ex.subset(imdb.load_npz(SUBSET, 10**6)))
    epochs = ni.setup(ex.PAGE_EPOCHS).epochs
    timed(tuple(part[:64] for part in split), 1)  # load the compiled kernels before timing
    load = os.getloadavg()[0]
    one_wall, one_cpu, _ = timed(split, 1)
    wall, cpu, history = timed(split, epochs)
    runs = f"{len(split[0]):,} / {len(split[2]):,} reviews; load average {load:.1f}"
    row(f"NumPy RecurrentNetwork, {epochs} epochs (the page's run), wall", f"{wall:.1f} s",
        f"1 epoch: {one_wall:.1f} s", f"{wall / one_wall:.1f}x", runs)
    row(f"NumPy RecurrentNetwork, {epochs} epochs, CPU (every thread)", f"{cpu:.1f} s",
        f"1 epoch: {one_cpu:.1f} s", f"{cpu / one_cpu:.1f}x", runs)
    accuracy = history["val_accuracy"]
    best = max(range(len(accuracy)), key=accuracy.__getitem__)
    row("rn.score(x_val_onehot, y_val) after the last epoch",
        f"{accuracy[-1]:.4f} (best {accuracy[best]:.4f} at epoch {best + 1})",
        f"lecture 001 printed {ni.LECTURE_SCORE:.4f}", "- (not a same-run baseline)",
        f"the lecture: 20,000 / 5,000 reviews, 20 epochs; here {runs}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["full"])
    return run_sections({"full": bench_full}, parser.parse_args().only)


if __name__ == "__main__":
    sys.exit(main())
