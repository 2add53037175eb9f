"""Figures for the IMDB page: training curves, confusion matrix, threshold sweep, ROC and
precision-recall, probability histograms, and a review read word by word; and its views: the
reviews the controls name (``load_args``), the tokenizer's rules (``tokenizer_view``), the
classifier a page trains or reads (``Classifier``, also the text page's), the threshold section
(``threshold_view``) and a typed review (``review_view``)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from lab.core import i18n
from lab.data import imdb
from lab.figures import CLASS_COLORS, LEGEND_BELOW, MARGIN, SERIES_COLORS, vline
from lab.figures.experiments import LECTURE_REVIEWS
from lab.maths import threshold as th
from lab.maths.threshold import LECTURE_WINDOW, AtThreshold
from lab.models import imdb_model
from lab.training import budget

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


@dataclass
class ThresholdView:
    """What the threshold section shows at one threshold: the five metrics as (label, value),
    whether no review is predicted positive, the best thresholds as a sentence, the confusion /
    sweep / ROC-PR / histogram figures and the sweep's CSV."""

    metrics: list[tuple[str, str]]
    none_positive: bool
    best: str
    figures: list[go.Figure]
    csv: str


def threshold_view(y: np.ndarray, p: np.ndarray, thr: float, cost_fp: float,
                   cost_fn: float) -> ThresholdView:
    """The threshold section for test labels ``y`` and probabilities ``p`` at ``thr``, the
    best thresholds being overall, in the lecture's window and the cheapest."""
    m = th.at_threshold(y, p, thr)
    ts, mis, cost = th.sweep(y, p, cost_fp=cost_fp, cost_fn=cost_fn)
    best_all, best_window = th.best(ts, mis), th.best(ts, mis, th.LECTURE_WINDOW)
    figures = [confusion_figure(m),
               sweep_figure(ts, mis, cost, thr, best_all, best_window,
                            show_cost=(cost_fp, cost_fn) != (1.0, 1.0)),
               roc_pr_figure(th.curves(y, p), m), histogram_figure(y, p, thr)]
    table = pd.DataFrame({"threshold": ts, "misclassification": mis, "cost": cost})
    metrics = [(i18n.t("imdb.accuracy"), f"{m.accuracy:.3f}"),
               (i18n.t("imdb.precision"), f"{m.precision:.3f}"),
               (i18n.t("imdb.recall"), f"{m.recall:.3f}"), ("F1", f"{m.f1:.3f}"),
               (i18n.t("imdb.misclassified"), i18n.t("imdb.of", n=m.fp + m.fn, total=len(y)))]
    best = i18n.t("imdb.best", all=best_all, window=best_window, cheapest=th.best(ts, cost))
    return ThresholdView(metrics, m.tp + m.fp == 0, best, figures, table.to_csv(index=False))


def load_args(source: str, preset: str, csv: bytes | None, folder: str,
              folders_allowed: bool) -> tuple:
    """The arguments of ``imdb.load`` (then ``imdb.padded``'s maxlen) for the reviews the
    page's controls name; ``imdb.DataUnavailable`` if they name none yet."""
    if source == "folder" and not folders_allowed:
        raise imdb.DataUnavailable("imdb.err.folders_off")
    if source == "csv" and csv is None:
        raise imdb.DataUnavailable("imdb.choose_csv")
    return source, *imdb.PRESETS[preset], csv, folder, preset in imdb.DROP_OOV_PRESETS


@dataclass
class TokenizerView:
    """How a preset turns words into ids: its rules, the first test review's ids as a table,
    then the review padded and the size of its one-hot input."""

    rules: list[str]
    ids: pd.DataFrame
    shapes: list[str]


def tokenizer_view(data: imdb.Dataset, preset: str, padded_first: np.ndarray) -> TokenizerView:
    """``padded_first``: the first test review as the model reads it."""
    num_words, skip_top, maxlen = imdb.PRESETS[preset]
    first_rank, last_rank = imdb.kept_ranks(num_words, skip_top)
    skip = (i18n.t("imdb.ids_skip", skip_top=skip_top, skipped=first_rank - 1)
            if skip_top else "")
    rules = [i18n.t("imdb.ids_rule", num_words=num_words, maxlen=maxlen, last=last_rank,
                    skip=skip)]
    if preset in imdb.DROP_OOV_PRESETS:
        rules.append(i18n.t("imdb.oov_dropped"))
    return TokenizerView(rules, ids_table(data), [
        i18n.t("imdb.padded", ids=padded_first.tolist()),
        i18n.t("imdb.one_hot", maxlen=maxlen, num_words=num_words,
               size=imdb.one_hot_bytes(LECTURE_REVIEWS, maxlen, num_words))])


@dataclass
class Classifier:
    """The IMDB classifier of ``key`` and what training it needs; ``found``: what the store
    has of it (the trained model, the job training it, or None)."""

    key: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    num_words: int
    settings: imdb_model.ModelSettings
    found: object = None

    @property
    def name(self) -> str:
        return f"{self.settings.kind}({self.settings.units})"

    @property
    def cost(self) -> float:
        """What training it costs (``lab.training.budget``)."""
        s = self.settings
        return budget.imdb(*self.x_train.shape, s.embedding, s.kind, s.units, s.epochs)

    @property
    def on_request(self) -> bool:
        """A new model other than the default trains only when asked (its button)."""
        return self.settings != imdb_model.DEFAULT_SETTINGS

    def request(self, restart: bool = False):
        """The trained model, or the shared job training it (started if none is)."""
        return imdb_model.request(self.key, self.x_train, self.y_train, self.x_test,
                                  self.num_words, self.settings, restart=restart)


def classifier(key: str, x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray,
               num_words: int, settings: imdb_model.ModelSettings) -> Classifier:
    """The classifier of ``key``, found in memory or on disk or training, if it is."""
    found = imdb_model.STORE.get(key)
    found = imdb_model.STORE.job(key) if found is None else found
    return Classifier(key, x_train, y_train, x_test, num_words, settings, found)


def default_classifier(d: imdb_model.DefaultInputs) -> Classifier:
    """The default model (``imdb_model.default_inputs``), as the text page reads it."""
    return classifier(d.key, d.x_train, d.data.y_train, d.x_test, d.num_words, d.settings)


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
