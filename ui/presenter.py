"""Presenter mode: text, lines and figures big enough to read from the back of a lecture hall.

One sidebar toggle. Page text grows through one constant stylesheet (Streamlit sizes its text in
``rem``, so raising the root font size scales titles, labels, tables and metrics together); the
figures are restyled by :func:`presenter_style` as they are drawn (``ui.charts``): bigger
fonts, thicker lines, and margins and titles that grow with the font, so nothing is cut off.
The stylesheet is a constant of this module: nothing a user types ever reaches it.
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from lab.figures import FIG_HEIGHT, MARGIN

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


# --- Figures ----------------------------------------------------------------------------------
PRESENTER_FONT = 20  # Plotly's default is 12
PRESENTER_LINE = 4  # line width, pixels (default 2)
PRESENTER_MARKER = 1.6  # marker sizes are multiplied by this
PRESENTER_HEIGHT = 1.35  # figure heights are multiplied by this
TITLE_CHARS = 42  # a title line at 24 px fits a half-width column on a 1280 px projector


def _wrap(text: str, width: int = TITLE_CHARS) -> str:
    """Break a long title into lines at spaces (Plotly never wraps a title, it cuts it)."""
    lines, line = [], ""
    for word in text.replace("<br>", " ").split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "<br>".join(lines + [line] if line else lines)


def presenter_style(fig: go.Figure) -> go.Figure:
    """A copy of ``fig`` with large fonts, thick lines, big markers and a taller plot, whose
    margins grow with the font: the title wraps and sits left, axis titles stand off their
    tick labels, and tick labels (minus signs included) get the room they need."""
    out = go.Figure(fig)
    height = out.layout.height or FIG_HEIGHT
    scale = PRESENTER_FONT / 12
    title = out.layout.title.text or ""
    wrapped = _wrap(title) if title else ""
    title_lines = wrapped.count("<br>") + 1 if wrapped else 0
    old = out.layout.margin
    margin = {side: int((getattr(old, side) or MARGIN[side]) * scale) for side in "lrb"}
    margin["t"] = (20 + title_lines * (PRESENTER_FONT + 10) if title
                   else int((old.t or MARGIN["t"]) * scale))
    out.update_layout(font_size=PRESENTER_FONT, title_font_size=PRESENTER_FONT + 4,
                      height=int(height * PRESENTER_HEIGHT), margin=margin)
    if title:
        out.update_layout(title=dict(text=wrapped, x=0, xanchor="left", xref="paper",
                                     automargin=True))
    out.update_xaxes(automargin=True, title_standoff=12)
    out.update_yaxes(automargin=True, title_standoff=12)
    for trace in out.data:
        if trace.type in ("scatter", "scattergl"):
            if trace.mode is None or "lines" in trace.mode:
                trace.line.width = max(PRESENTER_LINE, (trace.line.width or 2) * 2)
            size = trace.marker.size
            if isinstance(size, (int, float)):
                trace.marker.size = size * PRESENTER_MARKER
            elif size is None and trace.mode and "markers" in trace.mode:
                trace.marker.size = 6 * PRESENTER_MARKER
        if trace.type in ("heatmap", "bar") and trace.texttemplate:
            trace.textfont.size = PRESENTER_FONT
    for shape in out.layout.shapes:
        if shape.line.width is not None or shape.type == "line":
            shape.line.width = max(PRESENTER_LINE, (shape.line.width or 2) * 1.5)
    return out
