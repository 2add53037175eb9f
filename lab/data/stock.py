"""Daily stock prices for the forecast lesson: loading, preparing windows, and honest scores.

Lectures 000 and 002 forecast the next day's close from a window of past days. Lecture 000 reads
``stock_daily.csv`` (no header, Open,High,Low,Volume,Close, newest first), lecture 002 a Yahoo
Finance export of Samsung Electronics with the 3- and 5-day moving averages of the *previous*
days as features. Both fit the MinMax scaler on the whole series before splitting, which lets
the test period's range leak into training; here the scaler is fitted on the training part
unless "lecture mode" asks for the lectures' way. Every forecast is scored beside the naive one
(tomorrow's close = today's close) on the same test days, on prices and on returns.

Data comes from three places, each with a clear message when it fails: prices that ship inside
the ``bokeh-sampledata`` package (public-domain Quandl WIKI daily prices, 2000-2013), a CSV the
user uploads (cut to a date range by ``within``), or a ticker fetched online with ``yfinance`` and
cached as a plain CSV.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import os
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from lab.core.byte_cache import ByteLRU, nbytes
from lab.core.cache import cache_dir, digest
from lab.core.errors import DataUnavailable, LabError, Message
from lab.core import i18n
from lab.data.scaling import MinMax, mae, r2, rmse
from lab.data.sequences import is_number, windows

# --- Limits on what a user supplies ---------------------------------------------------------
MAX_BYTES = 20 * 1024 * 1024  # the same limit as .streamlit/config.toml's maxUploadSize
MAX_ROWS = 100_000  # about 400 years of trading days; longer files keep their last rows
MAX_ABS_VALUE = 1e12  # prices or volumes beyond this are a broken file, not a market
MIN_TRAIN_WINDOWS = 20
MIN_TEST_WINDOWS = 5

# --- Columns --------------------------------------------------------------------------------
PRICE_COLUMNS = ("Open", "High", "Low", "Close")
BASE_COLUMNS = PRICE_COLUMNS + ("Volume",)
# Lecture 002's features: the moving averages of the previous 3 and 5 closes (shifted one day,
# so the day being forecast is never inside its own feature).
MA_COLUMNS = ("3MA_new", "5MA_new")
FEATURES = BASE_COLUMNS + MA_COLUMNS
LECTURE_000_ORDER = ("Open", "High", "Low", "Volume", "Close")  # stock_daily.csv's columns
TARGETS = ("close", "return")  # next close, or next return R_t = (y_t - y_{t-1}) / y_{t-1}
_ALIASES = {"date": "Date", "datetime": "Date", "timestamp": "Date", "time": "Date",
            "open": "Open", "high": "High", "low": "Low", "close": "Close",
            "adj close": "Adj Close", "adj_close": "Adj Close", "adjclose": "Adj Close",
            "volume": "Volume", "vol": "Volume",
            # A KRX (Korea Exchange) or Korean broker's export
            "날짜": "Date", "일자": "Date", "시가": "Open", "고가": "High", "저가": "Low",
            "종가": "Close", "현재가": "Close", "거래량": "Volume"}
# Encodings tried in turn: UTF-8 (with or without a BOM), then cp949 (Korean Windows' EUC-KR,
# which KRX exports use). UTF-16 is recognised by its byte-order mark.
ENCODINGS = ("utf-8-sig", "cp949")
THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")  # 55,800 in a KRX export
_MISSING = {"", "null", "nan", "na", "n/a", "none", "-"}

EMBEDDED_TICKERS = ("GOOG", "AAPL", "MSFT", "IBM", "FB")


class DataError(LabError, ValueError):
    """The data cannot be used; the message (a locale key) says what to fix."""


@dataclass
class StockData:
    """Daily rows, oldest first. The index is the date (DatetimeIndex named "Date") or, for
    files without dates, the row number (named "day"). Columns: a subset of BASE_COLUMNS that
    always holds Close."""

    frame: pd.DataFrame
    source: str  # a name: the ticker and where it came from, or the file's name
    notes: list[Message] = field(default_factory=list)

    @property
    def has_dates(self) -> bool:
        return isinstance(self.frame.index, pd.DatetimeIndex)

    def summary(self, lang: str | None = None) -> str:
        return self.summary_message().text(lang)

    def summary_message(self) -> Message:
        """Where the rows come from and how many there are (``source`` may be a file's name)."""
        idx = self.frame.index
        if self.has_dates:
            return Message("stock.summary", {"source": self.source, "days": len(self.frame),
                                             "first": f"{idx[0]:%Y-%m-%d}",
                                             "last": f"{idx[-1]:%Y-%m-%d}"})
        return Message("stock.summary_no_dates", {"source": self.source, "days": len(self.frame)})


# --- Loading --------------------------------------------------------------------------------
def load_embedded(ticker: str = "GOOG") -> StockData:
    """A real daily OHLCV series shipped by the ``bokeh-sampledata`` package (Quandl WIKI
    prices, public domain, to 2013-03-01). Open/High/Low/Close are multiplied by the source's
    Adj Close / Close, so splits and dividends do not show as crashes; Volume is divided by it."""
    if ticker not in EMBEDDED_TICKERS:
        raise DataError("stock.err.not_embedded", ticker=str(ticker)[:30],
                        tickers=", ".join(EMBEDDED_TICKERS))
    spec = importlib.util.find_spec("bokeh_sampledata")
    if spec is None or not spec.submodule_search_locations:
        raise DataUnavailable("stock.err.no_sampledata")
    path = Path(list(spec.submodule_search_locations)[0]) / "_data" / "stocks.csv.gz"
    raw = pd.read_csv(path, parse_dates=["Date"])
    raw = raw[raw["Ticker"] == ticker].set_index("Date").sort_index()
    factor = raw["Adj Close"] / raw["Close"]
    frame = raw[list(PRICE_COLUMNS)].mul(factor, axis=0)
    frame["Volume"] = raw["Volume"] / factor
    return StockData(frame.astype(float), f"{ticker} (bokeh-sampledata)",
                     [Message("stock.note.adjusted", {"ticker": ticker})])


def parse_csv(raw: bytes, name: str = "upload") -> StockData:
    """Read either of the lectures' formats, or any CSV with a Close column.

    - ``stock_daily.csv`` (lecture 000): ``#`` comment lines, no header, Open,High,Low,Volume,
      Close, newest first. A comment line that lists the column names is used as the header.
    - A Yahoo Finance export (lecture 002): Date,Open,High,Low,Close,Adj Close,Volume, oldest
      first; "null" cells (holidays) are missing values.
    - A KRX or Korean broker's export: Korean column names (날짜, 시가, 고가, 저가, 종가,
      거래량), cp949 text, thousands separators (55,800) and dates such as 2020/01/02.
    Rows with missing values are dropped with a note; anything else that is wrong raises
    ``DataError`` with what to fix.

    The text is streamed, never held whole: a first pass reads the layout (header, width of
    every row, how many rows), a second keeps only the rows within ``MAX_ROWS`` and turns
    them into numbers ``CHUNK_ROWS`` at a time. So the memory it needs beyond ``raw`` stays
    within a few times the file's size (``tests/test_stock.py`` measures it; ``bench.run``
    reports a 20 MB upload's).
    """
    if len(raw) > MAX_BYTES:
        raise DataError("stock.err.too_big", mb=len(raw) / 2**20, limit=MAX_BYTES / 2**20)
    encoding, layout = _layout(raw)
    if layout.first is None:
        raise DataError("stock.err.no_rows")
    first, sep = layout.first, layout.sep
    notes: list[Message] = []
    if all(is_number(c) for c in first):  # no header row: lecture 000's stock_daily.csv
        names = layout.names
        if names is None and len(first) == len(LECTURE_000_ORDER):
            names = list(LECTURE_000_ORDER)
            notes.append(Message("stock.note.no_header"))
        if names is None or len(names) != len(first):
            raise DataError("stock.err.no_header", columns=len(first))
        header, rows, newest_first, skip = names, layout.rows + 1, True, 0
    else:
        header = [_ALIASES.get(c.strip().lower(), c.strip()) for c in first]
        rows, newest_first, skip = layout.rows, False, 1
    if "Close" not in header:
        found = ", ".join(f"'{c[:30]}'" for c in header[:8])
        raise DataError("stock.err.no_close_one_column" if len(header) == 1
                        else "stock.err.no_close", found=found)
    if len(set(header)) != len(header):
        raise DataError("stock.err.same_name")
    if not rows:
        raise DataError("stock.err.header_only")
    if layout.ragged is not None:
        row, fields = layout.ragged
        raise DataError("stock.err.ragged", row=row + (1 - skip), fields=fields,
                        columns=len(header))
    kept = range(rows)
    if rows > MAX_ROWS:
        notes.append(Message("stock.note.max_rows", {"rows": rows, "kept": MAX_ROWS}))
        kept = range(MAX_ROWS) if newest_first else range(rows - MAX_ROWS, rows)
    used = [c for c in BASE_COLUMNS if c in header]
    values, dates = _columns(_records(raw, encoding, sep, skip), kept,
                             {c: header.index(c) for c in used + ["Date"] if c in header})
    frame = pd.DataFrame(values, columns=used, copy=False)
    if dates is not None:
        frame.index = pd.DatetimeIndex(dates, name="Date")
        frame = frame[frame.index.notna()]
        dup = frame.index[frame.index.duplicated()]
        if len(dup):
            raise DataError("stock.err.duplicate_date", date=f"{dup[0]:%Y-%m-%d}",
                            count=len(dup))
        if not frame.index.is_monotonic_increasing:
            if frame.index.is_monotonic_decreasing:
                notes.append(Message("stock.note.dates_reversed"))
            else:
                notes.append(Message("stock.note.dates_sorted"))
            frame = frame.sort_index()
    else:
        if newest_first:
            frame = frame.iloc[::-1]
            notes.append(Message("stock.note.no_dates_reversed"))
        frame.index = pd.RangeIndex(len(frame), name="day")
    return _checked(StockData(frame, name, notes))


CHUNK_ROWS = 2048  # rows turned into numbers at a time: their cells are Python strings


@dataclass
class _Layout:
    first: list[str] | None = None  # the first row's cells (a header, or lecture 000's data)
    sep: str = ","
    names: list[str] | None = None  # column names from the first comment that lists them
    rows: int = 0  # rows after the first
    ragged: tuple[int, int] | None = None  # (row after the first, its cells) of the first
    #                                        row whose width differs from the first's


def _layout(raw: bytes) -> tuple[str, _Layout]:
    """The encoding and the layout of the text, read in one streamed pass."""
    for encoding in _encodings(raw):
        layout = _Layout()
        try:
            lines = _lines(raw, encoding)
            for line in lines:
                if line.lstrip().startswith("#"):
                    if layout.names is None:
                        layout.names = _column_names(line.lstrip("#").strip())
                elif line.strip():
                    layout.sep = max([",", ";", "\t"], key=line.count)
                    layout.first = next(csv.reader([line], delimiter=layout.sep))
                    break
            width = len(layout.first) if layout.first is not None else 0
            for i, cells in enumerate(csv.reader(_body(lines, layout), delimiter=layout.sep)):
                layout.rows += 1
                if layout.ragged is None and len(cells) != width:
                    layout.ragged = (i + 1, len(cells))
            return encoding, layout
        except UnicodeDecodeError:
            continue
    raise DataError("stock.err.encoding")


def _body(lines, layout: _Layout):
    """The data lines that follow; a comment that lists the column names is noted on the way."""
    for line in lines:
        if line.lstrip().startswith("#"):
            if layout.names is None:
                layout.names = _column_names(line.lstrip("#").strip())
        elif line.strip():
            yield line


def _records(raw: bytes, encoding: str, sep: str, skip: int):
    """The rows of cells, the first ``skip`` (the header) left out."""
    rows = csv.reader(_body(_lines(raw, encoding), _Layout(names=[])), delimiter=sep)
    for _ in range(skip):
        next(rows, None)
    return rows


def _lines(raw: bytes, encoding: str):
    """The text's lines, as ``str.splitlines`` cuts them, decoded a block at a time."""
    with io.TextIOWrapper(io.BytesIO(raw), encoding=encoding, newline=None) as text:
        for line in text:
            yield from line.splitlines()


def _encodings(raw: bytes) -> tuple[str, ...]:
    """The encodings to try: UTF-16 by its byte-order mark, else UTF-8, else cp949 (KRX)."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return ("utf-16",)
    if b"\x00" in raw[:4096]:
        raise DataError("stock.err.binary")
    return ENCODINGS


def _columns(rows, kept: range, where: dict[str, int]) -> tuple[np.ndarray, np.ndarray | None]:
    """The ``kept`` rows' cells of the number columns in ``where`` (name -> position; "Date"
    aside) as one float64 array (kept rows, columns; missing and infinite cells NaN), and the
    dates as datetime64 (None without a "Date" column). Converted ``CHUNK_ROWS`` rows at a
    time into arrays allocated once. Raises for the first bad cell in the order a check of
    whole columns would: column by column, then row by row."""
    numbers = [c for c in where if c != "Date"]
    values = np.empty((len(kept), len(numbers)))
    dates = np.empty(len(kept), "datetime64[ns]") if "Date" in where else None
    bad: dict[str, tuple[int, str]] = {}  # column -> (row in kept, cell) of its first bad cell
    chunk: list[list[str]] = []

    def convert(offset: int) -> None:
        rows = slice(offset, offset + len(chunk))
        for name, j in where.items():
            cells = pd.Series([r[j] for r in chunk], dtype=object)
            if name == "Date":
                dates[rows], first_bad = _dates(cells)
            else:
                values[rows, numbers.index(name)], first_bad = _numbers(cells)
            if first_bad is not None and name not in bad:
                cell = cells.iloc[first_bad]
                bad[name] = (offset + first_bad, (cell if name == "Date" else cell.strip())[:30])
        chunk.clear()

    done = 0
    for i, cells in enumerate(rows):
        if i >= kept.stop:
            break
        if i < kept.start:
            continue
        chunk.append(cells)
        if len(chunk) == CHUNK_ROWS:
            convert(done)
            done += CHUNK_ROWS
    if chunk:
        convert(done)
    for name in numbers + ["Date"]:
        if name in bad:
            row, cell = bad[name]
            if name == "Date":
                raise DataError("stock.err.bad_date", row=row + 1, cell=cell)
            raise DataError("stock.err.not_number", column=name, row=row + 1, cell=cell)
    values[np.isinf(values)] = np.nan
    return values, dates


def _checked(data: StockData) -> StockData:
    """Drop rows with missing values (with a note; infinite ones were read as missing), then
    refuse what cannot work."""
    frame = data.frame
    missing = frame.isna().any(axis=1)
    if missing.any():
        data.notes.append(Message("stock.note.dropped", {"rows": int(missing.sum())}))
        frame = frame[~missing]
    if len(frame) == 0:
        raise DataError("stock.err.no_complete_row")
    too_large = (frame.abs() > MAX_ABS_VALUE).any()
    if too_large.any():
        col = frame.columns[too_large][0]
        raise DataError("stock.err.too_large", column=col, limit=f"{MAX_ABS_VALUE:.0e}")
    prices = [c for c in PRICE_COLUMNS if c in frame]
    if (frame[prices] <= 0).any().any():
        raise DataError("stock.err.not_positive")
    if "Volume" in frame and (frame["Volume"] < 0).any():
        raise DataError("stock.err.negative_volume")
    if frame["Close"].nunique() < 2:
        raise DataError("stock.err.constant")
    data.frame = frame.astype(float)
    return data


def _column_names(comment: str) -> list[str] | None:
    names = [_ALIASES.get(c.strip().lower()) for c in comment.split(",")]
    return names if len(names) > 1 and all(names) and "Close" in names else None


def _numbers(col: pd.Series) -> tuple[np.ndarray, int | None]:
    """The cells as float64 (missing cells NaN), and the position of the first cell that is
    neither a number nor missing (None when all are)."""
    values = pd.to_numeric(col, errors="coerce")  # most files: every cell a plain number
    if not values.isna().any():
        return values.to_numpy(float), None
    cells = col.str.strip()
    grouped = cells.str.match(THOUSANDS)  # 55,800 -> 55800 (KRX exports quote such cells)
    if grouped.any():
        cells = cells.where(~grouped, cells.str.replace(",", "", regex=False))
    values = pd.to_numeric(cells, errors="coerce")
    return values.to_numpy(float), _first(values.isna() & ~cells.str.lower().isin(_MISSING))


def _dates(col: pd.Series) -> tuple[np.ndarray, int | None]:
    """The cells as datetime64 (missing cells NaT), and the position of the first cell that is
    neither a date nor missing."""
    cells = col.str.strip()
    dates = pd.to_datetime(cells, errors="coerce", format="mixed")
    bad = dates.isna() & ~cells.str.lower().isin(_MISSING)
    return dates.to_numpy("datetime64[ns]"), _first(bad)


def _first(mask: pd.Series) -> int | None:
    hits = np.flatnonzero(mask.to_numpy())
    return int(hits[0]) if len(hits) else None


SYMBOL = re.compile(r"^[A-Za-z0-9^][A-Za-z0-9.\-=^]{0,19}$")


def fetch_online(symbol: str, start: date, end: date) -> StockData:
    """Daily prices from Yahoo Finance through ``yfinance``, cached by symbol as plain CSVs
    (``stock/tickers/<SYMBOL>/<start>_<end>.csv``). A range fetched before is read from its
    file; any other is fetched, and when that fails (no network, no ``yfinance``) the newest
    file fetched for the symbol is used, with a note saying when it was fetched. Without one,
    raises DataUnavailable."""
    symbol = symbol.strip().upper()
    if not SYMBOL.match(symbol):
        raise DataError("stock.err.bad_symbol", symbol=symbol[:30])
    if start >= end:
        raise DataError("stock.err.dates_order")
    folder = cache_dir("stock", "tickers", symbol)
    path = folder / f"{start:%Y%m%d}_{end:%Y%m%d}.csv"
    name = f"{symbol} (Yahoo Finance)"
    if path.exists():
        return parse_csv(path.read_bytes(), name)
    try:
        _download(symbol, start, end, path)
    except DataUnavailable:
        cached = _newest_cached(symbol)
        if cached is None:
            raise
        data = parse_csv(cached.read_bytes(), name)
        fetched = date.fromtimestamp(cached.stat().st_mtime)
        first, last = (f"{data.frame.index[i]:%Y-%m-%d}" if data.has_dates else str(i)
                       for i in (0, -1))
        data.notes.append(Message("stock.note.cached_ticker", {
            "symbol": symbol, "fetched": f"{fetched:%Y-%m-%d}",
            "days": (date.today() - fetched).days, "first": first, "last": last}))
        return data
    return parse_csv(path.read_bytes(), name)


def load(source: str, ticker: str = "GOOG", raw: bytes | None = None, name: str = "",
         start: date | None = None, end: date | None = None) -> StockData:
    """The prices from ``source``: "embedded" (``ticker``), "upload" (the uploaded bytes
    ``raw`` of the file ``name``), else online (``ticker`` from ``start`` to ``end``)."""
    if source == "embedded":
        return load_embedded(ticker)
    if source == "upload":
        if raw is None:
            raise DataUnavailable("stock.choose_csv")
        return parse_csv(raw, name)
    return fetch_online(ticker, start, end)


# Lecture 002's Samsung file (005930.KS): 5,528 rows from 2000-09-01, the last on 2022-09-19.
# A longer export (to 2023 and from 2000-01-04) within these days holds exactly its rows.
LECTURE_002_DAYS = ("2000-09-01", "2022-09-19")


def within(data: StockData, first: str = "", last: str = "") -> StockData:
    """The rows from day ``first`` to day ``last``, both kept (YYYY-MM-DD; empty: the data's
    own first or last day), with a note of how many of the rows that keeps. A range that
    reaches beyond the data keeps the part inside it; one that is reversed, lies wholly
    outside the data or holds no row raises ``DataError`` saying so. The rows are cut before
    any feature is computed, as if the file held only them (lecture 002's moving averages
    start inside its file)."""
    first, last = first.strip(), last.strip()
    if not (first or last):
        return data
    if not data.has_dates:
        raise DataError("stock.err.range_no_dates")
    idx = data.frame.index
    lo, hi = (_day(text, idx.tz) if text else idx[i].normalize()
              for text, i in ((first, 0), (last, -1)))
    days = dict(first=f"{lo:%Y-%m-%d}" if first else "…", last=f"{hi:%Y-%m-%d}" if last
                else "…", data_first=f"{idx[0]:%Y-%m-%d}", data_last=f"{idx[-1]:%Y-%m-%d}")
    if first and last and lo > hi:
        raise DataError("stock.err.range_reversed", **days)
    if lo > idx[-1] or hi < idx[0].normalize():
        raise DataError("stock.err.range_outside", **days)
    frame = data.frame[(idx >= lo) & (idx < hi + pd.Timedelta(days=1))]  # all of day ``hi``
    if frame.empty:
        raise DataError("stock.err.range_empty", **days)
    note = Message("stock.note.range", {"kept": len(frame), "rows": len(idx)})
    return StockData(frame, data.source, [*data.notes, note])


def _day(text: str, tz) -> pd.Timestamp:
    """A day typed as YYYY-MM-DD (or YYYY/MM/DD), in the data's time zone."""
    try:
        day = date.fromisoformat(text.replace("/", "-"))
    except ValueError:
        raise DataError("stock.err.range_date", cell=text[:30]) from None
    return pd.Timestamp(day).tz_localize(tz)


def _download(symbol: str, start: date, end: date, path: Path) -> None:
    """Fetch the daily prices into ``path`` (written whole or not at all)."""
    try:
        import yfinance
    except ImportError:
        raise DataUnavailable("stock.err.no_yfinance") from None
    try:
        df = yfinance.download(symbol, start=start, end=end, progress=False,
                               auto_adjust=False, multi_level_index=False)
    except Exception as err:  # yfinance raises many kinds; all mean "not fetched"
        raise DataUnavailable("stock.err.fetch_failed", symbol=symbol,
                              error=type(err).__name__) from None
    if df is None or df.empty or "Close" not in df:  # also what yfinance gives offline
        raise DataUnavailable("stock.err.no_prices", symbol=symbol)
    df.index.name = "Date"
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    df[[c for c in BASE_COLUMNS if c in df]].to_csv(tmp)
    os.replace(tmp, path)


def _newest_cached(symbol: str) -> Path | None:
    """The file last fetched for ``symbol`` (also in the layout before tickers had folders,
    ``stock/<SYMBOL>_<start>_<end>.csv``), or None."""
    files = [*cache_dir("stock", "tickers", symbol).glob("*.csv"),
             *cache_dir("stock").glob(f"{symbol}_*_*.csv")]
    return max(files, key=lambda p: p.stat().st_mtime, default=None)


# --- Preparation ----------------------------------------------------------------------------
@dataclass(frozen=True)
class PrepSettings:
    features: tuple[str, ...] = LECTURE_000_ORDER
    target: str = "close"
    window_size: int = 7
    train_fraction: float = 0.7
    lecture_scaling: bool = False  # fit MinMax on the whole series, as lectures 000 and 002 do


def add_features(frame: pd.DataFrame) -> pd.DataFrame:
    """Lecture 002's columns, computed on the whole series before any row is dropped:
    3MA/5MA (rolling means of Close), 3MA_new/5MA_new (the same, one day later), prev_close
    and R_t = (y_t - y_{t-1}) / y_{t-1}."""
    out = frame.copy()
    out["3MA"] = out["Close"].rolling(3).mean()
    out["5MA"] = out["Close"].rolling(5).mean()
    out["3MA_new"] = out["3MA"].shift(1)
    out["5MA_new"] = out["5MA"].shift(1)
    out["prev_close"] = out["Close"].shift(1)
    out["R_t"] = out["Close"] / out["prev_close"] - 1.0
    return out


def clean(frame: pd.DataFrame, s: PrepSettings) -> tuple[pd.DataFrame, dict[str, int]]:
    """Zero volume is treated as missing (lecture 002), then rows missing anything the
    settings use are dropped. Returns the rows kept and how many each rule dropped."""
    df = add_features(frame)
    needed = list(dict.fromkeys([*s.features, "Close"] + (["R_t"] if s.target == "return"
                                                         else [])))
    zero_volume = (df["Volume"] == 0) if "Volume" in df else pd.Series(False, df.index)
    missing = df[needed].isna().any(axis=1)
    kept = df[~(zero_volume | missing)]
    return kept, {"zero_volume": int(zero_volume.sum()),
                  "missing": int((missing & ~zero_volume).sum())}


# The rows kept for a choice of columns, shared by every window size and split asked of them
# (read only): a room whose students each try their own window computes the features once.
# An entry is at most the largest upload with its lecture columns, 100,000 x 12 x 8 bytes.
CLEANED = ByteLRU(100 * 2**20, lambda kept: nbytes(kept[0]))


def cleaned(data: StockData, s: PrepSettings) -> tuple[pd.DataFrame, dict[str, int]]:
    """``clean(data.frame, s)``, made once for the same rows, features and target."""
    return CLEANED.get((content_of(data), s.features, s.target), lambda: clean(data.frame, s))


@dataclass
class Prepared:
    settings: PrepSettings
    frame: pd.DataFrame  # the rows kept, with the feature columns
    dropped: dict[str, int]
    X: np.ndarray  # (n, window_size, features) float32, scaled
    y: np.ndarray  # (n,) float32, scaled target
    split: int  # windows [:split] train, [split:] test
    x_scaler: MinMax  # scikit-learn's MinMaxScaler, as the lectures fit it (lab.data.scaling)
    y_scaler: MinMax
    fit_rows: int  # how many rows the scalers were fitted on

    @property
    def target_index(self) -> pd.Index:
        """The date (or row number) each window forecasts."""
        return self.frame.index[self.settings.window_size:]

    @property
    def close(self) -> np.ndarray:
        return self.frame["Close"].to_numpy()[self.settings.window_size:]

    @property
    def prev_close(self) -> np.ndarray:
        return self.frame["prev_close"].to_numpy()[self.settings.window_size:]

    def to_close(self, y_scaled: np.ndarray) -> np.ndarray:
        """Scaled forecasts -> closing prices (a return is applied to the previous close)."""
        y = self.y_scaler.inverse_transform(np.asarray(y_scaled, float).reshape(-1, 1))[:, 0]
        return y if self.settings.target == "close" else self.prev_close * (1.0 + y)


def prepare(data: StockData, s: PrepSettings) -> Prepared:
    if not s.features:
        raise DataError("stock.err.no_features")
    absent = [f for f in s.features if f not in FEATURES or
              (f in BASE_COLUMNS and f not in data.frame)]
    if absent:
        raise DataError("stock.err.absent_features", absent=", ".join(absent),
                        available=", ".join(available_features(data)))
    if s.target not in TARGETS:
        raise DataError("stock.err.bad_target", targets=", ".join(TARGETS))
    frame, dropped = cleaned(data, s)
    w = int(s.window_size)
    n = len(frame) - w
    split = int(n * s.train_fraction)
    if split < MIN_TRAIN_WINDOWS or n - split < MIN_TEST_WINDOWS:
        need = w + int(np.ceil(max(MIN_TRAIN_WINDOWS / s.train_fraction,
                                   MIN_TEST_WINDOWS / (1 - s.train_fraction))))
        raise DataError("stock.err.too_few_rows", rows=len(frame), window=w,
                        split=s.train_fraction, need=need)
    feats = frame[list(s.features)].to_numpy(float)
    target = frame[["Close" if s.target == "close" else "R_t"]].to_numpy(float)
    fit_rows = len(frame) if s.lecture_scaling else split + w  # train windows' inputs + targets
    if np.ptp(target[:fit_rows]) == 0:
        raise DataError("stock.err.constant_target")
    x_scaler = MinMax.fit(feats[:fit_rows])
    y_scaler = MinMax.fit(target[:fit_rows])
    X = windows(x_scaler.transform(feats).astype(np.float32), w)
    y = y_scaler.transform(target)[w:, 0].astype(np.float32)
    return Prepared(s, frame, dropped, X, y, split, x_scaler, y_scaler, fit_rows)


# Prepared windows shared by the whole server (read only). The largest set an upload can make
# is 100,000 rows x window 60 x 7 features x 4 bytes = 168 MB; the page's default takes 0.3 MB.
# 400 MB keeps two of the largest, or hundreds of ordinary ones.
PREPARED_BYTES = 400 * 2**20
PREPARED = ByteLRU(PREPARED_BYTES, lambda p: nbytes(p.X, p.y, p.frame))


def content_of(data: StockData) -> str:
    """A digest of the rows (dates and values): equal for equal data, whatever its source.
    Worked out once per frame and kept on ``data`` (hashing the rows is most of what asking
    ``prepared`` for shared windows costs, and a page run asks several times: its questions
    too); a new frame put on ``data`` is hashed again."""
    kept = data.__dict__.get("_digest")
    if kept is None or kept[0] is not data.frame:
        kept = data.__dict__["_digest"] = (data.frame, digest(
            pd.util.hash_pandas_object(data.frame).values))
    return kept[1]


def prepared(data: StockData, s: PrepSettings) -> Prepared:
    """``prepare(data, s)``, made once for every session that asks for the same rows and
    settings while it stays in ``PREPARED``: shared, so never to be changed."""
    return PREPARED.get((content_of(data), s), lambda: prepare(data, s))


def available_features(data: StockData) -> list[str]:
    return [f for f in FEATURES if f in data.frame or f in MA_COLUMNS]


def leak_report(p: Prepared) -> dict[str, float]:
    """What fitting the scaler on the whole series changes: the Close range each way and how
    much of the test period lies outside the training part's range."""
    close = p.frame["Close"].to_numpy()
    train = close[:p.settings.window_size + p.split]
    test = p.close[p.split:]
    return {"train_min": float(train.min()), "train_max": float(train.max()),
            "all_min": float(close.min()), "all_max": float(close.max()),
            "test_outside": float(np.mean((test < train.min()) | (test > train.max())))}


# --- Scores ---------------------------------------------------------------------------------
def returns(close: np.ndarray, prev_close: np.ndarray, pred_close: np.ndarray
            ) -> tuple[np.ndarray, np.ndarray]:
    """Each day's true return and the forecast's, both from the previous close."""
    return close / prev_close - 1.0, pred_close / prev_close - 1.0


def returns_on_test_days(p: "Prepared", pred_close: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The true and forecast returns of the test days (``pred_close``: every window's)."""
    t = slice(p.split, None)
    return returns(p.close[t], p.prev_close[t], pred_close[t])


def scores(close: np.ndarray, prev_close: np.ndarray, pred_close: np.ndarray) -> dict[str, float]:
    """RMSE, MAE and R-squared on prices and on returns, and the share of days whose direction
    (up or down from the previous close) the forecast gets right."""
    true_r, pred_r = returns(close, prev_close, pred_close)
    moved = true_r != 0
    said = np.sign(np.round(pred_r, 12))  # a forecast within rounding of today says "no move"
    direction = (np.mean(said[moved] == np.sign(true_r[moved]))
                 if moved.any() else float("nan"))
    return {"RMSE (price)": rmse(close, pred_close), "MAE (price)": mae(close, pred_close),
            "R² (price)": r2(close, pred_close),
            "RMSE (return)": rmse(true_r, pred_r), "MAE (return)": mae(true_r, pred_r),
            "R² (return)": r2(true_r, pred_r),
            "direction right": float(direction)}


def evaluate(p: Prepared, pred_scaled: np.ndarray) -> pd.DataFrame:
    """The model beside the naive forecast (tomorrow = today) on the same test days. The naive
    forecast predicts no move, so its direction is never right; "always up" is the share of
    test days that went up, the score of a forecast that always says "up"."""
    t = slice(p.split, None)
    close, prev = p.close[t], p.prev_close[t]
    model = scores(close, prev, p.to_close(pred_scaled)[t])
    naive = scores(close, prev, prev)
    moved = close != prev
    naive["direction right"] = float("nan")
    table = pd.DataFrame([model, naive], index=["model", "naive"])
    table.attrs["always up"] = float(np.mean(close[moved] > prev[moved])) if moved.any() else 0.5
    return table


def beats_naive(table: pd.DataFrame) -> bool:
    """Lower test RMSE on prices than the naive forecast, by more than rounding."""
    naive = table.loc["naive", "RMSE (price)"]
    return bool(table.loc["model", "RMSE (price)"] < naive * (1 - 1e-9))
