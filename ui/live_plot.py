"""A Plotly chart that updates in place, for charts redrawn on every animation frame.

``st.plotly_chart`` gives a chart a new identity whenever its figure changes, so on every frame
the browser throws the old chart away and draws a new one from scratch, too slow for an
animation (frames a second measured by ``python -m bench.run --only browser``, see
bench/RESULTS.md).
This component keeps one Plotly chart alive in its iframe and hands each new figure to
``Plotly.react``, which redraws only what changed.

Plotly.js comes from the installed ``plotly`` package: on first use its ``plotly.min.js`` is
copied next to the component's ``index.html`` in the lab's cache folder (Streamlit serves a
component's files only from inside its own folder, so a link would be refused).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import plotly
import plotly.graph_objects as go
import streamlit as st
import streamlit.components.v1 as components

from lab.core.cache import cache_dir

_SOURCE = Path(__file__).with_name("live_plot_frontend") / "index.html"
_PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


@st.cache_resource(show_spinner=False)
def plotly_component(name: str, page: Path = _SOURCE):
    """The component ``name`` whose ``index.html`` is ``page``, served with Plotly.js beside
    it (both copied into the cache folder, once per Plotly version)."""
    folder = cache_dir(name, plotly.__version__)
    for src, dst in ((page, folder / "index.html"), (_PLOTLY_JS, folder / _PLOTLY_JS.name)):
        if not dst.exists() or dst.read_bytes() != src.read_bytes():
            shutil.copyfile(src, dst)
    return components.declare_component(name, path=str(folder))


def live_plotly_chart(fig: go.Figure, key: str, config: dict | None = None) -> None:
    """Draw ``fig`` in a chart that keeps its identity (``key``) across reruns."""
    plotly_component("live_plot")(figure=fig.to_json(), config=json.dumps(config or {}),
                                  key=key, default=None)
