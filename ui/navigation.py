"""The app's pages for ``st.navigation``, made once per language for the whole server.

``st.Page`` finds its file on disk (resolving every folder of its path) and checks its title,
icon and address each time it is made, and ``app.py`` made all of the lab's pages on every run
of every session: a share of each run that a room of thirty followers, pushed at every move of
the lecturer's, pays thirty times (bench/RESULTS.md, "The follower's run"). A page is a small record that
``st.navigation`` marks as the one this run may run, so each run takes its own copies of the
pages made once for its language.
"""

from __future__ import annotations

import copy
from functools import lru_cache

import streamlit as st

from lab.core.i18n import current, t
from ui.catalog import LESSONS

HOME_SCRIPT = "pages/home.py"


@lru_cache(maxsize=None)
def _made(lang: str) -> tuple:
    """The home page and the lessons, titled in ``lang`` (the language of the run that asks)."""
    home = st.Page(HOME_SCRIPT, title=t("home.nav"), icon=":material/home:", default=True)
    return home, tuple(st.Page(l.script, title=l.title(), icon=l.icon, url_path=l.url_path)
                       for l in LESSONS)


def pages() -> dict[str, list]:
    """``st.navigation``'s sections for this run: the home page, then the lessons in lecture
    order, titled in the session's language."""
    home, lessons = _made(current())
    return {"": [copy.copy(home)], t("app.lessons"): [copy.copy(p) for p in lessons]}
