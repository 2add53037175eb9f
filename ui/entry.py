"""Make every page run under ``app.py``'s navigation, even on a first visit to its URL.

Streamlit treats a ``pages/`` folder beside the entry point as a legacy multipage app until
the entry point calls ``st.navigation``. So the very first request a fresh server gets, if it
is a lesson's URL (``/xor``), would run that page file on its own: no ``app.py``, the file names
as navigation, no shared sidebar. Each page calls :func:`ensure_app_navigation` first; it
switches the legacy mode off and reruns, and the rerun goes through ``app.py`` to the same
page (a page's identity is its ``url_path``, which ``ui.catalog`` keeps equal to the file name).
"""

from __future__ import annotations

import streamlit as st


def ensure_app_navigation() -> None:
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # a Streamlit without the legacy mode: nothing to do
        return
    if getattr(PagesManager, "uses_pages_directory", False):
        PagesManager.uses_pages_directory = False
        st.rerun()
