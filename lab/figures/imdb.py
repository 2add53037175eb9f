"""Figures for the IMDB page: training curves, confusion matrix, threshold sweep, ROC and
precision-recall, probability histograms, and a review read word by word."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from lab.core import i18n
from lab.figures import CLASS_COLORS, LEGEND_BELOW, MARGIN, SERIES_COLORS, vline
from lab.maths.threshold import LECTURE_WINDOW, AtThreshold

SMALL = 340


def training_figure(history: dict[str, list[float]], epochs: int) -> go.Figure:
    data = []
    for k, (key, name) in enumerate([(k, i18n.t(f"fig.imdb.{k}")) for k in
                                     ("accuracy", "val_accuracy", "loss", "val_loss")]):
        if history.get(key):
            data.append(go.Scatter(x=list(range(1, len(history[key]) + 1)), y=history[key],
                                   name=name, mode="lines+markers",
                                   yaxis="y" if "acc" in key else "y2",
                                   line=dict(color=SERIES_COLORS[k], dash="solid" if "acc" in key
                                             else "dot")))
    return go.Figure(data, dict(
        title=i18n.t("fig.imdb.training_title"), height=SMALL,
        margin=MARGIN, legend=LEGEND_BELOW, xaxis=dict(title=i18n.t("fig.imdb.epoch"), range=[0.5, epochs + 0.5]),
        yaxis=dict(title=i18n.t("fig.imdb.accuracy_axis")), yaxis2=dict(title=i18n.t("fig.imdb.loss_axis"), overlaying="y", side="right")))


def confusion_figure(m: AtThreshold) -> go.Figure:
    counts = np.array([[m.tn, m.fp], [m.fn, m.tp]])
    rows = counts.sum(1, keepdims=True)
    rates = np.divide(counts, rows, out=np.zeros_like(counts, dtype=float), where=rows > 0)
    text = [[i18n.t("fig.imdb.cell", count=c, share=r) for c, r in zip(cr, rr)]
            for cr, rr in zip(counts, rates)]
    return go.Figure(go.Heatmap(z=rates, x=[i18n.t("fig.imdb.pred_neg"), i18n.t("fig.imdb.pred_pos")],
                                y=[i18n.t("fig.imdb.actual_neg"), i18n.t("fig.imdb.actual_pos")], text=text,
                                texttemplate="%{text}", colorscale="Blues", zmin=0, zmax=1,
                                showscale=False, hoverinfo="skip"),
                     dict(title=i18n.t("fig.imdb.confusion_title", threshold=m.threshold), height=SMALL,
                          margin=MARGIN, yaxis=dict(autorange="reversed")))


def sweep_figure(t, mis, cost, current: float, best_all: float, best_window: float,
                 show_cost: bool) -> go.Figure:
    data = [go.Scatter(x=t, y=mis, name=i18n.t("fig.imdb.mis_rate"), mode="lines",
                       line=dict(color="#d62728", width=2))]
    idx = int(np.argmin(np.abs(t - best_all)))
    data.append(go.Scatter(x=[best_all], y=[mis[idx]], mode="markers", name=i18n.t("fig.imdb.lowest", t=best_all),
                           marker=dict(size=12, color="#d62728", symbol="star")))
    layout = dict(title=i18n.t("fig.imdb.sweep_title"),
                  height=SMALL, margin=MARGIN, legend=LEGEND_BELOW,
                  xaxis=dict(title=i18n.t("fig.imdb.threshold"), range=[0, 1]), yaxis=dict(title=i18n.t("fig.imdb.rate")),
                  shapes=[dict(type="rect", xref="x", yref="paper", x0=LECTURE_WINDOW[0],
                               x1=LECTURE_WINDOW[1], y0=0, y1=1, line_width=0,
                               fillcolor="rgba(44,160,44,0.10)"), vline(current, dash="dash")])
    if show_cost:
        data.append(go.Scatter(x=t, y=cost, name=i18n.t("fig.imdb.cost"), mode="lines", yaxis="y2",
                               line=dict(color=SERIES_COLORS[1], width=2)))
        layout["yaxis2"] = dict(title=i18n.t("fig.imdb.cost"), overlaying="y", side="right")
    return go.Figure(data, layout)


def roc_pr_figure(c: dict, m: AtThreshold) -> go.Figure:
    fpr = m.fp / max(m.fp + m.tn, 1)
    data = [go.Scatter(x=c["fpr"], y=c["tpr"], name=f"ROC (AUC {c['auc']:.3f})", mode="lines",
                       line=dict(color=SERIES_COLORS[0], width=2)),
            go.Scatter(x=c["recall"], y=c["precision"], name=i18n.t("fig.imdb.pr"), mode="lines",
                       line=dict(color=SERIES_COLORS[1], width=2), xaxis="x2", yaxis="y2"),
            go.Scatter(x=[fpr], y=[m.recall], mode="markers", name=i18n.t("fig.imdb.this_threshold"),
                       marker=dict(size=12, color="#d62728")),
            go.Scatter(x=[m.recall], y=[m.precision], mode="markers", showlegend=False,
                       marker=dict(size=12, color="#d62728"), xaxis="x2", yaxis="y2")]
    return go.Figure(data, dict(
        title=i18n.t("fig.imdb.roc_title"), height=SMALL, margin=MARGIN,
        legend=LEGEND_BELOW,
        xaxis=dict(domain=[0, 0.45], title=i18n.t("fig.imdb.fpr"), range=[0, 1]),
        yaxis=dict(title=i18n.t("fig.imdb.tpr"), range=[0, 1.02]),
        xaxis2=dict(domain=[0.55, 1], title=i18n.t("fig.imdb.recall"), range=[0, 1], anchor="y2"),
        yaxis2=dict(title=i18n.t("fig.imdb.precision"), range=[0, 1.02], anchor="x2")))


def histogram_figure(y: np.ndarray, p: np.ndarray, threshold: float) -> go.Figure:
    data = [go.Histogram(x=p[y == cls], name=i18n.t("fig.imdb.pos_reviews") if cls else i18n.t("fig.imdb.neg_reviews"),
                         xbins=dict(start=0, end=1, size=0.05), opacity=0.6,
                         marker_color=CLASS_COLORS[cls]) for cls in (0, 1)]
    return go.Figure(data, dict(title=i18n.t("fig.imdb.hist_title"), height=SMALL,
                                margin=MARGIN, legend=LEGEND_BELOW, barmode="overlay",
                                xaxis=dict(title="P(positive)", range=[0, 1]),
                                yaxis=dict(title=i18n.t("fig.imdb.reviews")), shapes=[vline(threshold, dash="dash")]))


def word_by_word_figure(words: list[str], probs: np.ndarray, known: list[bool],
                        threshold: float) -> go.Figure:
    x = list(range(1, len(words) + 1))
    labels = [w if k else f"{w} (unknown)" for w, k in zip(words, known)]
    data = [go.Scatter(x=x, y=probs, mode="lines+markers", text=labels,
                       marker=dict(size=8, color=["#1f77b4" if k else "#bbbbbb" for k in known]),
                       hovertemplate="after '%{text}': %{y:.3f}<extra></extra>",
                       line=dict(color="#d62728"))]
    return go.Figure(data, dict(
        title=i18n.t("fig.imdb.words_title"), height=SMALL,
        margin=MARGIN, showlegend=False,
        xaxis=dict(title=i18n.t("fig.imdb.word"), tickvals=x if len(x) <= 40 else None,
                   ticktext=words if len(x) <= 40 else None, tickangle=-45),
        yaxis=dict(range=[0, 1], title="P(positive)"),
        shapes=[dict(type="line", xref="paper", x0=0, x1=1, y0=threshold, y1=threshold,
                     line=dict(color="gray", dash="dot"))]))
