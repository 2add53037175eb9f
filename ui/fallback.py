"""The last view that worked: what a page made last (its data, its trained result) stays on
screen, with a note why, while new settings fail or are still training."""

from __future__ import annotations

from typing import Any, Callable

import streamlit as st

from lab.core.errors import DataUnavailable, LabError, sentence
from ui.safe import text as safe_text


def or_last(name: str, make: Callable[[], Any], note: Callable[[Any], str]):
    """``make()``, kept in the session under ``name``. When it raises a lab error (shown: a
    warning for data that is not there, an error for anything else) or returns None (not
    ready yet), the session's previous one, under an info box ``note(previous)``; the page
    stops when there is none."""
    try:
        made = make()
    except LabError as err:
        (st.warning if isinstance(err, DataUnavailable) else st.error)(sentence(safe_text(err)))
        made = None
    if made is not None:
        st.session_state[name] = made
        return made
    if name not in st.session_state:
        st.stop()
    st.info(note(st.session_state[name]))
    return st.session_state[name]
