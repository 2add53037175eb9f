"""Presenter mode: text, lines and figures big enough to read from the back of a lecture hall.

One sidebar toggle. Page text grows through one constant stylesheet (Streamlit sizes its text in
``rem``, so raising the root font size scales titles, labels, tables and metrics together); the
figures are restyled by :func:`presenter_style` as they are drawn (``ui.charts``): bigger
fonts, thicker lines, and margins and titles that grow with the font, so nothing is cut off.
The stylesheet is a constant of this module: nothing a user types ever reaches it.
"""

from __future__ import annotations

import re

import plotly.graph_objects as go
import streamlit as st

from lab.core.i18n import t
from lab.figures import FIG_HEIGHT, MARGIN
from lab.questions.question import number

ROOT_FONT_PX = 22  # Streamlit's own is 16
STYLESHEET = f"""<style>
html {{ font-size: {ROOT_FONT_PX}px; }}
section.main .block-container, .stMainBlockContainer {{ max-width: 100%; padding-left: 2rem;
  padding-right: 2rem; }}
</style>"""


# A follower on a phone (ui/room.py): the page's controls and the walk-through's box (the
# container keyed ``walkthrough``: the lecturer steps it for the room) fold away below 640 px,
# so the first screen shows the figures; the room's line of the lecturer's values and its "show the
# controls" switch (the container keyed ``room_summary``) stay.
_WIDGETS = ", ".join(f'[data-testid="{w}"]' for w in (
    "stSlider", "stNumberInput", "stRadio", "stSelectbox", "stMultiSelect", "stCheckbox",
    "stTextInput", "stTextArea", "stButtonGroup", "stButton"))  # a follower's Play: held
FOLLOWER_PHONE = f"""<style>
@media (max-width: 640px) {{
  [data-testid="stMain"] [data-testid="stElementContainer"]:has(:is({_WIDGETS})):not(
    .st-key-room_summary *) {{ display: none; }}
  [data-testid="stMain"] .st-key-walkthrough {{ display: none; }}
}}
</style>"""


# The question panel (ui/questions.py) is drawn ahead of a page that may stop early; this moves
# it to the page's end (its container is keyed ``q_panel``).
QUESTIONS_LAST = """<style>
[data-testid="stLayoutWrapper"]:has(> .st-key-q_panel) { order: 9999; }
</style>"""


def is_on() -> bool:
    return bool(st.session_state.get("presenter", False))


def apply(on: bool, fold_controls: bool = False) -> None:
    """Presenter mode's stylesheet, and a follower's folded controls on a phone: constants of
    this module, never user text."""
    sheet = (STYLESHEET if on else "") + (FOLLOWER_PHONE if fold_controls else "")
    if sheet:
        st.html(sheet)


# --- Figures ----------------------------------------------------------------------------------
PRESENTER_FONT = 20  # Plotly's default is 12
PRESENTER_LINE = 4  # line width, pixels (default 2)
PRESENTER_MARKER = 1.6  # marker sizes are multiplied by this
PRESENTER_HEIGHT = 1.35  # figure heights are multiplied by this
AXIS_TITLE_CHARS = 26  # a line of axis title at 20 px across a half-width chart


def _wrap(text: str | None, width: int = AXIS_TITLE_CHARS) -> str | None:
    """Break a long axis title into lines at spaces (Plotly cuts it off instead)."""
    if not text or len(text) <= width or "<br>" in text:
        return text
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "<br>".join([*lines, line])


def presenter_style(fig: go.Figure) -> tuple[go.Figure, str]:
    """(a copy of ``fig`` with large fonts, thick lines, big markers and a taller plot, its
    title as plain text). Plotly never wraps a title, so at projector sizes a long one is cut
    off at both ends: the caller shows the title as page text above the chart instead, where
    it wraps. Margins grow with the font, axis titles stand off their tick labels, and tick
    labels (minus signs included) get the room they need."""
    out = go.Figure(fig)
    height = out.layout.height or FIG_HEIGHT
    scale = PRESENTER_FONT / 12
    title = re.sub(r"<[^>]+>", " ", out.layout.title.text or "").strip()
    old = out.layout.margin
    margin = {side: int((getattr(old, side) or MARGIN[side]) * scale) for side in "lrb"}
    margin["t"] = 30
    out.update_layout(font_size=PRESENTER_FONT, title_text=None,
                      height=int(height * PRESENTER_HEIGHT), margin=margin)
    out.update_xaxes(automargin=True, title_standoff=12)
    out.update_yaxes(automargin=True, title_standoff=12)
    out.for_each_xaxis(lambda ax: ax.update(title_text=_wrap(ax.title.text)))
    out.for_each_yaxis(lambda ax: ax.update(title_text=_wrap(ax.title.text)))
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
    return out, title


# --- The class's answers to a question (ui/questions.py) ----------------------------------------
ANSWER_COLOR, TRUE_COLOR, LECTURE_COLOR = "#8da0cb", "#2ca02c", "#d62728"
ANSWERS_HEIGHT = 300  # the question, its chart and the reveal fit one projected screen


def answers_figure(q, given: list[str], revealed: bool, worded) -> go.Figure:
    """A histogram of the class's numbers, or each option's count; once revealed, the true
    value (and the lecture's printed one, dashed) on it. ``worded(q, option)`` names an
    option."""
    fig = go.Figure()
    if q.kind == "numeric":
        values = [v for v in (number(g) for g in given) if v is not None]
        fig.add_histogram(x=values, marker_color=ANSWER_COLOR, nbinsx=min(30, max(5, len(values))))
        if revealed:
            fig.add_vline(x=float(q.answer), line_color=TRUE_COLOR, line_width=3,
                          annotation_text=t("questions.ui.truth"))
            if q.lecture is not None:
                fig.add_vline(x=float(q.lecture), line_color=LECTURE_COLOR, line_dash="dash",
                              annotation_text=t("questions.ui.lecture_line"),
                              annotation_position="top left")
    else:
        counts = [sum(g == str(o) for g in given) for o in q.options]
        colors = [TRUE_COLOR if revealed and str(o) == str(q.answer) else ANSWER_COLOR
                  for o in q.options]
        fig.add_bar(x=[worded(q, o) for o in q.options], y=counts, marker_color=colors,
                    text=counts, textposition="outside")
    fig.update_layout(height=ANSWERS_HEIGHT, margin=MARGIN, showlegend=False, bargap=0.1,
                      xaxis_title=t("questions.ui.histogram_x"),
                      yaxis_title=t("questions.ui.histogram_y"))
    fig.update_yaxes(rangemode="tozero", dtick=1 if len(given) <= 10 else None)
    return fig
