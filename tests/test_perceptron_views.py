"""The perceptron page's views, built once per setting for a room (``lab.lessons.perceptron_views``):
every session that opens the page (a class of followers switched to it at once) shows the same
paused run, the same sigmoid-neuron tables and downloads the same CSV, each worked out once, not
once per session."""

from __future__ import annotations

import sys

import pytest

from lab.core.i18n import headers
from lab.lessons import perceptron_views as views
from lab.networks import perceptron as pc
from tests.test_pages import open_page

PAGE = "pages/perceptron.py"
VIEWS = views.__file__  # where the page's views are made


@pytest.fixture(autouse=True)
def _fresh_views():
    """Each test starts with none of the page's views made (another test may have opened it)."""
    for cached in (views.paused_view, views.sigmoid_view, views.comparison_view):
        cached.cache_clear()
    yield


@pytest.fixture
def counted(monkeypatch):
    """The page's views' calls for the sigmoid table and the slide comparison (the questions
    and the walk-through work out theirs elsewhere)."""
    calls = []
    for name in ("sigmoid_table", "lecture_comparison"):
        def counting(*args, _name=name, _made=getattr(pc, name), **kwargs):
            if sys._getframe(1).f_code.co_filename == VIEWS:
                calls.append((_name, args))
            return _made(*args, **kwargs)

        monkeypatch.setattr(pc, name, counting)
    return calls


def test_two_sessions_show_the_same_paused_run_built_once(monkeypatch):
    """The paused run's status and figures (the rule's first view, as a room switched to the
    page shows it) are made by the first session and read by the second, whose charts send the
    same figures."""
    made = []
    real = views.view
    monkeypatch.setattr(views, "view", lambda *a, **k: made.append(a[2]) or real(*a, **k))
    first, second = open_page(PAGE), open_page(PAGE)
    assert made == [0], made  # the first view, made once for both sessions
    for at in (first, second):
        assert not at.exception
    charts = [[c.proto.json_args for c in at.get("component_instance")
               if c.proto.component_name.endswith(".live_plot")] for at in (first, second)]
    assert len(charts[0]) == 2 and charts[0] == charts[1]
    status = [[m.value for m in at.markdown if "update 0 of" in m.value] for at in (first, second)]
    assert len(status[0]) == 1 and status[0] == status[1]


def test_two_sessions_show_the_same_sigmoid_tables_worked_out_once(counted):
    first = open_page(PAGE)
    once = len(counted)
    second = open_page(PAGE)
    assert once == 2 and len(counted) == once  # the second session reads the first's view
    for at in (first, second):
        assert not at.exception
        drawn = [frame.value for frame in at.dataframe]
        own = headers(pc.sigmoid_table(*pc.LECTURE_W, pc.LECTURE_B, pc.GATES["OR"]),
                      "perceptron.col", "en")
        assert any(d.equals(own) for d in drawn)
        assert any(d.equals(headers(pc.lecture_comparison(), "perceptron.col", "en"))
                   for d in drawn)
        csv = at.get("download_button")
        assert any(b.proto.url for b in csv)  # the downloads are drawn


def test_another_setting_is_its_own_view(counted):
    at = open_page(PAGE)
    before = len(counted)
    at.number_input(key="sg_b").set_value(0.25).run()
    assert not at.exception and len(counted) == before + 1
    drawn = [frame.value for frame in at.dataframe]
    w1, w2 = pc.LECTURE_W
    assert any(d.equals(headers(pc.sigmoid_table(w1, w2, 0.25, pc.GATES["OR"]),
                                "perceptron.col", "en")) for d in drawn)
