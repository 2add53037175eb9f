"""Questions on the stock page: how many windows the prices make, the model's parameter count,
and how much of the test period lies outside the prices the scaler was fitted on."""

from __future__ import annotations

from functools import lru_cache

from lab.core.errors import LabError
from lab.data import stock
from lab.maths import kinds
from lab.questions.question import Question

load_embedded = lru_cache(maxsize=len(stock.EMBEDDED_TICKERS))(stock.load_embedded)


def _prepared(s: dict) -> stock.Prepared | None:
    """The page's windows for the embedded prices (None for an upload or online prices, or
    settings the page refuses)."""
    if s["sk_source"] != "embedded":
        return None
    try:
        return stock.prepared(load_embedded(s["sk_ticker"]), _settings(s))
    except LabError:
        return None


def _settings(s: dict) -> stock.PrepSettings:
    return stock.PrepSettings(tuple(s["sk_features"]), s["sk_target"], int(s["sk_window"]),
                              int(s["sk_train"]) / 100, bool(s["sk_lecture"]))


def windows(s: dict, state: dict) -> Question | None:
    """X is (rows - window, window, features): one window per day that has ``window`` days
    before it."""
    p = _prepared(s)
    if p is None:
        return None
    n, w, f = p.X.shape
    return Question("stock.windows", "numeric", float(n),
                    dict(rows=len(p.frame), w=w, f=f, ticker=s["sk_ticker"], train=p.split))


def parameters(s: dict, state: dict) -> Question | None:
    """The recurrent layer on the features chosen (lab.maths.kinds) and its Dense(1)."""
    kind, d, n = s["sk_kind"], len(s["sk_features"]), int(s["sk_units"])
    if not d:
        return None
    count = kinds.param_count(kind, d, n) + n + 1
    return Question("stock.parameters", "numeric", float(count),
                    dict(kind=kind, d=d, n=n, rnn=kinds.param_count(kind, d, n)))


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


QUESTIONS = (windows, parameters, outside)
