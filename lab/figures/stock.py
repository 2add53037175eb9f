"""The stock page's views (pure): true vs forecast prices with the split marked, forecast vs true
returns on the test days, the loss curves while training, and what the page writes around them
(the scores and their notes, the scaling comparison, one window). The page draws the controls
and calls one builder per view."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from lab.core import i18n
from lab.figures import FIG_HEIGHT, LEGEND_BELOW, MARGIN, SERIES_COLORS
from lab.data.stock import (LECTURE_002_DAYS, Prepared, PrepSettings, StockData, beats_naive,
                            evaluate, leak_report, returns_on_test_days)
from lab.models.stock_model import (SAMSUNG, Forecast, ForecastSettings, Preset, estimate_seconds,
                                    scaling_comparison)

SMALL = 340
# What lecture 002 prints of its Samsung file (5,528 rows from 2000-09-01) and its windows,
# and where it errs: its test windows' indices are one step late, and the first forecast day
# is 40 trading days after the split index's date.
LECTURE_002_PRINTS = (("stock_zero_volume", 115, None), ("stock_rows", 5408, None),
                      ("stock_windows", (5368, 40, 2), None), ("stock_split", (5099, 269), None),
                      ("stock_x_split", "range(5100, 5369)", "range(5099, 5368)"),
                      ("stock_first_test_day", "2021-06-01", "2021-07-27"))
LONG_TRAINING_S = 45  # beyond this estimate, training waits for a button press
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
        xaxis=dict(title=i18n.t("fig.stock.epoch"), range=[0.5, epochs + 0.5]),
        yaxis=dict(title="MSE", type="log", dtick=1, exponentformat="power")))  # 10^-3, 10^-2


@dataclass
class ForecastView:
    """What the stock page shows of a trained forecast."""

    table: pd.DataFrame  # lab.data.stock.evaluate: the model and naive rows, English names
    shown: pd.DataFrame  # the same in the reader's words, as text
    caption: str  # rows, windows, parameters, training time and engine
    metrics: list  # (label, value, delta, delta colour, delta arrow) for each of the four metrics
    better: bool  # beats the naive forecast
    figures: tuple  # price, returns, loss
    footnote: str  # what a forecast that always says "up" scores
    downloads: tuple  # (label, its bytes when asked, file name, MIME type): forecasts, scores


def caption(prep: Prepared, forecast) -> str:
    """The rows kept and dropped, the windows' shapes and the model's size and training."""
    dropped = ", ".join(f"{v:,} {i18n.t(f'stock.dropped.{k}')}" for k, v in prep.dropped.items()
                        if v) or i18n.t("stock.none")
    s = forecast.settings
    return i18n.t("stock.shapes", rows=len(prep.frame), dropped=dropped, X=prep.X.shape,
                  train=prep.split, test=len(prep.X) - prep.split, kind=s.kind, units=s.units,
                  params=forecast.params, seconds=forecast.seconds,
                  epochs=len(forecast.history.get("loss", []))) + " " + i18n.t(
        f"training.engine.{forecast.engine}")


def metrics(table: pd.DataFrame) -> list:
    """The model's test RMSE against the naive one's, R² on prices (with R² on returns under
    it, in grey: a fact, not a change), and the share of days whose direction it got right
    against a forecast that always says up. Each value is short enough for a quarter of the
    page (two numbers in one value were cut off)."""
    model, naive = table.loc["model"], table.loc["naive"]
    direction = model["direction right"]
    return [(i18n.t("stock.m_rmse_model"), f"{model['RMSE (price)']:,.3f}",
             i18n.t("stock.vs_naive", change=model["RMSE (price)"] / naive["RMSE (price)"] - 1),
             "inverse", "auto"),
            (i18n.t("stock.m_rmse_naive"), f"{naive['RMSE (price)']:,.3f}", None, "normal",
             "auto"),
            (i18n.t("stock.m_r2"), f"{model['R² (price)']:.3f}",
             i18n.t("stock.m_r2_return", r2=model["R² (return)"]), "off", "off"),
            (i18n.t("stock.m_direction"), f"{direction:.1%}",
             i18n.t("stock.vs_up", change=direction - table.attrs["always up"]), "normal",
             "auto")]


def _csv(frame: pd.DataFrame) -> Callable[[], bytes]:
    """The frame as a CSV file's bytes, made when a student presses its download button (not
    on every run of every session that shows the button)."""
    return lambda: frame.to_csv().encode()


def forecast_view(prep: Prepared, forecast: Forecast) -> ForecastView:
    """Everything the stock page shows of a trained forecast on these windows."""
    table = evaluate(prep, forecast.pred)
    pred_close = prep.to_close(forecast.pred)
    title = i18n.t("stock.price_title", kind=forecast.settings.kind,
                   window=prep.settings.window_size)
    figures = (price_figure(prep, pred_close, title),
               returns_figure(*returns_on_test_days(prep, pred_close)),
               loss_figure(forecast.history, forecast.settings.epochs))
    out = pd.DataFrame({"close": prep.close, "forecast": pred_close, "naive": prep.prev_close,
                        "part": np.where(np.arange(len(prep.close)) < prep.split, "train",
                                         "test")}, index=prep.target_index)
    shown = i18n.headers(table, "stock.col").rename(
        index=lambda i: i18n.t(f"stock.row.{i18n.slug(i)}"))
    shown = shown.map(lambda v: "n/a" if pd.isna(v) else f"{v:.4f}")
    downloads = ((i18n.t("stock.download"), _csv(out), "forecast.csv", "text/csv"),
                 (i18n.t("stock.download_scores"), _csv(table), "forecast_scores.csv",
                  "text/csv"))
    return ForecastView(table, shown, caption(prep, forecast), metrics(table),
                        beats_naive(table), figures,
                        i18n.t("stock.always_up", share=table.attrs["always up"]), downloads)


def score_notes(view: ForecastView, preset: Preset, prep: Prepared,
                s: ForecastSettings) -> list[tuple[str, str]]:
    """The notes under the metrics, each (kind, text) with kind "info" or "warning": the R²
    the lecture printed beside this run's, when this is the lecture's run (the preset's
    windows, and its model as the controls ask for it: ``s``), and a warning when the model
    does no better than the naive forecast."""
    notes = []
    target = prep.settings.target
    if preset.lecture_r2 is not None and (prep.settings, s) == (preset.prep, preset.model):
        ours = view.table.loc["model", "R² (return)" if target == "return" else "R² (price)"]
        notes.append(("info", i18n.t("stock.lecture_result", printed=preset.lecture_r2,
                                     ours=ours, what=i18n.t(f"stock.target_option.{target}"))))
    if not view.better:
        notes.append(("warning", i18n.t("stock.no_better",
                                        r2=view.table.loc["naive", "R² (price)"])))
    return notes


def scaling_view(data: StockData, prep: Prepared, s: ForecastSettings,
                 forecast: Forecast) -> tuple[str, pd.DataFrame | None]:
    """What lecture mode changes: the scaler's Close range fitted each way (Markdown), and the
    test scores of both ways side by side once the model of settings ``s`` is trained the
    other way too (else None)."""
    text = i18n.t("stock.scaling_text", **leak_report(prep))
    both = scaling_comparison(data, prep, s, forecast)
    if both is not None:
        both = i18n.headers(both.rename(index={"lecture": i18n.t("stock.lecture_mode_short"),
                                               "train_only": i18n.t("stock.train_only")}),
                            "stock.col")
    return text, both


def window_view(prep: Prepared, i: int) -> tuple[pd.DataFrame, str]:
    """Window ``i`` as the network reads it (a row per day, a column per feature) and the
    scaled target it is trained to forecast (Markdown)."""
    shown = pd.DataFrame(prep.X[i], columns=list(prep.settings.features))
    shown.index.name = i18n.t("stock.day_in_window")
    return shown, i18n.t("stock.window_target", y=prep.y[i], when=prep.target_index[i],
                         what=i18n.t(f"stock.target_option.{prep.settings.target}"))


def lecture_data(preset: Preset) -> str | None:
    """What the page says of the data the preset's lecture used, and how to get it (None for
    the page's own default). Lecture 002's file is a window of a longer export: its days."""
    if preset.data == "any series":
        return None
    first, last = LECTURE_002_DAYS
    return i18n.t("stock.lecture_data_days" if preset.data == SAMSUNG else "stock.lecture_data",
                  data=preset.data, first=first, last=last)


def lecture_printouts(preset: Preset, prep: Prepared) -> list[tuple] | None:
    """(what, the lecture's printout, this run's, true) for lecture 002's Samsung presets
    (``lab.lessons.errata.printed_table``): the zero-volume rows, the rows kept, the windows'
    shape, the split, the test windows' indices and the first forecast day. None for the
    other presets."""
    if preset.data != SAMSUNG:
        return None
    day = prep.target_index[prep.split]
    run = (prep.dropped["zero_volume"], len(prep.frame), prep.X.shape,
           (prep.split, len(prep.X) - prep.split), f"range({prep.split}, {len(prep.X)})",
           f"{day:%Y-%m-%d}" if hasattr(day, "strftime") else str(day))
    return [(what, printed, ours, true)
            for (what, printed, true), ours in zip(LECTURE_002_PRINTS, run)]


def settings_from(v: Mapping, patience: int) -> tuple[PrepSettings, ForecastSettings]:
    """The windows' and the model's settings that the page's control values ``v`` name (keyed
    as ``ui.settings.STOCK``); ``patience`` is the preset's."""
    prep = PrepSettings(tuple(v["sk_features"]), v["sk_target"], v["sk_window"],
                        v["sk_train"] / 100, v["sk_lecture"])
    return prep, ForecastSettings(
        kind=v["sk_kind"], units=v["sk_units"], activation=v["sk_act"], epochs=v["sk_epochs"],
        lr=v["sk_lr"], batch_size=v["sk_batch"], patience=patience,
        validation=ForecastSettings.validation if v["sk_early"] else 0.0)


def long_training(prep: Prepared, s: ForecastSettings) -> tuple[str, str] | None:
    """(the button's label, a note) when these settings are estimated to train for longer
    than ``LONG_TRAINING_S``, so that the page waits for the button; else None."""
    seconds = estimate_seconds(prep, s)
    if seconds <= LONG_TRAINING_S:
        return None
    minutes = seconds / 60
    return (i18n.t("stock.train_now", kind=s.kind, units=s.units, minutes=minutes),
            i18n.t("stock.long_training", minutes=minutes, epochs=s.epochs, windows=prep.split))


def features_kept(chosen: list[str], available: list[str]) -> list[str]:
    """The chosen features that new data still has; Close when it has none of them (an empty
    choice stays empty, and the page says to pick one)."""
    kept = [f for f in chosen if f in available]
    return kept or (["Close"] if chosen else [])
