"""The exploration grid a lecturer prepares (lab.models.stock_model.grid, lab.training.store.Grid,
ui/grid.py, ``python -m lab.prepare --grid``): its trainings go after every job a session waits
for, and a fresh session that explores inside a prepared grid gets its forecast from the store
without training."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from lab.data import stock
from lab.models import stock_model
from lab.training import store as store_mod
from lab.training.jobs import DONE, RUNNING, Who
from tests.conftest import ROOT, link_params
from tests.test_queue import EpochTrainers, Polling, store, until  # noqa: F401 - the fixture

APP = str(ROOT / "app.py")
KEY = "grid-lecturer-key"


@pytest.fixture
def counted(monkeypatch, tmp_path):
    """The stock forecaster's trainings, counted (on the job's thread: a stand-in is not
    importable by name, so no child process), on a small grid of three windows."""
    monkeypatch.setenv("LAB_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(stock_model, "GRID_WINDOWS", (5, 6, 7))
    monkeypatch.setattr(store_mod, "_grids", {})
    store_mod.clear_all()
    trained = []
    real = stock_model.train

    def counting(p, s, job):
        trained.append(p.settings.window_size)
        return real(p, s, job)
    monkeypatch.setattr(stock_model, "train", counting)
    yield trained
    store_mod.clear_all()


def test_a_prepared_grid_is_used_by_a_fresh_session_without_training(counted):
    s = stock_model.ForecastSettings(epochs=2)
    grid = stock_model.grid("stock-windows", stock.load_embedded("GOOG"), stock.PrepSettings(), s)
    assert stock_model.grid("stock-windows", stock.load_embedded("GOOG"), stock.PrepSettings(),
                            s) is grid, "one grid per name for the whole server while it runs"
    grid.thread.join(120)
    assert (grid.trained, grid.found, grid.failed, grid.total) == (3, 0, 0, 3)
    assert sorted(counted) == [5, 6, 7] and grid.fraction() == 1.0
    store_mod.clear_all()  # a fresh server process: memory empty, the cache folder kept
    counted.clear()
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update(link_params({"sk_window": 6, "sk_epochs": 2}))
    at.switch_page("pages/stock.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.session_state["sk_last"][1].window_size == 6, "the forecast is on screen"
    assert counted == [] and not stock_model.STORE._jobs, "read from the store, not trained"
    at.slider(key="sk_window").set_value(9).run()  # outside the grid: a training
    for job in list(stock_model.STORE._jobs.values()):
        job.wait(60)
    at.run()  # the page once that training has ended
    assert counted == [9] and at.session_state["sk_last"][1].window_size == 9


def test_the_grids_trainings_go_after_the_sessions_and_give_way(store):  # noqa: F811
    epochs = EpochTrainers(epochs=300, seconds=0.01)
    background = [store.request(f"grid {i}", epochs(f"grid {i}"), 300, background=True)
                  for i in range(store_mod.MAX_RUNNING + 1)]
    assert until(lambda: sum(j.state == RUNNING for j in background) == store_mod.MAX_RUNNING)
    waiting = background[-1]
    student = store.request("student's move", epochs("student's move"), 300)
    store_mod.watch(student, Who("student-a"), "sk_live")
    assert student.position == 1 and waiting.position == 2, "a session's job before the grid's"
    with Polling(student, Who("student-a")):
        assert until(lambda: student.state == RUNNING, 5), "a grid training gave way"
        assert any(j.snapshot().paused for j in background[:-1])
        assert waiting.state != DONE
    for job in (*background, student):
        job.cancel()
        job.wait(5)


def test_the_lecturers_button_prepares_the_grid(counted, monkeypatch):
    from lab.classroom import room as lab_room

    monkeypatch.setenv("LAB_LECTURER_KEY", KEY)
    monkeypatch.setattr(stock_model, "GRID_WINDOWS", (5, 6))
    lab_room.reset()
    try:
        at = AppTest.from_file(APP, default_timeout=120)
        at.query_params.update(link_params({"sk_epochs": 2}))
        at.switch_page("pages/stock.py")
        at.run()
        at.text_input(key="_room_key").input(KEY)
        next(b for b in at.button if b.key == "_room_open").click().run()
        assert not at.exception, [e.message for e in at.exception]
        counted.clear()  # the page's own forecast (window 7) is trained; now the grid
        at.button(key="_grid_start").click().run()
        grid = at.session_state["_grid"]
        grid.thread.join(120)
        assert sorted(counted) == [5, 6] and grid.trained == 2
        at.run()
        assert any("Ready" in c.value for c in at.caption), [c.value for c in at.caption]
    finally:
        lab_room.reset()


def test_the_lecturers_panel_reads_no_prices_until_the_grid_is_started(monkeypatch):
    """The panel is drawn on every run of the lecturer's, on every page: the series the grid
    trains on is read when the button is pressed, not on each run."""
    from lab.classroom import room as lab_room

    monkeypatch.setenv("LAB_LECTURER_KEY", KEY)
    read = []
    real = stock.load_embedded
    monkeypatch.setattr(stock, "load_embedded", lambda *a: read.append(a) or real(*a))
    lab_room.reset()
    try:
        at = AppTest.from_file(APP, default_timeout=120)
        at.switch_page("pages/xor.py")
        at.run()
        at.text_input(key="_room_key").input(KEY)
        next(b for b in at.button if b.key == "_room_open").click().run()
        at.run()
        assert not at.exception and at.button(key="_grid_start") is not None
        assert read == []
    finally:
        lab_room.reset()


def test_lab_prepare_trains_the_grid_around_the_page_defaults(counted):
    import io

    from lab import prepare

    out = io.StringIO()
    note = prepare.grid("stock-windows")(prepare.Progress("grid", out))
    assert sorted(counted) == [5, 6, 7] and "3 trained" in note
    page = stock.prepare(stock.load_embedded("GOOG"), stock.PrepSettings(window_size=6))
    assert stock_model.STORE.get(stock_model.model_key(page, stock_model.ForecastSettings()))
    counted.clear()  # asked again: every point is there already
    assert "3 already there" in prepare.grid("stock-windows")(prepare.Progress("grid", out))
    assert counted == []
