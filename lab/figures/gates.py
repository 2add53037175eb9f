"""Figures for the gate inspector: every gate as a heat-map over time, one unit's memory, and
the long-range memory experiment."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from lab.core import i18n
from lab.core.cache import digest
from lab.core.errors import InvalidInput
from lab.data import sequences as sq
from lab.figures import LEGEND_BELOW, MARGIN, SERIES_COLORS, hline
from lab.maths import kinds
from lab.networks import cells
from lab.networks.cells import GateTrace

TOY_UNITS = 4  # units of the untrained cell that reads typed numbers


def gate_name(gate: str) -> str:
    """What each gate is for, in the lectures' words (``fig.gates.gate.<g>`` in lab/locales)."""
    return i18n.t(f"fig.gates.gate.{gate}")


SIGMOID_GATES = {"i", "f", "o", "z", "r"}  # in [0, 1]; the others are in [-1, 1] (c unbounded)
ROW_HEIGHT = 150  # pixels per heat-map


def gate_heatmaps(trace: GateTrace, step_labels: list[str], sample: int = 0,
                  mark: tuple[int, int] | None = None) -> go.Figure:
    """One heat-map per gate/state, time across and units down, stacked; ``mark`` = (t, unit)."""
    names = list(trace.values)
    n_rows = len(names)
    T = trace.h.shape[1]
    cols = [f"{t}:{s}" for t, s in zip(range(1, T + 1), step_labels)]
    data, layout = [], dict(height=ROW_HEIGHT * n_rows + 80, margin=MARGIN, showlegend=False)
    gap = 0.04
    size = (1 - gap * (n_rows - 1)) / n_rows
    shapes = []
    for k, name in enumerate(names):
        z = trace.values[name][sample].T  # (units, T)
        bounded = name in SIGMOID_GATES
        c_lim = max(1.0, float(np.abs(z).max())) if name == "c" else 1.0
        axis = "" if k == 0 else str(k + 1)
        top = 1 - k * (size + gap)
        data.append(go.Heatmap(
            z=z, x=cols, y=[f"{name}[{j}]" for j in range(z.shape[0])],
            zmin=0 if bounded else -c_lim, zmax=1 if bounded else c_lim,
            colorscale="Viridis" if bounded else "RdBu_r", xaxis=f"x{axis}", yaxis=f"y{axis}",
            colorbar=dict(len=size, y=top - size / 2, thickness=12, x=1.01),
            hovertemplate=f"{name}" + "<sub>t=%{x}</sub> = %{z:.3f}<extra></extra>"))
        layout[f"yaxis{axis}"] = dict(domain=[max(0.0, top - size), min(1.0, top)],
                                      autorange="reversed",
                                      title=dict(text=name, font=dict(size=14)))
        layout[f"xaxis{axis}"] = dict(anchor=f"y{axis}", showticklabels=k == n_rows - 1,
                                      matches="x" if k else None)
        if mark is not None:
            t, unit = mark
            shapes.append(dict(type="rect", xref=f"x{axis}", yref=f"y{axis}",
                               x0=t - 1.5, x1=t - 0.5, y0=unit - 0.5, y1=unit + 0.5,
                               line=dict(color="#d62728", width=2)))
    layout["shapes"] = shapes
    layout["title"] = i18n.t("fig.gates.heat_title")
    return go.Figure(data, layout)


def memory_lane_figure(trace: GateTrace, unit: int, step_labels: list[str],
                       sample: int = 0) -> go.Figure:
    """One unit over time: its memory (c for LSTM, h otherwise) and its keep-gate (f or z)."""
    T = trace.h.shape[1]
    t = np.arange(1, T + 1)
    memory = "c" if "c" in trace.values else "h"
    keep = "f" if "f" in trace.values else ("z" if "z" in trace.values else None)
    data = [go.Scatter(x=t, y=trace.values[memory][sample, :, unit], mode="lines+markers",
                       name=gate_name(memory), line=dict(color="#d62728", width=3),
                       text=step_labels, hovertemplate="t=%{x} (%{text}): %{y:.3f}<extra></extra>")]
    if keep:
        data.append(go.Scatter(x=t, y=trace.values[keep][sample, :, unit], mode="lines",
                               name=gate_name(keep), line=dict(color=SERIES_COLORS[0], dash="dash")))
    if "i" in trace.values:
        data.append(go.Scatter(x=t, y=trace.values["i"][sample, :, unit], mode="lines",
                               name=gate_name("i"), line=dict(color=SERIES_COLORS[1], dash="dot")))
    return go.Figure(data, dict(title=i18n.t("fig.gates.unit_title", unit=unit), height=360, margin=MARGIN,
                                legend=LEGEND_BELOW, xaxis=dict(title=i18n.t("fig.gates.time_step")),
                                yaxis=dict(title=i18n.t("fig.gates.value"))))


def memory_experiment_figure(lengths: list[int], results: dict[str, list[float]]) -> go.Figure:
    data = [go.Scatter(x=lengths, y=acc, mode="lines+markers", name=kind,
                       line=dict(color=SERIES_COLORS[k], width=3), marker=dict(size=9))
            for k, (kind, acc) in enumerate(results.items())]
    return go.Figure(data, dict(
        title=i18n.t("fig.gates.memory_title"), height=400, margin=MARGIN,
        legend=LEGEND_BELOW, shapes=[hline(0.5)], xaxis=dict(title=i18n.t("fig.gates.length")),
        yaxis=dict(title=i18n.t("fig.gates.accuracy"), range=[0.4, 1.02])))


# --- The page's views ---------------------------------------------------------------------------
@dataclass
class Inspected:
    """An input for the inspector and the cell that reads it: ``x`` (1, T, d), a label per
    step and the trained model's output layer (``head``, None for the untrained cell)."""

    x: np.ndarray
    cell: cells.Cell
    labels: list[str]
    head: tuple | None = None


@dataclass(frozen=True)
class InspectorView:
    """What the inspector shows of an input at one step and unit: the model's output (None for
    the untrained cell), the gates' heat-maps with the step and unit marked, the unit's memory
    lane, its equations with the numbers, and every value as CSV. Never changed once built, so
    one view serves every session showing it."""

    output: float | None
    heatmaps: go.Figure
    lane: go.Figure
    equations: str
    csv: bytes


def inspector_view(found: Inspected, f_shift: float, i_shift: float, step: int,
                   unit: int) -> InspectorView:
    """The cell run over ``found`` with the bias shifts, seen at ``step`` (1-based) and ``unit``."""
    x, cell, labels = found.x, found.cell, found.labels
    trace = cells.run(cell, x, forget_bias_shift=f_shift, input_bias_shift=i_shift)
    output = None if found.head is None else cells.dense_sigmoid(trace, *found.head)
    return InspectorView(output, gate_heatmaps(trace, labels, mark=(step, unit)),
                         memory_lane_figure(trace, unit, labels),
                         "\n".join(cells.equations_at(cell, trace, x, step, unit)),
                         values_csv(trace, labels).encode())


def view_key(found: Inspected) -> str:
    """A name for everything ``found`` holds (input, labels, the cell's and head's weights):
    equal inputs read by equal cells share it."""
    c = found.cell
    shapes = str([a.shape for a in (found.x, c.kernel, c.recurrent_kernel)])
    return digest(c.kind, c.activation, shapes, "\0".join(found.labels), found.x, c.kernel,
                  c.recurrent_kernel, c.bias, *(found.head or ()))


def toy_values(text: str) -> tuple[np.ndarray, int]:
    """(the last ``sq.MAX_STEPS`` typed numbers, how many were typed). Raises ValueError for
    text that is not numbers."""
    values = sq.parse_numbers(text)
    return values[-sq.MAX_STEPS:], len(values)


def toy_input(values: np.ndarray, kind: str, seed: int) -> Inspected:
    """Numbers read by an untrained ``kind`` cell of ``TOY_UNITS`` units (Keras's
    initialisation with ``seed``)."""
    return Inspected(values.reshape(1, -1, 1), toy_cell(kind, seed), [f"{v:g}" for v in values])


@lru_cache(maxsize=64)
def toy_cell(kind: str, seed: int) -> cells.Cell:
    """The untrained cell, made once for each kind and seed (shared: never changed)."""
    return cells.init_cell(kind, 1, TOY_UNITS, seed=seed)


def sentence_input(sentence: str, model: tuple) -> Inspected:
    """A sentence's last ``sq.MAX_STEPS`` characters, one-hot, for the character model
    ``model`` = (cell, w_out, b_out, vocabulary). Raises ValueError for a character the
    model does not know, or for no characters at all."""
    cell, w_out, b_out, vocab = model
    text = sentence.lower()[-sq.MAX_STEPS:]
    if not text:
        raise InvalidInput("gates.empty_sentence")
    idx = sq.pad([sq.encode(text, vocab)], max(len(text), 7))
    return Inspected(sq.one_hot(idx, len(vocab)), cell, [vocab[i] for i in idx[0]],
                     (w_out, b_out))


def values_csv(trace: GateTrace, labels: list[str]) -> str:
    """Every gate's value of every unit at every step, a row per step."""
    steps = len(labels)
    table = pd.DataFrame({"t": np.arange(1, steps + 1), "input": labels} | {
        f"{g}[{j}]": trace.values[g][0, :, j] for g in trace.values
        for j in range(trace.values[g].shape[2])})
    return table.to_csv(index=False)


def accuracy_table(lengths, accuracy: dict) -> pd.DataFrame:
    """The memory experiment's test accuracy, a row per sequence length, a column per kind."""
    return pd.DataFrame(accuracy, index=[f"L = {v}" for v in lengths])


def params_table(d: int, n: int) -> pd.DataFrame:
    """Each kind's parameter count with d inputs and n units, beside its formula."""
    return pd.DataFrame({
        "layer": ["SimpleRNN", "LSTM", "GRU (reset_after, Keras 3)"],
        "formula": ["n(d + n + 1)", "4n(d + n + 1)", "3n(d + n + 2)"],
        "parameters": [kinds.param_count(k, d, n) for k in kinds.KINDS],
    })


@lru_cache(maxsize=64)
def params_view(d: int, n: int, lang: str) -> tuple[pd.DataFrame, bytes]:
    """:func:`params_table` as the page shows it (worded headers in ``lang``) and as CSV, made
    once for each d, n and language (shared: never changed)."""
    counts = params_table(d, n)
    return i18n.headers(counts, "gates.col", lang), counts.to_csv(index=False).encode()
