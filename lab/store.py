"""The lab's store of trained models: memory -> disk -> train, one training per key for the whole
server, run on worker threads so no page waits on it.

Every page that needs a trained model asks its store with a key that names everything that
produced the model (data fingerprint and settings). The store answers from memory, else from
the cache folder on disk, else it starts *one* training for that key: a second session asking
for the same key gets the same ``Job`` and watches the same progress, so a class that follows
the lecturer to a new setting trains it once. At most ``MAX_RUNNING`` trainings run at once
(see below); later ones wait in a queue whose position
their job reports.

The divergence rule lives here: a result whose ``diverged`` is true is kept in memory (so the
page can say so without training again) but never written to disk. A cancelled or failed
training saves nothing, and a save is atomic (``lab.cache.save_arrays``), so nothing
half-written is ever read back.

Where a training runs: a ``Task`` (a trainer that can be imported by name, and its arguments)
runs in a child process of its own, so it has a core to itself and the pages' Python never
competes with it for the interpreter lock (30 sessions polling one training in a thread
slow it several times over: ``python -m bench.live --only room``, see bench/RESULTS.md). The
child reports through a pipe (every epoch, and batches at most every ``BATCH_REPORT_S``);
cancelling sets an event it checks before every batch. A plain callable (a test's stand-in,
or a trainer whose data is not worth copying) runs on the worker thread itself, and so does
every training until the fork server is up (``warm_up``, started by ``app.py``).
``LAB_TRAIN_PROCESSES=0`` keeps every training in the server process.

A stored result needs ``diverged`` (bool) and ``save(folder, key)``; the store is given the
matching ``load(folder, key)``; ``lab.stored.Stored`` gives a dataclass all three. Every
session of the server reads the same stored object, so the store freezes it on the way in
(``freeze``): its arrays become read-only and its lists tuples, and a page that tried to
change a shared model in place would fail at once instead of changing it for the whole room.
"""

from __future__ import annotations

import dataclasses
import multiprocessing as mp
import os
import sys
import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable, Generic, TypeVar

import numpy as np

from lab.cache import cache_dir
from lab.errors import LabError
from lab.jobs import CANCELLED, DIVERGED, DONE, FAILED, FINISHED, Cancelled, Job

R = TypeVar("R")
# Trainings at once, server-wide: two, so a lecture preset of several minutes does not hold up
# every other setting (each then runs at about half speed on 2 cores).
MAX_RUNNING = int(os.environ.get("LAB_MAX_TRAININGS", "2"))
MAX_FINISHED_JOBS = 32  # failed / cancelled jobs remembered (so every waiting page sees why)

IN_PROCESSES = os.environ.get("LAB_TRAIN_PROCESSES", "1") != "0"
BATCH_REPORT_S = 0.1  # a child sends batch progress at most this often (epochs always)
# Modules a training child needs, imported once by the fork server (a child then starts in
# milliseconds instead of importing NumPy and pandas again). A child also re-runs the server's
# main script (``streamlit``'s, which imports streamlit.web.cli): preloaded too.
PRELOAD = ["numpy", "pandas", "lab.seqnet", "lab.stock", "lab.stock_model", "streamlit.web.cli"]

_pool = ThreadPoolExecutor(max_workers=MAX_RUNNING, thread_name_prefix="lab-train")
_queue: list[Job] = []  # jobs waiting for a worker, oldest first
_queue_lock = threading.Lock()
_stores: list["Store"] = []


def _renumber() -> None:
    with _queue_lock:
        for i, job in enumerate(_queue):
            job.position = i + 1


@dataclass(frozen=True)
class Task:
    """``fn(*args, job)``, where ``fn`` is importable by its module and name: it can run in a
    child process."""

    fn: Callable
    args: tuple

    def importable(self) -> bool:
        module = sys.modules.get(getattr(self.fn, "__module__", ""), None)
        return getattr(module, getattr(self.fn, "__qualname__", ""), None) is self.fn

    def __call__(self, job: Job):
        return self.fn(*self.args, job)


class _ChildJob:
    """The ``Job`` a trainer sees inside the child process: reports go through the pipe."""

    def __init__(self, conn, cancel):
        self.conn, self.cancel, self.last = conn, cancel, 0.0

    def on_batch(self, epoch: int, batch: int, batches: int) -> None:
        now = time.monotonic()
        if now - self.last >= BATCH_REPORT_S or batch == batches:
            self.last = now
            self.conn.send(("batch", (epoch, batch, batches)))

    def on_epoch(self, epoch: int, logs: dict) -> None:
        self.conn.send(("epoch", (epoch, {k: float(v) for k, v in logs.items()})))

    def should_stop(self) -> bool:
        return self.cancel.is_set()


def _child_main(conn, cancel, fn, args) -> None:
    try:
        result = fn(*args, _ChildJob(conn, cancel))
        conn.send(("result", result))
    except Cancelled:
        conn.send(("cancelled", None))
    except BaseException as err:  # noqa: BLE001 - reported to the page, not raised here
        conn.send(("error", f"{type(err).__name__}: {err}"))
    finally:
        conn.close()


_context = None


def _mp_context():
    """The fork server on Linux (children forked from a clean, single-threaded process, never
    from the server with its threads), spawn elsewhere."""
    global _context
    if _context is None:
        if "forkserver" in mp.get_all_start_methods():
            _context = mp.get_context("forkserver")
            _context.set_forkserver_preload(PRELOAD)
        else:
            _context = mp.get_context("spawn")
    return _context


_warm_lock = threading.Lock()
_warm_started = False
_forkserver_ready = threading.Event()  # set once children can be started


def warm_up(wait: float | None = None) -> bool:
    """Start the fork server (and its imports: NumPy, pandas) in the background; until it is up,
    trainings run on the worker thread instead of waiting for it. Safe to call on every page
    run. With ``wait``, block up to that long; True when processes are ready."""
    global _warm_started
    with _warm_lock:
        start_now = IN_PROCESSES and not _warm_started
        _warm_started = _warm_started or start_now

    def start():
        try:
            ctx = _mp_context()
            if ctx.get_start_method() == "forkserver":
                from multiprocessing import forkserver
                forkserver.ensure_running()
            _forkserver_ready.set()
        except Exception:  # noqa: BLE001 - e.g. a main module that cannot be re-imported:
            pass  # trainings then stay on the worker thread
    if start_now:
        threading.Thread(target=start, name="lab-forkserver-warm-up", daemon=True).start()
    return _forkserver_ready.wait(wait) if wait else _forkserver_ready.is_set()


def _run_in_child(task: Task, job: Job):
    ctx = _mp_context()
    receive, send = ctx.Pipe(duplex=False)
    cancel = ctx.Event()
    proc = ctx.Process(target=_child_main, args=(send, cancel, task.fn, task.args),
                       name=f"lab-train {job.key[:40]}", daemon=True)
    proc.start()
    send.close()
    try:
        while True:
            if job.should_stop():
                cancel.set()
            if not receive.poll(0.05):
                if not proc.is_alive() and not receive.poll():
                    raise _died(proc)
                continue
            try:
                kind, payload = receive.recv()
            except EOFError:
                raise _died(proc) from None
            if kind == "batch":
                job.on_batch(*payload)
            elif kind == "epoch":
                job.on_epoch(*payload)
            elif kind == "result":
                return payload
            elif kind == "cancelled":
                raise Cancelled
            else:
                raise RuntimeError(payload)
    finally:
        receive.close()
        proc.join(5)
        if proc.is_alive():
            proc.kill()


def _died(proc) -> LabError:
    proc.join(5)
    return LabError("training.process_died", code=proc.exitcode)


def freeze(value):
    """``value`` made safe to share between sessions, in place where it can be: NumPy arrays
    read-only, lists tuples, dict values and dataclass fields frozen the same way."""
    if isinstance(value, np.ndarray):
        value.setflags(write=False)
        return value
    if isinstance(value, (list, tuple)):
        return tuple(freeze(v) for v in value)
    if isinstance(value, dict):
        for k in value:
            value[k] = freeze(value[k])
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            object.__setattr__(value, f.name, freeze(getattr(value, f.name)))
    return value


class Store(Generic[R]):
    def __init__(self, folder: str, load: Callable[..., R | None], limit: int):
        self.folder, self._load, self.limit = folder, load, limit
        self._memory: OrderedDict[str, R] = OrderedDict()
        self._jobs: dict[str, Job] = {}
        self._lock = threading.RLock()
        _stores.append(self)

    # --- reading ---------------------------------------------------------------------------
    def get(self, key: str) -> R | None:
        """The result for ``key`` from memory or disk, or None (nothing is trained)."""
        with self._lock:
            if key in self._memory:
                self._memory.move_to_end(key)
                return self._memory[key]
        saved = self._load(cache_dir(self.folder), key)
        if saved is not None:
            self._remember(key, saved)
        return saved

    def job(self, key: str) -> Job | None:
        with self._lock:
            return self._jobs.get(key)

    def __len__(self) -> int:
        return len(self._memory)

    # --- training --------------------------------------------------------------------------
    def request(self, key: str, train: Callable[[Job], R] | Task, epochs: int,
                restart: bool = False) -> R | Job:
        """The stored result, or the job training it: the running one if there is one, else a
        new one. A failed or cancelled job is returned as it is (so every page shows why)
        unless ``restart``. ``train`` is a ``Task`` (run in a child process) or any callable
        taking the job (run on the worker thread)."""
        found = self.get(key)
        if found is not None:
            return found
        with self._lock:
            job = self._jobs.get(key)
            if job is not None and not (restart and job.state in (CANCELLED, FAILED)):
                return job
            job = self._jobs[key] = Job(key, epochs)
            self._forget_old_jobs()
        with _queue_lock:
            _queue.append(job)
        _renumber()
        _pool.submit(self._run, job, train)
        return job

    def _run(self, job: Job, train: Callable[[Job], R]) -> None:
        with _queue_lock:
            if job in _queue:
                _queue.remove(job)
        _renumber()
        job._start()
        try:
            if job.should_stop():
                raise Cancelled
            if isinstance(train, Task) and warm_up() and train.importable():
                result = _run_in_child(train, job)
            else:
                result = train(job)
            if job.should_stop():  # a trainer that stopped early on request returns a part
                raise Cancelled
        except Cancelled:
            job._finish(CANCELLED)
            return
        except Exception as err:  # shown on the page; the server keeps running
            job._finish(FAILED, error=err)
            return
        if not result.diverged:
            result.save(cache_dir(self.folder), job.key)
        self._remember(job.key, result)
        with self._lock:
            self._jobs.pop(job.key, None)
        job._finish(DIVERGED if result.diverged else DONE, result)

    def _remember(self, key: str, value: R) -> None:
        freeze(value)
        with self._lock:
            self._memory[key] = value
            self._memory.move_to_end(key)
            while len(self._memory) > self.limit:
                self._memory.popitem(last=False)

    def _forget_old_jobs(self) -> None:
        finished = [k for k, j in self._jobs.items() if j.state in FINISHED]
        for k in finished[:max(0, len(finished) - MAX_FINISHED_JOBS)]:
            del self._jobs[k]

    def clear(self) -> None:
        """Forget everything in memory and cancel running trainings (tests; the disk stays)."""
        with self._lock:
            for job in self._jobs.values():
                job.cancel()
            self._jobs.clear()
            self._memory.clear()


def clear_all() -> None:
    """Every store's memory and jobs (tests start from here)."""
    for store in _stores:
        store.clear()
