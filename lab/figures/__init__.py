"""Plotly figures for the pages, one module per lesson; shared style lives here (the geometry
they draw is in ``lab.maths.geometry``; presenter mode's restyling is in ``ui.presenter``).

Every function takes numbers (or a ``lab`` dataclass) and returns a ``plotly.graph_objects.Figure``,
so figures can be tested and benchmarked without a browser.
"""

import numpy as np

from lab.maths.geometry import PLANE

# Class colours used on every page: target 0 and target 1.
CLASS_COLORS = {0: "#1f77b4", 1: "#ff7f0e"}
# A diverging scale from class 0 (blue) through white (0.5) to class 1 (orange).
PROB_SCALE = [[0.0, "#1f77b4"], [0.5, "#f7f7f7"], [1.0, "#ff7f0e"]]
# Distinct colours for hidden units / weights / gates.
SERIES_COLORS = ["#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22",
                 "#7f7f7f", "#d62728"]

FIG_HEIGHT = 440
MARGIN = dict(l=60, r=20, t=50, b=50)
# Legends sit under the plot, below the x-axis title.
LEGEND_BELOW = dict(orientation="h", yanchor="top", y=-0.2, x=0)


def square_axes(lo: float = PLANE[0], hi: float = PLANE[1], x: str = "x1", y: str = "x2") -> dict:
    """Layout entries for equal-aspect axes over the input plane.

    Figures here are built with one ``go.Figure(data=..., layout=...)`` call: plotly validates
    every ``update_layout`` / ``add_hline`` call separately, which made an animation frame cost
    tens of milliseconds more.
    """
    return dict(xaxis=dict(range=[lo, hi], title=x, zeroline=False, constrain="domain"),
                yaxis=dict(range=[lo, hi], title=y, zeroline=False, scaleanchor="x",
                           scaleratio=1))


def hline(y: float, **line) -> dict:
    """A horizontal line across the plot, as a layout shape (cheaper than ``add_hline``)."""
    return dict(type="line", xref="paper", x0=0, x1=1, yref="y", y0=y, y1=y,
                line=dict(color="gray", dash="dot", **line))


def vline(x: float, **line) -> dict:
    """A vertical line across the plot, as a layout shape (cheaper than ``add_vline``)."""
    return dict(type="line", yref="paper", y0=0, y1=1, xref="x", x0=x, x1=x,
                line=dict(color="black", width=3, **line))


PLAYED = "none"  # the template of a played frame after its chunk's first (see checks_for)


def checks_for(template: str | None) -> dict:
    """How a figure is built: Plotly's checks on every value, but for a played frame after
    its chunk's first (``template`` :data:`PLAYED`), built the same without them (5x faster;
    ``ui.frames_player`` writes both forms alike; the player keeps the first frame's
    template)."""
    return {"_validate": False} if template == PLAYED else {}


def template_arg(name: str | None) -> dict:
    """A layout's ``template`` when not Plotly's default (:data:`PLAYED`: the empty one, which
    Plotly copies far faster than its default)."""
    return {} if name is None else {"template": name}


def compact_json(fig, first: bool) -> dict:
    """A frame's figure as Plotly JSON made small for the wire (frames played in the browser):
    its float arrays as float32 (Plotly sends NumPy arrays as typed binary; 7 significant
    digits are more than the screen shows) and Plotly's template (the same in every
    frame) with the first frame only (the player keeps it)."""
    for trace in fig.data:
        for name in ("x", "y", "z"):
            values = getattr(trace, name, None)
            if isinstance(values, np.ndarray) and values.dtype == np.float64:
                setattr(trace, name, values.astype(np.float32))
    out = fig.to_plotly_json()
    if not first:
        out["layout"].pop("template", None)
    return out
