"""One training in progress: what the trainer reports (epoch, batch, the loss curve so far) and
what the pages read back (a snapshot), plus the cancel flag. Used by ``lab.training.store``.

A trainer gets the ``Job`` and calls ``on_batch`` / ``on_epoch`` as it goes, and asks
``should_stop()`` between batches. Reports are plain attribute writes, cheap enough for every
batch; pages poll ``snapshot()`` from their own threads. An epoch's end is also the job's
``turn``: the store's scheduler may hold the trainer there while other jobs have the worker
(``paused``), and lets it go on where it stopped when its turn comes again.

Who waits: every session that asks for the job or polls it is recorded (``seen``, as a
``Who``: the session and its role). A job that sessions waited for and that no session has
asked for within ``WAIT_S`` (and no thread blocks on in ``wait``) is abandoned. The store drops
an abandoned job (``drop``) before it takes a worker, and a running one stops at its next
``should_stop()`` once another job wants the worker (``wanted``, given by the store); alone, a
training whose page was left runs on, so coming back finds it. A job no session ever asked for
(``lab.prepare``, a script) is never abandoned.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

from lab.core.errors import Cancelled  # noqa: F401 - trainers and the store import it from here too

QUEUED, RUNNING, DONE, DIVERGED, CANCELLED, FAILED = (
    "queued", "running", "done", "diverged", "cancelled", "failed")
FINISHED = (DONE, DIVERGED, CANCELLED, FAILED)
STUDENT, LECTURER = "student", "lecturer"
# A session that has neither asked for nor polled a job for this long no longer waits for it.
# Pages poll every 0.5 s, but a server busy with a room of thirty (bench.live's explore) answers
# polls seconds late; at 3 s the jobs of sessions still waiting were dropped before their first
# epoch and asked for again. A session that moves on leaves its job at once (``leave``).
WAIT_S = 10.0
# How much lower a training process's CPU priority is than the server's (Unix nice; 0: the
# same). Trainings are background work: when thirty students' trainings and their pages want
# the two cores at once, the pages' runs (the first progress, the forecast drawn) go first.
BACKGROUND_NICE = int(os.environ.get("LAB_TRAIN_NICE", "10"))


def in_background() -> None:
    """Lower the calling process's CPU priority by ``BACKGROUND_NICE`` (a training worker or
    child process, at its start; nothing where the OS has no ``nice``)."""
    if BACKGROUND_NICE > 0 and hasattr(os, "nice"):
        os.nice(BACKGROUND_NICE)


@dataclass(frozen=True)
class Who:
    """Who asks for a training: a session, its role, and whether it is in a lecturer's room
    (alone, on a laptop of one's own, nothing is bounded)."""

    session: str
    role: str = STUDENT
    room: bool = False

    @property
    def bounded(self) -> bool:
        """A student in a room: trainings beyond the student budget need the lecturer."""
        return self.role == STUDENT and self.room


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
    position: int = 0  # 1 = next to start, while queued (or next to go on, while paused)
    error: str = ""
    paused: bool = False  # started, and waiting at an epoch's end while others have the worker

    @property
    def fraction(self) -> float:
        """Share of the planned epochs done, counting the current epoch's batches."""
        if self.state in (DONE, DIVERGED):
            return 1.0
        part = self.batch / self.batches if self.batches else 0.0
        return min(1.0, (self.epoch + part) / max(self.epochs, 1))


def _no_one_else() -> bool:
    return False


def _no_turn(job: "Job") -> None:
    """A job outside the store's queue (a script's, a test's) never waits for its turn."""


class Job:
    def __init__(self, key: str, epochs: int, wanted: Callable[[], bool] = _no_one_else):
        """``wanted``: whether another job waits for a worker (then an abandoned job stops)."""
        self.key = key
        self._wanted = wanted
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
        self.asked = time.monotonic()  # when it was first asked for (made)
        self.position = 0  # set by the store while queued
        self._waiters: dict[str, tuple[Who, float, float]] = {}  # session -> (who, first, last)
        self._watched = False  # some session has asked for it
        self._blocked = 0  # threads inside ``wait``: they wait for it too
        self.dropped = False  # stopped, or never started, because no one waits for it
        # The store's scheduler: ``turn`` is called at every epoch's end (and may wait there);
        # a background job (a prepared grid) goes after every job a session waits for.
        self.turn: Callable[[Job], None] = _no_turn
        self.background = False
        self._changed = threading.Condition()  # notified when it starts, pauses, goes on, ends
        self._paused = False
        self.slice_start = 0.0  # when it last got a worker

    # --- the trainer's side ----------------------------------------------------------------
    def on_batch(self, epoch: int, batch: int, batches: int) -> None:
        self.epoch, self.batch, self.batches = epoch, batch, batches

    def on_epoch(self, epoch: int, logs: dict) -> None:
        """An epoch ended: recorded, then the job's turn (it may wait here for the worker)."""
        self.record_epoch(epoch, logs)
        self.turn(self)

    def record_epoch(self, epoch: int, logs: dict) -> None:
        with self._lock:
            for k, v in logs.items():
                self._history.setdefault(k, []).append(float(v))
        self.epoch, self.batch = epoch + 1, 0

    def should_stop(self) -> bool:
        if self._cancel.is_set() or self.dropped:
            return True
        if self.abandoned() and self._wanted():
            self.drop()
        return self.dropped

    # --- the pages' side -------------------------------------------------------------------
    def cancel(self) -> None:
        self._cancel.set()

    def wait(self, timeout: float | None = None, counts: bool = True) -> bool:
        """True once the job has finished (in any state). A thread waiting here counts as a
        waiter (the job is not abandoned meanwhile), unless not ``counts``: a page, which says
        it waits by polling (``lab.training.store.watch``), so that its session's next run can
        leave the job while the previous run still waits here."""
        if not counts:
            return self._done.wait(timeout)
        with self._lock:
            self._blocked += 1
        try:
            return self._done.wait(timeout)
        finally:
            with self._lock:
                self._blocked -= 1

    def wait_brief(self, timeout: float) -> bool:
        """Like ``wait(timeout, counts=False)``, but returns at once when the job has started and
        waits for its worker again (``paused``: others train meanwhile, so it will not finish
        within a moment). True once it has finished."""
        with self._changed:
            self._changed.wait_for(lambda: self._done.is_set() or self.started and self._paused,
                                   timeout)
        return self._done.is_set()

    @property
    def paused(self) -> bool:
        """Started, and waiting at an epoch's (or a slice's) end while others have the worker."""
        return self._paused

    @paused.setter
    def paused(self, value: bool) -> None:
        with self._changed:
            self._paused = value
            self._changed.notify_all()

    # --- who waits -------------------------------------------------------------------------
    def seen(self, who: Who) -> None:
        """``who`` asked for this job or polled it just now."""
        now = time.monotonic()
        with self._lock:
            first = self._waiters.get(who.session, (who, now, now))[1]
            self._waiters[who.session] = (who, first, now)
            self._watched = True

    def leave(self, session: str) -> None:
        """``session`` waits for something else now."""
        with self._lock:
            self._waiters.pop(session, None)

    def waiters(self) -> list[Who]:
        """The sessions waiting for the job (asked or polled within ``WAIT_S``), longest
        waiting first."""
        since = time.monotonic() - WAIT_S
        with self._lock:
            return [w for w, _, last in self._waiters.values() if last >= since]

    def abandoned(self) -> bool:
        """Sessions waited for it and none does any more."""
        with self._lock:
            if not self._watched or self._blocked or self.state not in (QUEUED, RUNNING):
                return False
        return not self.waiters()

    def drop(self) -> None:
        """No one waits for it: it stops at its next ``should_stop`` (the store frees its
        key, so asking again trains anew)."""
        self.dropped = True

    def owner(self) -> str:
        """The session the job is fair-queued under: its longest waiting session ("" for a
        job no session asked for)."""
        waiting = self.waiters()
        return waiting[0].session if waiting else ""

    @property
    def started(self) -> bool:
        return self.state != QUEUED

    def for_lecturer(self) -> bool:
        """The lecturer waits for it: it goes ahead of the students' jobs."""
        return any(w.role == LECTURER for w in self.waiters())

    def can_cancel(self, who: Who) -> bool:
        """The lecturer may cancel any training; anyone else only one no other session waits
        for."""
        return who.role == LECTURER or all(w.session == who.session for w in self.waiters())

    def snapshot(self) -> Snapshot:
        with self._lock:
            history = {k: list(v) for k, v in self._history.items()}
        now = self._finished or time.monotonic()
        return Snapshot(self.state, self.epoch, self.epochs, self.batch, self.batches, history,
                        now - self._started if self._started else 0.0, self.position,
                        "" if self.error is None else f"{type(self.error).__name__}: {self.error}",
                        self.paused and self.state == RUNNING)

    # --- the store's side ------------------------------------------------------------------
    def _start(self) -> None:
        with self._changed:
            self._started, self.state, self.position = time.monotonic(), RUNNING, 0
            self._changed.notify_all()

    def _finish(self, state: str, result=None, error: BaseException | None = None) -> None:
        self.result, self.error = result, error
        self._finished = time.monotonic()
        with self._changed:
            self.state = state
            self._done.set()
            self._changed.notify_all()


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
