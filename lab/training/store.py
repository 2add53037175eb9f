"""The lab's store of trained models: memory -> disk -> train, one training per key for the whole
server, run on worker threads so no page waits on it.

Every page that needs a trained model asks its store with a key that names everything that
produced the model (data fingerprint and settings). The store answers from memory, else from
the cache folder on disk, else it starts *one* training for that key: a second session asking
for the same key gets the same ``Job`` and watches the same progress, so a class that follows
the lecturer to a new setting trains it once. At most ``MAX_RUNNING`` trainings run at once
(see below); later ones wait in one queue for every store, whose position their job reports.

The queue is fair (``_order``), and the workers are shared in slices: jobs the lecturer waits
for go first, then the other jobs sessions wait for, in turn, one session after another (the
session served longest ago first), each session's own oldest first, and last the background's
(``request(background=True)``: a grid the lecturer prepares for the room). A training holds a
worker until an epoch ends at which it gives way (``_gives_way``): to a job of an earlier tier;
with ``SLICES`` (``LAB_TRAINING_SLICES=1``; off by default, see there) also to a job of its own
tier that has not started yet (so thirty students who each ask for their own setting each see
their own training start within a few epochs), or, once it has held the worker for ``SLICE_S``,
to any job of its tier waiting. A
training that gives way waits where it is (its thread, or its child process, blocked at the
epoch's end, the model in its memory) and goes on from there at its next turn: nothing it
trained is lost, and nothing is saved until it ends. Every job has a thread of its own that
waits for its turns (``_serve``); at most ``MAX_RUNNING`` of them train at once.

A session waits for one job per place on a page (``watch``, called by the page as it asks and
polls, with the place's ``slot``): asking for a new setting there leaves the job it waited for,
which is dropped at once if no one else waits for it (taken off the queue, or stopped at its
next batch); a job others still wait for goes on. A job whose sessions all left (no poll for
``lab.training.jobs.WAIT_S``) is dropped before it takes a worker (a paused one, before it goes
on), and stopped once another job wants its worker. So a student moving a slider through
fifteen values holds one job, and one who leaves holds none that anyone else needs.

One training per key holds for every process of a class too: behind ``deploy.serve`` the
processes share a Redis (``lab.core.cluster``), and the first to train a key claims it there
(``Claim``, renewed while it trains, so a process that dies frees it); the others show that
training's progress and load its result from the shared cache folder once it is saved.

The divergence rule lives here: a result whose ``diverged`` is true is kept in memory (so the
page can say so without training again) but never written to disk. A cancelled or failed
training saves nothing, and a save is atomic (``lab.core.cache.save_arrays``), so nothing
half-written is ever read back.

Where a training runs: a ``Task`` (a trainer that can be imported by name, and its arguments)
runs in a child process of its own, so it has a core to itself and the pages' Python never
competes with it for the interpreter lock (30 sessions polling one training in a thread
slow it several times over: ``python -m bench.live --only room``, see bench/RESULTS.md). The
child reports through a pipe (every epoch, and batches at most every ``BATCH_REPORT_S``);
cancelling sets an event it checks before every batch, and another one tells it to ask for its
turn at the next epoch's end. A plain callable (a test's stand-in,
or a trainer whose data is not worth copying) runs on the job's thread itself, and so does
every training until the fork server is up (``warm_up``, started by ``app.py``).
``LAB_TRAIN_PROCESSES=0`` keeps every training in the server process.

A ``Task`` that may ``share`` (the stock page's NumPy forecaster) skips the queue above: it goes
at once to ``lab.training.pool``, a few long-lived worker processes that each hold many
trainings and give their turns themselves (the lecturer's first, a moment for every new one
so its session sees it move, then the shortest left), so a room that explores sees every
student's own training move at once and no hand-over waits on the server's interpreter. The
rules above hold there too: one job per session and place, a job no one waits for is dropped
(``_stop_pooled``), one training per key.

A stored result needs ``diverged`` (bool) and ``save(folder, key)``; the store is given the
matching ``load(folder, key)``; ``lab.training.stored.Stored`` gives a dataclass all three. Every
session of the server reads the same stored object, so the store freezes it on the way in
(``freeze``): its arrays become read-only and its lists tuples, and a page that tried to
change a shared model in place would fail at once instead of changing it for the whole room.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import multiprocessing as mp
import os
import sys
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, Generic, TypeVar

import numpy as np

from lab.core import cluster
from lab.core.cache import cache_dir
from lab.core.errors import LabError
from lab.training import pool
from lab.training.jobs import (CANCELLED, DIVERGED, DONE, FAILED, FINISHED, QUEUED, Cancelled, Job,
                               Who, in_background)

R = TypeVar("R")
# Trainings at once, server-wide: two, so a lecture preset of several minutes does not hold up
# every other setting (each then runs at about half speed on 2 cores).
MAX_RUNNING = int(os.environ.get("LAB_MAX_TRAININGS", "2"))
MAX_FINISHED_JOBS = 32  # failed / cancelled jobs remembered (so every waiting page sees why)

IN_PROCESSES = os.environ.get("LAB_TRAIN_PROCESSES", "1") != "0"
BATCH_REPORT_S = 0.1  # a child sends batch progress at most this often (epochs always)
# Modules a training child needs, imported once by the fork server (a child then starts in
# milliseconds instead of importing NumPy and pandas again). A child does not run the server's
# main script (``pool.start_process``), so Streamlit is not among them.
# lab.training.preload loads the compiled recurrent kernel there, once for every child.
PRELOAD = ["numpy", "pandas", "lab.networks.seqnet", "lab.training.preload", "lab.data.stock",
           "lab.models.stock_model"]

# A started training holds its worker this long before a waiting job of its own tier has a turn
# (a job that has not started yet gets one at the next epoch's end: its first epoch comes
# before anyone's next). Long enough that short trainings mostly run to their end.
SLICE_S = 3.0
# Slices between the jobs of one tier (the students'): off unless LAB_TRAINING_SLICES=1. With
# thirty sessions on two cores every hand-over waits on the server's busy interpreter, and
# bench.live's explore took four times longer with them (bench/RESULTS.md). A job always gives
# way to an earlier tier's (the lecturer's before the students', theirs before a grid's).
SLICES = os.environ.get("LAB_TRAINING_SLICES", "0") == "1"
# The stock page's NumPy trainings share worker processes (lab.training.pool): every one starts
# at once and the workers take turns between them themselves. LAB_TRAINING_POOL=0: one child
# process per training, MAX_RUNNING at once, as the other pages' trainings.
POOLED = os.environ.get("LAB_TRAINING_POOL", "1") != "0"
TURN_CHECK_S = 1.0  # a waiting job's thread looks again this often (who waits changes in time)
PAUSE_CHECK_S = 0.1  # how often a training in a child process is told whether to give way
LECTURER_TIER, SESSION_TIER, BACKGROUND_TIER = 0, 1, 2

_queue: list[Job] = []  # jobs waiting for a worker: new ones and paused ones, oldest first
_running: list[Job] = []  # jobs holding a worker (at most MAX_RUNNING)
_work: dict[Job, "Store"] = {}  # a job's store, until it starts
_served: dict[str, int] = {}  # session -> when a job of its own last got a worker (a counter)
_starts = 0
_slots: dict[tuple[str, str], Job] = {}  # (session, slot) -> the job it waits for there
MAX_SLOTS = 512  # beyond this, entries of finished jobs (and of sessions) are forgotten
_queue_lock = threading.RLock()
_turns = threading.Condition(_queue_lock)  # notified whenever a worker changes hands
_stores: list["Store"] = []


def _nobody() -> Who | None:
    return None


# Who is asking, when a page asks (``ui.training`` installs it; None in a script): a job a page
# asks for waits for that session from the start, so a page run stopped between its ``request``
# and its ``watch`` leaves no job that trains to its end for no one (bench.hostile saw two).
asker: Callable[[], Who | None] = _nobody
_unwatched: dict[str, set[Job]] = {}  # session -> jobs its pages asked for and never watched


def _wanted() -> bool:
    """Whether a job someone waits for (or that no session asked for) waits for a worker."""
    return any(not (j.dropped or j.abandoned()) for j in list(_queue))


def _tier(job: Job) -> int:
    """The lecturer's jobs, then every other job a session (or a script) waits for, then the
    background's (a prepared grid no session asked for yet)."""
    if job.for_lecturer():
        return LECTURER_TIER
    return BACKGROUND_TIER if job.background and not job.waiters() else SESSION_TIER


def _group(job: Job) -> tuple[int, int]:
    """Where a waiting job's turn comes: by tier; in a session's tier the jobs that have not
    started first (every session soon sees its own training move), in the background's the
    paused ones first (a grid point finishes before the next one starts)."""
    tier = _tier(job)
    return tier, int(job.started != (tier == BACKGROUND_TIER))


def _round_robin(jobs: list[Job], running: list[str]) -> list[Job]:
    """Sessions in turn, a session with fewer jobs running and served longer ago first, each
    session's oldest first."""
    by_session: dict[str, list[Job]] = {}
    for job in jobs:
        by_session.setdefault(job.owner(), []).append(job)
    sessions = sorted(by_session, key=lambda s: (running.count(s), _served.get(s, -1)))
    turns = itertools.zip_longest(*(by_session[s] for s in sessions))
    return [job for turn in turns for job in turn if job is not None]


def _order() -> list[Job]:
    """The queue in the order the workers take it (jobs no one waits for left out): group by
    group (``_group``), round-robin by session within each."""
    with _queue_lock:
        groups: dict[tuple[int, int], list[Job]] = {}
        for job in _queue:
            if not (job.dropped or job.abandoned()):
                groups.setdefault(_group(job), []).append(job)
        running = [j.owner() for j in _running]
        return [job for g in sorted(groups) for job in _round_robin(groups[g], running)]


def _renumber() -> None:
    with _queue_lock:
        for i, job in enumerate(_order()):
            job.position = i + 1


def _drop(job: Job) -> None:
    """No one waits for ``job``: off the queue. One that never started finishes now (its key is
    free again: asking trains anew); a paused one stops as soon as its trainer goes on."""
    job.drop()
    with _turns:
        queued = job in _queue
        if queued:
            _queue.remove(job)
        _turns.notify_all()
    if queued and not job.started:
        store = _work.pop(job, None)
        if store is not None:
            store._forget(job)
        job._finish(CANCELLED)


def _dispatch() -> None:
    """Give the free workers to the first jobs in order (under the queue lock): queued jobs no
    one waits for are dropped first, cancelled ones leave the queue."""
    global _starts
    with _turns:
        for job in [j for j in _queue if j.dropped or j.abandoned()]:
            _drop(job)
        for job in [j for j in _queue if j._cancel.is_set()]:
            _queue.remove(job)
            if not job.started:
                job._finish(CANCELLED)  # kept: every page that asks sees it was cancelled
        while len(_running) < MAX_RUNNING:
            order = _order()
            if not order:
                break
            job = order[0]
            _queue.remove(job)
            _running.append(job)
            _starts += 1
            _served[job.owner()] = _starts
            if len(_served) > MAX_SLOTS:  # the sessions served longest ago are forgotten
                for session in sorted(_served, key=_served.get)[:MAX_SLOTS // 2]:
                    del _served[session]
            if not job.started:
                job._start()
            job.paused, job.slice_start = False, time.monotonic()
        _turns.notify_all()
    _renumber()


def _wait_turn(job: Job) -> None:
    """Block until ``job`` holds a worker, or has left the queue (dropped or cancelled)."""
    with _turns:
        _dispatch()
        while job in _queue:
            _turns.wait(TURN_CHECK_S)
            _dispatch()  # also when only time passed: a waiter may have left meanwhile


def _gives_way(job: Job) -> bool:
    """Whether ``job``, holding a worker, gives it to the first waiting job at its epoch's end:
    one of an earlier tier; with ``SLICES``, of its own tier (the background's excepted), one
    that has not started yet, or any once ``job`` has held the worker for ``SLICE_S``."""
    with _queue_lock:
        if job not in _running or len(_running) < MAX_RUNNING:
            return False
        order = _order()
        if not order:
            return False
        first, tier = order[0], _tier(job)
        if _tier(first) != tier:
            return _tier(first) < tier
        return SLICES and tier != BACKGROUND_TIER and (
            not first.started or time.monotonic() - job.slice_start >= SLICE_S)


def _turn(job: Job) -> None:
    """A job's epoch ended (``Job.turn``): if it gives way, it goes back into the queue and its
    trainer waits here, in its thread or child process, with everything trained so far; it
    goes on from there when its turn comes again."""
    if not _gives_way(job):
        return
    with _turns:
        _running.remove(job)
        _queue.append(job)
        job.paused = True
        _wait_turn(job)


def _serve(store: "Store", job: Job, train, pooled: bool) -> None:
    """A job's own thread: its first turn, its training, then its worker given back (a
    pooled job's turns are the pool's: it starts at once)."""
    if not pooled:
        _wait_turn(job)
        if job.state in FINISHED:  # dropped or cancelled before it started
            return
    _work.pop(job, None)
    try:
        store._run(job, train, pooled)
    finally:
        with _turns:
            if job in _running:
                _running.remove(job)
            if job in _queue:
                _queue.remove(job)
        _dispatch()


def watch(job: Job, who: Who, slot: str, poll: bool = False) -> None:
    """``who`` waits for ``job`` at ``slot`` (one place on a page), as its page asks for it.
    The job it waited for there before, if another, is left, and dropped if no one else waits
    for it (queued: taken off the queue; running: stopped at its next batch). A ``poll`` only
    says it still waits: a late poll of a job the session has since moved on from is ignored
    (it never takes the place back from the newer job)."""
    with _queue_lock:
        before = _slots.get((who.session, slot))
        if poll and before is not None and before is not job:
            return
        changed = before is not job or who.session not in {w.session for w in job.waiters()}
        job.seen(who)
        _slots[(who.session, slot)] = job
        left = [] if poll else _unwatched.pop(who.session, set()) - {job}
        for orphan in left:  # asked for by a page run that stopped before it watched it
            if orphan not in _slots.values():
                orphan.leave(who.session)
                if orphan.abandoned():
                    _drop(orphan)
        if before is not None and before is not job:
            before.leave(who.session)
            if before.abandoned():  # no one else waits for it: it goes (running: it
                _drop(before)  # stops at its next batch)
        if len(_slots) > MAX_SLOTS:
            for k in [k for k, j in _slots.items() if j.state in FINISHED]:
                del _slots[k]
    if changed:
        _renumber()


@dataclass(frozen=True)
class Task:
    """``fn(*args, job)``, where ``fn`` is importable by its module and name: it can run in a
    child process. A task that may ``share`` a worker process with other trainings (light on
    memory, no Keras) runs in ``lab.training.pool``, which takes every such training at once
    and gives its turns by ``cost`` (estimated seconds, shortest first)."""

    fn: Callable
    args: tuple
    share: bool = False
    cost: float = 0.0

    def importable(self) -> bool:
        module = sys.modules.get(getattr(self.fn, "__module__", ""), None)
        return getattr(module, getattr(self.fn, "__qualname__", ""), None) is self.fn

    def __call__(self, job: Job):
        return self.fn(*self.args, job)


class _ChildJob:
    """The ``Job`` a trainer sees inside the child process: reports go through the pipe. At an
    epoch's end, while the server says it gives way (``pause``), it asks for its turn and waits
    for the answer (the server's ``_turn``), keeping its model where it is."""

    def __init__(self, conn, cancel, pause):
        self.conn, self.cancel, self.pause, self.last = conn, cancel, pause, 0.0

    def on_batch(self, epoch: int, batch: int, batches: int) -> None:
        now = time.monotonic()
        if now - self.last >= BATCH_REPORT_S or batch == batches:
            self.last = now
            self.conn.send(("batch", (epoch, batch, batches)))

    def on_epoch(self, epoch: int, logs: dict) -> None:
        self.conn.send(("epoch", (epoch, {k: float(v) for k, v in logs.items()})))
        if self.pause.is_set():
            self.conn.send(("turn", None))
            self.conn.recv()  # its turn again (or cancelled: should_stop says so)

    def should_stop(self) -> bool:
        return self.cancel.is_set()


def _child_main(conn, cancel, pause, fn, args) -> None:
    in_background()
    try:
        result = fn(*args, _ChildJob(conn, cancel, pause))
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
            if POOLED:  # the workers up (and so the fork server's imports done) before a
                _pool().start(wait=120)  # training waits for either; until then: the thread
            _forkserver_ready.set()
        except Exception:  # noqa: BLE001 - e.g. a main module that cannot be re-imported:
            pass  # trainings then stay on the worker thread
    if start_now:
        threading.Thread(target=start, name="lab-forkserver-warm-up", daemon=True).start()
    if not IN_PROCESSES:  # LAB_TRAIN_PROCESSES=0: no child ever starts, so nothing to wait for
        return False
    return _forkserver_ready.wait(wait) if wait else _forkserver_ready.is_set()


def _run_in_child(task: Task, job: Job):
    ctx = _mp_context()
    receive, send = ctx.Pipe()
    cancel, pause = ctx.Event(), ctx.Event()
    proc = ctx.Process(target=_child_main, args=(send, cancel, pause, task.fn, task.args),
                       name=f"lab-train {job.key[:40]}", daemon=True)
    pool.start_process(proc)
    send.close()
    looked = 0.0
    try:
        while True:
            if job.should_stop():
                cancel.set()
            if time.monotonic() - looked >= PAUSE_CHECK_S:  # whether to give way
                looked = time.monotonic()
                (pause.set if _gives_way(job) else pause.clear)()
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
                job.record_epoch(*payload)
            elif kind == "turn":  # the child waits at an epoch's end: its turn, here
                _turn(job)
                pause.clear()
                if job.should_stop():
                    cancel.set()
                receive.send("go")
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


_pool_instance: pool.Pool | None = None


def _pooled(train) -> bool:
    """Whether ``train`` runs in the worker pool: a sharing task, with processes on and a
    worker up."""
    return (isinstance(train, Task) and train.share and POOLED and warm_up()
            and _pool().ready() and train.importable())


def _pool() -> pool.Pool:
    global _pool_instance
    with _warm_lock:
        if _pool_instance is None:
            _pool_instance = pool.Pool(_mp_context(), MAX_RUNNING)
        return _pool_instance


def _stop_pooled(job: Job) -> bool:
    """Whether the pool stops ``job`` now: cancelled, dropped, or no one waits for it while
    another job someone waits for wants a worker (then it is dropped: its key is free)."""
    if job.should_stop():
        return True
    if job.abandoned() and any(j is not job and not (j.dropped or j.abandoned())
                               for j in _pool().jobs()):
        job.drop()
    return job.dropped


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
        """The job training ``key`` (running, queued, or finished without a result), if any;
        a dropped one (no one waited for it) is gone."""
        with self._lock:
            job = self._jobs.get(key)
        return None if job is None or job.dropped else job

    def __len__(self) -> int:
        return len(self._memory)

    # --- training --------------------------------------------------------------------------
    def request(self, key: str, train: Callable[[Job], R] | Task, epochs: int,
                restart: bool = False, background: bool = False) -> R | Job:
        """The stored result, or the job training it: the running one if there is one, else a
        new one. A failed or cancelled job is returned as it is (so every page shows why)
        unless ``restart``. ``train`` is a ``Task`` (run in a child process) or any callable
        taking the job (run on the job's thread). A ``background`` job (a prepared grid) goes
        after every job a session waits for, until a session waits for it too."""
        found = self.get(key)
        if found is not None:
            return found
        with self._lock:
            job = self._jobs.get(key)
            if job is not None and not job.dropped and not (
                    restart and job.state in (CANCELLED, FAILED)):
                return job
            job = self._jobs[key] = Job(key, epochs, _wanted)
            job.turn, job.background = _turn, background
            who = asker()
            if who is not None:
                job.seen(who)
                with _queue_lock:
                    _unwatched.setdefault(who.session, set()).add(job)
            self._forget_old_jobs()
        pooled = _pooled(train)  # decided once: the pool's turns, or the queue's
        if not pooled:
            with _queue_lock:
                _queue.append(job)
                _work[job] = self
        threading.Thread(target=_serve, args=(self, job, train, pooled), daemon=True,
                         name=f"lab-train {key[:40]}").start()
        return job

    def _forget(self, job: Job) -> None:
        with self._lock:
            if self._jobs.get(job.key) is job:
                del self._jobs[job.key]

    def _run(self, job: Job, train: Callable[[Job], R], pooled: bool = False) -> None:
        claim = None
        try:
            if job.should_stop():
                raise Cancelled
            result, claim = _elsewhere(self, job)  # trained by another process of the class
            if result is None:
                if pooled:
                    result = _pool().run(train.fn, train.args, train.cost, job,
                                         lambda: _tier(job), lambda: _stop_pooled(job))
                elif isinstance(train, Task) and warm_up() and train.importable():
                    result = _run_in_child(train, job)
                else:
                    result = train(job)
            if job.should_stop():  # a trainer that stopped early on request returns a part
                raise Cancelled
        except Cancelled:
            if claim is not None:
                claim.release()
            if job.dropped:  # no one waits: the key is free for a fresh training
                self._forget(job)
            job._finish(CANCELLED)
            return
        except Exception as err:  # shown on the page; the server keeps running
            if claim is not None:
                claim.release()
            job._finish(FAILED, error=err)
            return
        if not result.diverged:
            result.save(cache_dir(self.folder), job.key)
        if claim is not None:
            claim.release()  # saved first: the processes waiting on it load it from disk
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


# --- A grid the lecturer prepares for the room ----------------------------------------------------
GRID_POLL_S = 0.2


class Grid:
    """Trainings prepared for a room in the background: each point is a function that asks a
    store for one training with ``background=True`` (returning the result, the job, or None
    for a point the data cannot make). At most ``MAX_RUNNING`` points are asked at once, so the
    queue holds a few of them, not the whole grid; a session that asks for a point's setting
    meanwhile shares its job (which then goes at that session's priority) or, once trained,
    reads it from the store without training."""

    def __init__(self, name: str, points: list[Callable[[], object]]):
        self.name, self.total = name, len(points)
        self.trained = self.found = self.failed = 0  # points trained now, already there, not
        self.jobs: list[Job] = []  # the points asked for and not finished
        self._points = list(points)
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True, name=f"lab-grid {name}")
        self.thread.start()

    def _run(self) -> None:
        while (self._points or self.jobs) and not self._stop.is_set():
            while self._points and len(self.jobs) < MAX_RUNNING:
                self._ask(self._points.pop(0))
            for job in [j for j in self.jobs if j.state in FINISHED]:
                self.jobs.remove(job)
                if job.state == DONE:
                    self.trained += 1
                else:
                    self.failed += 1
            self._stop.wait(GRID_POLL_S)
        for job in self.jobs:  # stopped: the points it asked for and no session watches
            if not job.waiters():
                job.cancel()

    def _ask(self, point: Callable[[], object]) -> None:
        try:
            found = point()
        except Exception:  # noqa: BLE001 - a point the data cannot make: the others go on
            found = None
        if isinstance(found, Job):
            self.jobs.append(found)
        elif found is None or getattr(found, "diverged", False):
            self.failed += 1
        else:
            self.found += 1

    @property
    def done(self) -> int:
        return self.trained + self.found + self.failed

    @property
    def running(self) -> bool:
        return self.thread.is_alive()

    def fraction(self) -> float:
        """Points done, counting the running points' progress."""
        part = sum(j.snapshot().fraction for j in list(self.jobs))
        return min(1.0, (self.done + part) / max(self.total, 1))

    def stop(self) -> None:
        self._stop.set()


_grids: dict[str, Grid] = {}


def grid(name: str, points: Callable[[], list[Callable[[], object]]]) -> Grid:
    """The grid ``name`` for the whole server: the one preparing under that name, else a new
    one over ``points()`` (a grid asked for again once done finds its trained points in the
    store and trains only what is missing)."""
    with _queue_lock:
        found = _grids.get(name)
        if found is None or not found.running:
            found = _grids[name] = Grid(name, points())
        return found


# --- One training per key for every process of the class (Redis, lab.core.cluster) -----------------
CLAIM_S = 30.0  # a claim's lifetime, renewed while its training runs: a dead process frees it
ELSEWHERE_POLL_S = 0.5  # how often a process whose key another trains looks for the result


class Claim:
    """This process trains ``key`` for the class: held in Redis, renewed (with the training's
    progress, for the other processes' pages) by a thread until released."""

    def __init__(self, redis, name: str, job: Job):
        self.redis, self.name, self.job = redis, name, job
        self.owner = f"{os.uname().nodename}:{os.getpid()}:{id(job)}"
        self._stop = threading.Event()

    def take(self) -> bool:
        if not self.redis.add(self.name, self.owner, CLAIM_S):
            return False
        threading.Thread(target=self._renew, daemon=True, name="lab-claim").start()
        return True

    def _renew(self) -> None:
        while not self._stop.wait(1.0):
            try:
                if self.redis.get(self.name) != self.owner:
                    return
                self.redis.put(self.name, self.owner, CLAIM_S)
                j = self.job
                self.redis.put(self.name + ":progress", json.dumps(
                    [j.epoch, j.epochs, j.batch, j.batches]), CLAIM_S)
            except Exception:  # Redis gone: the claim expires by itself
                return

    def release(self) -> None:
        self._stop.set()
        try:
            if self.redis.get(self.name) == self.owner:
                self.redis.delete(self.name, self.name + ":progress")
        except Exception:  # Redis gone: the claim expires by itself
            pass


def _elsewhere(store: "Store", job: Job):
    """(the result another process of the class trained, None) once it is on disk; or (None,
    this process's claim) when it is this process's to train. Without a shared Redis: (None,
    None), this process trains. While another trains it, this job shows that training's
    progress."""
    redis = cluster.shared()
    if redis is None:
        return None, None
    claim = Claim(redis, f"lab:train:{store.folder}:{job.key}", job)
    saved = lambda: store._load(cache_dir(store.folder), job.key)  # noqa: E731
    while True:
        found = saved()
        if found is not None:
            return found, None
        try:
            if claim.take():
                found = saved()  # saved, and its claim released, since the look above
                if found is not None:
                    claim.release()
                    return found, None
                return None, claim
            progress = redis.get(claim.name + ":progress")
        except Exception:  # Redis gone mid-way: train here
            return None, None
        if progress:
            epoch, epochs, batch, batches = json.loads(progress)
            job.epochs = max(job.epochs, epochs)
            job.on_batch(epoch, batch, batches)
        if job.should_stop():
            raise Cancelled
        time.sleep(ELSEWHERE_POLL_S)


def clear_all() -> None:
    """Every store's memory and jobs (tests start from here)."""
    for store in _stores:
        store.clear()
