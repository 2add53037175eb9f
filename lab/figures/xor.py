"""Figures for the XOR hidden-units page: loss, output heat-map with hidden lines, hidden space.

These are redrawn on every animation frame, so each is built with a single ``go.Figure`` call
(see ``lab.figures.square_axes``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from lab.core import i18n
from lab.maths.geometry import level_curve, line_through_plane
from lab.figures import (CLASS_COLORS, FIG_HEIGHT, LEGEND_BELOW, MARGIN, PLAYED, PROB_SCALE,
                         SERIES_COLORS, checks_for, hline, square_axes, template_arg, vline)
from lab.networks.mlp import MLP, XOR_T, XOR_X, bce, forward, hidden_lines, output_grid

HEATMAP_CELLS = 41  # per side: 1,681 forward passes a frame; finer grids cost the browser frames
LOSS_POINTS = 200  # the loss curve is thinned to at most this many points


def _point_traces(x, t, labels=None, checks: dict | None = None, **marker) -> list:
    traces = []
    for cls in (0, 1):
        idx = np.flatnonzero(t.ravel() == cls)
        traces.append(go.Scatter(
            x=x[idx, 0], y=x[idx, 1], name=f"t = {cls}",
            mode="markers+text" if labels is not None else "markers",
            text=None if labels is None else [labels[i] for i in idx], textposition="top center",
            marker=dict(size=marker.get("size", 20), color=CLASS_COLORS[cls],
                        line=dict(width=1.5, color="black")), **(checks or {})))
    return traces


def loss_figure(losses: np.ndarray, converged_at: float | None = 0.05,
                template: str | None = None) -> go.Figure:
    """Binary cross-entropy per training step, on a log axis, with the 'converged' level.
    ``template``: Plotly's, when not the default (see :func:`frame_figures`)."""
    losses = np.asarray(losses, dtype=float)
    data = []
    if len(losses):
        xs = np.unique(np.linspace(0, len(losses) - 1, min(len(losses), LOSS_POINTS)).astype(int))
        data.append(go.Scatter(x=xs, y=losses[xs], mode="lines", name=i18n.t("fig.xor.loss"),
                               line=dict(color="#d62728", width=2), **checks_for(template)))
    shapes = [hline(converged_at)] if converged_at else []
    # The x range doubles when the curve reaches its end rather than growing every frame, so
    # the browser re-lays the axes out only now and then while training runs.
    # Likewise the y range is in whole decades around the curve and the level: the player
    # moves the curve alone, with no axis to lay out again, until the curve leaves a decade.
    x_max = 2 ** int(np.ceil(np.log2(max(len(losses), 64))))
    return go.Figure(data, dict(
        height=280, margin=MARGIN,
        title=i18n.t("fig.xor.loss_title", level=converged_at) if converged_at else i18n.t("fig.xor.loss"),
        xaxis=dict(title=i18n.t("fig.xor.step"), range=[0, x_max]),
        yaxis=dict(type="log", dtick=1, range=decades(losses, converged_at)),
        showlegend=False, shapes=shapes, **template_arg(template)), **checks_for(template))


def decades(losses, level: float | None = None) -> list[float]:
    """A log axis's range (powers of ten) in whole decades holding the finite positive losses
    and the level; [-2, 0.5] with none."""
    losses = np.asarray(losses, dtype=float)
    seen = losses[np.isfinite(losses) & (losses > 0)]
    if not len(seen):
        return [-2, 0.5]
    if level:
        seen = np.append(seen, level)
    low = float(np.floor(np.log10(seen.min())))
    return [low, max(low + 1, float(np.ceil(np.log10(seen.max()))))]


def boundary_figure(p: MLP, heatmap: bool = True, lines: bool = True,
                    template: str | None = None) -> go.Figure:
    """The output y over the input plane, the y = 0.5 boundary and each hidden unit's line."""
    checks = checks_for(template)
    xs, ys, z = output_grid(p, n=HEATMAP_CELLS)
    # A heat-map plus the y = 0.5 line computed here: Plotly's contour trace would draw both,
    # but is several times slower for the browser on every animation frame.
    bx, by = level_curve(xs, ys, z, 0.5)
    data = []
    if heatmap:
        data.append(go.Heatmap(x=xs, y=ys, z=z, zmin=0, zmax=1, colorscale=PROB_SCALE,
                               colorbar=dict(title="y", len=0.8),
                               hovertemplate="x1=%{x:.2f} x2=%{y:.2f}<br>y=%{z:.3f}<extra></extra>",
                               **checks))
    data.append(go.Scatter(x=bx, y=by, mode="lines", name="y = 0.5", hoverinfo="skip",
                           line=dict(width=3, color="black"), **checks))
    if lines:
        for j, (a, b, c) in enumerate(hidden_lines(p)):
            seg = line_through_plane(a, b, c)
            if seg is None:
                continue
            (ax, ay), (bx, by) = seg
            data.append(go.Scatter(x=[ax, bx], y=[ay, by], mode="lines", name=f"h{j + 1} = 0.5",
                                   line=dict(color=SERIES_COLORS[j % len(SERIES_COLORS)],
                                             width=2, dash="dash"), **checks))
    data += _point_traces(XOR_X, XOR_T, checks=checks)
    return go.Figure(data, dict(title=i18n.t("fig.xor.boundary_title"),
                                height=FIG_HEIGHT, margin=MARGIN,
                                legend=LEGEND_BELOW, **square_axes(), **template_arg(template)),
                     **checks)


def hidden_projection(p: MLP) -> tuple[np.ndarray, str, str]:
    """The four hidden vectors as 2-D points the output layer can be read from.

    H = 2: the hidden plane itself (h1, h2). H = 1 or H >= 3: coordinate 1 is the output's
    pre-activation ``z2 = h @ w2 + b2`` (so the output's y = 0.5 boundary is the line z2 = 0)
    and coordinate 2 is the direction, orthogonal to w2, along which the four points spread
    most (a one-component PCA; 0 for H = 1). Returns (points (4, 2), x title, y title).
    """
    h = forward(p).h
    if p.hidden == 2:
        return h, "h1", "h2"
    w2 = p.w2.ravel()
    z2 = h @ w2 + float(p.b2[0])
    n = np.linalg.norm(w2)
    if p.hidden == 1 or n < 1e-12:
        return np.column_stack([z2, np.zeros(len(h))]), i18n.t("fig.xor.z2"), ""
    u = w2 / n
    centred = h - h.mean(0)
    rest = centred - np.outer(centred @ u, u)
    _, _, vt = np.linalg.svd(rest, full_matrices=False)
    return (np.column_stack([z2, rest @ vt[0]]), i18n.t("fig.xor.z2"),
            i18n.t("fig.xor.spread"))


def hidden_space_figure(p: MLP, three_d: bool = False, template: str | None = None) -> go.Figure:
    """The four inputs mapped through the hidden layer, with the output's y = 0.5 boundary.

    2-D by default (see :func:`hidden_projection`; cheap to redraw every animation frame).
    ``three_d`` with H >= 3 draws the three hidden units with the largest |w2| in 3-D, with the
    boundary plane when H = 3 (WebGL: much slower for the browser to redraw).
    """
    t = XOR_T.ravel()
    labels = [f"({a:.0f},{b:.0f})" for a, b in XOR_X]
    layout = dict(title=i18n.t("fig.xor.hidden_title"), height=FIG_HEIGHT,
                  margin=MARGIN, legend=LEGEND_BELOW, **template_arg(template))
    if three_d and p.hidden >= 3:
        h = forward(p).h
        w2 = p.w2.ravel()
        b2 = float(p.b2[0])
        dims = np.sort(np.argsort(-np.abs(w2))[:3])
        data = []
        for cls in (0, 1):
            idx = np.flatnonzero(t == cls)
            data.append(go.Scatter3d(x=h[idx, dims[0]], y=h[idx, dims[1]], z=h[idx, dims[2]],
                                     mode="markers+text", text=[labels[i] for i in idx],
                                     name=f"t = {cls}", marker=dict(size=8, color=CLASS_COLORS[cls])))
        if p.hidden == 3 and abs(w2[2]) > 1e-9:
            g = np.linspace(0, 1, 12)
            ga, gb = np.meshgrid(g, g)
            gc = -(w2[0] * ga + w2[1] * gb + b2) / w2[2]
            gc = np.where((gc >= -0.05) & (gc <= 1.05), gc, np.nan)
            data.append(go.Surface(x=ga, y=gb, z=gc, showscale=False, opacity=0.45, name="y = 0.5",
                                   colorscale=[[0, "gray"], [1, "gray"]], hoverinfo="skip"))
        names = [f"h{d + 1}" for d in dims]
        layout["scene"] = dict(xaxis=dict(title=names[0], range=[0, 1]),
                               yaxis=dict(title=names[1], range=[0, 1]),
                               zaxis=dict(title=names[2], range=[0, 1]), aspectmode="cube")
        return go.Figure(data, layout)

    checks = checks_for(template)
    pts, xt, yt = hidden_projection(p)
    data = _point_traces(pts, XOR_T, labels, checks, size=18)
    if p.hidden == 2:
        w2 = p.w2.ravel()
        seg = line_through_plane(w2[0], w2[1], float(p.b2[0]), -0.05, 1.05)
        if seg is not None:
            (ax, ay), (bx, by) = seg
            data.append(go.Scatter(x=[ax, bx], y=[ay, by], mode="lines", name="y = 0.5",
                                   line=dict(color="black", width=3), **checks))
        layout.update(square_axes(-0.05, 1.05, "h1", "h2"))
    else:
        # Both ranges in powers of two around 0 (the spread is centred): they stand still while
        # a run plays, so the player moves the points alone (a range fitted to every frame
        # had the browser draw the whole chart again each frame).
        x_span, y_span = (_power_of_two(float(np.abs(v).max()) * 1.15, least)
                          for v, least in ((pts[:, 0], 1.0), (pts[:, 1], 0.25)))
        layout.update(xaxis=dict(title=xt, range=[-x_span, x_span]),
                      yaxis=dict(title=yt, visible=bool(yt), range=[-y_span, y_span]),
                      shapes=[vline(0.0)])
    return go.Figure(data, layout, **checks)


def _power_of_two(value: float, least: float) -> float:
    """The smallest power of two at or above ``value`` and ``least`` (``value`` finite)."""
    value = value if np.isfinite(value) else least
    return float(2.0 ** np.ceil(np.log2(max(least, value))))


# --- Frames played in the browser ---------------------------------------------------------------
def outputs_table(p: MLP) -> pd.DataFrame:
    """The four inputs, each hidden unit's output, y and the target."""
    f = forward(p)
    table = pd.DataFrame(XOR_X.astype(int), columns=["x1", "x2"])
    for j in range(p.hidden):
        table[f"h{j + 1}"] = f.h[:, j]
    table["y"], table["t"] = f.y[:, 0], XOR_T[:, 0].astype(int)
    return table


def metrics(p: MLP, steps: int, lr: float) -> list[tuple[str, str]]:
    """The page's metric row: steps, loss, inputs right, learning rate."""
    y = forward(p).y
    right = int(np.sum((y > 0.5) == (XOR_T > 0.5)))
    return [(i18n.t("xor.m_steps"), f"{steps:,}"), (i18n.t("xor.m_loss"), f"{bce(y):.4f}"),
            (i18n.t("xor.m_right"), i18n.t("xor.of_4", n=right)), (i18n.t("xor.m_lr"), f"{lr:g}")]


def outputs_text(p: MLP) -> str:
    """:func:`outputs_table` as the text block of a played frame."""
    return outputs_table(p).to_string(index=False, float_format="{:.4f}".format)


def weights_text(p: MLP) -> list[str]:
    """Each weight array as a block of text (``w1 =`` then its rows)."""
    return [f"{name} =\n{np.array2string(np.asarray(value), precision=3)}"
            for name, value in p.as_dict().items()]


def frame_figures(p: MLP, losses: np.ndarray, heatmap: bool, first: bool) -> list[go.Figure]:
    """The three figures of a frame played in the browser: output plane, hidden space in 2-D,
    loss. Frames after the first carry no Plotly template (the player keeps the first
    frame's): they are built with the empty template "none", which Plotly copies and
    validates far faster than its default (a third of a frame's server time), and without
    Plotly's checks (:func:`_checks`: the first frame's are checked)."""
    bare = None if first else PLAYED
    return [boundary_figure(p, heatmap=heatmap, template=bare),
            hidden_space_figure(p, template=bare), loss_figure(losses, template=bare)]
