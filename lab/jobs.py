"""One training in progress: what the trainer reports (epoch, batch, the loss curve so far) and
what the pages read back (a snapshot), plus the cancel flag. Used by ``lab.store``.

A trainer gets the ``Job`` and calls ``on_batch`` / ``on_epoch`` as it goes, and asks
``should_stop()`` between batches. Reports are plain attribute writes, cheap enough for every
batch; pages poll ``snapshot()`` from their own threads.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from lab.errors import Cancelled  # noqa: F401 - trainers and the store import it from here too

QUEUED, RUNNING, DONE, DIVERGED, CANCELLED, FAILED = (
    "queued", "running", "done", "diverged", "cancelled", "failed")
FINISHED = (DONE, DIVERGED, CANCELLED, FAILED)


@dataclass(frozen=True)
class Snapshot:
    """What a page shows of a job at one moment."""

    state: str
    epoch: int  # epochs finished
    epochs: int  # at most
    batch: int  # batches finished in the current epoch
    batches: int
    history: dict[str, list[float]] = field(default_factory=dict)
    seconds: float = 0.0  # since the training started (0 while queued)
    position: int = 0  # 1 = next to start, while queued
    error: str = ""

    @property
    def fraction(self) -> float:
        """Share of the planned epochs done, counting the current epoch's batches."""
        if self.state in (DONE, DIVERGED):
            return 1.0
        part = self.batch / self.batches if self.batches else 0.0
        return min(1.0, (self.epoch + part) / max(self.epochs, 1))


class Job:
    def __init__(self, key: str, epochs: int):
        self.key = key
        self.epochs = epochs
        self.state = QUEUED
        self.epoch = self.batch = self.batches = 0
        self.result = None
        self.error: BaseException | None = None
        self._history: dict[str, list[float]] = {}
        self._lock = threading.Lock()
        self._cancel = threading.Event()
        self._done = threading.Event()
        self._started = self._finished = 0.0
        self.position = 0  # set by the store while queued

    # --- the trainer's side ----------------------------------------------------------------
    def on_batch(self, epoch: int, batch: int, batches: int) -> None:
        self.epoch, self.batch, self.batches = epoch, batch, batches

    def on_epoch(self, epoch: int, logs: dict) -> None:
        with self._lock:
            for k, v in logs.items():
                self._history.setdefault(k, []).append(float(v))
        self.epoch, self.batch = epoch + 1, 0

    def should_stop(self) -> bool:
        return self._cancel.is_set()

    # --- the pages' side -------------------------------------------------------------------
    def cancel(self) -> None:
        self._cancel.set()

    def wait(self, timeout: float | None = None) -> bool:
        """True once the job has finished (in any state)."""
        return self._done.wait(timeout)

    def snapshot(self) -> Snapshot:
        with self._lock:
            history = {k: list(v) for k, v in self._history.items()}
        now = self._finished or time.monotonic()
        return Snapshot(self.state, self.epoch, self.epochs, self.batch, self.batches, history,
                        now - self._started if self._started else 0.0, self.position,
                        "" if self.error is None else f"{type(self.error).__name__}: {self.error}")

    # --- the store's side ------------------------------------------------------------------
    def _start(self) -> None:
        self._started, self.state, self.position = time.monotonic(), RUNNING, 0

    def _finish(self, state: str, result=None, error: BaseException | None = None) -> None:
        self.result, self.error = result, error
        self._finished = time.monotonic()
        self.state = state
        self._done.set()


def keras_callback(job: "Job", batches: int):
    """A Keras callback that reports every batch call and epoch to ``job`` and stops training
    after the current batch once the job is cancelled (imports Keras)."""
    import keras

    class Report(keras.callbacks.Callback):
        epoch = 0

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch

        def on_train_batch_end(self, batch, logs=None):
            job.on_batch(self.epoch, batch + 1, batches)
            if job.should_stop():
                self.model.stop_training = True

        def on_epoch_end(self, epoch, logs=None):
            job.on_epoch(epoch, dict(logs or {}))

    return Report()
