"""The worker pool (lab.training.pool) behind the store: every sharing training starts at once,
the workers take turns between them (the lecturer's first, every session's first epoch early,
then shortest first), and the store's rules hold (cancel, a job no one waits for is dropped, a
worker that dies fails its jobs, not the server)."""

import os
import time

import pytest

from lab.training import pool as pool_mod
from lab.training import store as store_mod
from lab.training.jobs import CANCELLED, DONE, FAILED, LECTURER, QUEUED, Cancelled, Who
from tests.test_store import Result, store  # noqa: F401 - the store fixture


def epochs_trainer(epochs: int, batches: int, job) -> Result:
    """``epochs`` epochs of ``batches`` batches of 10 ms; its result: the epochs it trained in
    its own process (a training that waited went on where it was)."""
    trained = 0
    for e in range(epochs):
        for b in range(batches):
            if job.should_stop():
                raise Cancelled
            time.sleep(0.01)
            job.on_batch(e, b + 1, batches)
        trained += 1
        job.on_epoch(e, {"loss": 1.0 / (e + 1)})
    return Result(float(trained))


def dying_trainer(job) -> Result:
    os._exit(3)


@pytest.fixture
def workers(monkeypatch, request):
    """A pool of ``request.param`` workers (2 unless parametrized) for the store."""
    monkeypatch.setattr(store_mod, "IN_PROCESSES", True)
    monkeypatch.setattr(store_mod, "POOLED", True)
    assert store_mod.warm_up(wait=60), "the fork server did not start"
    pool = pool_mod.Pool(store_mod._mp_context(), getattr(request, "param", 2))
    assert pool.start(wait=60), "the workers did not start"
    monkeypatch.setattr(store_mod, "_pool_instance", pool)
    warm = store_mod.Store("warm_models", Result.load, limit=1)  # one training per worker
    jobs = [warm.request(f"warm{i}", task(1, 1), 1) for i in range(pool.size)]  # first: each
    assert all(j.wait(60) and j.state == DONE for j in jobs)  # imports this module
    store_mod._stores.remove(warm)
    yield pool
    pool.close()


def task(epochs: int, batches: int = 5, cost: float = 1.0) -> store_mod.Task:
    return store_mod.Task(epochs_trainer, (epochs, batches), share=True, cost=cost)


def watch(jobs, until) -> dict:
    """Poll the jobs' snapshots until ``until(snapshots)``: for each job, the poll at which it
    first showed its own progress and the one at which it finished."""
    moved, ended, n = {}, {}, 0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        n += 1
        for i, job in enumerate(jobs):
            snap = job.snapshot()
            if snap.state != QUEUED and (snap.batch or snap.epoch):
                moved.setdefault(i, n)
            if snap.state in (DONE, CANCELLED, FAILED):
                ended.setdefault(i, n)
        if until(ended):
            break
        time.sleep(0.005)
    return {"moved": moved, "ended": ended}


def test_every_session_sees_its_own_training_move_before_any_finishes(store, workers):
    """Eight sessions each ask for their own setting at once (a room that explores): every one
    shows its own progress before the first one finishes (the queue of two trainers showed six
    of them only "queued" until two had finished)."""
    jobs = []
    for i in range(8):
        jobs.append(store.request(f"k{i}", task(6), 6))
        jobs[-1].seen(Who(f"s{i}"))
    seen = watch(jobs, lambda ended: len(ended) == len(jobs))
    assert len(seen["ended"]) == 8 and all(j.state == DONE for j in jobs)
    first_end = min(seen["ended"].values())
    assert all(seen["moved"].get(i, first_end) < first_end for i in range(8)), seen
    assert [j.result.value for j in jobs] == [6.0] * 8  # nothing trained twice or lost


@pytest.mark.parametrize("workers", [1], indirect=True)
def test_the_shortest_training_left_goes_first(store, workers):
    """On one worker, of two trainings asked at once the one with less work left ends first,
    whichever came first."""
    long = store.request("long", task(12, cost=12.0), 12)
    short = store.request("short", task(3, cost=3.0), 3)
    assert short.wait(60) and short.state == DONE
    assert long.state != DONE, "the short one ended while the long one still trained"
    assert long.wait(60) and long.result.value == 12.0


@pytest.mark.parametrize("workers", [1], indirect=True)
def test_the_lecturers_training_goes_first_in_the_pool(store, workers):
    students = [store.request(f"s{i}", task(30, cost=1.0), 30) for i in range(3)]
    for i, job in enumerate(students):
        job.seen(Who(f"student{i}"))
    assert watch(students, lambda ended: all(j.snapshot().batch or j.snapshot().epoch
                                             for j in students))  # each one has begun
    lecturer = store.request("lecturer", task(10, cost=50.0), 10)  # the longest, yet first
    lecturer.seen(Who("lecturer", LECTURER))
    assert lecturer.wait(60) and lecturer.state == DONE
    assert all(j.state != DONE for j in students), [j.state for j in students]
    assert all(j.wait(60) and j.result.value == 30.0 for j in students)


@pytest.mark.parametrize("workers", [1], indirect=True)
def test_a_training_the_lecturer_comes_to_watch_goes_first_from_then_on(store, workers):
    """A student's training that the lecturer starts to watch mid-way passes one with less work
    left: the worker hears of its new tier while both train."""
    short = store.request("short", task(10, cost=1.0), 10)
    short.seen(Who("student0"))
    long = store.request("long", task(10, cost=9.0), 10)
    long.seen(Who("student1"))
    assert watch([short, long], lambda ended: long.snapshot().epoch and short.snapshot().epoch)
    assert short.state != DONE
    long.seen(Who("lecturer", LECTURER))
    assert long.wait(60) and long.state == DONE
    assert short.state != DONE, "the lecturer's training ended first"
    assert short.wait(60) and short.result.value == 10.0


def test_cancel_reaches_a_pooled_training(store, workers, tmp_path):
    job = store.request("k", task(200), 200)
    watch([job], lambda ended: job.snapshot().batch > 0)
    job.cancel()
    assert job.wait(10) and job.state == CANCELLED
    assert not list((tmp_path / "test_models").glob("*"))


def test_a_pooled_job_its_session_moved_on_from_is_stopped(store, workers):
    me = Who("me")
    old = store.request("old", task(200), 200)
    store_mod.watch(old, me, "slot")
    watch([old], lambda ended: old.snapshot().batch > 0)
    new = store.request("new", task(2), 2)
    store_mod.watch(new, me, "slot")  # the same place on the page: the old job is left
    assert old.wait(10) and old.state == CANCELLED and old.dropped
    assert new.wait(60) and new.state == DONE
    assert store.job("old") is None  # its key is free: asking again trains anew


def test_a_worker_that_dies_fails_its_job_not_the_server(store, workers):
    job = store.request("k", store_mod.Task(dying_trainer, (), share=True), 1)
    assert job.wait(60) and job.state == FAILED and "exit 3" in job.snapshot().error
    again = store.request("k2", task(2), 2)  # a new worker takes the next training
    assert again.wait(60) and again.state == DONE


@pytest.mark.parametrize("workers", [1], indirect=True)
def test_a_pages_brief_wait_ends_when_its_training_waits_for_the_worker(store, workers):
    """The page's wait for a short training to finish (``ui.training.settle``) ends once the
    training has had its first turn and waits while another trains: its session's bar is
    drawn then, not after the whole wait (thirty students exploring at once)."""
    jobs = []
    for i in range(3):  # the second gives its turn to the third, new, after its first slice
        jobs.append(store.request(f"long{i}", task(40), 40))
        jobs[-1].seen(Who(f"s{i}"))
    t0 = time.monotonic()
    assert not jobs[1].wait_brief(60)  # not finished: its wait ended when it paused
    assert time.monotonic() - t0 < 30 and jobs[1].started and jobs[1].paused
    for job in jobs:
        job.cancel()
    alone = store.request("short", task(1, 1), 1)
    alone.seen(Who("s3"))
    assert alone.wait_brief(60) and alone.state == DONE  # a training alone: to its end
