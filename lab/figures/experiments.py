"""Figures for "IMDB experiments": the models' validation curves overlaid with the lectures'
printed results, and the histogram of review lengths with the maxlen marked."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from lab.core import i18n
from lab.figures import LEGEND_BELOW, MARGIN, SERIES_COLORS, vline


def curves_figure(histories: dict[str, dict[str, list[float]]],
                  lecture: dict[str, float | None]) -> go.Figure:
    """Validation accuracy per epoch of each model (solid), training accuracy (dotted), and
    the lecture's printed validation accuracy as a dashed level in the model's colour."""
    data, shapes = [], []
    for k, (name, h) in enumerate(histories.items()):
        color = SERIES_COLORS[k % len(SERIES_COLORS)]
        for key, dash in (("val_accuracy", "solid"), ("accuracy", "dot")):
            if h.get(key):
                data.append(go.Scatter(
                    x=list(range(1, len(h[key]) + 1)), y=h[key], mode="lines+markers",
                    name=f"{name} ({i18n.t('fig.experiments.' + key)})", legendgroup=name,
                    line=dict(color=color, dash=dash), showlegend=key == "val_accuracy"))
        if lecture.get(name) is not None:
            shapes.append(dict(type="line", xref="paper", x0=0, x1=1, y0=lecture[name],
                               y1=lecture[name], line=dict(color=color, dash="dash", width=1)))
    return go.Figure(data, dict(
        title=i18n.t("fig.experiments.title"), height=420, margin=MARGIN, shapes=shapes,
        legend=dict(LEGEND_BELOW, y=-0.25), xaxis=dict(title=i18n.t("fig.experiments.epoch")),
        yaxis=dict(title=i18n.t("fig.experiments.accuracy_axis"), tickformat=".0%")))


def lengths_figure(lengths: np.ndarray, maxlen: int) -> go.Figure:
    """Review lengths (in ids, the start marker included), maxlen as a vertical line."""
    cap = int(np.percentile(lengths, 99)) if len(lengths) else 1
    return go.Figure(go.Histogram(x=np.minimum(lengths, cap), nbinsx=60,
                                  marker_color=SERIES_COLORS[0]),
                     dict(title=i18n.t("fig.experiments.lengths_title", cap=cap), height=340,
                          margin=MARGIN, shapes=[vline(maxlen, dash="dash")],
                          xaxis=dict(title=i18n.t("fig.experiments.length")),
                          yaxis=dict(title=i18n.t("fig.experiments.reviews"))))
