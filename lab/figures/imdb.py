"""Figures for the IMDB page: training curves, confusion matrix, threshold sweep, ROC and
precision-recall, probability histograms, and a review read word by word."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from lab.core import i18n
from lab.data import imdb
from lab.figures import CLASS_COLORS, LEGEND_BELOW, MARGIN, SERIES_COLORS, vline
from lab.maths import threshold as th
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


def threshold_view(y: np.ndarray, p: np.ndarray, thr: float, cost_fp: float, cost_fn: float):
    """What the threshold section shows of test labels ``y`` and probabilities ``p``: (the
    metrics at ``thr``, the best thresholds (overall, in the lecture's window, cheapest), the
    confusion / sweep / ROC-PR / histogram figures, the sweep's CSV)."""
    m = th.at_threshold(y, p, thr)
    ts, mis, cost = th.sweep(y, p, cost_fp=cost_fp, cost_fn=cost_fn)
    best_all, best_window = th.best(ts, mis), th.best(ts, mis, th.LECTURE_WINDOW)
    figures = [confusion_figure(m),
               sweep_figure(ts, mis, cost, thr, best_all, best_window,
                            show_cost=(cost_fp, cost_fn) != (1.0, 1.0)),
               roc_pr_figure(th.curves(y, p), m), histogram_figure(y, p, thr)]
    table = pd.DataFrame({"threshold": ts, "misclassification": mis, "cost": cost})
    return m, (best_all, best_window, th.best(ts, cost)), figures, table.to_csv(index=False)


def ids_table(data: imdb.Dataset, n: int = 30) -> pd.DataFrame:
    """The first test review's first ``n`` ids with their words, as two rows."""
    inv = imdb.inverse_index(data.word_index) if data.word_index else {}
    first = data.x_test[0][:n]
    return pd.DataFrame({i18n.t("imdb.word"): [inv.get(i, "?") for i in first],
                         "id": [str(i) for i in first]}).T


@dataclass
class ReviewView:
    """What the page shows of one typed review: notes as (kind, sentence), kind "warning" or
    "info", then the verdict and the word-by-word figure (None when nothing could be read)."""

    notes: list[tuple[str, str]] = field(default_factory=list)
    verdict: str = ""
    figure: go.Figure | None = None


def review_view(model, review: str, data: imdb.Dataset, num_words: int, skip_top: int,
                maxlen: int, thr: float) -> ReviewView:
    """``model`` (an ``imdb_model.Trained``) reading ``review`` word by word, the last
    ``maxlen - 1`` words as the model sees them, and its verdict at threshold ``thr``."""
    if data.word_index is None:
        return ReviewView([("warning", i18n.t("imdb.no_word_index"))])
    words, ids, known = imdb.encode(review, data.word_index, num_words, skip_top)
    if not words:
        return ReviewView([("warning", i18n.t("imdb.empty_review"))])
    view = ReviewView()
    ids = ids[-maxlen:] if len(ids) > maxlen else ids
    probs = model.word_by_word(ids)
    if not any(known):
        view.notes.append(("warning", i18n.t("imdb.all_unknown")))
    if len(words) > len(ids) - 1:
        view.notes.append(("info", i18n.t("imdb.last_words", n=maxlen - 1, maxlen=maxlen)))
    verdict = i18n.t("imdb.positive") if probs[-1] >= thr else i18n.t("imdb.negative")
    unknown = ", ".join(f"`{w}`" for w, k in zip(words, known) if not k)
    view.verdict = i18n.t("imdb.verdict", p=probs[-1], verdict=verdict, thr=thr,
                          unknown=unknown or i18n.t("imdb.none"))
    shown = len(ids) - 1
    view.figure = word_by_word_figure(words[-shown:], probs[1:], known[-shown:], thr)
    return view
