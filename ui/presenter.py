"""Presenter mode: text, lines and figures big enough to read from the back of a lecture hall.

One sidebar toggle. Page text grows through one constant stylesheet (Streamlit sizes its text in
``rem``, so raising the root font size scales titles, labels, tables and metrics together); the
figures are restyled by :func:`lab.figures.presenter_style` as they are drawn (``ui.charts``).
The stylesheet is a constant of this module: nothing a user types ever reaches it.
"""

from __future__ import annotations

import streamlit as st

ROOT_FONT_PX = 22  # Streamlit's own is 16
STYLESHEET = f"""<style>
html {{ font-size: {ROOT_FONT_PX}px; }}
section.main .block-container, .stMainBlockContainer {{ max-width: 100%; padding-left: 2rem;
  padding-right: 2rem; }}
</style>"""


def is_on() -> bool:
    return bool(st.session_state.get("presenter", False))


def apply(on: bool) -> None:
    if on:
        st.html(STYLESHEET)
