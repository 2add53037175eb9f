"""Stock forecast: a window of past days -> tomorrow's close, scored against the naive forecast
(lectures 000 and 002)."""

from datetime import date

import numpy as np
import pandas as pd
import streamlit as st

from lab import stock
from lab.cache import cache_dir
from lab.figures.stock import loss_figure, price_figure, returns_figure
from lab.stock_model import (KINDS, PRESETS, Forecast, ForecastSettings, estimate_seconds,
                             fingerprint)
from ui.entry import ensure_app_navigation

ensure_app_navigation()

LONG_TRAINING_S = 45  # beyond this estimate, training waits for a button press
MAX_MODELS = 12  # forecasts kept in memory per server; the oldest goes first (all stay on disk)
SOURCES = ["Embedded prices (offline)", "Upload a CSV", "Fetch a ticker online"]
NAIVE = "naive (tomorrow = today)"


class WaitingForButton(Exception):
    """A long training waits until the lecturer presses the button."""


@st.cache_data(show_spinner="Loading prices...", max_entries=8)
def load(source: str, ticker: str, raw: bytes | None, name: str, start: date, end: date):
    if source == SOURCES[0]:
        return stock.load_embedded(ticker)
    if source == SOURCES[1]:
        if raw is None:
            raise stock.DataUnavailable("choose a CSV file to upload")
        return stock.parse_csv(raw, name)
    return stock.fetch_online(ticker, start, end)


@st.cache_resource
def model_store() -> dict:
    return {}


def apply_preset() -> None:
    """Copy the chosen preset into the widgets (runs before they are drawn)."""
    p = PRESETS[st.session_state.sk_preset]
    st.session_state.update(
        sk_features=list(p.prep.features), sk_target=p.prep.target, sk_window=p.prep.window_size,
        sk_train=int(round(p.prep.train_fraction * 100)), sk_lecture=p.prep.lecture_scaling,
        sk_kind=p.model.kind, sk_units=p.model.units, sk_act=p.model.activation,
        sk_epochs=p.model.epochs, sk_lr=p.model.lr, sk_batch=p.model.batch_size,
        sk_early=p.model.validation > 0)


def model_key(prep: stock.Prepared, s: ForecastSettings) -> str:
    return f"{fingerprint(prep)}|{prep.settings}|{s}"  # the windows' content, not the file name


def forecast_for(prep: stock.Prepared, s: ForecastSettings) -> Forecast:
    """The trained forecast for these windows and settings: from memory, from disk, or trained
    now with the epochs and the loss drawn as they happen."""
    key = model_key(prep, s)
    store = model_store()
    if key not in store:
        saved = Forecast.load(cache_dir("stock_models"), key)
        if saved is None:
            from lab.stock_model import train

            estimate = estimate_seconds(prep, s)
            if estimate > LONG_TRAINING_S and not st.button(
                    f"Train {s.kind}({s.units}) now: up to about {estimate / 60:.0f} min on "
                    "this machine", key="sk_train_now", type="primary"):
                raise WaitingForButton(
                    f"These settings train for up to about {estimate / 60:.0f} min "
                    f"({s.epochs} epochs of {prep.split:,} windows): press the button to "
                    "start, or lower the units, window or epochs. Prepare a classroom "
                    "machine ahead by training it once; it is then kept on disk.")

            status = st.status(f"Training {s.kind}({s.units}) for at most {s.epochs} epochs...",
                               expanded=True)
            bar, chart = status.progress(0.0), status.empty()
            history: dict[str, list[float]] = {}

            def on_epoch(epoch: int, logs: dict) -> None:
                for k, v in logs.items():
                    history.setdefault(k, []).append(float(v))
                bar.progress((epoch + 1) / s.epochs, f"epoch {epoch + 1} of at most {s.epochs}: "
                             f"loss {logs.get('loss', float('nan')):.5f}")
                chart.plotly_chart(loss_figure(history, s.epochs), key=f"sk_live_{epoch}")

            saved = train(prep, s, on_epoch)
            epochs = len(saved.history.get("loss", []))
            status.update(label=f"Trained in {saved.seconds:.1f} s ({epochs} epochs)",
                          state="error" if saved.diverged else "complete", expanded=False)
            if not saved.diverged:
                saved.save(cache_dir("stock_models"), key)
        while len(store) >= MAX_MODELS:
            store.pop(next(iter(store)))
        store[key] = saved
    return store[key]


st.title("Stock forecast")
st.markdown(
    "A recurrent network reads a **window** of past days and forecasts the next close "
    "(lecture 000: 7 days of Open, High, Low, Volume, Close; lecture 002: the previous days' "
    "3- and 5-day moving averages, 40 days). Every forecast is scored beside the **naive** one, "
    "*tomorrow = today*, on the same test days: a model is only useful if it beats that.")

# --- Presets and data ------------------------------------------------------------------------
st.selectbox("Preset", list(PRESETS), format_func=lambda k: PRESETS[k].title, key="sk_preset",
             on_change=apply_preset)
if "sk_features" not in st.session_state:
    apply_preset()
preset = PRESETS[st.session_state.sk_preset]
if preset.data != "any series":
    st.caption(f"The lecture used {preset.data}; upload that file to reproduce it exactly, or "
               "apply its settings to the data below.")
c1, c2 = st.columns([1, 2])
source = c1.radio("Prices", SOURCES, key="sk_source")
ticker, raw, name, start, end = "GOOG", None, "", date(2015, 1, 1), date.today()
if source == SOURCES[0]:
    ticker = c2.selectbox("Series (daily, 2000 to 2013-03-01)", stock.EMBEDDED_TICKERS,
                          key="sk_ticker")
elif source == SOURCES[1]:
    upload = c2.file_uploader("CSV: lecture 000's stock_daily.csv, or a Yahoo Finance export "
                              "(Date,Open,High,Low,Close,Adj Close,Volume)", type=["csv", "txt"],
                              key="sk_csv")
    if upload is not None:
        raw, name = upload.getvalue(), upload.name
else:
    ticker = c2.text_input("Ticker (Yahoo Finance)", "005930.KS", key="sk_symbol", max_chars=20)
    d1, d2 = c2.columns(2)
    start = d1.date_input("From", start, key="sk_start")
    end = d2.date_input("To", end, key="sk_end")
try:
    data = load(source, ticker, raw, name, start, end)
    st.session_state.sk_last_data = data
except (stock.DataError, stock.DataUnavailable) as err:
    (st.warning if isinstance(err, stock.DataUnavailable) else st.error)(f"{err}.")
    if "sk_last_data" not in st.session_state:
        st.stop()
    data = st.session_state.sk_last_data
    st.info(f"Still using the previous data: {data.summary()}.")
st.caption(data.summary() + ". " + " ".join(data.notes))

# --- Preparation and model -------------------------------------------------------------------
options = stock.available_features(data)
chosen = [f for f in st.session_state.sk_features if f in options]  # new data, fewer columns
st.session_state.sk_features = chosen or (["Close"] if st.session_state.sk_features else [])
c1, c2, c3, c4 = st.columns([2.2, 1, 1.2, 1.2])
features = c1.multiselect("Features (3MA_new/5MA_new: moving averages of the previous days)",
                          options, key="sk_features")
target = c2.radio("Target", stock.TARGETS, key="sk_target",
                  format_func={"close": "next close", "return": "next return R_t"}.__getitem__)
window = c3.slider("window_size (days)", 2, 60, key="sk_window")
train_pct = c4.slider("Training part (%)", 50, 95, step=5, key="sk_train")
lecture = st.toggle("Lecture mode: fit the MinMax scaler on the whole series (the test days' "
                    "range leaks into training)", key="sk_lecture")
c1, c2, c3, c4, c5, c6 = st.columns(6)
settings = ForecastSettings(
    kind=c1.selectbox("Layer", KINDS, key="sk_kind"),
    units=c2.select_slider("Units", [4, 8, 16, 32, 64, 128, 256], key="sk_units"),
    activation=c3.selectbox("Activation", ["tanh", "relu"], key="sk_act"),
    epochs=c4.slider("Epochs (at most)", 1, 100, key="sk_epochs"),
    lr=c5.select_slider("Learning rate", [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0],
                        key="sk_lr"),
    batch_size=c6.select_slider("Batch size", [8, 16, 32, 64, 128, 256], key="sk_batch"),
    patience=preset.model.patience,
    validation=ForecastSettings.validation if st.toggle(
        f"Early stopping: hold out the last 10% of the training windows, stop after "
        f"{preset.model.patience} epochs without a better validation loss, keep the best",
        key="sk_early") else 0.0)
prep_settings = stock.PrepSettings(tuple(features), target, window, train_pct / 100, lecture)

try:
    prep = stock.prepare(data, prep_settings)
    forecast = forecast_for(prep, settings)
    if forecast.diverged:
        raise stock.DataError("training diverged (the loss became NaN or infinite): lower the "
                              "learning rate")
    st.session_state.sk_last = (prep, settings, forecast)
except (stock.DataError, WaitingForButton) as err:
    if isinstance(err, WaitingForButton):
        st.info(str(err))
    else:
        st.error(f"{str(err)[0].upper()}{str(err)[1:]}.")
    if "sk_last" not in st.session_state:
        st.stop()
    prep, settings, forecast = st.session_state.sk_last
    st.info("Still showing the previous result, for the settings it was made with.")

# --- Evaluation ------------------------------------------------------------------------------
s = prep.settings
table = stock.evaluate(prep, forecast.pred)
pred_close = prep.to_close(forecast.pred)
test = slice(prep.split, None)
dropped = ", ".join(f"{v:,} {k}" for k, v in prep.dropped.items() if v) or "none"
st.caption(f"{len(prep.frame):,} rows kept (dropped: {dropped}) → X {prep.X.shape}, "
           f"{prep.split:,} training / {len(prep.X) - prep.split:,} test windows. "
           f"{forecast.settings.kind}({forecast.settings.units}): {forecast.params:,} parameters, "
           f"trained in {forecast.seconds:.1f} s over {len(forecast.history.get('loss', []))} "
           "epochs.")
model_rmse, naive_rmse = table.loc["model", "RMSE (price)"], table.loc[NAIVE, "RMSE (price)"]
k1, k2, k3, k4 = st.columns(4)
k1.metric("Test RMSE, model", f"{model_rmse:,.3f}",
          f"{model_rmse / naive_rmse - 1:+.1%} vs naive", delta_color="inverse")
k2.metric("Test RMSE, naive", f"{naive_rmse:,.3f}")
k3.metric("R² on prices / returns", f"{table.loc['model', 'R² (price)']:.3f} / "
          f"{table.loc['model', 'R² (return)']:.3f}")
k4.metric("Direction right", f"{table.loc['model', 'direction right']:.1%}",
          f"{table.loc['model', 'direction right'] - table.attrs['always up']:+.1%} vs always 'up'")
if not stock.beats_naive(table):
    st.warning(
        "**The model does no better than the naive forecast.** Tomorrow's close is almost "
        "today's close, so any forecast that stays near today scores a high R² on prices "
        f"(naive: {table.loc[NAIVE, 'R² (price)']:.3f}); that is why lecture 002's 0.918 says "
        "little. On returns, which remove today's level, R² near or below 0 means the model "
        "found no pattern the naive forecast misses.")
st.dataframe(table.map(lambda v: "n/a" if pd.isna(v) else f"{v:.4f}"), width="stretch")
st.caption("The naive forecast says 'no move', so it has no direction; a forecast that always "
           f"says 'up' is right on {table.attrs['always up']:.1%} of the test days.")
st.plotly_chart(price_figure(prep, pred_close, f"{forecast.settings.kind} forecast of the next "
                             f"close, window {s.window_size}"), key="sk_prices")
left, right = st.columns(2)
true_r = prep.close[test] / prep.prev_close[test] - 1
left.plotly_chart(returns_figure(true_r, pred_close[test] / prep.prev_close[test] - 1),
                  key="sk_returns")
right.plotly_chart(loss_figure(forecast.history, forecast.settings.epochs), key="sk_loss")
out = pd.DataFrame({"close": prep.close, "forecast": pred_close, "naive": prep.prev_close,
                    "part": np.where(np.arange(len(prep.close)) < prep.split, "train", "test")},
                   index=prep.target_index)
st.download_button("Download the forecasts (CSV)", out.to_csv().encode(), "forecast.csv",
                   "text/csv", key="sk_download")

with st.expander("Scaling: what lecture mode changes"):
    leak = stock.leak_report(prep)
    st.markdown(
        f"MinMax maps each column to [0, 1] with its minimum and maximum. Fitted on the "
        f"training part (the default), Close runs {leak['train_min']:,.2f} to "
        f"{leak['train_max']:,.2f}; fitted on the whole series (the lectures' way), "
        f"{leak['all_min']:,.2f} to {leak['all_max']:,.2f}. **{leak['test_outside']:.0%} of "
        "the test days lie outside the training range**: with the lectures' scaling the model "
        "was trained on numbers that already knew how high or low the test period would go. "
        "Toggle lecture mode to train both ways; each result stays cached, so toggling back "
        "is instant.")
    other = stock.PrepSettings(s.features, s.target, s.window_size, s.train_fraction,
                               not s.lecture_scaling)
    try:
        other_prep = stock.prepare(data, other)
        other_key = model_key(other_prep, settings)
    except stock.DataError:
        other_key = ""
    if other_key in model_store() and not model_store()[other_key].diverged:
        both = pd.concat({("lecture mode" if sc.lecture_scaling else "training part only"):
                          stock.evaluate(pp, f.pred).loc["model"]
                          for sc, pp, f in [(s, prep, forecast),
                                            (other, other_prep, model_store()[other_key])]},
                         axis=1).T
        st.dataframe(both.style.format("{:.4f}"), width="stretch")

with st.expander("One window as the network sees it"):
    i = st.number_input("Window", 0, len(prep.X) - 1, min(12, len(prep.X) - 1), key="sk_win_i")
    shown = pd.DataFrame(prep.X[i], columns=list(s.features))
    shown.index.name = "day in window"
    st.dataframe(shown.style.format("{:.8f}"), width="stretch")
    st.markdown(f"→ scaled target **{prep.y[i]:.8f}** ({'close' if s.target == 'close' else 'R_t'} "
                f"of {prep.target_index[i]}). Lecture 000 prints window 12 of stock_daily.csv in "
                "lecture mode: its first row is 0.12705592 0.1390988 0.12324434 0.23008873 "
                "0.11649107, and its target 0.09504062.")
