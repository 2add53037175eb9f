"""The app's pages are made once per language for the server (``ui.navigation``), not on every
run: each run navigates its own copies, titled in its session's language."""

from __future__ import annotations

import functools

import pytest
import streamlit
from streamlit.navigation.page import StreamlitPage

from tests.test_pages import open_page
from ui import navigation
from ui.catalog import LESSONS

PAGES = len(LESSONS) + 1  # the lessons and the home page


@pytest.fixture
def made(monkeypatch):
    """The title of every ``st.Page`` made from here on (none made before the test)."""
    navigation._made.cache_clear()
    titles = []
    init = StreamlitPage.__init__

    @functools.wraps(init)
    def counting(self, page, *args, **kwargs):
        init(self, page, *args, **kwargs)
        titles.append(kwargs.get("title"))

    monkeypatch.setattr(StreamlitPage, "__init__", counting)
    yield titles
    navigation._made.cache_clear()


def test_the_pages_are_made_once_per_language(made):
    first = open_page("pages/xor.py")
    assert len(made) == PAGES
    second = open_page("pages/xor.py")  # another session: nothing made again
    second.run()
    assert len(made) == PAGES
    assert [not at.exception for at in (first, second)] == [True, True]
    assert second.title[0].value == "XOR hidden units"
    first.session_state["lang"] = "ko"
    first.run()  # the first Korean run makes the Korean pages
    assert not first.exception and first.title[0].value == "XOR 은닉층"
    assert len(made) == 2 * PAGES and made[PAGES] == "홈" and "XOR 은닉층" in made[PAGES:]
    second.session_state["lang"] = "ko"
    second.run()
    assert second.title[0].value == "XOR 은닉층" and len(made) == 2 * PAGES


def test_a_runs_pages_are_copies_no_other_run_holds(monkeypatch):
    """``st.navigation`` marks the page a run may run on the object it is given: two runs must
    never hold the same one."""
    seen = []
    navigate = streamlit.navigation

    def recording(pages, *args, **kwargs):
        seen.append([p for section in pages.values() for p in section])
        return navigate(pages, *args, **kwargs)

    monkeypatch.setattr(streamlit, "navigation", recording)
    at = open_page(None)
    at.run()
    assert not at.exception
    first, second = seen
    assert len(first) == len(second) == PAGES
    assert not {id(p) for p in first} & {id(p) for p in second}
    assert [p.title for p in first] == [p.title for p in second]
    assert [p.url_path for p in first] == [""] + [l.url_path for l in LESSONS]
