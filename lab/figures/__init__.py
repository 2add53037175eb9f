"""Plotly figures for the pages, one module per lesson; shared style lives here.

Every function takes numbers (or a ``lab`` dataclass) and returns a ``plotly.graph_objects.Figure``,
so figures can be tested and benchmarked without a browser.
"""

import numpy as np
import plotly.graph_objects as go

# Class colours used on every page: target 0 and target 1.
CLASS_COLORS = {0: "#1f77b4", 1: "#ff7f0e"}
# A diverging scale from class 0 (blue) through white (0.5) to class 1 (orange).
PROB_SCALE = [[0.0, "#1f77b4"], [0.5, "#f7f7f7"], [1.0, "#ff7f0e"]]
# Distinct colours for hidden units / weights / gates.
SERIES_COLORS = ["#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22",
                 "#7f7f7f", "#d62728"]
# The input plane the two-input lessons draw: a margin around the unit square.
PLANE = (-0.5, 1.5)
FIG_HEIGHT = 440
MARGIN = dict(l=60, r=20, t=50, b=50)
# Legends sit under the plot, below the x-axis title.
LEGEND_BELOW = dict(orientation="h", yanchor="top", y=-0.2, x=0)


# Presenter mode (a sidebar toggle): readable from the back of a lecture hall.
PRESENTER_FONT = 20  # Plotly's default is 12
PRESENTER_LINE = 4  # line width, pixels (default 2)
PRESENTER_MARKER = 1.6  # marker sizes are multiplied by this
PRESENTER_HEIGHT = 1.35  # figure heights are multiplied by this


def presenter_style(fig: go.Figure) -> go.Figure:
    """A copy of ``fig`` with large fonts, thick lines, big markers and a taller plot."""
    out = go.Figure(fig)
    height = out.layout.height or FIG_HEIGHT
    out.update_layout(font_size=PRESENTER_FONT, title_font_size=PRESENTER_FONT + 4,
                      height=int(height * PRESENTER_HEIGHT))
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


def line_through_plane(a: float, b: float, c: float, lo: float = PLANE[0], hi: float = PLANE[1]):
    """Two end points of ``a*x1 + b*x2 + c = 0`` clipped to the square [lo, hi]^2, or None."""
    pts = []
    if abs(b) > 1e-12:
        for x1 in (lo, hi):
            x2 = -(a * x1 + c) / b
            if lo - 1e-9 <= x2 <= hi + 1e-9:
                pts.append((x1, x2))
    if abs(a) > 1e-12:
        for x2 in (lo, hi):
            x1 = -(b * x2 + c) / a
            if lo - 1e-9 <= x1 <= hi + 1e-9:
                pts.append((x1, x2))
    pts = sorted(set((round(x, 12), round(y, 12)) for x, y in pts))
    if len(pts) < 2:
        return None
    return pts[0], pts[-1]


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


def level_curve(xs, ys, z, level: float = 0.5):
    """Where ``z`` crosses ``level``: marching squares on a grid, as x and y arrays of line
    segments separated by NaN (one Plotly line trace draws them all).

    ``z[i, j]`` is the value at ``(xs[j], ys[i])``. Plotly's own contour trace does the same in
    the browser but is several times slower to draw, which matters on every animation frame.
    """
    xs, ys, z = np.asarray(xs, float), np.asarray(ys, float), np.asarray(z, float)
    a, b, c, d = z[:-1, :-1], z[:-1, 1:], z[1:, 1:], z[1:, :-1]  # corners: bl, br, tr, tl
    x0, x1 = np.meshgrid(xs[:-1], ys[:-1])[0], np.meshgrid(xs[1:], ys[:-1])[0]
    y0, y1 = np.meshgrid(xs[:-1], ys[:-1])[1], np.meshgrid(xs[:-1], ys[1:])[1]

    def cross(p, q):
        with np.errstate(divide="ignore", invalid="ignore"):
            return ((p >= level) != (q >= level)), np.clip((level - p) / (q - p), 0, 1)

    vb, tb = cross(a, b)  # bottom edge, left to right
    vr, tr = cross(b, c)  # right edge, bottom to top
    vt, tt = cross(d, c)  # top edge, left to right
    vl, tl = cross(a, d)  # left edge, bottom to top
    px = np.stack([x0 + tb * (x1 - x0), x1, x0 + tt * (x1 - x0), x0])
    py = np.stack([y0, y0 + tr * (y1 - y0), y1, y0 + tl * (y1 - y0)])
    valid = np.stack([vb, vr, vt, vl])
    count = valid.sum(0)
    segs = []
    two = count == 2
    if two.any():
        order = np.argsort(~valid[:, two], axis=0, kind="stable")[:2]  # the two crossed edges
        cols = np.arange(two.sum())
        sx, sy = px[:, two], py[:, two]
        segs.append((sx[order[0], cols], sy[order[0], cols], sx[order[1], cols], sy[order[1], cols]))
    four = count == 4
    if four.any():  # saddle: pair the edges by the value at the cell's centre
        centre_high = ((a + b + c + d) / 4 >= level)[four]
        a_high = (a >= level)[four]
        sx, sy = px[:, four], py[:, four]
        same = centre_high == a_high  # a's corner joins the centre: cut off b and d
        e1 = np.where(same, 0, 0), np.where(same, 1, 3)
        e2 = np.where(same, 2, 1), np.where(same, 3, 2)
        cols = np.arange(four.sum())
        for (p, q) in (e1, e2):
            segs.append((sx[p, cols], sy[p, cols], sx[q, cols], sy[q, cols]))
    if not segs:
        return np.empty(0), np.empty(0)
    ax, ay, bx, by = (np.concatenate(parts) for parts in zip(*segs))
    nan = np.full_like(ax, np.nan)
    return np.column_stack([ax, bx, nan]).ravel(), np.column_stack([ay, by, nan]).ravel()
