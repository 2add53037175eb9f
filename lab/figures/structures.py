"""Figures for "Sequence structures": the unrolled network of each structure (what goes in and
comes out at each step), the next-character model's training curves, and generation step by
step (every step's probabilities)."""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from lab.core import i18n
from lab.networks import charseq as cs
from lab.networks.charseq import Step, Training
from lab.figures import LEGEND_BELOW, MARGIN, SERIES_COLORS

BOX_W, BOX_H = 0.7, 0.5  # in data units: a column is 1 wide, rows 1 apart
ROWS = {"x": 0.0, "h": 1.3, "y": 2.6}
COLORS = {"x": "#dbe9f6", "h": "#fde0c5", "y": "#d9f0d3", "context": "#e7d4f3"}
PROB_SCALE = [[0.0, "#ffffff"], [1.0, "#2ca02c"]]


@dataclass(frozen=True)
class Column:
    """One step of an unrolled network: its input and output (None: nothing there)."""
    x: str | None
    y: str | None
    fed_back: bool = False  # the input is the previous step's output (dashed arrow)
    part: str = ""  # "encoder" or "decoder" in seq2seq


# The lectures' examples (002: 일대일 ... 다대다; 004: "국민대학", seq2seq for translation).
EXAMPLES: dict[str, list[Column]] = {
    "one_to_one": [Column("(x1, x2)", "y")],
    "one_to_many": [Column("국", "민"), Column("민", "대", True), Column("대", "학", True)],
    "many_to_one": [Column("g", None), Column("o", None), Column("o", None),
                    Column("d", "P(+)")],
    "many_to_many": [Column("국", "민"), Column("민", "대"), Column("대", "학")],
    "seq2seq": [Column("I", None, part="encoder"), Column("am", None, part="encoder"),
                Column("happy", None, part="encoder"),
                Column("<s>", "나는", part="decoder"), Column("나는", "행복하다", True, "decoder"),
                Column("행복하다", "</s>", True, "decoder")],
}
STRUCTURES = tuple(EXAMPLES)


def _box(x: float, y: float, fill: str, dash: bool = False) -> dict:
    return dict(type="rect", x0=x - BOX_W / 2, x1=x + BOX_W / 2, y0=y - BOX_H / 2,
                y1=y + BOX_H / 2, fillcolor=fill, line=dict(color="#555", width=1.5,
                                                             dash="dot" if dash else "solid"))


def _arrow(x0: float, y0: float, x1: float, y1: float, dash: bool = False) -> dict:
    return dict(x=x1, y=y1, ax=x0, ay=y0, xref="x", yref="y", axref="x", ayref="y", text="",
                showarrow=True, arrowhead=2, arrowsize=1.2, arrowwidth=1.5,
                arrowcolor="#d62728" if dash else "#444")


def structure_figure(columns: list[Column], title: str) -> go.Figure:
    """The network unrolled over ``columns``: inputs below, the recurrent cell (h_t) in the
    middle passing its state to the right, outputs above; a fed-back input is red."""
    shapes, notes = [], []
    n = len(columns)
    for i, c in enumerate(columns):
        shapes.append(_box(i, ROWS["h"], COLORS["h"]))
        notes.append(dict(x=i, y=ROWS["h"], text=f"h<sub>{i + 1}</sub>", showarrow=False))
        if c.x is not None:
            shapes.append(_box(i, ROWS["x"], COLORS["x"], dash=c.fed_back))
            notes.append(dict(x=i, y=ROWS["x"], text=html.escape(c.x), showarrow=False))
            notes.append(_arrow(i, ROWS["x"] + BOX_H / 2, i, ROWS["h"] - BOX_H / 2))
        if c.y is not None:
            shapes.append(_box(i, ROWS["y"], COLORS["y"]))
            notes.append(dict(x=i, y=ROWS["y"], text=html.escape(c.y), showarrow=False))
            notes.append(_arrow(i, ROWS["h"] + BOX_H / 2, i, ROWS["y"] - BOX_H / 2))
        if i + 1 < n:
            notes.append(_arrow(i + BOX_W / 2, ROWS["h"], i + 1 - BOX_W / 2, ROWS["h"]))
            if columns[i + 1].fed_back:  # this output becomes the next input
                notes.append(_arrow(i + BOX_W / 2, ROWS["y"] - 0.1, i + 1 - BOX_W / 2,
                                    ROWS["x"] + 0.1, dash=True))
    parts = [c.part for c in columns]
    if "encoder" in parts and "decoder" in parts:
        split = parts.index("decoder") - 0.5
        shapes.append(dict(type="line", x0=split, x1=split, y0=-0.5, y1=3.2,
                           line=dict(color="#9467bd", dash="dash")))
        notes += [dict(x=(split - 0.5) / 2, y=3.3, text=i18n.t("fig.structures.encoder"),
                       showarrow=False, font=dict(color="#9467bd")),
                  dict(x=(split + 0.5 + n - 1) / 2, y=3.3, text=i18n.t("fig.structures.decoder"),
                       showarrow=False, font=dict(color="#9467bd")),
                  dict(x=split, y=ROWS["h"] + 0.45, text=i18n.t("fig.structures.context"),
                       showarrow=False, font=dict(color="#9467bd"))]
    for row, key in (("x", "input"), ("h", "state"), ("y", "output")):
        notes.append(dict(x=-0.55, y=ROWS[row], text=i18n.t(f"fig.structures.{key}"),
                          showarrow=False, xanchor="right", font=dict(color="#666")))
    axis = dict(visible=False, fixedrange=True)
    return go.Figure(layout=dict(
        title=title, shapes=shapes, annotations=notes, height=330, margin=dict(MARGIN, l=90),
        xaxis=dict(axis, range=[-1.6, max(n, 2) - 0.4]), yaxis=dict(axis, range=[-0.6, 3.6]),
        plot_bgcolor="white", showlegend=False))


def training_figure(runs: dict[str, Training], what: str) -> go.Figure:
    """``what`` ("loss" or "generated", the next-character accuracy fed its own outputs) for
    each training mode, epoch by epoch."""
    data = [go.Scatter(y=getattr(r, what), mode="lines", name=i18n.t(f"structures.mode.{m}"),
                       line=dict(color=SERIES_COLORS[i], width=2))
            for i, (m, r) in enumerate(runs.items())]
    yaxis = (dict(title=i18n.t("fig.structures.loss"), type="log") if what == "loss" else
             dict(title=i18n.t("fig.structures.accuracy"), range=[0, 1.05], tickformat=".0%"))
    return go.Figure(data, dict(title=i18n.t(f"fig.structures.{what}_title"), height=340,
                                margin=dict(MARGIN, b=90), legend=dict(LEGEND_BELOW, y=-0.3),
                                yaxis=yaxis,
                                xaxis=dict(title=i18n.t("fig.structures.epoch"))))


def generation_figure(steps: list[Step], vocab: list[str]) -> go.Figure:
    """Every step's probability of each next character; the chosen one is outlined (red when
    it was forced in)."""
    z = np.array([[s.probabilities[c] for s in steps] for c in vocab])
    cols = [f"{i}: {s.fed} →" for i, s in enumerate(steps, start=1)]
    marks = [dict(type="rect", x0=i - 0.5, x1=i + 0.5, y0=vocab.index(s.chosen) - 0.5,
                  y1=vocab.index(s.chosen) + 0.5, xref="x", yref="y",
                  line=dict(color="#d62728" if s.forced else "black", width=3))
             for i, s in enumerate(steps)]
    return go.Figure(go.Heatmap(z=z, x=list(range(len(steps))), y=list(range(len(vocab))),
                                colorscale=PROB_SCALE, zmin=0, zmax=1, xgap=1, ygap=1,
                                texttemplate="%{z:.2f}", colorbar=dict(title="p")),
                     dict(title=i18n.t("fig.structures.generation_title"), shapes=marks,
                          height=max(300, 26 * len(vocab) + 140), margin=MARGIN,
                          xaxis=dict(title=i18n.t("fig.structures.step"), tickvals=list(
                              range(len(steps))), ticktext=cols),
                          yaxis=dict(title=i18n.t("fig.structures.next_char"),
                                     tickvals=list(range(len(vocab))), ticktext=vocab,
                                     autorange="reversed")))


# --- The page's views ---------------------------------------------------------------------------
def first_full(values: list[float]) -> int | None:
    """The first epoch (1-based) at 100%."""
    return next((i + 1 for i, v in enumerate(values) if v >= 1.0), None)


def summary_table(runs: dict[str, Training]) -> pd.DataFrame:
    """A row per way of training: epochs, final loss, accuracy as trained and generating, and
    the first epoch at which generating was right on every character ("-" for never)."""
    nan = float("nan")
    return pd.DataFrame([{
        "mode": i18n.t(f"structures.mode.{m}"), "epochs": len(r.loss),
        "final_loss": r.loss[-1] if r.loss else nan,
        "accuracy_as_trained": r.accuracy[-1] if r.accuracy else nan,
        "accuracy_generating": r.generated[-1] if r.generated else nan,
        "first_epoch_at_100": str(first_full(r.generated) or "-")} for m, r in runs.items()])


def training_csv(runs: dict[str, Training]) -> str:
    """Loss, accuracy as trained and generating of both ways, a row per epoch."""
    return pd.DataFrame({f"{m}_{k}": getattr(r, k) for m, r in runs.items()
                         for k in ("loss", "accuracy", "generated")}).to_csv(index_label="epoch")


@dataclass
class Generated:
    """A word generated from its first character: every step, the word made, how many of
    its characters are wrong, and the steps as a table."""

    steps: list[Step]
    made: str
    wrong: int
    table: pd.DataFrame


def generated(net: cs.CharNet, word: str, force_at: int, force_char: str) -> Generated:
    """``net`` generating ``word``'s length from its first character, with ``force_char``
    forced in at step ``force_at`` (none at 0)."""
    steps = cs.generate(net, word[0], len(word), {force_at: force_char} if force_at else None)
    made = word[0] + "".join(s.chosen for s in steps)
    rows = pd.DataFrame([{"step": i, "fed": s.fed, "chosen": s.chosen + (" *" if s.forced else ""),
                          "should_be": word[i] if i < len(word) else "",
                          "top_3": ", ".join(f"{c} {p:.2f}" for c, p in sorted(
                              s.probabilities.items(), key=lambda kv: -kv[1])[:3])}
                         for i, s in enumerate(steps, start=1)])
    return Generated(steps, made, sum(a != b for a, b in zip(made, word)), rows)
