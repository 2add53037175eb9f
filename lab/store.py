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

A stored result needs ``diverged`` (bool) and ``save(folder, key)``; the store is given the
matching ``load(folder, key)``.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Generic, TypeVar

from lab.cache import cache_dir
from lab.jobs import CANCELLED, DIVERGED, DONE, FAILED, FINISHED, Cancelled, Job

R = TypeVar("R")
# Trainings at once, server-wide: two, so a lecture preset of several minutes does not hold up
# every other setting (each then runs at about half speed on 2 cores).
MAX_RUNNING = int(os.environ.get("LAB_MAX_TRAININGS", "2"))
MAX_FINISHED_JOBS = 32  # failed / cancelled jobs remembered (so every waiting page sees why)

_pool = ThreadPoolExecutor(max_workers=MAX_RUNNING, thread_name_prefix="lab-train")
_queue: list[Job] = []  # jobs waiting for a worker, oldest first
_queue_lock = threading.Lock()
_stores: list["Store"] = []


def _renumber() -> None:
    with _queue_lock:
        for i, job in enumerate(_queue):
            job.position = i + 1


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
    def request(self, key: str, train: Callable[[Job], R], epochs: int,
                restart: bool = False) -> R | Job:
        """The stored result, or the job training it: the running one if there is one, else a
        new one. A failed or cancelled job is returned as it is (so every page shows why)
        unless ``restart``."""
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
