"""Make every page run under ``app.py``'s navigation, even on a first visit to its URL.

Streamlit treats a ``pages/`` folder beside the entry point as a legacy multipage app until
the entry point calls ``st.navigation``. So the very first request a fresh server gets, if it
is a lesson's URL (``/xor``), would run that page file on its own: no ``app.py``, the file names
as navigation, no shared sidebar. (Streamlit's AppTest starts every run that way.)

Each page calls :func:`ensure_app_navigation` before anything else. In legacy mode it switches
that mode off, runs ``app.py`` in place (which builds the real navigation and runs this same
page under it: a page's identity is its ``url_path``, kept equal to the file name by
``ui.catalog``) and then ends the legacy run. Running in place rather than calling
``st.rerun()`` keeps the widget event (a button click) that started this run.
"""

from __future__ import annotations

import runpy
from pathlib import Path

import streamlit as st

APP = Path(__file__).resolve().parents[1] / "app.py"


def ensure_app_navigation() -> None:
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # a Streamlit without the legacy mode: nothing to do
        return
    if getattr(PagesManager, "uses_pages_directory", False):
        PagesManager.uses_pages_directory = False
        runpy.run_path(str(APP), run_name="__main__")
        st.stop()
