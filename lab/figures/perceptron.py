"""Figures for the perceptron page: the decision line over the four points, the weights over time.

Both are redrawn on every animation frame, so each is built with one ``go.Figure`` call; a
played frame after its chunk's first is built without Plotly's checks (``template``
:data:`lab.figures.PLAYED`, as the XOR page's frames).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from lab.core import i18n
from lab.maths.geometry import line_through_plane
from lab.figures import (CLASS_COLORS, FIG_HEIGHT, LEGEND_BELOW, MARGIN, PLANE,
                         SERIES_COLORS, checks_for, square_axes, template_arg)
from lab.networks.perceptron import GATES, INPUTS, PerceptronRun, decision_line

GRID = 81  # cells per side of the shaded f(net) = 1 region
REGION_SCALE = [[0, "rgba(31,119,180,0.12)"], [1, "rgba(255,127,14,0.18)"]]


def decision_figure(w: np.ndarray, targets: np.ndarray, current: int | None = None,
                    title: str = "", template: str | None = None) -> go.Figure:
    """The four inputs coloured by target, the region where f(net) = 1 shaded, the line drawn.

    ``current`` (0..3) rings the sample that was just presented; wrongly classified points get
    a thick red outline. The region's cells are 0 or 1, one byte each on the wire.
    """
    checks = checks_for(template)
    w0, w1, w2 = (float(v) for v in w)
    xs = np.linspace(*PLANE, GRID)
    region = (w0 + w1 * xs[None, :] + w2 * xs[:, None] > 0).astype(np.uint8)
    data = [go.Heatmap(x=xs, y=xs, z=region, zmin=0, zmax=1, showscale=False,
                       colorscale=REGION_SCALE, hoverinfo="skip", **checks)]
    seg = line_through_plane(w1, w2, w0)  # the trace stays when the line is off the plane
    (ax, ay), (bx, by) = seg if seg is not None else ((None, None), (None, None))
    data.append(go.Scatter(x=[ax, bx], y=[ay, by], mode="lines",
                           name="w0 + w1·x1 + w2·x2 = 0", line=dict(color="black", width=3),
                           **checks))
    pred = (w0 + INPUTS @ np.array([w1, w2]) > 0).astype(int)
    for cls in (0, 1):
        idx = np.flatnonzero(np.asarray(targets) == cls)
        wrong = pred[idx] != cls
        data.append(go.Scatter(
            x=INPUTS[idx, 0], y=INPUTS[idx, 1], mode="markers", name=f"t = {cls}",
            marker=dict(size=22, color=CLASS_COLORS[cls],
                        line=dict(width=np.where(wrong, 4, 1).tolist(),
                                  color=np.where(wrong, "#d62728", "black").tolist())),
            customdata=pred[idx, None],
            hovertemplate="x = (%{x:.0f}, %{y:.0f})<br>f(net) = %{customdata[0]}<extra></extra>",
            **checks))
    if current is not None:
        data.append(go.Scatter(x=[INPUTS[current, 0]], y=[INPUTS[current, 1]], mode="markers",
                               name=i18n.t("fig.perceptron.just_presented"), hoverinfo="skip",
                               marker=dict(size=38, color="rgba(0,0,0,0)",
                                           line=dict(width=3, color="#2ca02c")), **checks))
    return go.Figure(data, dict(title=title, height=FIG_HEIGHT, margin=MARGIN,
                                legend=LEGEND_BELOW, **square_axes(), **template_arg(template)),
                     **checks)


def history_figure(run: PerceptronRun, upto: int | None = None,
                   template: str | None = None) -> go.Figure:
    """Top: w0, w1, w2 after every update (x = pass). Bottom: wrong samples in each pass.

    ``upto`` = number of updates shown so far (for the animation); None shows the whole run.
    """
    checks = checks_for(template)
    upd = run.updates if upto is None else run.updates.iloc[:upto]
    x = np.r_[0.0, (upd["pass"] - 1) + upd["sample"] / 4.0]
    data = []
    for k, name in enumerate(["w0", "w1", "w2"]):
        data.append(go.Scatter(x=x, y=np.r_[run.w_init[k], upd[name]], mode="lines",
                               name=name + (i18n.t("fig.perceptron.bias") if name == "w0" else ""),
                               line=dict(color=SERIES_COLORS[k], width=2), **checks))
    done = run.passes.iloc[: len(upd) // 4]
    data.append(go.Bar(x=done.index.to_numpy() - 0.5, y=done["errors"].to_numpy(),
                       name=i18n.t("fig.perceptron.errors_in_pass"), marker=dict(color="#d62728"),
                       width=0.8, xaxis="x2", yaxis="y2", **checks))
    n_pass = len(run.passes)
    # The weights' axis spans the whole run's weights, so it stands still while the run plays.
    every = np.r_[run.w_init, run.updates[["w0", "w1", "w2"]].to_numpy().ravel()]
    pad = max(0.1, 0.05 * float(every.max() - every.min()))
    return go.Figure(data, dict(
        height=FIG_HEIGHT, margin=MARGIN, legend=dict(orientation="h", y=1.12),
        xaxis=dict(range=[0, n_pass], anchor="y", showticklabels=False, matches="x2"),
        yaxis=dict(title=i18n.t("fig.perceptron.weight"), domain=[0.4, 1.0],
                   range=[float(every.min()) - pad, float(every.max()) + pad]),
        xaxis2=dict(range=[0, n_pass], title=i18n.t("fig.perceptron.pass"), anchor="y2"),
        yaxis2=dict(title=i18n.t("fig.perceptron.errors"), range=[0, 4.2], domain=[0.0, 0.3]),
        **template_arg(template)), **checks)


# --- The view after a number of updates, paused or played in the browser (lab.lessons.perceptron_play) --
@dataclass
class View:
    """What the page shows after ``cursor`` updates of ``run``."""
    status: str  # where the run is, the weights and the line (Markdown: the place in bold)
    decision: go.Figure
    history: go.Figure
    pass_no: int | None  # the pass being shown (None before the first update)
    rows: pd.DataFrame | None  # that pass so far, sample by sample (the lecture's table)


def view(run: PerceptronRun, gate: str, cursor: int, template: str | None = None) -> View:
    """The view after ``cursor`` updates; ``template`` as the figures take it (a played frame
    after its chunk's first: :data:`lab.figures.PLAYED`)."""
    if cursor:
        last = run.updates.iloc[cursor - 1]
        w = last[["w0", "w1", "w2"]].to_numpy(float)
        where = i18n.t("perceptron.where", p=int(last["pass"]), sample=int(last["sample"]))
        current, pass_no = int(last["sample"]) - 1, int(last["pass"])
        rows = run.updates[run.updates["pass"] == pass_no].iloc[: (cursor - 1) % 4 + 1]
        rows = i18n.headers(rows.drop(columns=["pass"]), "perceptron.col")
    else:
        w, where, current, pass_no, rows = run.w_init, i18n.t("perceptron.before_first"), None, None, None
    status = i18n.t("perceptron.status", where=where, cursor=cursor, total=len(run.updates),
                    w=f"[{w[0]:.3f}, {w[1]:.3f}, {w[2]:.3f}]", line=decision_line(w))
    decision = decision_figure(w, GATES[gate], current,
                               title=i18n.t("perceptron.fig_title", gate=gate, cursor=cursor),
                               template=template)
    return View(status, decision, history_figure(run, cursor, template), pass_no, rows)

