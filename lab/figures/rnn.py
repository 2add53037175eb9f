"""Figures for the unrolled-RNN page: the network over time, gradient flow, training curves."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from lab.core import i18n
from lab.data import sequences as sq
from lab.figures import (FIG_HEIGHT, LEGEND_BELOW, MARGIN, SERIES_COLORS, checks_for,
                         template_arg, vline)
from lab.figures.xor import decades
from lab.networks.rnn import RNN, Flow, Trace
from lab.models.rnn_demos import SineDemo, WordsDemo

MAX_UNITS_SHOWN = 16  # hidden units drawn in the unrolled view; more would be unreadable
STATE_SCALE = "RdBu_r"  # -1 blue, 0 white, +1 red: the range of tanh


def unrolled_figure(net: RNN, trace: Trace, upto: int, sample: int = 0,
                    step_labels: list[str] | None = None,
                    feature_labels: list[str] | None = None) -> go.Figure:
    """Time steps side by side: the inputs x_t on top, the hidden state h_t below, as numbers.

    Steps after ``upto`` are left blank (stepping through time). Hovering over a hidden cell
    shows its equation with the actual numbers: h_t[j] = act(x_t·W1x[:,j] + h_{t-1}·W1h[:,j] + b1[j]).
    """
    T = trace.x.shape[0]
    upto = int(np.clip(upto, 1, T))
    n_c = min(net.n_c, MAX_UNITS_SHOWN)
    steps = step_labels or [str(t) for t in range(1, T + 1)]
    cols = [f"t={t}<br>{s}" for t, s in zip(range(1, T + 1), steps)]
    x = trace.x[:, sample, :].T.copy()  # (n_f, T)
    h = trace.h[1:, sample, :n_c].T.copy()  # (n_c, T)
    x[:, upto:] = np.nan
    h[:, upto:] = np.nan
    # the three parts of each pre-activation, for the hover text
    from_x = np.einsum("tf,fc->ct", trace.x[:, sample, :], net.w1x[:, :n_c])
    from_h = np.einsum("tc,cd->dt", trace.h[:-1, sample, :], net.w1h[:, :n_c])
    bias = np.repeat(net.b1[:n_c, None], T, axis=1)
    z = trace.z1[:, sample, :n_c].T
    custom = np.stack([from_x, from_h, bias, z], axis=-1)
    act = net.activation
    hover = ("h<sub>%{x}</sub>[" + i18n.t("fig.rnn.unit") + " %{y}] = " + act + "(x·W1x + h<sub>t-1</sub>·W1h + b1)<br>"
             "= " + act + "(%{customdata[0]:.3f} + %{customdata[1]:.3f} + %{customdata[2]:.3f})"
             "<br>= " + act + "(%{customdata[3]:.3f}) = %{z:.3f}<extra></extra>")
    f_labels = feature_labels or [f"x{i}" for i in range(net.n_f)]
    one_feature = net.n_f == 1
    data = [
        go.Heatmap(z=x, x=cols, y=f_labels, colorscale="Greys", showscale=False, zmin=0,
                   zmax=1 if not one_feature else None, xgap=2, ygap=2, yaxis="y2",
                   texttemplate="%{z:.2f}" if one_feature else "", hovertemplate=(
                       "x<sub>%{x}</sub>[%{y}] = %{z:.3f}<extra></extra>")),
        go.Heatmap(z=h, x=cols, y=[f"h[{j}]" for j in range(n_c)], colorscale=STATE_SCALE,
                   zmin=-1, zmax=1, xgap=2, ygap=2, customdata=custom, hovertemplate=hover,
                   texttemplate="%{z:.2f}", colorbar=dict(title="h", len=0.6, y=0.3)),
    ]
    out = float(trace.a2[sample, 0])
    label = "P(positive)" if net.output == "sigmoid" else i18n.t("fig.rnn.prediction")
    title = (i18n.t("fig.rnn.unrolled_title", T=T, upto=upto)
             + (i18n.t("fig.rnn.output_after", T=T, label=label, out=out) if upto == T else ""))
    x_frac = 0.55 if one_feature else 0.4
    height = 160 + 26 * (n_c + (1 if one_feature else net.n_f))
    return go.Figure(data, dict(
        title=title, height=max(height, 320), margin=MARGIN,
        xaxis=dict(side="bottom", tickangle=0),
        yaxis=dict(domain=[0, x_frac - 0.08], autorange="reversed", title=i18n.t("fig.rnn.hidden_state")),
        yaxis2=dict(domain=[x_frac, 1], autorange="reversed", title=i18n.t("fig.rnn.input"), anchor="x")))


def step_table_rows(net: RNN, trace: Trace, t: int, sample: int = 0):
    """Per hidden unit at step t: x_t·W1x, h_{t-1}·W1h, b1, z1, h_t (for a table)."""
    x_t, h_prev = trace.x[t - 1, sample], trace.h[t - 1, sample]
    return {"unit": np.arange(net.n_c), "x_t·W1x": x_t @ net.w1x, "h_t-1·W1h": h_prev @ net.w1h,
            "b1": net.b1, "z1": trace.z1[t - 1, sample], "h_t": trace.h[t, sample]}


def gradient_flow_figure(flow: Flow, radius: float, activation: str) -> go.Figure:
    """||dL/dh_t|| against t (log scale), lecture 004's radius^(T-t) beside it, TBPTT window."""
    T = len(flow.dh_norm)
    t = np.arange(1, T + 1)
    with np.errstate(divide="ignore", over="ignore"):
        norm = np.where(flow.dh_norm > 0, flow.dh_norm, np.nan)
        scalar = flow.dh_norm[-1] * float(radius) ** (T - t).astype(float)
    data = [go.Scatter(x=t, y=norm, mode="lines+markers", name=f"‖dL/dh_t‖, {activation} RNN",
                       marker=dict(size=4), line=dict(color="#d62728", width=2)),
            go.Scatter(x=t, y=np.where(scalar > 0, scalar, np.nan), mode="lines",
                       name=i18n.t("fig.rnn.scalar_case", radius=radius),
                       line=dict(color="gray", dash="dash"))]
    shapes = []
    if not flow.received.all():
        first = int(np.argmax(flow.received)) + 1
        shapes = [dict(type="rect", xref="x", yref="paper", x0=first - 0.5, x1=T + 0.5, y0=0,
                       y1=1, fillcolor="rgba(44,160,44,0.12)", line_width=0),
                  vline(first - 0.5, dash="dot")]
    return go.Figure(data, dict(
        title=i18n.t("fig.rnn.flow_title"), height=FIG_HEIGHT,
        margin=MARGIN, legend=LEGEND_BELOW, shapes=shapes,
        xaxis=dict(title=i18n.t("fig.rnn.time_step"), range=[0.5, T + 0.5]),
        yaxis=dict(title="‖dL/dh_t‖ (log)", type="log", exponentformat="power")))


def loss_curves_figure(train: list[float], test: list[float] | None = None,
                       title: str | None = None, template: str | None = None) -> go.Figure:
    """``template``: a played frame's (``lab.figures.checks_for``)."""
    title, checks = title or i18n.t("fig.rnn.loss_per_epoch"), checks_for(template)
    data = [go.Scatter(y=train, mode="lines", name=i18n.t("fig.rnn.training"), line=dict(color=SERIES_COLORS[0]),
                       **checks)]
    if test:
        data.append(go.Scatter(y=test, mode="lines", name=i18n.t("fig.rnn.test"),
                               line=dict(color=SERIES_COLORS[1]), **checks))
    n = max(len(train), 1)
    return go.Figure(data, dict(title=title, height=300, margin=MARGIN, legend=LEGEND_BELOW,
                                xaxis=dict(title=i18n.t("fig.rnn.epoch"), range=[0, 2 ** int(np.ceil(np.log2(max(n, 16))))]),
                                yaxis=dict(type="log", title=i18n.t("fig.rnn.loss"),
                                           range=decades(list(train) + list(test or []))),
                                **template_arg(template)), **checks)


def forecast_figure(time: np.ndarray, truth: np.ndarray, pred_test: np.ndarray,
                    test_start: int, template: str | None = None) -> go.Figure:
    """The whole series, the test part's predictions over it, the split marked; ``template``:
    a played frame's (``lab.figures.checks_for``)."""
    checks = checks_for(template)
    data = [go.Scatter(x=time, y=truth, mode="lines", name="sin(2x) + cos(x/2)",
                       line=dict(color="#7f7f7f", width=1.5), **checks),
            go.Scatter(x=time[test_start:], y=pred_test, mode="lines",
                       name=i18n.t("fig.rnn.forecast_name"),
                       line=dict(color="#d62728", width=2), **checks)]
    return go.Figure(data, dict(title=i18n.t("fig.rnn.forecast_title"),
                                height=FIG_HEIGHT, margin=MARGIN, legend=LEGEND_BELOW,
                                shapes=[vline(float(time[test_start]), dash="dot")],
                                xaxis=dict(title="x", range=[float(time[0]), float(time[-1])]),
                                yaxis=dict(title="y", range=_halves(truth, pred_test)),
                                **template_arg(template)), **checks)


def _halves(*series) -> list[float]:
    """A y range in whole halves around every finite value of ``series`` (it stands still
    while the forecast moves within it)."""
    values = np.concatenate([np.ravel(s) for s in series]).astype(float)
    values = values[np.isfinite(values)]
    if not len(values):
        return [-1.0, 1.0]
    return [float(np.floor(values.min() * 2 - 0.2) / 2), float(np.ceil(values.max() * 2 + 0.2) / 2)]


# --- The training demos' status lines, paused or played in the browser (lab.lessons.rnn_play) ----------
def words_status(d: WordsDemo, table: pd.DataFrame) -> str:
    """The status line over ``d``'s ``table`` (:meth:`WordsDemo.table`)."""
    return i18n.t("rnn.words_status", epochs=len(d.losses),
                  loss=f"{d.losses[-1]:.4f}" if d.losses else "–", right=int(table["right?"].sum()))


def sine_status(d: SineDemo) -> str:
    n = len(d.train_losses)
    return i18n.t("rnn.sine_status", epochs=n, mse=d.test_losses[-1] if n else d.test_loss(),
                  var=float(np.var(d.y_test)))


# --- The page's other views ----------------------------------------------------------------------
@dataclass
class UnrolledInput:
    """A sequence for the unrolled view, and the network that reads it."""
    net: RNN
    x: np.ndarray  # (1, T, n_f)
    steps: list[str]  # a label per step
    features: list[str]  # a label per input feature
    ids: list[int] | None = None  # a word's character ids, before padding
    padded: list[int] | None = None  # and after


def sine_input(d: SineDemo, start: int) -> tuple[UnrolledInput, str]:
    """The sine network's window from ``start``, and the caption saying what it forecasts."""
    x = d.series[start:start + d.time_steps].reshape(1, -1, 1)
    caption = i18n.t("rnn.sine_segment", epochs=len(d.train_losses),
                     next=d.series[min(start + d.time_steps, len(d.series) - 1)])
    return UnrolledInput(d.net, x, [f"{v:.2f}" for v in x[0, :, 0]], ["x"]), caption


def word_input(d: WordsDemo, word: str) -> UnrolledInput:
    """``word`` as the words network reads it (InvalidInput for characters it does not know)."""
    idx, x = d.encode(word)
    return UnrolledInput(d.net, x, [d.vocab[i] for i in idx[0]], d.vocab,
                         sq.encode(word, d.vocab), idx[0].tolist())


def step_table(net: RNN, trace: Trace, t: int) -> pd.DataFrame:
    return pd.DataFrame(step_table_rows(net, trace, t))


def shapes_table(m: int, T: int, nf: int, nc: int) -> pd.DataFrame:
    """Every array of a SimpleRNN + Dense(1) and its shape, for m samples of T steps."""
    return pd.DataFrame({
        "array": ["X", i18n.t("rnn.x_one_step"), "W1x", "W1h", "b1", "H_t", "W2", "b2"],
        "shape": [f"({m}, {T}, {nf})", f"({m}, {nf})", f"({nf}, {nc})", f"({nc}, {nc})",
                  f"({nc},)", f"({m}, {nc})", f"({nc}, 1)", "(1,)"]})


def flow_text(flow: Flow, radius: float) -> str:
    """How much the gradient shrinks or grows from step T back to step 1, beside w^n."""
    T = len(flow.dh_norm)
    ratio = flow.dh_norm[0] / flow.dh_norm[-1] if flow.dh_norm[-1] else float("nan")
    return i18n.t("rnn.flow_ratio", T=T, ratio=ratio, w=radius, n=T - 1,
                  power=float(radius) ** (T - 1))


def flow_table(flow: Flow) -> pd.DataFrame:
    return pd.DataFrame({"t": np.arange(1, len(flow.dh_norm) + 1), "grad_norm": flow.dh_norm,
                         "gets_gradient": flow.received})
