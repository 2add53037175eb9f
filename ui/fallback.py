"""What a page shows when what its input names cannot be made: a lab error becomes a message
(its fields escaped by ``ui.safe.text``), and the rest of the page is drawn as before.

- :func:`attempt`: the value, or None under a warning saying why;
- :func:`or_last`: the last value that worked (its data, its trained result) stays on screen,
  with a note why, while new settings fail or are still training.
"""

from __future__ import annotations

from typing import Any, Callable, TypeVar

import streamlit as st

from lab.core.errors import DataUnavailable, LabError, sentence
from ui.safe import text as safe_text

V = TypeVar("V")


def say(err: Exception, box=None) -> None:
    """The lab error's message in ``box`` (a warning by default)."""
    (box or st.warning)(sentence(safe_text(err)))


def attempt(compute: Callable[..., V], *args, errors: type[Exception] = LabError) -> V | None:
    """``compute(*args)``, or None with a warning if it raises one of ``errors``."""
    try:
        return compute(*args)
    except errors as err:
        say(err)
        return None


def or_last(name: str, make: Callable[[], Any], note: Callable[[Any], str], box=None):
    """``make()``, kept in the session under ``name``. When it raises a lab error (shown in
    ``box``, else a warning for data that is not there, an error for anything else) or
    returns None (not ready yet), the session's previous one, under an info box
    ``note(previous)``; the page stops when there is none."""
    try:
        made = make()
    except LabError as err:
        say(err, box or (st.warning if isinstance(err, DataUnavailable) else st.error))
        made = None
    if made is not None:
        st.session_state[name] = made
        return made
    if name not in st.session_state:
        st.stop()
    st.info(note(st.session_state[name]))
    return st.session_state[name]
