"""The figure of a point question (``lab.questions``, kind ``point``): its points, to click one
(a sample, a time step, a cell), and in a room the class's clicks on them, the true point
ringed once revealed.

The question carries what is drawn (``Question.plot``, plain data made by the page's question
from the live model), so a student's laptop draws the lecturer's figure:

- ``x``, ``y``: the points' places, one per option, in the options' order (trace 0, the one
  clicked: a click's ``point_index`` is the option's index);
- ``labels``: each point's name (its hover, and the answer as shown);
- ``color``: optional, one colour per point (a sample's class);
- ``values`` with ``cells``: a grid of squares (x a time step, y a unit), coloured by value
  around 0 (a hidden state's), with its colour bar;
- ``x_title``, ``y_title``: locale keys; ``log_y``: a log axis; ``connect``: a line through
  the points (a series over time); ``square``: equal axes over the input plane;
- ``segment``: optional ``[[x0, x1], [y0, y1]]``, a line drawn under the points (a decision
  line); ``level``: optional y of a dotted line across (a threshold the question names).
"""

from __future__ import annotations

import plotly.graph_objects as go

from lab.core.i18n import t
from lab.figures import FIG_HEIGHT, MARGIN, SERIES_COLORS, hline, square_axes

POINT_COLOR = SERIES_COLORS[1]
TRUTH_COLOR = "#2ca02c"
MARKER, SMALL_MARKER, MANY = 12, 7, 24  # a point's size; smaller when more than MANY points
CLICKED_GROWTH = 2  # the most clicked point grows to (1 + this) times its size
MINE, MINE_COLOR = 1.3, "#222222"  # the student's own point: a cross this much wider
RING = 8  # the true point's ring, this much wider than the point (the count above stays clear)
CELL, CELLS_WIDE = 24, 600  # a grid's squares: at most CELL px, CELLS_WIDE px for every step


def point_figure(plot: dict, counts: dict | None = None, truth=None, height: int = FIG_HEIGHT,
                 mine=None) -> go.Figure:
    """The question's points; with ``counts`` (point id -> clicks, ids in the points' order)
    each point's count written over it; with ``truth`` (the true point's index) that point
    ringed; with ``mine`` (the index of the point a student clicked) a cross on it."""
    x, y, labels = list(plot["x"]), list(plot["y"]), [str(v) for v in plot["labels"]]
    clicks = list(counts.values()) if counts else [0] * len(x)
    most = max(clicks, default=0) or 1
    base = MARKER if len(x) <= MANY else SMALL_MARKER
    if plot.get("cells"):  # squares side by side along the steps
        base = max(SMALL_MARKER, min(CELL, CELLS_WIDE // len(set(x))))
    sizes = [base * (1 + CLICKED_GROWTH * c / most) for c in clicks]
    marker = dict(size=sizes,
                  color=plot.get("color") or POINT_COLOR, line=dict(width=1, color="black"))
    if plot.get("cells"):
        marker |= dict(symbol="square", color=plot["values"], colorscale="RdBu", cmid=0,
                       showscale=True, line=dict(width=0.5, color="gray"))
    data = [go.Scatter(x=x, y=y, mode="lines+markers" if plot.get("connect") else "markers",
                       marker=marker, line=dict(color="gray", width=1), customdata=labels,
                       text=[str(c) if c else "" for c in clicks] if counts else None,
                       textposition="top center", textfont=dict(size=15),
                       hovertemplate="%{customdata}<extra></extra>",
                       name="")]
    if counts:
        data[0].mode += "+text"
    if truth is not None:
        data.append(go.Scatter(x=[x[truth]], y=[y[truth]], mode="markers", hoverinfo="skip",
                               name=t("questions.ui.truth"),
                               marker=dict(size=sizes[truth] + RING, color="rgba(0,0,0,0)",
                                           line=dict(width=3, color=TRUTH_COLOR))))
    if mine is not None:  # (no hover: a click there reaches the point under it, trace 0)
        data.append(go.Scatter(x=[x[mine]], y=[y[mine]], mode="markers", hoverinfo="skip",
                               name=t("questions.ui.yours"),
                               marker=dict(size=sizes[mine] * MINE, symbol="x-thin",
                                           line=dict(width=3, color=MINE_COLOR))))
    shapes = [hline(plot["level"])] if plot.get("level") is not None else []
    if plot.get("segment"):
        (x0, x1), (y0, y1) = plot["segment"]
        shapes.append(dict(type="line", x0=x0, x1=x1, y0=y0, y1=y1, layer="below",
                           line=dict(color="black", width=2)))
    layout = dict(height=height, margin=MARGIN, showlegend=False, clickmode="event+select",
                  shapes=shapes)
    if plot.get("square"):
        layout |= square_axes(x=t(plot["x_title"]), y=t(plot["y_title"]))
    else:
        layout |= dict(xaxis=dict(title=t(plot["x_title"])),
                       yaxis=dict(title=t(plot["y_title"]),
                                  type="log" if plot.get("log_y") else "linear",
                                  exponentformat="power",
                                  **(dict(dtick=1, zeroline=False) if plot.get("cells") else {})))
    return go.Figure(data, layout)
