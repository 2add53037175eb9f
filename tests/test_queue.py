"""The fair training queue (lab.training.store, lab.training.jobs) and its rules on the pages (ui.training):
one job per session at a place on a page, a new setting replaces the session's queued job but
never one others watch, a job no one waits for is dropped, the lecturer's jobs go first and the
students' take turns, only the lecturer cancels a shared training, and a student in a room is
held to the student budget (lab.training.budget). Small fake trainers gated by events, no real model."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import pytest
from streamlit.testing.v1 import AppTest

from lab.training import budget, jobs, store as store_mod
from lab.data import stock
from lab.models import stock_model
from lab.training.jobs import CANCELLED, DONE, LECTURER, QUEUED, RUNNING, Cancelled, Job, Who
from ui import room as room_ui  # app.py gives the training queue this role
from tests.conftest import RAW_RUN, ROOT

APP = str(ROOT / "app.py")
A, B = Who("student-a"), Who("student-b")
LECTURER_WHO = Who("lecturer", LECTURER, room=True)


@dataclass
class Result:
    value: float
    diverged: bool = False

    def save(self, folder, key) -> None:  # nothing on disk: every test trains anew
        pass


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("LAB_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(store_mod, "_served", {})  # no turns taken before this test
    monkeypatch.setattr(store_mod, "_slots", {})
    s = store_mod.Store("queue_test_models", lambda folder, key: None, limit=8)
    yield s
    s.clear()
    store_mod._stores.remove(s)


class Trainers:
    """Fake trainers: each records that it started, then holds its worker until released (or
    until its job asks it to stop, as a real trainer does between batches)."""

    def __init__(self):
        self.started: list[str] = []
        self.gates: dict[str, threading.Event] = {}

    def __call__(self, name: str):
        gate = self.gates.setdefault(name, threading.Event())

        def train(job: Job) -> Result:
            self.started.append(name)
            while not gate.wait(0.01):
                if job.should_stop():
                    raise Cancelled
            return Result(1.0)
        return train

    def release(self, name: str) -> None:
        self.gates[name].set()

    def release_all(self) -> None:
        for gate in self.gates.values():
            gate.set()


def until(condition, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


@pytest.fixture
def trainers():
    t = Trainers()
    yield t
    t.release_all()


@pytest.fixture
def busy(store, trainers):
    """Every worker held by a job no session asked for (lab.prepare's kind): later jobs
    queue."""
    held = [store.request(f"busy {i}", trainers(f"busy {i}"), 1)
            for i in range(store_mod.MAX_RUNNING)]
    assert until(lambda: all(j.state == RUNNING for j in held))
    return held


def ask(store, trainers, who: Who, key: str, slot: str = "sk_live") -> Job:
    """What a page does: ask the store, then wait for the job at its place."""
    job = store.request(key, trainers(key), 1)
    store_mod.watch(job, who, slot)
    return job


def alive_for(store, who: Who) -> list[Job]:
    return [j for j in store._jobs.values() if j.state in (QUEUED, RUNNING)
            and who.session in {w.session for w in j.waiters()}]


# --- One job per session ----------------------------------------------------------------------
def test_a_sessions_queued_job_is_replaced_by_its_next_one(store, trainers, busy):
    first = ask(store, trainers, A, "window 41")
    assert first.state == QUEUED and first.position == 1
    moves = [ask(store, trainers, A, f"window {w}") for w in range(42, 56)]  # 14 quick moves
    assert alive_for(store, A) == [moves[-1]], "only the last setting waits"
    assert first.state == CANCELLED and first.dropped and store.job("window 41") is None
    assert moves[-1].position == 1
    trainers.release("busy 0")
    assert until(lambda: moves[-1].state == RUNNING)
    assert trainers.started[2:] == ["window 55"], "the replaced settings never trained"


def test_a_late_poll_of_a_left_job_does_not_take_the_place_back(store, trainers, busy):
    old = ask(store, trainers, A, "window 41")
    new = ask(store, trainers, A, "window 42")
    store_mod.watch(old, A, "sk_live", poll=True)  # the previous run's timer fires late
    assert new.state == QUEUED and not new.dropped
    assert alive_for(store, A) == [new]


def test_a_job_left_while_the_previous_run_still_settles_on_it_is_dropped(store, trainers,
                                                                          busy):
    """Streamlit may start a session's next run while the previous one still waits a moment
    for its job (``ui.training.settle``): that wait does not keep the left job (it would
    train to its end on a free worker, for no one: bench.hostile saved three trainings)."""
    from ui import training

    old = ask(store, trainers, A, "window 41")
    settling = threading.Thread(target=training.settle, args=(old,))
    settling.start()
    time.sleep(0.1)  # the previous run is inside its settle
    new = ask(store, trainers, A, "window 42")
    assert old.dropped and old.state == CANCELLED, "left: it goes at once"
    settling.join()
    assert alive_for(store, A) == [new]


def test_a_job_a_page_asked_for_but_never_watched_is_dropped(store, trainers, busy,
                                                           monkeypatch):
    """A page run stopped between its ``request`` and its ``watch`` (bench.hostile's orphans):
    the job still waits for the session that asked, and goes once that session is silent."""
    monkeypatch.setattr(jobs, "WAIT_S", 0.2)
    monkeypatch.setattr(store_mod, "asker", lambda: A)
    orphan = store.request("window 32", trainers("window 32"), 1)  # no watch follows
    time.sleep(0.3)
    trainers.release("busy 0")
    assert until(lambda: orphan.state == CANCELLED) and orphan.dropped
    assert "window 32" not in trainers.started
    monkeypatch.setattr(jobs, "WAIT_S", 60.0)
    orphan = store.request("window 33", trainers("window 33"), 1)  # no watch follows
    later = ask(store, trainers, A, "window 60")  # the session's next run gets to its watch
    assert orphan.dropped, "left at once"
    assert until(lambda: orphan.state == CANCELLED)
    assert later.state in (QUEUED, RUNNING) and not later.dropped


def test_a_job_others_watch_is_not_replaced(store, trainers, busy):
    shared = ask(store, trainers, A, "window 41")
    store_mod.watch(shared, B, "sk_live")  # another student waits for the same setting
    ask(store, trainers, A, "window 42")
    assert shared.state == QUEUED and not shared.dropped
    trainers.release("busy 0")
    trainers.release("window 41")
    assert shared.wait(5) and shared.state == DONE


def test_a_running_job_is_stopped_when_its_session_moves_on(store, trainers):
    running = ask(store, trainers, A, "window 41")
    assert until(lambda: running.state == RUNNING)
    second = ask(store, trainers, A, "window 42")
    assert running.wait(5) and running.state == CANCELLED and running.dropped
    assert until(lambda: second.state == RUNNING)
    assert alive_for(store, A) == [second]
    again = ask(store, trainers, A, "window 41")  # back to the first: trained anew
    assert again is not running and again.state in (QUEUED, RUNNING)


class Polling:
    """A page that polls its job (as ``ui.training`` does every 0.5 s; here faster)."""

    def __init__(self, job: Job, who: Who, slot: str = "sk_live"):
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._poll, args=(job, who, slot))

    def _poll(self, job, who, slot):
        while not self.stop.wait(0.02):
            store_mod.watch(job, who, slot, poll=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()


def test_a_job_no_one_waits_for_is_dropped(store, trainers, busy, monkeypatch):
    monkeypatch.setattr(jobs, "WAIT_S", 0.2)
    left = ask(store, trainers, A, "window 41")  # then A's page is closed: no more polls
    polled = ask(store, trainers, B, "window 42", slot="other")
    with Polling(polled, B, "other"):
        time.sleep(0.3)
        trainers.release("busy 0")
        assert until(lambda: left.state == CANCELLED) and left.dropped
        assert until(lambda: polled.state == RUNNING)
        assert "window 41" not in trainers.started
    # B leaves too: while no one needs the worker, B's training runs on (coming back finds it)
    time.sleep(0.4)
    assert polled.state == RUNNING and store.job("window 42") is polled
    c = ask(store, trainers, Who("student-c"), "window 43")
    with Polling(c, Who("student-c")):  # now a job someone waits for wants the worker
        assert until(lambda: polled.state == CANCELLED) and polled.dropped
        assert until(lambda: c.state == RUNNING)
    assert store.job("window 42") is None


def test_a_thread_waiting_for_a_job_keeps_it(store, trainers, busy, monkeypatch):
    """A script or a page test that blocks in ``wait`` waits too (it polls nothing)."""
    monkeypatch.setattr(jobs, "WAIT_S", 0.05)
    job = ask(store, trainers, A, "window 41")
    waiting = threading.Thread(target=job.wait, args=(5,))
    waiting.start()
    time.sleep(0.2)  # A's page is long silent
    trainers.release("busy 0")
    assert until(lambda: job.state == RUNNING) and not job.dropped
    trainers.release("window 41")
    waiting.join()
    assert job.state == DONE


def test_a_job_no_session_asked_for_is_never_dropped(store, trainers, monkeypatch):
    monkeypatch.setattr(jobs, "WAIT_S", 0.05)
    job = store.request("prepare", trainers("prepare"), 1)  # lab.prepare, a script
    time.sleep(0.2)
    trainers.release("prepare")
    assert job.wait(5) and job.state == DONE


# --- Order -------------------------------------------------------------------------------------
def test_the_lecturers_job_goes_first(store, trainers, busy):
    s1 = ask(store, trainers, A, "student a")
    s2 = ask(store, trainers, B, "student b")
    lecture = ask(store, trainers, LECTURER_WHO, "lecturer's preset")
    assert (lecture.position, s1.position, s2.position) == (1, 2, 3)
    trainers.release("busy 0")
    assert until(lambda: lecture.state == RUNNING)
    assert s1.state == QUEUED and s2.state == QUEUED


def test_students_take_turns_and_each_keeps_its_own_order(store, trainers, busy):
    a = [ask(store, trainers, A, f"a{i}", slot=f"ex_live_{i}") for i in range(3)]
    b = ask(store, trainers, B, "b0")
    assert [j.position for j in (*a, b)] == [1, 3, 4, 2]
    for name, next_up in (("busy 0", a[0]), ("a0", b), ("busy 1", a[1])):
        trainers.release(name)
        assert until(lambda: next_up.state == RUNNING), name
    assert trainers.started[2:] == ["a0", "b0", "a1"] and a[2].state == QUEUED


# --- Slices: the workers are shared epoch by epoch ------------------------------------------------
@pytest.fixture
def slices(monkeypatch):
    """The students' jobs share the workers epoch by epoch (LAB_TRAINING_SLICES=1)."""
    monkeypatch.setattr(store_mod, "SLICES", True)


class EpochTrainers:
    """Fake trainers of ``epochs`` epochs each: every epoch is recorded as (name, epoch) in one
    log, and a trainer's own count of epochs is its result (a training that lost its progress
    on giving way, or started again, would count differently)."""

    def __init__(self, epochs: int, seconds: float = 0.01):
        self.epochs, self.seconds = epochs, seconds
        self.log: list[tuple[str, int]] = []
        self.starts: list[str] = []

    def __call__(self, name: str):
        def train(job: Job) -> Result:
            self.starts.append(name)
            trained = 0
            for epoch in range(self.epochs):
                if job.should_stop():
                    raise Cancelled
                time.sleep(self.seconds)
                trained += 1
                self.log.append((name, epoch))
                job.on_epoch(epoch, {"loss": 1.0 / (epoch + 1)})
            self.log.append((name, -1))  # done
            return Result(float(trained))
        return train


def test_every_session_sees_its_own_training_move_before_any_finishes(store, slices):
    sessions = [Who(f"student-{i}") for i in range(6)]  # three times the workers
    epochs = EpochTrainers(epochs=5)
    asked = []
    for who in sessions:
        job = store.request(who.session, epochs(who.session), 5)
        store_mod.watch(job, who, "sk_live")
        asked.append(job)
    with Polling(asked[0], sessions[0]):  # the sessions keep waiting (as their pages poll)
        assert all(job.wait(10) for job in asked)
    first_done = next(i for i, (_, epoch) in enumerate(epochs.log) if epoch == -1)
    moved = {name for name, epoch in epochs.log[:first_done] if epoch == 0}
    assert moved == {w.session for w in sessions}, "each started before any finished"
    assert [j.state for j in asked] == [DONE] * 6
    assert [j.result.value for j in asked] == [5.0] * 6, "no epoch lost or repeated"
    assert sorted(epochs.starts) == sorted(w.session for w in sessions), "each trained once"
    assert [len(j.snapshot().history["loss"]) for j in asked] == [5] * 6


def test_a_training_that_has_started_keeps_its_worker_within_its_slice(store, slices,
                                                                     monkeypatch):
    """One worker: a new job gets it at the running one's next epoch end, then keeps it to its
    end (within ``SLICE_S``) while the one that gave way waits; that one then goes on."""
    monkeypatch.setattr(store_mod, "MAX_RUNNING", 1)
    epochs = EpochTrainers(epochs=20, seconds=0.02)
    first = store.request("first", epochs("first"), 20)
    assert until(lambda: first.state == RUNNING)
    second = store.request("second", epochs("second"), 20)
    assert first.wait(10) and second.wait(10)
    names = [name for name, _ in epochs.log]
    start = names.index("second")
    assert names[start:start + 21] == ["second"] * 21, "its 20 epochs and its end, in a row"
    assert "first" in names[:start] and "first" in names[start + 21:]
    assert first.result.value == 20.0 and second.result.value == 20.0


def test_the_lecturers_job_goes_first_when_the_workers_are_sliced(store, monkeypatch):
    """Students' trainings on every worker: a lecturer's job asked for later takes the first
    worker that frees at an epoch's end, ahead of a student's job that waits too, and never
    gives way to the students'."""
    gave_way = []
    wait_turn = store_mod._wait_turn

    def recorded(job):
        if job.started:
            gave_way.append(job.key)
        wait_turn(job)
    monkeypatch.setattr(store_mod, "_wait_turn", recorded)
    gate = threading.Event()
    epochs = EpochTrainers(epochs=20, seconds=0.02)

    def held(name):  # a student's training, held before its first epoch
        inner = epochs(name)
        return lambda job: (gate.wait(10), inner(job))[1]
    students = [store.request(f"s{i}", held(f"s{i}"), 20) for i in range(2)]
    assert until(lambda: all(j.state == RUNNING for j in students))
    late = ask(store, epochs, B, "late student")
    lecture = ask(store, epochs, LECTURER_WHO, "lecturer's preset")
    assert (lecture.position, late.position) == (1, 2)
    with Polling(late, B), Polling(lecture, LECTURER_WHO):
        gate.set()
        assert lecture.wait(10) and late.wait(10) and all(j.wait(10) for j in students)
    assert lecture._started < late._started, "the lecturer's job got a worker first"
    assert "lecturer's preset" not in gave_way and set(gave_way) <= {"s0", "s1"}
    assert [j.result.value for j in (*students, late, lecture)] == [20.0] * 4


def test_a_paused_job_whose_session_left_is_dropped(store, slices, monkeypatch):
    monkeypatch.setattr(jobs, "WAIT_S", 0.3)
    monkeypatch.setattr(store_mod, "MAX_RUNNING", 1)
    epochs = EpochTrainers(epochs=200, seconds=0.01)
    left = ask(store, epochs, A, "left")  # A's page then closes: no more polls
    assert until(lambda: left.state == RUNNING)
    polled = ask(store, epochs, B, "polled")
    with Polling(polled, B):
        assert until(lambda: left.snapshot().paused), "it gave way to B's first epoch"
        # (no ``left.wait`` here: a thread waiting for it would count as a waiter)
        assert until(lambda: left.state == CANCELLED, 10) and left.dropped
        assert polled.wait(10) and polled.state == DONE
    assert store.job("left") is None


# --- Cancel --------------------------------------------------------------------------------------
def test_only_the_lecturer_cancels_a_training_others_wait_for(store, trainers):
    job = ask(store, trainers, A, "window 41")
    assert job.can_cancel(A), "alone, a student cancels their own training"
    store_mod.watch(job, B, "sk_live")
    assert not job.can_cancel(A) and not job.can_cancel(B)
    assert job.can_cancel(LECTURER_WHO)


def _stock_default_key() -> str:
    prep = stock.prepare(stock.load_embedded("GOOG"), stock.PrepSettings())
    return stock_model.model_key(prep, stock_model.ForecastSettings())


@pytest.fixture
def held_stock_training(monkeypatch, tmp_path):
    """The stock page's default training, held running by a fake trainer."""
    from ui import training

    monkeypatch.setenv("LAB_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(jobs, "WAIT_S", 60.0)  # AppTest does not poll between runs
    store_mod.clear_all()
    gate = threading.Event()

    def held(p, s, job):
        while not gate.wait(0.01):
            if job.should_stop():
                raise Cancelled
        raise Cancelled

    monkeypatch.setattr(stock_model, "train", held)
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page("pages/stock.py")
    RAW_RUN(at)  # the page as it trains (not waiting for the training)
    job = stock_model.STORE.job(_stock_default_key())
    assert job is not None and job.state == RUNNING
    yield at, job, training
    job.cancel()
    gate.set()
    job.wait(10)


def _cancel_buttons(at: AppTest) -> list:
    return [b for b in at.button if b.key == "sk_live_cancel"]


def test_the_stock_page_shows_cancel_only_when_allowed(held_stock_training, monkeypatch):
    at, job, training = held_stock_training
    assert not at.exception, [e.value for e in at.exception]
    assert _cancel_buttons(at), "alone: the student may cancel their own training"
    store_mod.watch(job, B, "sk_live")  # another student waits for it too
    RAW_RUN(at)
    assert not _cancel_buttons(at)
    assert any("only the lecturer can cancel" in c.value for c in at.caption)
    monkeypatch.setattr(room_ui, "role", lambda: LECTURER)
    RAW_RUN(at)
    assert _cancel_buttons(at), "the lecturer cancels any training"
    _cancel_buttons(at)[0].click()
    RAW_RUN(at, at._tree.get_widget_states())
    assert job.wait(10) and job.state == CANCELLED and not job.dropped
    # training it again is a new training: a student in a room only within the budget
    monkeypatch.setattr(budget, "STUDENT_MACS", 1.0)
    monkeypatch.setattr(room_ui, "role", lambda: "student")
    RAW_RUN(at)
    assert not [b for b in at.button if b.key == "sk_live_retry"]
    assert any("Ask the lecturer" in w.value for w in at.warning)
    monkeypatch.setattr(room_ui, "role", lambda: None)
    RAW_RUN(at)
    assert [b for b in at.button if b.key == "sk_live_retry"], "alone: nothing is bounded"


# --- The student budget ----------------------------------------------------------------------
def test_the_budget_admits_the_defaults_and_holds_back_the_long_presets():
    data = stock.load_embedded("GOOG")
    for name, preset in stock_model.PRESETS.items():
        prep = stock.prepare(data, preset.prep)
        s = preset.model
        cost = budget.stock(prep.split, *prep.X.shape[1:], s.kind, s.units, s.epochs)
        assert budget.within(cost) == (name in ("page default", "lecture 000")), (name, cost)
    from lab.models.imdb_model import ModelSettings
    m = ModelSettings()
    assert budget.within(budget.imdb(5000, 100, m.embedding, m.kind, m.units, m.epochs))
    assert not budget.within(budget.stock(100_000, 40, 5, "GRU", 256, 100))  # the upload


@pytest.mark.parametrize("role,bounded", [(None, False), ("student", True),
                                          (LECTURER, False)])
def test_a_student_in_a_room_needs_the_lecturer_beyond_the_budget(role, bounded, monkeypatch,
                                                                  tmp_path):
    from ui import training

    monkeypatch.setenv("LAB_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(room_ui, "role", lambda: role)
    store_mod.clear_all()
    at = AppTest.from_file(APP, default_timeout=240)
    at.switch_page("pages/stock.py")
    at.run()
    at.selectbox(key="sk_preset").set_value("lecture 002 LSTM").run()
    assert not at.exception, [e.value for e in at.exception]
    warned = [w.value for w in at.warning if "needs the lecturer" in w.value
              or "Ask the lecturer" in w.value]
    buttons = [b for b in at.button if b.key == "sk_train_now"]
    assert bool(warned) == bounded and bool(buttons) == (not bounded)
    assert not [j for j in stock_model.STORE._jobs.values() if j.state in (QUEUED, RUNNING)]
    if bounded:
        assert any("Still showing the previous result" in i.value for i in at.info)


def test_the_budget_message_speaks_korean_too():
    from lab.core.i18n import t

    assert "강의자" in t("training.needs_lecturer", "ko", times=2.7)
    assert "2.7" in t("training.needs_lecturer", "en", times=2.7)


# --- The IMDB page trains new settings when asked ------------------------------------------------
def test_the_imdb_page_trains_new_settings_only_when_asked(monkeypatch, tmp_path):
    from lab.models import imdb_model

    monkeypatch.setenv("LAB_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(jobs, "WAIT_S", 60.0)
    store_mod.clear_all()
    gate = threading.Event()

    def held(*args, job=None, **kwargs):
        job = job or args[-1]
        while not gate.wait(0.01):
            if job.should_stop():
                raise Cancelled
        raise Cancelled
    monkeypatch.setattr(imdb_model, "train", held)

    def active():
        return [j for j in imdb_model.STORE._jobs.values() if j.state in (QUEUED, RUNNING)]
    try:
        at = AppTest.from_file(APP, default_timeout=120)
        at.switch_page("pages/imdb.py")
        RAW_RUN(at)
        at.radio(key="im_source").set_value("generated")
        RAW_RUN(at, at._tree.get_widget_states())
        assert len(active()) == 1, "the page's default settings train by themselves"
        default = active()[0]
        at.select_slider(key="im_units").set_value(4)
        RAW_RUN(at, at._tree.get_widget_states())
        assert not at.exception, [e.value for e in at.exception]
        assert active() == [default] and any("Press the button" in i.value for i in at.info)
        at.button(key="im_train").click()
        RAW_RUN(at, at._tree.get_widget_states())
        assert not at.exception, [e.value for e in at.exception]
        assert len(active()) == 1 and active()[0] is not default, "asked: it trains"
        assert default.dropped, "the session's previous job at that place is left"
    finally:
        gate.set()
        for job in list(imdb_model.STORE._jobs.values()):
            job.cancel()
            job.wait(10)


def test_the_brief_wait_counts_from_when_the_training_was_asked_for(store, trainers):
    """The page's brief wait (``ui.training.settle``) spares a short training's progress box
    once, when it is asked for: a follower pushed later to the lecturer's running training
    draws its progress at once (thirty followers, pushed one after another, waited in turn)."""
    from ui import training

    job = ask(store, trainers, LECTURER_WHO, "window 40")
    t0 = time.monotonic()
    training.settle(job)  # the lecturer's run: the whole wait, the training still runs
    waited = time.monotonic() - t0
    assert job.state == RUNNING and waited >= training.FIRST_WAIT_S - 0.05
    store_mod.watch(job, A, "sk_live")  # a follower's run, after the lecturer's
    t0 = time.monotonic()
    training.settle(job)
    assert time.monotonic() - t0 < training.FIRST_WAIT_S / 4
    trainers.release("window 40")
    assert job.wait(5) and job.state == DONE


def test_a_queued_training_is_waited_for_however_long_ago_it_was_asked(store, trainers, busy):
    """Its first drawing then shows its bar if it starts meanwhile (thirty students exploring:
    a run that drew "queued" shows progress only at its next poll)."""
    from ui import training

    job = ask(store, trainers, A, "window 41")
    time.sleep(training.FIRST_WAIT_S + 0.1)
    t0 = time.monotonic()
    training.settle(job)
    assert job.state == QUEUED and time.monotonic() - t0 >= training.FIRST_WAIT_S - 0.05
