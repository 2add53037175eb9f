"""Worker processes that each keep several trainings and share themselves between them, epoch by
epoch, without asking the server (``lab.training.store`` sends them the ``Task``s that say
``share``: the stock page's NumPy forecaster).

Why: a room that explores (thirty students, thirty settings) started one child process per
training and let two train at once; the others showed "queued" until their turn, and handing a
worker from one training to another went through the server's interpreter, which thirty pages
polling keep busy (``python -m bench.live --only explore``). Here a few long-lived workers
(``WORKERS``, one per core) take every such training at once. Inside a worker each training has
a thread, and one baton (``_Baton``) lets one of them compute at a time; at every epoch's end the
holder passes it to the training whose turn it is:

1. a lower ``tier`` first (the lecturer's jobs, then the sessions', then a prepared grid's: the
   server sends a job's tier with it and again whenever it changes);
2. within a tier, a training that has never had the baton first: it takes it at the holder's
   next batch once the holder has had ``FIRST_SLICE_S`` (so thirty moves at once all show their
   own training moving within a second);
3. then the one with the least estimated work left (``Task.cost`` x the share of its epochs not
   trained yet), so trainings finish one after another, shortest first, instead of all at the
   end; ties by arrival. (Not a whole first epoch for every new one first: a student racing a
   slider would hold the others up with the first epochs of trainings it has already left.)

A training that waits for the baton keeps its model where it is (its thread, blocked at its
epoch's end) and goes on from there. The server learns of a job's batches, epochs, pauses and
its end through the worker's pipe, read by one thread per worker (no polling); the job's own
thread in the server waits for its end and meanwhile tells the worker the job's tier and
whether to stop it (cancelled, or no one waits for it any more while others do).
A worker that dies fails the jobs it held (the server keeps running); the next training starts a
new one.
"""

from __future__ import annotations

import itertools
import os
import threading
import time

from lab.core.errors import Cancelled, LabError
from lab.training.jobs import Job, in_background

WORKERS = int(os.environ.get("LAB_TRAIN_WORKERS", "2"))  # one per core
BATCH_REPORT_S = 0.1  # a training sends batch progress at most this often (epochs always)
CHECK_S = 0.25  # how often a job's server thread looks at its tier and at who waits for it
FIRST_SLICE_S = 0.02  # a training gives way to one that never had the baton after this long


# --- Inside a worker process ----------------------------------------------------------------
class _Training:
    """One training in a worker: what the baton needs to choose, and the trainer's ``Job``."""

    def __init__(self, jid: int, tier: int, cost: float, epochs: int, seq: int, worker):
        self.jid, self.tier, self.cost, self.epochs, self.seq = jid, tier, cost, epochs, seq
        self.worker, self.epoch, self.last = worker, 0, 0.0
        self.cancelled = self.began = False
        self.since = 0.0  # when it last took the baton

    def rank(self) -> tuple:
        left = self.cost * max(0.0, 1.0 - self.epoch / max(self.epochs, 1))
        return self.tier, self.began, left, self.seq

    # the trainer's side (the ``Job`` interface a trainer uses)
    def on_batch(self, epoch: int, batch: int, batches: int) -> None:
        now = time.monotonic()
        if now - self.last >= BATCH_REPORT_S or batch == batches:
            self.last = now
            self.worker.send(("batch", self.jid, (epoch, batch, batches)))
        if now - self.since >= FIRST_SLICE_S:
            self.worker.baton.turn(self, only_new=True)

    def on_epoch(self, epoch: int, logs: dict) -> None:
        self.epoch = epoch + 1
        self.worker.send(("epoch", self.jid, (epoch, {k: float(v) for k, v in logs.items()})))
        self.worker.baton.turn(self)

    def should_stop(self) -> bool:
        return self.cancelled


class _Baton:
    """Lets one training of the worker compute at a time; passed on at an epoch's end."""

    def __init__(self, send):
        self.send = send
        self._cond = threading.Condition()
        self._waiting: list[_Training] = []  # trainings that want the baton
        self.holder: _Training | None = None

    def _pass(self) -> None:
        """Give the baton to the first waiting training by rank (under the lock)."""
        if self.holder is None and self._waiting:
            self.holder = min(self._waiting, key=_Training.rank)
            self._waiting.remove(self.holder)
            self._cond.notify_all()

    def _wait(self, t: _Training) -> None:
        """``t`` waits for the baton (under the lock); the server hears when it waits (with
        its place in line) and when it has the baton again."""
        self._waiting.append(t)
        self._pass()
        if self.holder is not t:
            place = 1 + sorted(self._waiting, key=_Training.rank).index(t)
            self.send(("wait", t.jid, place))
            while self.holder is not t and not t.cancelled:
                self._cond.wait()
            if t in self._waiting:  # cancelled while waiting: it ends without the baton
                self._waiting.remove(t)
        if self.holder is t:
            t.began, t.since = True, time.monotonic()
            self.send(("go", t.jid, None))

    def enter(self, t: _Training) -> None:
        with self._cond:
            self._wait(t)

    def turn(self, t: _Training, only_new: bool = False) -> None:
        """``t``'s epoch ended: it goes on if its turn is still first, else waits for it.
        ``only_new`` (between batches): it gives way only to a training of its tier or a lower
        one that never had the baton."""
        with self._cond:
            if self.holder is not t or not self._waiting:
                return
            first = min(self._waiting, key=_Training.rank)
            if only_new and (first.began or first.tier > t.tier):
                return
            if not only_new and first.rank() > t.rank():
                return
            self.holder = None
            self._wait(t)

    def leave(self, t: _Training) -> None:
        with self._cond:
            if t in self._waiting:
                self._waiting.remove(t)
            if self.holder is t:
                self.holder = None
            self._pass()

    def wake(self) -> None:
        """Something changed (a cancel, a tier): waiting trainings look again."""
        with self._cond:
            if self.holder is None:
                self._pass()
            self._cond.notify_all()


class _Worker:
    def __init__(self, conn):
        self.conn, self._send_lock = conn, threading.Lock()
        self.baton = _Baton(self.send)
        self.trainings: dict[int, _Training] = {}
        self._seq = itertools.count()

    def send(self, message) -> None:
        """To the server; a worker whose server is gone ends at once, quietly (as when its pipe
        closes while it reads), not with a traceback in the server's log."""
        with self._send_lock:
            try:
                self.conn.send(message)
            except OSError:  # BrokenPipeError, ConnectionResetError: the server ended
                os._exit(0)

    def start(self, jid: int, fn, args, tier: int, cost: float, epochs: int) -> None:
        t = _Training(jid, tier, cost, epochs, next(self._seq), self)
        self.trainings[jid] = t
        threading.Thread(target=self._train, args=(t, fn, args), daemon=True,
                         name=f"lab-pool-{jid}").start()

    def _train(self, t: _Training, fn, args) -> None:
        try:
            self.baton.enter(t)
            if t.cancelled:
                raise Cancelled
            result = fn(*args, t)
            self.send(("cancelled", t.jid, None) if t.cancelled else ("result", t.jid, result))
        except Cancelled:
            self.send(("cancelled", t.jid, None))
        except BaseException as err:  # noqa: BLE001 - reported to the page, not raised here
            self.send(("error", t.jid, f"{type(err).__name__}: {err}"))
        finally:
            self.trainings.pop(t.jid, None)
            self.baton.leave(t)

    def serve(self) -> None:
        self.send(("ready", 0, None))
        while True:
            try:
                kind, jid, payload = self.conn.recv()
            except (EOFError, OSError):  # the server is gone
                os._exit(0)
            if kind == "job":
                self.start(jid, *payload)
                continue
            t = self.trainings.get(jid)
            if t is None:
                continue
            if kind == "cancel":
                t.cancelled = True
            elif kind == "tier":
                t.tier = payload
            self.baton.wake()


def _worker_main(conn) -> None:
    in_background()
    _Worker(conn).serve()


# --- In the server --------------------------------------------------------------------------
_START_LOCK = threading.Lock()


def start_process(proc) -> None:
    """``proc.start()`` without the server's main script in the child. Streamlit runs the page
    script (``app.py``) as ``__main__``, so multiprocessing would name it in the child's
    preparation, and every worker and training child would first run the whole app again, in
    bare mode, before its target (seconds of a core each, and a warning for every Streamlit
    call). A lab child needs none of it: its target and a ``Task``'s trainer are functions of
    ``lab``, imported by name. The replacement lasts only for this start, under a lock; every
    process the lab starts goes through here (another library's process started in that moment
    would not get the main script either)."""
    from multiprocessing import spawn

    with _START_LOCK:
        prepare = spawn.get_preparation_data

        def without_main(name):
            data = prepare(name)
            data.pop("init_main_from_path", None)
            data.pop("init_main_from_name", None)
            return data

        spawn.get_preparation_data = without_main
        try:
            proc.start()
        finally:
            spawn.get_preparation_data = prepare


class _Pending:
    """A job the server sent to a worker: its ``Job``, and its outcome once the worker says."""

    def __init__(self, job: Job, cost: float):
        self.job, self.cost, self.done = job, cost, threading.Event()
        self.kind, self.payload = "", None

    def left(self) -> float:
        """Estimated seconds of work left."""
        return self.cost * max(0.0, 1.0 - self.job.epoch / max(self.job.epochs, 1))


class _Handle:
    """The server's side of one worker process."""

    def __init__(self, ctx):
        self.receive, send = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(send,), name="lab-train-worker",
                                daemon=True)
        start_process(self.proc)
        send.close()
        self.pending: dict[int, _Pending] = {}
        self.lock = threading.Lock()
        self.alive = True
        self.ready = threading.Event()  # the worker is up and reads its pipe
        threading.Thread(target=self._read, daemon=True, name="lab-pool-reader").start()

    def send(self, message) -> bool:
        with self.lock:
            if not self.alive:
                return False
            try:
                self.receive.send(message)
                return True
            except (OSError, ValueError):
                return False

    def _read(self) -> None:
        while True:
            try:
                kind, jid, payload = self.receive.recv()
            except (EOFError, OSError):
                break
            if kind == "ready":
                self.ready.set()
                continue
            p = self.pending.get(jid)
            if p is None:
                continue
            if kind == "batch":
                p.job.on_batch(*payload)
            elif kind == "epoch":
                p.job.record_epoch(*payload)
            elif kind == "wait":  # it waits for its worker (its first turn, or its next)
                p.job.position, p.job.paused = payload, p.job.started
            elif kind == "go":  # it has its worker
                if not p.job.started:
                    p.job._start()
                p.job.paused = False
            else:
                p.kind, p.payload = kind, payload
                p.done.set()
        self.proc.join(5)
        with self.lock:
            self.alive = False
            left = list(self.pending.values())
        for p in left:  # the worker died: every job it held fails, the server goes on
            p.kind, p.payload = "died", self.proc.exitcode
            p.done.set()


class Pool:
    """``WORKERS`` worker processes (started on first use, from ``ctx``: the fork server)."""

    def __init__(self, ctx, workers: int = WORKERS):
        self.ctx, self.size = ctx, max(1, workers)
        self._handles: list[_Handle] = []
        self._lock = threading.Lock()
        self._ids = itertools.count(1)

    def _live(self) -> list[_Handle]:
        """The live workers, the missing ones started (all together: a room's second training
        finds its worker up)."""
        with self._lock:
            self._handles = [h for h in self._handles if h.alive]
            self._handles += [_Handle(self.ctx) for _ in range(self.size - len(self._handles))]
            return list(self._handles)

    def start(self, wait: float) -> bool:
        """Start the workers (the server does as it starts, so the first training finds them
        up); True once every one is up within ``wait`` seconds."""
        deadline = time.monotonic() + wait
        return all(h.ready.wait(max(0.0, deadline - time.monotonic())) for h in self._live())

    def ready(self) -> bool:
        """Whether a worker is up (until then the store trains another way)."""
        with self._lock:
            return any(h.alive and h.ready.is_set() for h in self._handles)

    def _pick(self) -> _Handle:
        """The worker with the least work (estimated seconds left), of those up if any."""
        handles = self._live()
        with self._lock:
            return min(handles, key=lambda h: (not h.ready.is_set(),
                                               sum(p.left() for p in list(h.pending.values()))))

    def run(self, fn, args, cost: float, job: Job, tier, stop):
        """``fn(*args, job)`` in a worker; blocks until it ends. ``tier()``: the job's tier now;
        ``stop()``: whether to stop it now (cancelled, or no one waits for it while others do).
        Raises ``Cancelled`` when it was stopped, ``LabError`` when its worker died, and
        ``RuntimeError`` with the trainer's error."""
        handle, jid, p = self._pick(), next(self._ids), _Pending(job, cost)
        handle.pending[jid] = p
        sent_tier, stopped = tier(), False
        try:
            if not handle.send(("job", jid, (fn, args, sent_tier, cost, job.epochs))):
                raise LabError("training.process_died", code=handle.proc.exitcode)
            while not p.done.wait(CHECK_S):
                if not stopped and stop():
                    stopped = handle.send(("cancel", jid, None))
                now = tier()
                if now != sent_tier and handle.send(("tier", jid, now)):
                    sent_tier = now
        finally:
            handle.pending.pop(jid, None)
        if p.kind == "result":
            return p.payload
        if p.kind == "cancelled":
            raise Cancelled
        if p.kind == "died":
            raise LabError("training.process_died", code=p.payload)
        raise RuntimeError(p.payload)

    def close(self) -> None:
        """Stop the workers (tests; a server's end stops them anyway: they are daemons)."""
        with self._lock:
            handles, self._handles = self._handles, []
        for h in handles:
            h.proc.kill()
            h.proc.join(5)

    def jobs(self) -> list[Job]:
        """The jobs the workers hold now."""
        with self._lock:
            return [p.job for h in self._handles for p in list(h.pending.values())]
