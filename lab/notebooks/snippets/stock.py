"""Not a module: the stock page's notebook cells (``lab.notebooks.stock``), one per
``# %% name`` block (Jupytext's percent format); they read the notebook's settings and the lab's
own functions, copied into the notebook before them."""

# %% imports
import numpy as np
import pandas as pd
from sklearn.preprocessing import MinMaxScaler

# %% upload
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
    return frame[kept].dropna().sort_index().astype(float)


prices = read_prices(CSV_FILE)
if FIRST_DAY or LAST_DAY:  # the page's date range: its rows only, before any feature
    prices = prices.loc[FIRST_DAY or None:LAST_DAY or None]
prices.tail()

# %% embedded
import importlib.util
from pathlib import Path

folder = Path(list(importlib.util.find_spec("bokeh_sampledata").submodule_search_locations)[0])
raw = pd.read_csv(folder / "_data" / "stocks.csv.gz", parse_dates=["Date"])
raw = raw[raw["Ticker"] == TICKER].set_index("Date").sort_index()
factor = raw["Adj Close"] / raw["Close"]  # splits and dividends adjusted, as the lab does
prices = raw[["Open", "High", "Low", "Close"]].mul(factor, axis=0)
prices["Volume"] = raw["Volume"] / factor
prices = prices.astype(float)
prices.tail()

# %% online
import yfinance as yf

prices = yf.download(SYMBOL, start=START, end=END, progress=False, auto_adjust=False,
                     multi_level_index=False)
prices = prices[[c for c in ["Open", "High", "Low", "Close", "Volume"] if c in prices]]
prices = prices.dropna().astype(float)
prices.tail()

# %% prepare
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
print(X.shape, X_train.shape, X_test.shape)

# %% score
close = df["Close"].to_numpy()[WINDOW:][split:]
prev_close = df["prev_close"].to_numpy()[WINDOW:][split:]
y_hat = y_scaler.inverse_transform(np.asarray(y_pred, float).reshape(-1, 1))[:, 0]
pred_close = y_hat if TARGET == "close" else prev_close * (1.0 + y_hat)
table = pd.DataFrame([scores(close, prev_close, pred_close),
                      scores(close, prev_close, prev_close)], index=["model", "naive"])
table
