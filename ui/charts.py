"""Drawing a Plotly figure on a page, styled for presenter mode when it is on.

Plotly's own toolbar stays on every chart: its camera button saves the figure as a PNG.
"""

from __future__ import annotations

import functools
from collections import OrderedDict

import plotly.graph_objects as go
import plotly.io
import streamlit as st

from ui import presenter
from ui.presenter import presenter_style
from ui.live_plot import live_plotly_chart
from ui.safe import md


def chart(fig: go.Figure, key: str, where=None) -> None:
    """``st.plotly_chart`` (in ``where``, a column or container, if given)."""
    where = where or st
    if presenter.is_on():
        fig = _titled(presenter_style(fig), where)
    where.plotly_chart(fig, key=key)


def shared(fig: go.Figure) -> go.Figure:
    """``fig``, to be drawn by many sessions and never changed again (a view cached for the
    room): its dict, which ``st.plotly_chart`` asks of it on every draw (a deep copy with each
    array encoded), and the JSON Streamlit sends of that dict (``plotly.io.to_json``), each
    worked out once (bench/RESULTS.md, "What a room draws, made once"); so is the JSON a live
    chart sends (``fig.to_json()``, :func:`live_chart`). A figure already shared is returned as
    it is (a page may share its cached view's figures on every run)."""
    if getattr(fig, "_lab_shared", False):
        return fig
    made = functools.cache(fig.to_dict)

    def to_dict() -> dict:
        spec = made()
        if id(spec) not in _SPECS:
            while len(_SPECS) >= MAX_SPECS:
                _SPECS.popitem(last=False)
            _SPECS[id(spec)] = (spec, [])
        return spec

    encode = fig.to_json
    encoded = functools.cache(encode)

    def to_json(*args, **kwargs) -> str:
        return encode(*args, **kwargs) if args or kwargs else encoded()

    fig.to_dict, fig.to_json, fig._lab_shared = to_dict, to_json, True
    return fig


# A shared figure's dict -> its JSON, once made (the dict is kept, so its id stays its own).
_SPECS: OrderedDict[int, tuple[dict, list[str]]] = OrderedDict()
MAX_SPECS = 256  # a few hundred views' figures: tens of MB at most
_to_json = plotly.io.to_json


def _spec_json(fig, validate=True, pretty=False, remove_uids=True, engine=None) -> str:
    """``plotly.io.to_json``, which ``st.plotly_chart`` calls with a figure's dict on every
    draw: a shared figure's JSON is encoded once (any other call goes to Plotly as it is)."""
    kept = _SPECS.get(id(fig)) if isinstance(fig, dict) else None
    if kept is None or kept[0] is not fig or validate or pretty or not remove_uids or engine:
        return _to_json(fig, validate=validate, pretty=pretty, remove_uids=remove_uids,
                        engine=engine)
    if not kept[1]:
        kept[1].append(_to_json(fig, validate=False))
    return kept[1][0]


plotly.io.to_json = _spec_json


def live_chart(fig: go.Figure, key: str) -> None:
    """A chart redrawn in place on every animation frame (see ``ui.live_plot``)."""
    if presenter.is_on():
        fig = _titled(presenter_style(fig), st)
    live_plotly_chart(fig, key=key)


def _titled(styled: tuple[go.Figure, str], where) -> go.Figure:
    """Presenter mode: the figure's title as wrapping page text above it."""
    fig, title = styled
    if title:
        where.markdown(f"**{md(title)}**")
    return fig

