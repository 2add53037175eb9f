"""Stock forecast: a window of past days -> tomorrow's close, scored against the naive forecast
(lectures 000 and 002)."""

from datetime import date

import streamlit as st

from lab.core.errors import sentence
from lab.core.i18n import current, headers, t
from lab.data import stock
from lab.figures import stock as figures
from lab.models import stock_model
from lab.models.stock_model import (PRESETS, STORE, Forecast, ForecastSettings, estimate_seconds,
                                    keras_code, model_key, scaling_comparison)
from lab.training import budget
from ui.charts import chart
from ui.entry import ensure_app_navigation
from ui.safe import text as safe_text
from ui.settings import STOCK as C, stock_preset
from ui.training import result_or_progress, within_budget

ensure_app_navigation()

LONG_TRAINING_S = 45  # beyond this estimate, training waits for a button press


@st.cache_data(show_spinner=False, max_entries=8)
def load(source: str, ticker: str, raw: bytes | None, name: str, start: date, end: date):
    """The data from the chosen source. An entry is at most MAX_ROWS rows of 5 columns and a
    date, 100,000 x 6 x 8 bytes = 4.8 MB, so 8 entries stay under 40 MB (the upload's own
    bytes are hashed, not kept)."""
    return stock.load(source, ticker, raw, name, start, end)


@st.cache_resource(show_spinner=False, max_entries=12)
def forecast_view(key: str, lang: str, _prep: stock.Prepared, _forecast: Forecast):
    """What the page shows of the forecast stored under ``key``
    (``lab.figures.stock.ForecastView``): computed once for the room. An entry holds about 150
    bytes a forecast day (the CSV's row, the figures' points), 15 MB for the largest upload
    (100,000 days) and 0.4 MB for the default series, so 12 entries stay under 180 MB while
    a class on a few settings in two languages keeps its views."""
    return figures.forecast_view(_prep, _forecast, t(
        "stock.price_title", kind=_forecast.settings.kind, window=_prep.settings.window_size))


def apply_preset() -> None:
    """Copy the chosen preset into the widgets (a callback: runs before they are drawn)."""
    C.apply(stock_preset(PRESETS[st.session_state.sk_preset]))


def forecast_for(prep: stock.Prepared, s: ForecastSettings) -> Forecast | None:
    """The trained forecast for these windows and settings (memory, disk, or a training that
    finishes within a moment), or None while the shared training runs: its progress is then
    drawn here and the page reruns when it ends. A long training waits for a button press."""
    key = model_key(prep, s)
    found = STORE.get(key)
    if found is not None:
        return found
    job = STORE.job(key)
    cost = budget.stock(prep.split, *prep.X.shape[1:], s.kind, s.units, s.epochs)
    if job is None:
        if not within_budget(cost):
            return None
        estimate = estimate_seconds(prep, s)
        if estimate > LONG_TRAINING_S and not st.button(
                t("stock.train_now", kind=s.kind, units=s.units, minutes=estimate / 60),
                key="sk_train_now", type="primary"):
            st.info(t("stock.long_training", minutes=estimate / 60, epochs=s.epochs,
                      windows=prep.split))
            return None
        job = stock_model.request(prep, s)
    return result_or_progress(job, f"{s.kind}({s.units})",
                              lambda history: figures.loss_figure(history, s.epochs), key="sk_live",
                              retry=lambda: stock_model.request(prep, s, restart=True),
                              cost=cost)


def source_controls():
    """The controls that name the prices: (source, ticker, upload's bytes and name, dates)."""
    c1, c2 = st.columns([1, 2])
    source = C.draw("sk_source", c1)
    ticker, raw, name, start, end = "GOOG", None, "", date(2015, 1, 1), date.today()
    if source == "embedded":
        ticker = C.draw("sk_ticker", c2)
    elif source == "upload":
        upload = c2.file_uploader(t("stock.upload"), type=["csv", "txt"], key="sk_csv")
        if upload is not None:
            raw, name = upload.getvalue(), upload.name
    else:
        ticker = C.draw("sk_symbol", c2)
        d1, d2 = c2.columns(2)
        start = d1.date_input(t("stock.from"), start, key="sk_start")
        end = d2.date_input(t("stock.to"), end, key="sk_end")
    return source, ticker, raw, name, start, end


def prices() -> stock.StockData:
    """The prices the controls name, or the last ones that loaded (with a note why)."""
    asked = source_controls()
    try:
        with st.spinner(t("stock.loading")):
            data = load(*asked)
        st.session_state.sk_last_data = data
    except (stock.DataError, stock.DataUnavailable) as err:
        (st.warning if isinstance(err, stock.DataUnavailable) else st.error)(
            sentence(safe_text(err)))
        if "sk_last_data" not in st.session_state:
            st.stop()
        data = st.session_state.sk_last_data
        st.info(t("stock.previous_data", summary=safe_text(data.summary_message())))
    return data


def window_settings(data: stock.StockData) -> stock.PrepSettings:
    """The features, target, window, split and scaling the controls name."""
    feature_options = stock.available_features(data)
    if "sk_features" in st.session_state:  # new data with fewer columns: keep what it has
        chosen = [f for f in st.session_state.sk_features if f in feature_options]
        st.session_state.sk_features = chosen or (["Close"] if st.session_state.sk_features
                                                  else [])
    c1, c2, c3, c4 = st.columns([2.2, 1, 1.2, 1.2])
    features = C.draw("sk_features", c1, options=feature_options)
    target, window = C.draw("sk_target", c2), C.draw("sk_window", c3)
    train_pct = C.draw("sk_train", c4)
    return stock.PrepSettings(tuple(features), target, window, train_pct / 100,
                              C.draw("sk_lecture"))


def model_settings(patience: int) -> ForecastSettings:
    c1, c2, c3, c4, c5, c6 = st.columns(6)
    return ForecastSettings(
        kind=C.draw("sk_kind", c1), units=C.draw("sk_units", c2), activation=C.draw("sk_act", c3),
        epochs=C.draw("sk_epochs", c4), lr=C.draw("sk_lr", c5), batch_size=C.draw("sk_batch", c6),
        patience=patience, validation=ForecastSettings.validation if C.draw(
            "sk_early", label=t("stock.early", patience=patience)) else 0.0)


def forecast_or_last(data: stock.StockData, prep_settings: stock.PrepSettings,
                     settings: ForecastSettings) -> tuple[stock.Prepared, Forecast]:
    """(windows, forecast) for these settings, or the session's previous ones (with a note
    why) while it trains or when these fail."""
    forecast = None
    try:
        prep = stock.prepared(data, prep_settings)
        forecast = forecast_for(prep, settings)
        if forecast is not None and forecast.diverged:
            forecast = None
            raise stock.DataError("stock.diverged")
    except stock.DataError as err:
        st.error(sentence(safe_text(err)))
    if forecast is not None:  # the session keeps what names its windows, not the windows
        st.session_state.sk_last = (data, prep_settings, forecast)
        return prep, forecast
    if "sk_last" not in st.session_state:
        st.stop()
    last_data, last_settings, forecast = st.session_state.sk_last
    st.info(t("stock.previous_result"))
    return stock.prepared(last_data, last_settings), forecast  # from the shared cache


def scores(view: figures.ForecastView, lecture_r2: float | None, target: str) -> None:
    """The four metrics, the lecture's printed R² (``lecture_r2``, when this is its run) and
    the scores table."""
    for column, (label, value, delta, color) in zip(st.columns(4), view.metrics):
        column.metric(label, value, delta, delta_color=color)
    if lecture_r2 is not None:
        column = "R² (return)" if target == "return" else "R² (price)"
        st.info(t("stock.lecture_result", printed=lecture_r2, ours=view.table.loc["model", column],
                  what=t(f"stock.target_option.{target}")))
    if not view.better:
        st.warning(t("stock.no_better", r2=view.table.loc["naive", "R² (price)"]))
    st.dataframe(view.shown, width="stretch")
    st.caption(t("stock.always_up", share=view.table.attrs["always up"]))


st.title(t("lesson.stock.title"))
st.markdown(t("stock.intro"))

# --- Presets and data ------------------------------------------------------------------------
preset = PRESETS[C.draw("sk_preset", on_change=apply_preset)]
if preset.data != "any series":
    st.caption(t("stock.lecture_data", data=preset.data))
data = prices()
st.caption(f"{safe_text(data.summary_message())}. " + " ".join(safe_text(n) for n in data.notes))

# --- Preparation and model -------------------------------------------------------------------
prep_settings = window_settings(data)
settings = model_settings(preset.model.patience)
prep, forecast = forecast_or_last(data, prep_settings, settings)

# --- Evaluation ------------------------------------------------------------------------------
s = prep.settings
view = forecast_view(model_key(prep, forecast.settings), current(), prep, forecast)
st.caption(view.caption)
as_lecture = settings == preset.model and prep.settings == preset.prep  # the lecture's run
scores(view, preset.lecture_r2 if as_lecture else None, s.target)
prices_fig, returns_fig, losses_fig = view.figures
chart(prices_fig, key="sk_prices")
left, right = st.columns(2)
chart(returns_fig, key="sk_returns", where=left)
chart(losses_fig, key="sk_loss", where=right)
d1, d2 = st.columns(2)
d1.download_button(t("stock.download"), view.forecast_csv.encode(), "forecast.csv", "text/csv",
                   key="sk_download")
d2.download_button(t("stock.download_scores"), view.scores_csv.encode(), "forecast_scores.csv",
                   "text/csv", key="sk_download_scores")

with st.expander(t("stock.scaling")):
    leak = stock.leak_report(prep)
    st.markdown(t("stock.scaling_text", **leak))
    both = scaling_comparison(data, prep, settings, forecast)
    if both is not None:
        both = both.rename(index={"lecture": t("stock.lecture_mode_short"),
                                  "train_only": t("stock.train_only")})
        st.dataframe(headers(both, "stock.col").style.format("{:.4f}"), width="stretch")

with st.expander(t("training.keras_code")):
    st.code(keras_code(prep, forecast.settings), language="python")

with st.expander(t("stock.one_window")):
    i = st.number_input(t("stock.window_i"), 0, len(prep.X) - 1, min(12, len(prep.X) - 1),
                        key="sk_win_i")
    st.dataframe(figures.window_table(prep, i).style.format("{:.8f}"), width="stretch")
    st.markdown(t("stock.window_target", y=prep.y[i], when=prep.target_index[i],
                  what=t(f"stock.target_option.{s.target}")))
