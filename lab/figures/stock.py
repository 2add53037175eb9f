"""Figures for the stock page: true vs forecast prices with the split marked, forecast vs true
returns on the test days, and the loss curves while training."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from lab.core import i18n
from lab.figures import FIG_HEIGHT, LEGEND_BELOW, MARGIN, SERIES_COLORS
from lab.data.stock import Prepared, evaluate, returns_on_test_days

SMALL = 340
TRUE_COLOR, TRAIN_COLOR, TEST_COLOR, NAIVE_COLOR = "#444444", "#9ecae1", "#d62728", "#7f7f7f"


def price_figure(p: Prepared, pred_close: np.ndarray, title: str) -> go.Figure:
    """The whole series, the model's forecasts on training and test days, the naive forecast
    on the test days, and a line where the test part begins. Zoom with the range slider."""
    x = p.target_index
    x_all = p.frame.index
    split_x = x[p.split]
    dated = hasattr(split_x, "strftime")
    data = [go.Scatter(x=x_all, y=p.frame["Close"], name=i18n.t("fig.stock.true_close"), mode="lines",
                       line=dict(color=TRUE_COLOR, width=1.5)),
            go.Scatter(x=x[:p.split], y=pred_close[:p.split], name=i18n.t("fig.stock.forecast_train"),
                       mode="lines", line=dict(color=TRAIN_COLOR, width=1.5)),
            go.Scatter(x=x[p.split:], y=pred_close[p.split:], name=i18n.t("fig.stock.forecast_test"),
                       mode="lines", line=dict(color=TEST_COLOR, width=2)),
            go.Scatter(x=x[p.split:], y=p.prev_close[p.split:], name=i18n.t("fig.stock.naive"),
                       mode="lines", line=dict(color=NAIVE_COLOR, width=1, dash="dot"),
                       visible="legendonly")]
    split_line = dict(type="line", yref="paper", y0=0, y1=1, xref="x", x0=split_x, x1=split_x,
                      line=dict(color="black", width=1.5, dash="dash"))
    label = dict(x=split_x, y=1, yref="paper", text=i18n.t("fig.stock.test_days"), showarrow=False,
                 xanchor="left", yanchor="bottom")
    return go.Figure(data, dict(
        title=title, height=FIG_HEIGHT + 60, margin=MARGIN, legend=LEGEND_BELOW,
        shapes=[split_line], annotations=[label], hovermode="x unified",
        xaxis=dict(title=i18n.t("fig.stock.date") if dated else i18n.t("fig.stock.day"), rangeslider=dict(visible=True, thickness=0.08)),
        yaxis=dict(title=i18n.t("fig.stock.close"))))


def returns_figure(true_r: np.ndarray, pred_r: np.ndarray) -> go.Figure:
    """Forecast return against true return, one point per test day. A forecast that knows
    something lies along the diagonal; one that only repeats today hugs the zero line."""
    lim = float(np.nanmax(np.abs(np.concatenate([true_r, pred_r])))) * 1.05 or 0.01
    return go.Figure([
        go.Scatter(x=true_r, y=pred_r, mode="markers", name=i18n.t("fig.stock.test_day"),
                   marker=dict(color=TEST_COLOR, size=5, opacity=0.6),
                   hovertemplate="true %{x:.2%}<br>forecast %{y:.2%}<extra></extra>"),
        go.Scatter(x=[-lim, lim], y=[-lim, lim], mode="lines", name=i18n.t("fig.stock.perfect"),
                   line=dict(color="gray", dash="dot"))],
        dict(title=i18n.t("fig.stock.returns_title"), height=SMALL + 60,
             margin=MARGIN, legend=LEGEND_BELOW, showlegend=False,
             xaxis=dict(title=i18n.t("fig.stock.true_return"), tickformat=".1%", range=[-lim, lim], zeroline=True),
             yaxis=dict(title=i18n.t("fig.stock.forecast_return"), tickformat=".1%", range=[-lim, lim],
                        zeroline=True, scaleanchor="x", scaleratio=1)))


def loss_figure(history: dict[str, list[float]], epochs: int) -> go.Figure:
    data = []
    for k, (key, name) in enumerate([("loss", i18n.t("fig.stock.training_loss")),
                                     ("val_loss", i18n.t("fig.stock.validation_loss"))]):
        vals = history.get(key) or []
        if vals:
            data.append(go.Scatter(x=list(range(1, len(vals) + 1)), y=vals, name=name,
                                   mode="lines+markers", line=dict(color=SERIES_COLORS[k])))
    return go.Figure(data, dict(
        title=i18n.t("fig.stock.loss_title"), height=SMALL,
        margin=MARGIN, legend=LEGEND_BELOW,
        xaxis=dict(title=i18n.t("fig.stock.epoch"), range=[0.5, epochs + 0.5]), yaxis=dict(title="MSE", type="log")))


def forecast_view(prep: Prepared, forecast, title: str):
    """What the stock page shows of a trained forecast: (scores table, forecast closes, the
    price / returns / loss figures, the forecast's CSV, the scores' CSV)."""
    table = evaluate(prep, forecast.pred)
    pred_close = prep.to_close(forecast.pred)
    figures = (price_figure(prep, pred_close, title),
               returns_figure(*returns_on_test_days(prep, pred_close)),
               loss_figure(forecast.history, forecast.settings.epochs))
    out = pd.DataFrame({"close": prep.close, "forecast": pred_close, "naive": prep.prev_close,
                        "part": np.where(np.arange(len(prep.close)) < prep.split, "train",
                                         "test")}, index=prep.target_index)
    return table, pred_close, figures, out.to_csv(), table.to_csv()
