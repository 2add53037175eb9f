"""The stock page's notebook (lectures 000 and 002): the same prices from the same source
(the embedded series, the uploaded file by its name, or the ticker from Yahoo Finance), the
lab's own features, windows and scores (their code, copied from ``lab.data.stock`` and
``lab.data.scaling``), the page's model as ``lab.models.stock_model.keras_code`` writes it,
and the test scores beside the naive forecast *tomorrow = today*.

The data's part is exact: the windows' shape and the naive forecast's RMSE are the page's.
The model's RMSE is a training's. Where the page trained with Keras too (over 64 units) the
notebook starts from the same seeded weights and lands close to the page's; up to 64 units
the page trains in NumPy from other random numbers, and on a series this small another
start moves the RMSE by a third or more."""

from __future__ import annotations

import types
from dataclasses import dataclass
from datetime import date

import numpy as np

from lab.data import scaling, stock
from lab.data.sequences import windows
from lab.models import stock_model
from lab.notebooks.cells import Book, snippet, source

# The model's test RMSE, relative to the page's: the same engine and seed (Keras's random
# start and Keras's shuffling against tf.data's), or another engine's random start.
RMSE_TOLERANCE = {"keras": 0.1, "numpy": 0.5}
NAIVE_TOLERANCE = 1e-6  # the data's numbers (naive RMSE, scaled windows), relative: equal


@dataclass(frozen=True)
class Source:
    kind: str  # "embedded", "upload" or "online" (the page's sk_source)
    ticker: str = "GOOG"  # embedded series or online symbol
    file_name: str = ""  # the uploaded file's name
    start: date = date(2015, 1, 1)  # online
    end: date = date(2026, 1, 1)
    first: str = ""  # the uploaded prices' date range (YYYY-MM-DD; empty: the file's own end)
    last: str = ""


@dataclass(frozen=True)
class Settings:
    source: Source
    prep: stock.PrepSettings
    model: stock_model.ForecastSettings


def numbers(p: stock.Prepared, forecast: stock_model.Forecast) -> dict:
    """What the page shows for a trained forecast on windows ``p``."""
    table = stock.evaluate(p, forecast.pred)
    return {"params": int(forecast.params), "windows": list(p.X.shape),
            "scaled_sum": float(p.X.astype(float).sum()),
            "train_windows": int(p.split), "epochs_run": len(forecast.history.get("loss", [])),
            "rmse_model": float(table.loc["model", "RMSE (price)"]),
            "rmse_naive": float(table.loc["naive", "RMSE (price)"]),
            "r2_price": float(table.loc["model", "R² (price)"]),
            "engine": forecast.engine}


def build(s: Settings, shown: dict | None, language: str):
    p, m = s.prep, s.model
    book = Book("stock", language)
    where = {"embedded": {"TICKER": s.source.ticker},
             "upload": {"CSV_FILE": s.source.file_name, "FIRST_DAY": s.source.first,
                        "LAST_DAY": s.source.last},
             "online": {"SYMBOL": s.source.ticker, "START": f"{s.source.start:%Y-%m-%d}",
                        "END": f"{s.source.end:%Y-%m-%d}"}}[s.source.kind]
    book.settings(where | {"FEATURES": list(p.features), "TARGET": p.target,
                           "WINDOW": p.window_size, "TRAIN_FRACTION": p.train_fraction,
                           "LECTURE_SCALING": p.lecture_scaling})
    book.numbers(shown, book.words("stock.tolerance",
                                   rmse=RMSE_TOLERANCE[stock_model.engine(m)]))
    book.text(f"stock.source_{s.source.kind}")
    book.code(snippet("stock", "imports"), snippet("stock", s.source.kind))
    book.text("stock.prepare_lecture" if p.lecture_scaling else "stock.prepare")
    book.code(source(stock.add_features, windows), snippet("stock", "prepare"))
    book.text("stock.model", engine=book.words(f"stock.engine_{stock_model.engine(m)}"))
    shape = types.SimpleNamespace(X=np.zeros((0, p.window_size, len(p.features))))
    book.code(stock_model.keras_code(shape, m))
    book.text("stock.score")
    book.code(source(scaling.rmse, scaling.mae, scaling.r2, stock.returns, stock.scores),
              snippet("stock", "score"))
    book.results({"params": "model.count_params()", "windows": "list(X.shape)",
                  "scaled_sum": "float(X.astype(float).sum())",
                  "train_windows": "split", "epochs_run": "len(model.history.history['loss'])",
                  "rmse_model": "float(table.loc['model', 'RMSE (price)'])",
                  "rmse_naive": "float(table.loc['naive', 'RMSE (price)'])",
                  "r2_price": "float(table.loc['model', 'R² (price)'])"})
    return book.notebook()
