"""The shared model store (lab.training.store): memory -> disk -> train, one training per key for the
whole server, progress while it runs, cancel, and the divergence rule."""

import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from lab.training import store as store_mod
from lab.core.cache import load_arrays, save_arrays
from lab.training.jobs import CANCELLED, DIVERGED, DONE, FAILED, QUEUED, Cancelled, Job


@dataclass
class Result:
    value: float
    diverged: bool = False

    def save(self, folder: Path, key: str) -> None:
        save_arrays(folder, "r-" + str(abs(hash(key))), key, {"v": np.array([self.value])}, {})

    @classmethod
    def load(cls, folder: Path, key: str):
        return load_arrays(folder, "r-" + str(abs(hash(key))), key,
                           lambda meta, a: cls(float(a["v"][0])))


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("LAB_CACHE_DIR", str(tmp_path))
    s = store_mod.Store("test_models", Result.load, limit=3)
    yield s
    s.clear()
    store_mod._stores.remove(s)


def test_two_threads_asking_for_one_key_train_once(store):
    calls, gate = [], threading.Event()

    def train(job: Job) -> Result:
        calls.append(1)
        gate.wait(5)
        return Result(1.5)

    got = []
    threads = [threading.Thread(target=lambda: got.append(store.request("k", train, 1)))
               for _ in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len({id(j) for j in got}) == 1 and isinstance(got[0], Job)  # one shared job
    gate.set()
    assert got[0].wait(5) and got[0].state == DONE
    assert calls == [1]
    assert store.get("k").value == 1.5 and store.request("k", train, 1).value == 1.5
    assert calls == [1]


def test_progress_is_visible_while_training(store):
    step = threading.Event()

    def train(job: Job) -> Result:
        for epoch in range(3):
            job.on_batch(epoch, 1, 2)
            step.wait(5)
            step.clear()
            job.on_epoch(epoch, {"loss": 1.0 / (epoch + 1)})
        return Result(0.0)

    job = store.request("k", train, 3)
    deadline = time.monotonic() + 5
    while job.snapshot().batch != 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    snap = job.snapshot()
    assert snap.state == "running" and snap.fraction == pytest.approx(0.5 / 3)
    step.set()
    while job.snapshot().epoch < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert job.snapshot().history["loss"][0] == 1.0
    for _ in range(3):
        step.set()
        time.sleep(0.05)
    assert job.wait(5) and job.snapshot().fraction == 1.0


def test_a_diverged_result_is_kept_in_memory_but_never_saved(store, tmp_path):
    job = store.request("k", lambda job: Result(float("nan"), diverged=True), 1)
    assert job.wait(5) and job.state == DIVERGED
    assert store.get("k").diverged  # the page can say so without training again
    assert not list((tmp_path / "test_models").glob("*"))
    store.clear()
    assert store.get("k") is None  # nothing on disk: a restart trains again


def test_a_good_result_is_saved_and_found_after_a_restart(store, tmp_path):
    job = store.request("k", lambda job: Result(2.0), 1)
    assert job.wait(5) and job.state == DONE
    store.clear()  # a new server process: memory empty, disk kept
    assert store.get("k").value == 2.0
    assert not list((tmp_path / "test_models").glob("*.tmp"))


def test_cancel_stops_the_training_and_writes_nothing(store, tmp_path):
    started = threading.Event()

    def train(job: Job) -> Result:
        started.set()
        while True:
            if job.should_stop():
                raise Cancelled
            time.sleep(0.01)

    job = store.request("k", train, 1)
    assert started.wait(5)
    job.cancel()
    assert job.wait(5) and job.state == CANCELLED
    assert not list((tmp_path / "test_models").glob("*"))
    assert store.request("k", train, 1) is job  # every page sees why, until asked again
    again = store.request("k", lambda job: Result(3.0), 1, restart=True)
    assert again is not job and again.wait(5) and store.get("k").value == 3.0


def test_a_trainer_that_returns_after_cancel_is_not_saved(store, tmp_path):
    """Keras stops at the end of a batch and returns a half-trained model: not a result."""
    def train(job: Job) -> Result:
        while not job.should_stop():
            time.sleep(0.01)
        return Result(9.0)

    job = store.request("k", train, 1)
    time.sleep(0.05)
    job.cancel()
    assert job.wait(5) and job.state == CANCELLED and store.get("k") is None
    assert not list((tmp_path / "test_models").glob("*"))


def test_a_failing_training_reports_its_error(store):
    def train(job):
        raise ValueError("boom")

    job = store.request("k", train, 1)
    assert job.wait(5) and job.state == FAILED and "boom" in job.snapshot().error


def test_the_memory_is_bounded(store):
    for i in range(6):
        assert store.request(f"k{i}", lambda job, i=i: Result(float(i)), 1).wait(5)
    assert len(store) == 3  # the limit; the rest stays on disk
    assert store.get("k0").value == 0.0  # read back from disk


def test_trainings_beyond_the_limit_wait_in_a_queue(store, monkeypatch):
    gate = threading.Event()
    jobs = [store.request(f"k{i}", lambda job: (gate.wait(5), Result(0.0))[1], 1)
            for i in range(store_mod.MAX_RUNNING + 2)]
    time.sleep(0.1)
    waiting = [j for j in jobs if j.state == QUEUED]
    assert [j.snapshot().position for j in waiting] == [1, 2]
    gate.set()
    assert all(j.wait(5) for j in jobs)


def test_save_is_atomic(tmp_path, monkeypatch):
    """A save that fails half-way leaves neither a readable file nor a temporary one."""
    calls = []
    real = np.savez

    def failing(*args, **kwargs):
        calls.append(1)
        real(*args, **kwargs)
        raise OSError("disk full (test)")

    monkeypatch.setattr(np, "savez", failing)
    with pytest.raises(OSError):
        save_arrays(tmp_path, "m", "key", {"a": np.ones(3)}, {})
    assert calls and list(tmp_path.iterdir()) == []
    assert load_arrays(tmp_path, "m", "key", lambda meta, a: 1) is None


# --- Trainings in a child process ---------------------------------------------------------------
def pid_trainer(epochs: int, job) -> Result:
    for e in range(epochs):
        job.on_batch(e, 1, 1)
        job.on_epoch(e, {"loss": 1.0 / (e + 1)})
    return Result(float(os.getpid()))


def looping_trainer(job) -> Result:
    while not job.should_stop():
        job.on_batch(0, 1, 2)
        time.sleep(0.01)
    raise Cancelled


def crashing_trainer(job) -> Result:
    os._exit(3)


@pytest.fixture
def processes(monkeypatch):
    monkeypatch.setattr(store_mod, "IN_PROCESSES", True)  # whatever LAB_TRAIN_PROCESSES says
    assert store_mod.warm_up(wait=60), "the fork server did not start"


def test_with_processes_off_a_task_runs_on_the_thread_at_once(store, monkeypatch):
    """``LAB_TRAIN_PROCESSES=0``: nothing waits for a fork server that never starts."""
    monkeypatch.setattr(store_mod, "IN_PROCESSES", False)
    start = time.monotonic()
    assert store_mod.warm_up(wait=30) is False and time.monotonic() - start < 1
    job = store.request("k", store_mod.Task(pid_trainer, (1,)), 1)
    assert job.wait(5) and job.result.value == os.getpid()


def test_a_task_trains_in_another_process_and_reports_progress(store, processes):
    job = store.request("k", store_mod.Task(pid_trainer, (3,)), 3)
    assert job.wait(60) and job.state == DONE, job.snapshot().error
    assert job.result.value != os.getpid()
    assert job.snapshot().history["loss"] == [1.0, 0.5, 1.0 / 3]
    assert store.get("k").value == job.result.value  # saved by the server, read back


def test_cancel_reaches_the_child_process(store, tmp_path, processes):
    job = store.request("k", store_mod.Task(looping_trainer, ()), 1)
    deadline = time.monotonic() + 60
    while job.snapshot().batch == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    job.cancel()
    assert job.wait(10) and job.state == CANCELLED
    assert not list((tmp_path / "test_models").glob("*"))


def counting_trainer(epochs: int, job) -> Result:
    """``epochs`` epochs of 50 ms; its result is the epochs it trained itself, in its process."""
    trained = 0
    for e in range(epochs):
        if job.should_stop():
            raise Cancelled
        time.sleep(0.05)
        trained += 1
        job.on_epoch(e, {"loss": 1.0 / (e + 1)})
    return Result(float(trained))


def test_a_training_in_a_child_gives_way_and_goes_on_where_it_was(store, processes,
                                                                   monkeypatch):
    monkeypatch.setattr(store_mod, "MAX_RUNNING", 1)
    monkeypatch.setattr(store_mod, "SLICES", True)  # LAB_TRAINING_SLICES=1
    first = store.request("first", store_mod.Task(counting_trainer, (40,)), 40)
    deadline = time.monotonic() + 120
    while first.snapshot().epoch < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert first.snapshot().epoch < 40, "the first one is still training"
    second = store.request("second", store_mod.Task(counting_trainer, (4,)), 4)
    assert second.wait(60) and second.state == DONE, second.snapshot().error
    assert first.state == "running", "the second one trained while the first one waited"
    assert first.wait(60) and first.state == DONE, first.snapshot().error
    assert first.result.value == 40.0, "the first one went on where it was (no epoch lost)"
    assert len(first.snapshot().history["loss"]) == 40


def test_a_child_that_dies_fails_the_job_not_the_server(store, processes):
    job = store.request("k", store_mod.Task(crashing_trainer, ()), 1)
    assert job.wait(60) and job.state == FAILED and "exit 3" in job.snapshot().error


def test_a_stand_in_trainer_runs_on_the_thread(store, processes):
    """A trainer that cannot be imported by name (a test's closure) is run in the server."""
    def local(job):
        return Result(float(os.getpid()))

    job = store.request("k", store_mod.Task(local, ()), 1)
    assert job.wait(5) and job.result.value == os.getpid()


def test_a_stored_result_is_frozen_for_every_session(store):
    """What one session gets from a store is the object every other session gets: its arrays
    are read-only and its lists tuples, so no page can change a shared model in place."""
    from lab.networks import cells
    from lab.models.imdb_model import ModelSettings, Trained

    trained = Trained(ModelSettings(), {"loss": [0.7, 0.6]}, np.array([0.2, 0.9]),
                      np.zeros((5, 2)), cells.Cell("SimpleRNN", np.zeros((2, 3)),
                                                   np.zeros((3, 3)), np.zeros(3)),
                      np.zeros((3, 1)), np.zeros(1), 1.0)
    assert store.request("m", lambda job: trained, 1).wait(5)
    shared = store.get("m")
    assert shared is trained
    for array in (shared.p_test, shared.embedding, shared.cell.kernel, shared.w_out):
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 1.0
    with pytest.raises(AttributeError):
        shared.history["loss"].append(0.5)
    assert shared.word_by_word([1, 2]).shape == (2,), "reading still works"
