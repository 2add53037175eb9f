"""Stock lesson: loading both lecture formats, the lectures' shapes, honest scaling and scores,
bad files, and the Keras forecaster (params, training, save/load)."""

import io
from datetime import date

import numpy as np
import pandas as pd
import pytest

from lab.data import stock
from lab.data.stock import DataError, PrepSettings

SAMSUNG_LECTURE = PrepSettings(stock.MA_COLUMNS, "close", 40, 0.95, lecture_scaling=True)


def generated_csv(n: int = 300, seed: int = 0, header: str = "Date,Open,High,Low,Close,Volume"
                  ) -> bytes:
    """A random walk in Yahoo's layout (oldest first)."""
    rng = np.random.default_rng(seed)
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, n)))
    days = pd.bdate_range("2020-01-01", periods=n)
    rows = [f"{d:%Y-%m-%d},{c * 0.99:.4f},{c * 1.01:.4f},{c * 0.98:.4f},{c:.4f},{1000 + i}"
            for i, (d, c) in enumerate(zip(days, close))]
    return (header + "\n" + "\n".join(rows) + "\n").encode()


@pytest.fixture
def samsung(shared_data):
    """Lecture 002's file: the shared, longer export cut to the lecture's days."""
    data = stock.parse_csv((shared_data / "samsung_005930.csv").read_bytes(), "samsung")
    return stock.within(data, *stock.LECTURE_002_DAYS)


# --- The lectures' shapes and numbers ----------------------------------------------------------
def test_lecture_000_windows_and_printed_window(shared_data):
    data = stock.parse_csv((shared_data / "stock_daily.csv").read_bytes(), "stock_daily.csv")
    assert len(data.frame) == 732 and not data.has_dates
    assert data.frame["Close"].iloc[0] == pytest.approx(558.4625512)  # oldest row first
    p = stock.prepare(data, PrepSettings(lecture_scaling=True))
    assert p.X.shape == (725, 7, 5) and p.X[:p.split].shape == (507, 7, 5)
    # The window the lecture prints (its 13th), to the printed 8 digits.
    printed = [[0.12705592, 0.1390988, 0.12324434, 0.23008873, 0.11649107],
               [0.12288872, 0.12276776, 0.09067269, 0.34481491, 0.12791587],
               [0.14089803, 0.17638508, 0.15387945, 0.4378686, 0.18649648],
               [0.15782902, 0.15470702, 0.12791016, 0.60962624, 0.12692483],
               [0.1207904, 0.11770961, 0.11162416, 0.22934481, 0.10512477],
               [0.09905103, 0.11924158, 0.11722888, 0.21129336, 0.12316526],
               [0.11405885, 0.10952968, 0.11353161, 0.18323922, 0.10022843]]
    np.testing.assert_allclose(p.X[12], printed, atol=2e-8)
    assert p.y[12] == pytest.approx(0.09504062, abs=2e-8)


def test_lecture_002_samsung_shapes(samsung):
    assert len(samsung.frame) == 5528
    p = stock.prepare(samsung, SAMSUNG_LECTURE)
    assert len(p.frame) == 5408
    assert p.dropped == {"zero_volume": 115, "missing": 5}
    assert p.X.shape == (5368, 40, 2)
    assert (p.split, len(p.X) - p.split) == (5099, 269)
    r = stock.prepare(samsung, PrepSettings(stock.MA_COLUMNS, "return", 40, 0.95, True))
    assert r.X.shape == (5368, 40, 2) and r.split == 5099


def test_the_lecture_002_range_of_a_longer_export_gives_the_lectures_rows(shared_data):
    """The shared export runs from 2000-01-04 to 2023-07-26 (5,913 rows); the lecture's days
    keep its 5,528, and its windows of 40 split 5,099 / 269 with the first test forecast on
    2021-07-27. The moving averages start inside the range, as in the lecture's own file."""
    whole = stock.parse_csv((shared_data / "samsung_005930.csv").read_bytes(), "005930.KS.csv")
    assert len(whole.frame) == 5913
    data = stock.within(whole, *stock.LECTURE_002_DAYS)
    assert len(data.frame) == 5528 and len(whole.frame) == 5913  # the whole file is kept
    assert data.summary() == "005930.KS.csv: 5,528 days, 2000-09-01 to 2022-09-19"
    assert data.notes[-1].text() == "The date range keeps 5,528 of the file's 5,913 rows."
    assert data.notes[-1].text("ko") == "이 기간에 든 행은 파일의 5,913행 중 5,528행이다."
    p = stock.prepare(data, SAMSUNG_LECTURE)
    assert (len(p.frame), p.X.shape, p.split, len(p.X) - p.split) == (
        5408, (5368, 40, 2), 5099, 269)
    assert p.dropped == {"zero_volume": 115, "missing": 5}
    assert f"{p.target_index[p.split]:%Y-%m-%d}" == "2021-07-27"
    assert stock.within(whole) is whole and stock.within(whole, " ", "") is whole


def test_a_range_beyond_the_file_keeps_the_part_inside_it():
    data = stock.parse_csv(generated_csv(300), "walk.csv")  # business days from 2020-01-01
    assert stock.within(data, "1990-01-01", "2030-12-31").frame.equals(data.frame)
    cut = stock.within(data, "", "2020/01/31")  # from the file's first day; / as in KRX files
    assert (f"{cut.frame.index[0]:%Y-%m-%d}", f"{cut.frame.index[-1]:%Y-%m-%d}") == (
        "2020-01-01", "2020-01-31")
    assert len(cut.frame) == 23 and len(stock.within(data, "2020-01-31", "").frame) == 300 - 22
    hourly = stock.parse_csv(b"Date,Close\n2020-01-01 10:00,1\n2020-01-02 15:30,2\n"
                             b"2020-01-03 09:00,3\n", "hourly.csv")
    assert len(stock.within(hourly, "2020-01-02", "2020-01-02").frame) == 1  # all of the day


BAD_RANGES = {  # first, last -> the English message, the Korean one
    "reversed": ("2020-03-01", "2020-02-01", "reversed: 2020-03-01 comes after 2020-02-01",
                 "기간이 거꾸로다"),
    "after the file": ("2021-03-01", "", "2021-03-01 to … lies outside the file, which runs "
                       "from 2020-01-01 to 2021-02-23", "파일 밖이다"),
    "before the file": ("1999-01-01", "1999-12-31", "lies outside the file", "파일 밖이다"),
    "no trading day": ("2020-01-04", "2020-01-05", "no trading day lies between 2020-01-04 and "
                       "2020-01-05", "거래일이 하나도 없다"),
    "not a day": ("2020-02-30", "", "'2020-02-30' is not a day: write it as YYYY-MM-DD",
                  "날짜가 아니다"),
}


@pytest.mark.parametrize("name", BAD_RANGES)
def test_a_bad_range_is_named_in_both_languages(name):
    first, last, english, korean = BAD_RANGES[name]
    data = stock.parse_csv(generated_csv(300), "walk.csv")
    with pytest.raises(DataError) as err:
        stock.within(data, first, last)
    assert english in err.value.text() and korean in err.value.text("ko")


def test_a_range_needs_dates():
    data = stock.parse_csv(b"Close\n1\n2\n3\n", "no_dates.csv")
    assert stock.within(data) is data
    with pytest.raises(DataError, match="no dates"):
        stock.within(data, "2020-01-01", "")


def test_shifted_moving_averages_and_returns_follow_the_lecture_loop(samsung):
    raw = samsung.frame.iloc[:60]
    f = stock.add_features(raw)
    close = raw["Close"].to_numpy()
    for i in range(5, 60):  # the lecture: raw_df.iloc[i+1, 9] = raw_df.iloc[i, 7]
        assert f["3MA_new"].iloc[i] == pytest.approx(close[i - 3:i].mean())
        assert f["5MA_new"].iloc[i] == pytest.approx(close[i - 5:i].mean())
        assert f["R_t"].iloc[i] == pytest.approx((close[i] - close[i - 1]) / close[i - 1])


def test_windows_equal_the_lecture_loop_with_the_next_label():
    values = np.arange(40, dtype=float).reshape(20, 2)
    X = stock.windows(values, 4)
    loop = np.array([values[i:i + 4] for i in range(len(values) - 4)])
    np.testing.assert_array_equal(X, loop)
    assert X.flags["C_CONTIGUOUS"]


def test_scaler_is_fitted_on_the_training_part_unless_lecture_mode(samsung):
    honest = stock.prepare(samsung, PrepSettings(("Close",), "close", 40, 0.7))
    train_rows = honest.X[:honest.split]
    assert train_rows.min() == pytest.approx(0) and train_rows.max() == pytest.approx(1)
    assert honest.X[honest.split:].max() > 1  # Samsung rose after the training part
    assert honest.fit_rows == honest.split + 40
    leaky = stock.prepare(samsung, PrepSettings(("Close",), "close", 40, 0.7, True))
    assert leaky.X.max() == pytest.approx(1) and leaky.fit_rows == len(leaky.frame)
    report = stock.leak_report(honest)
    assert report["all_max"] > report["train_max"] and 0 < report["test_outside"] <= 1


def test_the_scaler_and_scores_are_scikit_learns_to_the_last_bit():
    """lab.data.scaling against MinMaxScaler, mean_squared_error, mean_absolute_error and
    r2_score on random columns of every scale, constant ones and NaNs among them."""
    from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score
    from sklearn.preprocessing import MinMaxScaler

    from lab.data.scaling import MinMax, mae, r2, rmse

    rng = np.random.default_rng(7)
    for trial in range(60):
        n, f = int(rng.integers(2, 500)), int(rng.integers(1, 5))
        X = rng.normal(size=(n, f)) * 10 ** rng.uniform(-3, 5) + rng.normal() * 100
        if trial % 5 == 0:
            X[:, 0] = 3.0  # a constant column is scaled by 1
        if trial % 7 == 0:
            X[0, -1] = np.nan
        ours, theirs = MinMax.fit(X), MinMaxScaler().fit(X)
        Z = rng.normal(size=(20, f)) * 1000
        for name in ("data_min_", "data_max_", "scale_", "min_"):
            np.testing.assert_array_equal(getattr(ours, name), getattr(theirs, name))
        np.testing.assert_array_equal(ours.transform(Z), theirs.transform(Z))
        np.testing.assert_array_equal(ours.inverse_transform(Z), theirs.inverse_transform(Z))
        y, pred = rng.normal(size=n) * 50, rng.normal(size=n) * 50
        if trial % 6 == 0:
            y[:] = 2.0
        assert rmse(y, pred) == np.sqrt(mean_squared_error(y, pred))
        assert mae(y, pred) == mean_absolute_error(y, pred)
        assert r2(y, pred) == r2_score(y, pred)
    assert r2(np.full(3, 2.0), np.full(3, 2.0)) == r2_score([2, 2, 2], [2, 2, 2]) == 1.0


def test_the_stock_pages_modules_do_not_import_scikit_learn():
    """Its import was most of the page's first run (bench/RESULTS.md): the scaler and the
    scores are lab.data.scaling's, and the classifier's metrics import it when asked."""
    import subprocess
    import sys

    code = ("import sys, lab.data.stock, lab.models.stock_model, lab.figures.stock, "
            "lab.questions, lab.lessons.walkthrough; print('sklearn' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False", out.stderr[-2000:]


@pytest.mark.parametrize("target", stock.TARGETS)
def test_targets_convert_back_to_the_true_close(target):
    data = stock.parse_csv(generated_csv())
    p = stock.prepare(data, PrepSettings(("Close", "3MA_new"), target, 5, 0.8))
    np.testing.assert_allclose(p.to_close(p.y), p.close, rtol=1e-5)


def test_scores_of_perfect_and_naive_forecasts():
    close = np.array([10.0, 11, 10.5, 12, 12])
    prev = np.array([9.0, 10, 11, 10.5, 12])
    perfect = stock.scores(close, prev, close)
    assert perfect["RMSE (price)"] == 0 and perfect["R² (price)"] == 1
    assert perfect["R² (return)"] == 1 and perfect["direction right"] == 1
    naive = stock.scores(close, prev, prev)
    assert naive["RMSE (return)"] == pytest.approx(np.sqrt(np.mean((close / prev - 1) ** 2)))
    assert naive["R² (return)"] < 0  # predicting no move explains none of the moves


def test_evaluate_puts_the_model_beside_the_naive_forecast():
    p = stock.prepare(stock.parse_csv(generated_csv()), PrepSettings(("Close",), "close", 5, 0.8))
    naive_as_model = p.y_scaler.transform(p.prev_close.reshape(-1, 1))[:, 0]
    table = stock.evaluate(p, naive_as_model)
    np.testing.assert_allclose(table.iloc[0, :6], table.iloc[1, :6])
    assert not stock.beats_naive(table)
    assert 0 < table.attrs["always up"] < 1
    assert stock.beats_naive(stock.evaluate(p, p.y))  # the truth beats it


# --- Loading -------------------------------------------------------------------------------
def test_embedded_series_is_real_and_adjusted():
    goog = stock.load_embedded("GOOG")
    assert goog.has_dates and goog.frame.index.is_monotonic_increasing
    assert goog.frame.index[0] == pd.Timestamp("2004-08-19") and len(goog.frame) == 2148
    aapl = stock.load_embedded("AAPL").frame["Close"]
    # Apple split 2:1 on 2005-02-28: adjusted prices do not halve overnight.
    assert abs(aapl.pct_change().loc["2005-02-25":"2005-03-02"]).max() < 0.1
    with pytest.raises(DataError):
        stock.load_embedded("NOPE")


def test_yahoo_export_with_null_rows_and_newest_first():
    text = generated_csv(50).decode().splitlines()
    text[5] = text[5].split(",")[0] + ",null,null,null,null,null"
    rows = "\n".join([text[0]] + text[1:][::-1]).encode()
    data = stock.parse_csv(rows)
    assert len(data.frame) == 49 and data.frame.index.is_monotonic_increasing
    assert any("missing" in str(n) for n in data.notes) and any("newest first" in str(n) for n in data.notes)


BAD_FILES = {
    "empty": (b"", "no data rows"),
    "binary": (bytes(range(256)) * 10, "not a text file"),
    "latin-1": ("Date,Close\n2020-01-01,1\n2020-01-02,é\n".encode("latin-1"), "UTF-8"),
    "no close column": (b"Date,Price\n2020-01-01,1\n", "no Close column"),
    "header only": (b"Date,Close\n", "no data rows"),
    "non-numeric": (b"Date,Close\n2020-01-01,1\n2020-01-02,abc\n", "'abc' is not a number"),
    "formula": (b"Date,Close\n2020-01-01,=cmd|' /C calc'!A0\n", "is not a number"),
    "bad date": (b"Date,Close\n2020-01-01,1\nyesterday,2\n", "not a date"),
    "duplicated dates": (b"Date,Close\n2020-01-01,1\n2020-01-01,2\n2020-01-02,3\n",
                         "more than once"),
    "constant": (b"Date,Close\n" + b"".join(f"2020-01-{d:02d},5\n".encode()
                                             for d in range(1, 29)), "never changes"),
    "huge numbers": (b"Date,Close\n2020-01-01,1e300\n2020-01-02,2e300\n", "beyond"),
    "negative price": (b"Date,Close\n2020-01-01,-1\n2020-01-02,2\n", "positive"),
    "all missing": (b"Date,Close\n2020-01-01,nan\n2020-01-02,inf\n", "no row"),
    "ragged": (b"Date,Close\n2020-01-01,1,2,3\n", "line up"),
    "no header 3 columns": (b"1,2,3\n4,5,6\n", "no header"),
    "same name twice": (b"Date,Close,close\n2020-01-01,1,1\n", "same name"),
    "oversized": (b"Date,Close\n" + b"0" * (stock.MAX_BYTES + 1), "limit"),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_bad_csv_gives_a_clear_message(name):
    raw, message = BAD_FILES[name]
    with pytest.raises(DataError, match=message):
        stock.parse_csv(raw)


def krx_export(n: int = 60) -> str:
    """A KRX-style export: Korean column names, newest first, 2020/01/02 dates, quoted
    thousands separators, and columns the lab does not use (대비, 등락률)."""
    rows = ["일자,종가,대비,등락률,시가,고가,저가,거래량"]
    day = pd.Timestamp("2020-01-02")
    for i in range(n):
        close = 55_000 + 100 * ((i * 7) % 13)
        rows.append(f'{(day + pd.Timedelta(days=i)):%Y/%m/%d},"{close:,}",100,0.18,'
                    f'"{close - 200:,}","{close + 300:,}","{close - 400:,}","{1_000_000 + i:,}"')
    return "\n".join([rows[0]] + rows[1:][::-1]) + "\n"


@pytest.mark.parametrize("encoding", ["cp949", "utf-8", "utf-8-sig", "utf-16"])
def test_a_korean_krx_export_loads_like_a_yahoo_one(encoding):
    text = krx_export()
    data = stock.parse_csv(text.encode(encoding), "krx.csv")
    assert list(data.frame.columns) == ["Open", "High", "Low", "Close", "Volume"]
    assert data.has_dates and data.frame.index[0] == pd.Timestamp("2020-01-02")
    assert data.frame["Close"].iloc[0] == 55_000 and data.frame["Volume"].iloc[-1] == 1_000_059
    assert any("newest first" in str(n) for n in data.notes)
    assert stock.prepare(data, PrepSettings(("Open", "Close"), "close", 5)).X.shape[2] == 2


def test_a_korean_user_reads_upload_errors_in_korean():
    with pytest.raises(DataError) as err:
        stock.parse_csv("날짜,가격\n2020/01/02,1\n".encode("cp949"))
    assert "no Close column" in str(err.value)  # English for logs
    korean = err.value.text("ko")
    assert "Close 열이 없다" in korean and "'날짜'" not in korean and "'Date'" in korean
    with pytest.raises(DataError) as err:
        stock.parse_csv(b"Date,Close\n2020-01-01,1\n2020-01-02,abc\n")
    assert err.value.text("ko") == "Close 열, 2행: 'abc'은(는) 숫자가 아니다"


def test_other_delimiters_unsorted_dates_and_very_long_files():
    semicolon = generated_csv(40).replace(b",", b";")
    assert len(stock.parse_csv(semicolon).frame) == 40
    lines = generated_csv(40).splitlines()
    shuffled = b"\n".join([lines[0]] + lines[1:][::-3] + lines[1:][1::3] + lines[1:][2::3][::-1])
    data = stock.parse_csv(shuffled)
    assert data.frame.index.is_monotonic_increasing and any("sorted" in str(n) for n in data.notes)
    long = b"Close\n" + b"".join(f"{100 + (i % 7)}\n".encode() for i in range(10**6))
    data = stock.parse_csv(long)
    assert len(data.frame) == stock.MAX_ROWS and any("last" in str(n) for n in data.notes)


@pytest.mark.parametrize("rows,window,split", [(1, 7, 0.7), (30, 7, 0.7), (100, 60, 0.95)])
def test_too_few_rows_for_the_window_and_split(rows, window, split):
    raw = generated_csv(rows)
    if rows == 1:
        raw = raw + b"2030-01-01,1,1,1,2,5\n"  # two distinct closes, still far too short
    data = stock.parse_csv(raw)
    with pytest.raises(DataError, match="needs at least"):
        stock.prepare(data, PrepSettings(("Close",), "close", window, split))


def test_missing_feature_columns_are_named():
    data = stock.parse_csv(b"Date,Close\n" + b"".join(
        f"2020-{m:02d}-{d:02d},{100 + d + m}\n".encode() for m in range(1, 7) for d in range(1, 28)))
    assert stock.available_features(data) == ["Close", "3MA_new", "5MA_new"]
    with pytest.raises(DataError, match="no Open, Volume column"):
        stock.prepare(data, PrepSettings(("Open", "Close", "Volume")))
    with pytest.raises(DataError, match="at least one feature"):
        stock.prepare(data, PrepSettings(()))


def test_online_fetch_offline_and_bad_symbols(monkeypatch, tmp_path):
    import yfinance

    monkeypatch.setenv("LAB_CACHE_DIR", str(tmp_path))

    def offline(*args, **kwargs):
        raise ConnectionError("no network")

    monkeypatch.setattr(yfinance, "download", offline)
    with pytest.raises(stock.DataUnavailable, match="online"):
        stock.fetch_online("GOOG", date(2020, 1, 1), date(2021, 1, 1))
    for bad in ["", "rm -rf /", "../../etc/passwd", "A" * 40]:
        with pytest.raises(DataError, match="ticker symbol"):
            stock.fetch_online(bad, date(2020, 1, 1), date(2021, 1, 1))
    with pytest.raises(DataError, match="before"):
        stock.fetch_online("GOOG", date(2021, 1, 1), date(2020, 1, 1))
    # A cached fetch works with the network off.
    (tmp_path / "stock").mkdir(exist_ok=True)
    (tmp_path / "stock" / "GOOG_20200101_20210101.csv").write_bytes(generated_csv(60))
    assert len(stock.fetch_online("goog", date(2020, 1, 1), date(2021, 1, 1)).frame) == 60


def test_lecture_002s_printouts_beside_the_lectures_days_of_a_longer_export(samsung):
    """The stock page's table of what lecture 002 prints: each number comes out of the
    lecture's days of the shared export, and the first forecast day is the true one."""
    from lab.figures.stock import lecture_printouts
    from lab.models.stock_model import PRESETS

    assert lecture_printouts(PRESETS["page default"], stock.prepare(samsung, PrepSettings())) \
        is None
    for name in ("lecture 002 LSTM", "lecture 002 returns", "lecture 002 GRU"):
        rows = lecture_printouts(PRESETS[name], stock.prepare(samsung, PRESETS[name].prep))
        assert [(what, printed, run, true) for what, printed, run, true in rows] == [
            ("stock_zero_volume", 115, 115, None), ("stock_rows", 5408, 5408, None),
            ("stock_windows", (5368, 40, 2), (5368, 40, 2), None),
            ("stock_split", (5099, 269), (5099, 269), None),
            ("stock_x_split", "range(5100, 5369)", "range(5099, 5368)", "range(5099, 5368)"),
            ("stock_first_test_day", "2021-06-01", "2021-07-27", "2021-07-27")], name


def test_the_pages_control_values_name_each_presets_settings():
    """lab.figures.stock.settings_from reads the controls as ui.settings.stock_preset writes
    a preset into them: every preset comes back as its windows' and model's settings."""
    from lab.figures.stock import settings_from
    from lab.models.stock_model import PRESETS
    from ui.settings import stock_preset

    for name, preset in PRESETS.items():
        assert settings_from(stock_preset(preset), preset.model.patience) == (
            preset.prep, preset.model), name


# --- The Keras forecaster ------------------------------------------------------------------
def test_lecture_002_parameter_counts():
    from lab.models.stock_model import PRESETS, build

    lstm, gru = PRESETS["lecture 002 LSTM"].model, PRESETS["lecture 002 GRU"].model
    assert build(40, 2, lstm).count_params() == 67_072 + 129
    assert build(40, 2, gru).count_params() == 199_680 + 257
    assert build(7, 5, PRESETS["lecture 000"].model).count_params() == 4 * (16 * (5 + 16 + 1)) + 17


@pytest.mark.parametrize("units,engine", [(4, "numpy"), (65, "keras")])
def test_training_reports_batches_and_epochs_saves_and_reloads(tmp_path, units, engine):
    from lab.training.jobs import Job
    from lab.models.stock_model import Forecast, ForecastSettings, train

    p = stock.prepare(stock.parse_csv(generated_csv(200)), PrepSettings(("Close",), "return", 5))
    s = ForecastSettings(kind="LSTM", units=units, epochs=3, patience=1, batch_size=8)
    batches = []

    class Watch(Job):
        def on_batch(self, epoch, batch, n):
            batches.append((epoch, batch, n))
            super().on_batch(epoch, batch, n)

    job = Watch("k", s.epochs)
    f = train(p, s, job)
    assert f.engine == engine
    assert job.snapshot().history == f.history and {"loss", "val_loss"} <= set(f.history)
    assert len({e for e, _, _ in batches}) == len(f.history["loss"])  # every epoch reported
    assert len(batches) >= len(f.history["loss"]) * 2  # and inside every epoch
    assert f.pred.shape == (len(p.X),) and not f.diverged
    f.save(tmp_path, "key")
    back = Forecast.load(tmp_path, "key")
    np.testing.assert_array_equal(back.pred, f.pred)
    assert back.settings == s and Forecast.load(tmp_path, "other") is None


@pytest.mark.parametrize("units", [8, 65])  # NumPy and Keras
def test_a_diverging_learning_rate_is_reported(units):
    from lab.models.stock_model import ForecastSettings, train

    p = stock.prepare(stock.parse_csv(generated_csv(200)), PrepSettings(("Close",), "close", 5))
    f = train(p, ForecastSettings(kind="SimpleRNN", units=units, activation="relu", epochs=3,
                                  lr=1e6, validation=0.0))
    assert f.diverged


def test_a_million_row_upload_keeps_its_last_rows():
    import datetime as dt

    start = dt.date(1000, 1, 1)
    lines = [f"{start + dt.timedelta(days=i)},{100 + i % 7}" for i in range(1_000_000)]
    data = stock.parse_csv(("Date,Close\n" + "\n".join(lines)).encode(), "big.csv")
    assert len(data.frame) == stock.MAX_ROWS


def yahoo_rows(megabytes: float) -> bytes:
    """A Yahoo Finance export (Date,Open,High,Low,Close,Adj Close,Volume) of about
    ``megabytes`` MB: daily rows from 1800 on, fewer than MAX_ROWS."""
    n = int(megabytes * 2**20 / 64)
    close = 100 * np.exp(np.cumsum(np.random.default_rng(0).normal(0, 0.001, n)))
    days = pd.date_range("1800-01-01", periods=n).strftime("%Y-%m-%d")
    rows = [f"{d},{c * 0.99:.4f},{c * 1.01:.4f},{c * 0.98:.4f},{c:.4f},{c:.4f},{1000 + i}"
            for i, (d, c) in enumerate(zip(days, close))]
    return ("Date,Open,High,Low,Close,Adj Close,Volume\n" + "\n".join(rows) + "\n").encode()


def test_an_upload_is_read_in_at_most_three_times_its_size():
    """The parser streams: the memory it allocates (beyond the upload's bytes) stays within 3x
    the file's size; reading every line into Python objects first took 15x."""
    import tracemalloc

    raw = yahoo_rows(5)
    assert 4.5 * 2**20 < len(raw) < 5.5 * 2**20
    tracemalloc.start()
    try:
        data = stock.parse_csv(raw, "big.csv")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(data.frame) == raw.count(b"\n") - 1 and data.has_dates
    assert peak <= 3 * len(raw), f"peak {peak / len(raw):.1f}x the file's size"


def test_rows_beyond_the_cap_are_not_read():
    """Past MAX_ROWS only the newest rows are kept: a bad cell among the rows left out does
    not refuse the file, and a bad row is counted from the first row kept."""
    old = [f"{100 + i % 7}" for i in range(stock.MAX_ROWS + 10)]
    old[3] = "abc"
    data = stock.parse_csv(("Close\n" + "\n".join(old)).encode())
    assert len(data.frame) == stock.MAX_ROWS and data.frame["Close"].iloc[0] == 100 + 10 % 7
    old[12] = "xyz"  # the third row kept
    with pytest.raises(DataError, match="row 3: 'xyz'"):
        stock.parse_csv(("Close\n" + "\n".join(old)).encode())
    newest_first = "\n".join(f"{i},{i},{i},{i},{1 + i % 5}"
                             for i in range(1, stock.MAX_ROWS + 5))
    data = stock.parse_csv((newest_first + "\n1,1,1,1,abc\n").encode())
    assert len(data.frame) == stock.MAX_ROWS and data.frame["Open"].iloc[-1] == 1


def test_shared_prepared_sets_are_bounded_in_bytes(monkeypatch):
    from lab.core.byte_cache import ByteLRU, nbytes

    cache = ByteLRU(1000, len)
    for key in "abc":
        assert cache.get(key, lambda: key * 400) == key * 400
    assert len(cache) == 2 and cache.total == 800  # "a" left first
    cache.get("b", lambda: "never made")  # "b" used last: "c" leaves next
    cache.get("d", lambda: "d" * 300)
    assert cache.total == 700 and cache.get("c", lambda: "new") == "new"
    assert cache.get("e", lambda: "e" * 1001) == "e" * 1001 and cache.total <= 1000  # not kept

    data = stock.parse_csv(generated_csv(300))
    monkeypatch.setattr(stock, "PREPARED", ByteLRU(2**20, stock.PREPARED.size))
    sizes = []
    for window in range(2, 40):
        p = stock.prepared(data, PrepSettings(("Open", "Close"), "close", window))
        assert stock.prepared(data, p.settings) is p  # made once, shared
        sizes.append(nbytes(p.X, p.y, p.frame))
    assert sum(sizes) > 2**20 >= stock.PREPARED.total > 2**20 - max(sizes)


def test_a_fetched_ticker_is_cached_by_symbol_and_read_offline_on_a_later_day(monkeypatch,
                                                                              tmp_path):
    import os
    import time

    import yfinance

    monkeypatch.setenv("LAB_CACHE_DIR", str(tmp_path))
    prices = pd.read_csv(__import__("io").BytesIO(generated_csv(60)), index_col="Date",
                         parse_dates=True)
    prices["Adj Close"] = prices["Close"]
    calls = []

    def online(symbol, **kwargs):
        calls.append((symbol, kwargs["start"], kwargs["end"]))
        return prices.copy()

    monkeypatch.setattr(yfinance, "download", online)
    first = stock.fetch_online(" 005930.ks", date(2020, 1, 1), date(2020, 4, 1))
    saved = tmp_path / "stock" / "tickers" / "005930.KS" / "20200101_20200401.csv"
    assert calls == [("005930.KS", date(2020, 1, 1), date(2020, 4, 1))] and saved.is_file()
    assert len(first.frame) == 60 and not first.notes
    stock.fetch_online("005930.KS", date(2020, 1, 1), date(2020, 4, 1))
    assert len(calls) == 1  # the same range again: from the file

    three_days_ago = time.time() - 3 * 86400
    os.utime(saved, (three_days_ago, three_days_ago))
    monkeypatch.setattr(yfinance, "download", lambda *a, **k: pd.DataFrame())  # offline
    later = stock.fetch_online("005930.KS", date(2020, 1, 1), date(2020, 4, 4))  # "today" moved
    pd.testing.assert_frame_equal(later.frame, first.frame)
    note = " ".join(str(n) for n in later.notes)
    assert "Offline" in note and "3 days ago" in note and "2020-01-01" in note
    with pytest.raises(stock.DataUnavailable, match="GOOG"):  # nothing cached for this one
        stock.fetch_online("GOOG", date(2020, 1, 1), date(2020, 4, 4))


def test_the_rows_digest_is_worked_out_once_per_frame(monkeypatch):
    """A page run asks ``prepared`` several times (the page, its questions): the rows are hashed
    once per frame, and again when a new frame is put on the data."""
    data = stock.StockData(stock.load_embedded("GOOG").frame.copy(), "GOOG")
    hashed = []
    real = pd.util.hash_pandas_object
    monkeypatch.setattr(pd.util, "hash_pandas_object", lambda f: hashed.append(1) or real(f))
    first = stock.content_of(data)
    assert stock.content_of(data) == first and len(hashed) == 1
    data.frame = data.frame.iloc[1:]
    assert stock.content_of(data) != first and len(hashed) == 2
    data.frame = data.frame.copy()  # equal rows, a new frame: hashed again, the same digest
    assert stock.content_of(data) == stock.content_of(
        stock.StockData(data.frame.copy(), "another source"))


def test_every_window_size_of_the_same_columns_shares_one_cleaning(monkeypatch):
    """A room exploring windows computes the features once per rows and columns; another
    target, other columns or other rows clean again, and the windows are those of a fresh
    cleaning."""
    data = stock.StockData(stock.load_embedded("GOOG").frame.iloc[:600].copy(), "GOOG")
    calls = []
    real = stock.clean
    monkeypatch.setattr(stock, "clean", lambda f, s: calls.append(s) or real(f, s))
    monkeypatch.setattr(stock, "CLEANED", stock.ByteLRU(2**30, lambda kept: 0))
    shared = [stock.prepare(data, PrepSettings(window_size=w)) for w in (3, 9, 30)]
    assert len(calls) == 1 and shared[1].frame is shared[0].frame
    stock.prepare(data, PrepSettings(target="return"))
    stock.prepare(data, PrepSettings(features=("Close",)))
    stock.prepare(stock.StockData(data.frame.iloc[1:].copy(), "GOOG"), PrepSettings())
    assert len(calls) == 4
    fresh = stock.prepare(data, PrepSettings(window_size=9))
    monkeypatch.setattr(stock, "CLEANED", stock.ByteLRU(0, lambda kept: 1))  # keeps nothing
    np.testing.assert_array_equal(stock.prepare(data, PrepSettings(window_size=9)).X, fresh.X)


def test_the_forecast_view_makes_its_csv_files_when_they_are_downloaded(monkeypatch):
    """The view a room shares holds how to make its two CSV files, not their bytes: each
    session's run then registers no file; pressing the button makes the forecasts' CSV."""
    from lab.figures.stock import forecast_view
    from lab.models.stock_model import Forecast, ForecastSettings

    p = stock.prepare(stock.load_embedded("GOOG"), PrepSettings(("Close",), "close", 5, 0.9))
    forecast = Forecast(ForecastSettings(units=2, epochs=1), {"loss": [0.1]}, p.y.copy(), 0.1, 9)
    written = []
    real = pd.DataFrame.to_csv
    monkeypatch.setattr(pd.DataFrame, "to_csv", lambda self, *a, **k: written.append(1) or
                        real(self, *a, **k))
    view = forecast_view(p, forecast)
    assert written == []
    (_, forecasts, name, mime), (_, scores, *_) = view.downloads
    rows = pd.read_csv(io.BytesIO(forecasts()), index_col=0)
    assert name == "forecast.csv" and mime == "text/csv" and len(rows) == len(p.y)
    assert np.allclose(rows["forecast"], p.close) and np.allclose(rows["close"], p.close)
    assert (rows["part"] == "test").sum() == len(p.y) - p.split
    assert pd.read_csv(io.BytesIO(scores()), index_col=0).index.tolist() == ["model", "naive"]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_metric_delta_starts_with_its_sign_in_both_languages(lang):
    """``st.metric`` draws the arrow and colour from a delta's first character: a Korean
    delta that put its words first showed a worse score with a green up arrow."""
    from lab.core import i18n
    from lab.figures.stock import metrics

    for change in (-0.075, 0.031):
        table = pd.DataFrame({"RMSE (price)": [1.0 + change, 1.0], "R² (price)": [0.9, 0.9],
                              "R² (return)": [0.1, 0.0], "direction right": [0.5, np.nan]},
                             index=["model", "naive"])
        table.attrs["always up"] = 0.5 - change
        with i18n.using(lang):
            shown = metrics(table)
        deltas = [delta for _, _, delta, _, arrow in shown if delta is not None and arrow != "off"]
        assert len(deltas) == 2 and [d[0] for d in deltas] == ["-" if change < 0 else "+"] * 2
        assert shown[2][3:] == ("off", "off")  # R² on returns, under R² on prices: no arrow


def test_the_loss_curve_labels_only_powers_of_ten():
    from lab.figures.stock import loss_figure

    history = {"loss": [0.02, 0.004, 0.0009], "val_loss": [0.03, 0.01, 0.002]}
    axis = loss_figure(history, 3).layout.yaxis
    assert axis.type == "log" and axis.dtick == 1
