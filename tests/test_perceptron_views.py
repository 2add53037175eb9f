"""The perceptron page's sigmoid-neuron tab, built once per setting for a room: every session that
opens the page (a class of followers switched to it at once) shows the same tables and downloads
the same CSV, and the lecture's numbers are worked out once, not once per session."""

from __future__ import annotations

import sys

import pytest

from lab.core.i18n import headers
from lab.networks import perceptron as pc
from tests.test_pages import open_page

PAGE = "pages/perceptron.py"


@pytest.fixture
def counted(monkeypatch):
    """The page's own calls for the sigmoid table and the slide comparison (the questions and
    the walk-through work out theirs elsewhere)."""
    calls = []
    for name in ("sigmoid_table", "lecture_comparison"):
        def counting(*args, _name=name, _made=getattr(pc, name), **kwargs):
            if sys._getframe(1).f_code.co_filename.endswith(PAGE):
                calls.append((_name, args))
            return _made(*args, **kwargs)

        monkeypatch.setattr(pc, name, counting)
    return calls


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
