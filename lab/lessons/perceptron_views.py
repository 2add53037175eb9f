"""What the perceptron page (``pages/perceptron.py``) draws the same for every session at the same
settings, made once for the room.

A page's file runs again on every run, and every Streamlit cache it declares is declared again
with it (Streamlit reads the function's source to name its cache); a module is imported once.
So the page's views are kept here, in plain least-recently-used caches keyed by everything
they depend on (the settings and the language), which every follower switched to the page, or
following a Pause, reads instead of building its own. Nothing here is changed once made: a
view is shared by every session that shows it.
"""

from __future__ import annotations

from functools import lru_cache

import pyarrow as pa

from lab.core import i18n
from lab.figures.perceptron import View, view
from lab.lessons.perceptron_play import rule_run
from lab.networks import perceptron as pc

MAX_VIEWS = 64  # paused views kept (two small figures and a few rows each)


@lru_cache(maxsize=MAX_VIEWS)
def paused_view(identity: tuple, cursor: int, lang: str) -> View:
    """The rule's run at ``identity`` (``PerceptronPlayback.identity``: its gate first) after
    ``cursor`` updates, worded in ``lang``."""
    with i18n.using(lang):
        return view(rule_run(*identity), identity[0], cursor)


@lru_cache(maxsize=32)
def sigmoid_view(w1: float, w2: float, b: float, gate: str, lang: str):
    """The sigmoid neuron's table (worded headers in ``lang``) as ``st.dataframe`` sends it, an
    Arrow table (what Streamlit makes of a data frame on every draw, made once), its gradient,
    the weights after one step and the table's CSV."""
    targets = pc.GATES[gate]
    table = pc.sigmoid_table(w1, w2, b, targets)
    return (pa.Table.from_pandas(i18n.headers(table, "perceptron.col", lang)),
            pc.sigmoid_gradient(w1, w2, b, targets), pc.sigmoid_gradient_step(w1, w2, b, targets),
            table.to_csv(index=False).encode())


@lru_cache(maxsize=4)
def comparison_view(lang: str):
    """The slide's numbers beside the true values (worded headers in ``lang``), as an Arrow
    table, and their CSV."""
    cmp = pc.lecture_comparison()
    return (pa.Table.from_pandas(i18n.headers(cmp, "perceptron.col", lang)),
            cmp.to_csv(index=False).encode())
