"""Questions on the stock page: how many windows the prices make, the model's parameter count,
how much of the test period lies outside the prices the scaler was fitted on, and, once the
page's forecast is trained (found in ``lab.models.stock_model.STORE``, never trained here),
whether it beats tomorrow = today on the test part and the test day where its error is
largest."""

from __future__ import annotations

from collections import OrderedDict
from functools import lru_cache
from typing import Callable

import numpy as np

from lab.core.errors import LabError
from lab.data import stock
from lab.figures.stock import settings_from
from lab.maths import kinds
from lab.models import stock_model
from lab.questions.counts import worked
from lab.questions.question import Question

load_embedded = lru_cache(maxsize=len(stock.EMBEDDED_TICKERS))(stock.load_embedded)


def _prepared(s: dict) -> stock.Prepared | None:
    """The page's windows for the embedded prices (None for an upload or online prices, or
    settings the page refuses)."""
    if s["sk_source"] != "embedded":
        return None
    try:
        return stock.prepared(load_embedded(s["sk_ticker"]), _settings(s)[0])
    except LabError:
        return None


def _settings(s: dict) -> tuple[stock.PrepSettings, stock_model.ForecastSettings]:
    """The windows' and the model's settings, as the page reads them from its controls."""
    return settings_from(s, stock_model.PRESETS[s["sk_preset"]].model.patience)


def _trained(s: dict) -> tuple[stock.Prepared, stock_model.Forecast] | None:
    """The page's windows and its trained forecast, from the store's memory or disk; None
    while nothing (or a diverged forecast) is stored for these settings."""
    p = _prepared(s)
    if p is None:
        return None
    found = stock_model.STORE.get(stock_model.model_key(p, _settings(s)[1]))
    return None if found is None or found.diverged else (p, found)


# (question, model key) -> (the forecast it was worked on, the question)
_ON_FORECAST: OrderedDict[tuple, tuple[stock_model.Forecast, Question]] = OrderedDict()
MAX_ON_FORECAST = 64


def _on_forecast(ask: Callable[[stock.Prepared, stock_model.Forecast], Question]
                 ) -> Callable[[dict, dict], Question | None]:
    """A question on the trained forecast, worked out once per stored forecast for every
    session and run (a page run asks its questions again; a question is never changed once
    made), again for another forecast stored under the same key."""
    def question(s: dict, state: dict) -> Question | None:
        found = _trained(s)
        if found is None:
            return None
        key = (ask.__name__, stock_model.model_key(found[0], found[1].settings))
        if key not in _ON_FORECAST or _ON_FORECAST[key][0] is not found[1]:
            while len(_ON_FORECAST) >= MAX_ON_FORECAST:
                _ON_FORECAST.popitem(last=False)
            _ON_FORECAST[key] = (found[1], ask(*found))
        _ON_FORECAST.move_to_end(key)
        return _ON_FORECAST[key][1]
    question.__name__, question.__doc__ = ask.__name__, ask.__doc__
    return question


def windows(s: dict, state: dict) -> Question | None:
    """X is (rows - window, window, features): one window per day that has ``window`` days
    before it."""
    p = _prepared(s)
    if p is None:
        return None
    n, w, f = p.X.shape
    return Question("stock.windows", "numeric", float(n),
                    dict(rows=f"{len(p.frame):,}", w=w, f=f, ticker=s["sk_ticker"],
                         train=f"{p.split:,}"))


def parameters(s: dict, state: dict) -> Question | None:
    """The recurrent layer on the features chosen (lab.maths.kinds) and its Dense(1)."""
    kind, d, n = s["sk_kind"], len(s["sk_features"]), int(s["sk_units"])
    if not d:
        return None
    count = kinds.param_count(kind, d, n) + n + 1
    return Question("stock.parameters", "numeric", float(count),
                    dict(kind=kind, d=d, n=n, rnn=worked(kind, d, n)))


def outside(s: dict, state: dict) -> Question | None:
    """The share of test days whose close lies outside the training part's range: a scaler
    fitted on the training part maps those outside [0, 1]."""
    p = _prepared(s)
    if p is None:
        return None
    r = stock.leak_report(p)
    share = r["test_outside"]
    answer = "none" if share == 0 else "most" if share > 0.5 else "some"
    return Question("stock.outside", "choice", answer,
                    dict(share=f"{share:.0%}", lo=f"{r['train_min']:.2f}",
                         hi=f"{r['train_max']:.2f}"),
                    options=("none", "some", "most"), worded=True)


@_on_forecast
def beats_naive(p: stock.Prepared, f: stock_model.Forecast) -> Question:
    """Whether the trained forecast's test RMSE on the prices is below that of tomorrow =
    today, as the page's scores say (``lab.data.stock.evaluate``, ``beats_naive``)."""
    table = stock.evaluate(p, f.pred)
    model, naive = table.loc["model", "RMSE (price)"], table.loc["naive", "RMSE (price)"]
    return Question("stock.beats_naive", "choice", "yes" if stock.beats_naive(table) else "no",
                    dict(kind=f.settings.kind, n=f.settings.units, w=p.settings.window_size,
                         days=len(p.X) - p.split, model=f"{model:,.3f}", naive=f"{naive:,.3f}",
                         change=f"{model / naive - 1:+.1%}"),
                    options=("yes", "no"), worded=True)


SAME = 0.005  # errors within this share of the largest are one on the figure: each counts
NAMED = 5  # of those, the explanation names the first few


@_on_forecast
def largest_error(p: stock.Prepared, f: stock_model.Forecast) -> Question:
    """The test day where |forecast - close| is largest (a point per test day, its error); a
    day within :data:`SAME` of the largest error counts too."""
    close, forecast = p.close[p.split:], p.to_close(f.pred)[p.split:]
    error = np.abs(forecast - close)
    best = int(np.argmax(error))
    also = tuple(int(i) for i in np.flatnonzero(error[best] - error <= SAME * error[best])
                 if i != best)
    days = [f"{d:%Y-%m-%d}" for d in p.target_index[p.split:]]  # the embedded prices' dates
    plot = dict(x=days, y=[float(e) for e in error], labels=days, connect=True,
                x_title="questions.axis.test_day", y_title="questions.axis.abs_error")
    return Question("stock.largest_error", "point", best,
                    dict(kind=f.settings.kind, n=f.settings.units, days=len(days),
                         forecast=f"{forecast[best]:,.2f}", close=f"{close[best]:,.2f}",
                         error=f"{error[best]:,.2f}", mean=f"{error.mean():,.2f}",
                         also=", ".join([days[i] for i in also[:NAMED]]
                                        + ["…"] * (len(also) > NAMED))),
                    options=tuple(range(len(days))), plot=plot, also=also,
                    explain="explain_ties" if also else "explain")


QUESTIONS = (windows, parameters, outside, beats_naive, largest_error)
