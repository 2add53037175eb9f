"""Drawing a Plotly figure on a page, styled for presenter mode when it is on.

Plotly's own toolbar stays on every chart: its camera button saves the figure as a PNG.
"""

from __future__ import annotations

import functools

import plotly.graph_objects as go
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
    array encoded, a few milliseconds a figure), worked out once."""
    fig.to_dict = functools.cache(fig.to_dict)
    return fig


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

