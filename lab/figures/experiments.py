"""Figures for "IMDB experiments": the models' validation curves overlaid with the lectures'
printed results, and the histogram of review lengths with the maxlen marked; and the page's
views: an experiment's plan (``Plan``: fits, sentences, table, costs), lecture 001's NumPy
network (``numpy_run``) and what a run shows (``results_view``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from lab.core import i18n
from lab.data import glove, imdb
from lab.figures import LEGEND_BELOW, MARGIN, SERIES_COLORS, vline
from lab.models import experiments as ex, lecture_sweep, numpy_imdb
from lab.training import budget

LECTURE_REVIEWS = 20_000  # the lectures train on 20,000 reviews (5,000 held out)
NUMPY_EXPERIMENT = "lecture_001"  # the experiment shown beside lecture 001's NumPy network


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


# --- The page's views ---------------------------------------------------------------------------
@dataclass
class Plan:
    """An experiment as the page runs it on ``data`` (read from ``source``) with at most
    ``epochs`` epochs: the experiment's fit and each model's (a model the lecture compiles its
    own way keeps its own), capped; ``words``: the ids the reviews use, the vocabulary of a
    model that caps none."""

    source: str
    data: imdb.Dataset
    experiment: ex.Experiment
    epochs: int
    fit: ex.Fit
    fits: dict[str, ex.Fit]  # by net id
    words: int

    @property
    def asked(self) -> tuple:
        """What a press of Run trains: the experiment, its fit and the reviews."""
        return self.experiment.id, self.fit, self.source

    def name(self, net: ex.Net) -> str:
        return i18n.t(f"experiments.net.{net.id}")

    def captions(self) -> list[str]:
        """The fit the lecture uses, capped, then each model's own fit."""
        fit, e = self.fit, self.experiment
        lines = [i18n.t("experiments.fit" if e.fit.stops_early else "experiments.fit_no_stop",
                        lecture=e.lecture, optimizer=fit.optimizer,
                        lr=fit.lr, batch=fit.batch_size, epochs=fit.epochs,
                        lecture_epochs=e.fit.epochs, patience=fit.patience,
                        data=e.lecture_data,
                        monitor=i18n.t(f"experiments.monitor.{fit.monitor}"))]
        return lines + [i18n.t("experiments.own_fit", model=self.name(n), optimizer=n.fit.optimizer,
                               lr=n.fit.lr, batch=n.fit.batch_size,
                               epochs=self.fits[n.id].epochs, lecture_epochs=n.fit.epochs)
                        for n in e.nets if n.fit is not None] + self.raw_text_lines()

    def raw_text_lines(self) -> list[str]:
        """Lecture 002's tokenizer and vectors: what was found beside what the lecture printed."""
        raw = next((n for n in self.experiment.nets if n.raw_text), None)
        if raw is None or self.data.word_index is None:
            return []
        lines = [i18n.t("raw_text.tokens", found=len(ex.raw_text(self.data, raw).index),
                        lecture=glove.LECTURE_TOKENS)]
        for n in self.experiment.nets:
            if n.glove and (found := ex.vectors(self.data, n)) is not None:
                lines.append(i18n.t("raw_text.vectors", found=found.total,
                                    lecture=glove.LECTURE_VECTORS, words=len(found.vectors),
                                    num_words=n.num_words))
        return lines

    def missing(self) -> str | None:
        """Why a model of the experiment cannot train here (and how to make it train)."""
        if any(n.raw_text for n in self.experiment.nets) and self.data.word_index is None:
            return i18n.t("raw_text.no_index")
        if any(n.glove for n in self.experiment.nets) and ex.glove_file() is None:
            return i18n.t("raw_text.no_glove", url=glove.URL, file=glove.FILE)
        return None

    @property
    def nets(self) -> list[ex.Net]:
        """The experiment's models that can train on these reviews (``ex.runnable``)."""
        return [n for n in self.experiment.nets if ex.runnable(n, self.data)]

    def table(self) -> pd.DataFrame:
        """Each model's shapes, parameters (beside the lecture's) and the memory its input
        takes for the lectures' reviews."""
        rows = []
        for n in self.experiment.nets:
            words = ex.vocabulary(n, self.words)
            rows.append({"model": self.name(n), "shapes": " → ".join(
                f"{name} {shape}" for name, shape in ex.shapes(n, words)),
                "parameters": ex.param_count(n, words), "lecture_parameters": n.lecture_params,
                "input_memory_mb": ex.input_bytes(n, words, LECTURE_REVIEWS) / 1e6}
                | ({"trainable_parameters": ex.trainable_count(n, words)}
                   if any(m.glove for m in self.experiment.nets) else {}))
        return pd.DataFrame(rows).astype({"lecture_parameters": "Int64"})  # blanks are <NA>

    def cost(self, net: ex.Net) -> float:
        """What training ``net`` costs (``lab.training.budget``)."""
        return budget.stacked(((layer.kind, layer.units) for layer in net.layers),
                              len(self.data.x_train), net.maxlen,
                              net.embedding or ex.vocabulary(net, self.words),
                              self.fits[net.id].epochs)

    def is_new(self, net: ex.Net) -> bool:
        """Neither trained nor training (asking for it would start a training)."""
        _, _, _, fingerprint = ex.prepare(self.data, net)
        asked_key = ex.key(self.source, fingerprint, net, self.fits[net.id])
        return ex.STORE.get(asked_key) is None and ex.STORE.job(asked_key) is None

    def new_cost(self) -> float:
        """What pressing Run starts: the models neither trained nor training."""
        return sum(self.cost(net) for net in self.nets if self.is_new(net))

    def request(self, net: ex.Net, restart: bool = False):
        """``net`` trained (``ex.Result``) or the shared job training it."""
        return ex.request(self.source, self.data, net, self.fits[net.id], restart=restart)


def plan(source: str, data: imdb.Dataset, experiment_id: str, epochs: int) -> Plan:
    e = ex.EXPERIMENTS[experiment_id]
    words = max(max((max(s) for s in data.x_train if s), default=2) + 1, 3)
    return Plan(source, data, e, epochs, ex.capped(e, epochs),
                {n.id: ex.capped(e, epochs, n) for n in e.nets}, words)


@dataclass(frozen=True)
class NumpyRun:
    """Lecture 001's NumPy RecurrentNetwork for a plan: the epochs it trains, its cost."""

    plan: Plan
    epochs: int
    cost: float

    @property
    def asked(self) -> tuple:
        return self.plan.source, self.plan.epochs

    def request(self, restart: bool = False):
        return numpy_imdb.request(self.plan.source, self.plan.data, self.plan.epochs,
                                  restart=restart)


def numpy_run(p: Plan) -> NumpyRun | None:
    """The NumPy network shown beside ``p``'s experiment, or None if it has none."""
    if p.experiment.id != NUMPY_EXPERIMENT:
        return None
    s = numpy_imdb.setup(p.epochs)
    n_train = len(p.data.x_train) - int(len(p.data.x_train) * ex.VALIDATION)
    return NumpyRun(p, s.epochs, budget.stacked([("SimpleRNN", s.n_cells)], n_train, s.maxlen,
                                                s.num_words, s.epochs))


@dataclass
class ResultsView:
    """What a run shows: the curves, the results table (also its CSV), whether a model
    diverged, why the numbers differ from the lectures', and lecture 002's threshold sweep
    (rows for ``lab.lessons.errata.printed_table``) on the best model."""

    curves: go.Figure
    table: pd.DataFrame
    diverged: bool
    why_differ: str
    sweep_note: str
    sweep: list[tuple]


def results_view(p: Plan, results: dict[str, ex.Result]) -> ResultsView:
    """``results`` (by net id, at least one) of plan ``p``."""
    e, names = p.experiment, {n.id: p.name(n) for n in p.experiment.nets}
    best = ex.best_result(p.fits, results)
    y = p.data.y_test
    return ResultsView(
        curves_figure({names[i]: r.history for i, r in results.items()},
                      {names[n.id]: n.lecture_accuracy for n in e.nets}),
        ex.results_table(e, p.fits, results, y), any(r.diverged for r in results.values()),
        i18n.t("experiments.why_differ", train=int(len(p.data.x_train) * (1 - ex.VALIDATION)),
               words=p.words, epochs=p.fit.epochs, lecture_epochs=e.fit.epochs,
               data=e.lecture_data),
        i18n.t("printed.sweep_note", model=names[best], reviews=len(y)),
        lecture_sweep.sweep(y, results[best].p_test).rows())
