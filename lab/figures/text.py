"""Figures for "Text as numbers": one sample's one-hot matrix, the co-occurrence counts, and
GloVe's weighting function."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from lab.figures import FIG_HEIGHT, MARGIN, SERIES_COLORS
from lab.core import i18n
from lab.data.text import glove_weight

TOP_AXIS_MARGIN = dict(MARGIN, t=110)  # the title, then the x-axis labels along the top
ONE_HOT_SCALE = [[0.0, "#f7f7f7"], [1.0, "#1f77b4"]]
COUNT_SCALE = [[0.0, "#ffffff"], [1.0, "#ff7f0e"]]


def one_hot_figure(matrix: np.ndarray, tokens: list[str], vocabulary: list[str],
                   sample: int) -> go.Figure:
    """(max_length, ids) of 0/1 as a grid, rows labelled by the sample's tokens."""
    rows = [f"{j}: {tokens[j]}" if j < len(tokens) else f"{j}: -" for j in range(len(matrix))]
    cols = ["0"] + [f"{i}: {w}" for i, w in enumerate(vocabulary, start=1)]
    return go.Figure(go.Heatmap(z=matrix, x=cols, y=rows, colorscale=ONE_HOT_SCALE, zmin=0,
                                zmax=1, showscale=False, xgap=1, ygap=1, texttemplate="%{z:.0f}"),
                     dict(title=i18n.t("fig.text.one_hot", sample=sample), margin=TOP_AXIS_MARGIN,
                          height=max(260, 28 * len(rows) + 120),
                          xaxis=dict(title=i18n.t("fig.text.token_id"), side="top"),
                          yaxis=dict(title=i18n.t("fig.text.position"), autorange="reversed")))


def cooccurrence_figure(words: list[str], counts: np.ndarray, window: int) -> go.Figure:
    size = max(FIG_HEIGHT, 24 * len(words) + 160)
    return go.Figure(go.Heatmap(z=counts, x=words, y=words, colorscale=COUNT_SCALE, zmin=0,
                                xgap=1, ygap=1, texttemplate="%{z:.0f}" if len(words) <= 30
                                else None, colorbar=dict(title="X")),
                     dict(title=i18n.t("fig.text.cooccurrence", window=window),
                          margin=TOP_AXIS_MARGIN,
                          height=min(size, 900), xaxis=dict(side="top"),
                          yaxis=dict(autorange="reversed")))


def weight_figure(x_max: float, alpha: float) -> go.Figure:
    x = np.linspace(0, max(2.0 * x_max, 10.0), 400)
    return go.Figure(go.Scatter(x=x, y=glove_weight(x, x_max, alpha), mode="lines",
                                line=dict(color=SERIES_COLORS[0], width=3)),
                     dict(title=i18n.t("fig.text.weight"), margin=MARGIN, height=FIG_HEIGHT - 80,
                          xaxis=dict(title=i18n.t("fig.text.count")),
                          yaxis=dict(title="f(x)", range=[0, 1.05])))


def embedding_figure(xy: np.ndarray, words: list[str], highlight=()) -> go.Figure:
    """Words at their embedding's first two principal components."""
    marked = set(highlight)
    colors = [SERIES_COLORS[7] if w in marked else SERIES_COLORS[1] for w in words]
    return go.Figure(go.Scatter(x=xy[:, 0], y=xy[:, 1], mode="markers+text", text=words,
                                textposition="top center", marker=dict(size=7, color=colors),
                                hovertemplate="%{text}<extra></extra>"),
                     dict(title=i18n.t("fig.text.embedding", words=len(words)), margin=MARGIN,
                          height=FIG_HEIGHT + 160, xaxis=dict(title="PC 1"),
                          yaxis=dict(title="PC 2")))
