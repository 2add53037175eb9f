"""Figures for the gate inspector: every gate as a heat-map over time, one unit's memory, and
the long-range memory experiment."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from lab.core import i18n
from lab.figures import LEGEND_BELOW, MARGIN, SERIES_COLORS, hline
from lab.networks.cells import GateTrace



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
