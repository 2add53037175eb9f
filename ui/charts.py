"""Drawing a Plotly figure on a page, styled for presenter mode when it is on.

Plotly's own toolbar stays on every chart: its camera button saves the figure as a PNG.
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from ui import presenter
from ui.presenter import presenter_style
from ui.live_plot import live_plotly_chart


def chart(fig: go.Figure, key: str, where=None) -> None:
    """``st.plotly_chart`` (in ``where``, a column or container, if given)."""
    if presenter.is_on():
        fig = presenter_style(fig)
    (where or st).plotly_chart(fig, key=key)


def live_chart(fig: go.Figure, key: str) -> None:
    """A chart redrawn in place on every animation frame (see ``ui.live_plot``)."""
    if presenter.is_on():
        fig = presenter_style(fig)
    live_plotly_chart(fig, key=key)
