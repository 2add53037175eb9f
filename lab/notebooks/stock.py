"""The stock page's notebook (lectures 000 and 002): the same prices from the same source
(the embedded series, the uploaded file by its name, or the ticker from Yahoo Finance), the
lab's own features, windows and scores (their code, copied from ``lab.data.stock``), the
page's model as ``lab.models.stock_model.keras_code`` writes it, and the test scores beside
the naive forecast *tomorrow = today*.

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

from lab.data import stock
from lab.data.sequences import windows
from lab.models import stock_model
from lab.notebooks.cells import Book, source

# The model's test RMSE, relative to the page's: the same engine and seed (Keras's random
# start and Keras's shuffling against tf.data's), or another engine's random start.
RMSE_TOLERANCE = {"keras": 0.1, "numpy": 0.5}
NAIVE_TOLERANCE = 1e-6  # the naive forecast's, relative: the same data gives the same number


@dataclass(frozen=True)
class Source:
    kind: str  # "embedded", "upload" or "online" (the page's sk_source)
    ticker: str = "GOOG"  # embedded series or online symbol
    file_name: str = ""  # the uploaded file's name
    start: date = date(2015, 1, 1)  # online
    end: date = date(2026, 1, 1)


@dataclass(frozen=True)
class Settings:
    source: Source
    prep: stock.PrepSettings
    model: stock_model.ForecastSettings


def numbers(p: stock.Prepared, forecast: stock_model.Forecast) -> dict:
    """What the page shows for a trained forecast on windows ``p``."""
    table = stock.evaluate(p, forecast.pred)
    return {"params": int(forecast.params), "windows": list(p.X.shape),
            "train_windows": int(p.split), "epochs_run": len(forecast.history.get("loss", [])),
            "rmse_model": float(table.loc["model", "RMSE (price)"]),
            "rmse_naive": float(table.loc["naive", "RMSE (price)"]),
            "r2_price": float(table.loc["model", "R² (price)"]),
            "engine": forecast.engine}


READ_CSV = '''\
def read_prices(path):
    """The lectures' two files: lecture 000's stock_daily.csv (no header, Open, High, Low,
    Volume, Close, newest first) or a Yahoo Finance export (Date, Open, ..., Volume)."""
    with open(path, encoding="utf-8-sig") as f:
        first = next(line for line in f if line.strip() and not line.startswith("#"))
    if first[0].isdigit():
        frame = pd.read_csv(path, comment="#", header=None,
                            names=["Open", "High", "Low", "Volume", "Close"])
        return frame.iloc[::-1].reset_index(drop=True).astype(float)
    frame = pd.read_csv(path, parse_dates=["Date"], index_col="Date", na_values=["null"])
    kept = [c for c in ["Open", "High", "Low", "Close", "Volume"] if c in frame]
    return frame[kept].dropna().sort_index().astype(float)'''

EMBEDDED = '''\
import importlib.util
from pathlib import Path

folder = Path(list(importlib.util.find_spec("bokeh_sampledata").submodule_search_locations)[0])
raw = pd.read_csv(folder / "_data" / "stocks.csv.gz", parse_dates=["Date"])
raw = raw[raw["Ticker"] == TICKER].set_index("Date").sort_index()
factor = raw["Adj Close"] / raw["Close"]  # splits and dividends adjusted, as the lab does
prices = raw[["Open", "High", "Low", "Close"]].mul(factor, axis=0)
prices["Volume"] = raw["Volume"] / factor
prices = prices.astype(float)'''

ONLINE = '''\
import yfinance as yf

prices = yf.download(SYMBOL, start=START, end=END, progress=False, auto_adjust=False,
                     multi_level_index=False)
prices = prices[[c for c in ["Open", "High", "Low", "Close", "Volume"] if c in prices]]
prices = prices.dropna().astype(float)'''

PREPARE = '''\
df = add_features(prices)
needed = list(dict.fromkeys(FEATURES + ["Close"] + (["R_t"] if TARGET == "return" else [])))
zero_volume = df["Volume"].eq(0) if "Volume" in df else pd.Series(False, index=df.index)
df = df[~(zero_volume | df[needed].isna().any(axis=1))]  # lecture 002 drops both
feats = df[FEATURES].to_numpy(float)
target = df[["Close" if TARGET == "close" else "R_t"]].to_numpy(float)
n = len(df) - WINDOW
split = int(n * TRAIN_FRACTION)
fit_rows = len(df) if LECTURE_SCALING else split + WINDOW  # the lectures fit on everything
x_scaler = MinMaxScaler().fit(feats[:fit_rows])
y_scaler = MinMaxScaler().fit(target[:fit_rows])
X = windows(x_scaler.transform(feats).astype(np.float32), WINDOW)
y = y_scaler.transform(target)[WINDOW:, 0].astype(np.float32)
X_train, y_train, X_test, y_test = X[:split], y[:split], X[split:], y[split:]
print(X.shape, X_train.shape, X_test.shape)'''

SCORE = '''\
close = df["Close"].to_numpy()[WINDOW:][split:]
prev_close = df["prev_close"].to_numpy()[WINDOW:][split:]
y_hat = y_scaler.inverse_transform(np.asarray(y_pred, float).reshape(-1, 1))[:, 0]
pred_close = y_hat if TARGET == "close" else prev_close * (1.0 + y_hat)
table = pd.DataFrame([scores(close, prev_close, pred_close),
                      scores(close, prev_close, prev_close)], index=["model", "naive"])
table'''


def build(s: Settings, shown: dict | None, language: str):
    p, m = s.prep, s.model
    book = Book("stock", language)
    where = {"embedded": {"TICKER": s.source.ticker},
             "upload": {"CSV_FILE": s.source.file_name},
             "online": {"SYMBOL": s.source.ticker, "START": f"{s.source.start:%Y-%m-%d}",
                        "END": f"{s.source.end:%Y-%m-%d}"}}[s.source.kind]
    book.settings(where | {"FEATURES": list(p.features), "TARGET": p.target,
                           "WINDOW": p.window_size, "TRAIN_FRACTION": p.train_fraction,
                           "LECTURE_SCALING": p.lecture_scaling})
    book.numbers(shown, book.words("stock.tolerance",
                                   rmse=RMSE_TOLERANCE[stock_model.engine(m)]))
    book.text(f"stock.source_{s.source.kind}")
    imports = ("import numpy as np\nimport pandas as pd\n"
               "from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score\n"
               "from sklearn.preprocessing import MinMaxScaler")
    book.code(imports, {"embedded": EMBEDDED, "upload": READ_CSV + "\n\n\nprices = "
                        "read_prices(CSV_FILE)", "online": ONLINE}[s.source.kind],
              "prices.tail()")
    book.text("stock.prepare_lecture" if p.lecture_scaling else "stock.prepare")
    book.code(source(stock.add_features, windows), PREPARE)
    book.text("stock.model", engine=book.words(f"stock.engine_{stock_model.engine(m)}"))
    shape = types.SimpleNamespace(X=np.zeros((0, p.window_size, len(p.features))))
    book.code(stock_model.keras_code(shape, m).replace("import keras\n\n", "import keras\n"))
    book.text("stock.score")
    book.code(source(stock.returns, stock.scores), SCORE)
    book.results({"params": "model.count_params()", "windows": "list(X.shape)",
                  "train_windows": "split", "epochs_run": "len(model.history.history['loss'])",
                  "rmse_model": "float(table.loc['model', 'RMSE (price)'])",
                  "rmse_naive": "float(table.loc['naive', 'RMSE (price)'])",
                  "r2_price": "float(table.loc['model', 'R² (price)'])"})
    return book.notebook()
