"""What the gate inspector (``pages/gates.py``) draws the same for every session at the same
settings, made once for the room.

A page's file runs again on every run, and every Streamlit cache it declares is declared again
with it (Streamlit reads the function's source to name its cache); a module is imported once.
So the page's shared views are kept here, in plain least-recently-used caches
(``lab.core.byte_cache.ByteLRU``, counting entries), which a follower's rerun reads without
Streamlit's hashing of every argument.
"""

from __future__ import annotations

from functools import lru_cache

import pyarrow as pa
import streamlit as st

from lab.core.byte_cache import ByteLRU
from lab.core.i18n import current
from lab.figures import gates as figures
from lab.models import memory
from ui.charts import shared

MAX_VIEWS = 64  # inspector views kept (a view is a few heat-maps' numbers and their JSON)
VIEWS = ByteLRU(MAX_VIEWS, lambda view: 1)  # each view counts one


@st.cache_resource(show_spinner=False, max_entries=6)
def char_model(kind: str):
    """A small model trained once per server on lecture 000's four words (a few seconds)."""
    return memory.train_char_model(kind)


def inspector_view(found: figures.Inspected, f_shift: float, i_shift: float, step: int,
                   unit: int) -> figures.InspectorView:
    """The inspector's view of ``found`` (named by ``figures.view_key``) in the session's
    language, built once for the room: every follower of a lecturer's move shows this same,
    never-changed view, its figures serialised once (``ui.charts.shared``)."""
    def make() -> figures.InspectorView:
        view = figures.inspector_view(found, f_shift, i_shift, step, unit)
        for fig in (view.heatmaps, view.lane):
            shared(fig)
        return view
    return VIEWS.get((figures.view_key(found), current(), f_shift, i_shift, step, unit), make)


@lru_cache(maxsize=64)
def params_view(d: int, n: int, lang: str) -> tuple[pa.Table, bytes]:
    """The parameter table (``figures.params_view``) as ``st.table`` sends it, an Arrow table
    (what Streamlit makes of a data frame on every draw, made once), and its CSV."""
    shown, csv = figures.params_view(d, n, lang)
    return pa.Table.from_pandas(shown), csv
