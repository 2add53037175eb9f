"""Stock forecast: a window of past days -> tomorrow's close, scored against the naive forecast
(lectures 000 and 002)."""

import streamlit as st

from lab.core.i18n import current, t
from lab.data import stock
from lab.figures import stock as figures
from lab.models import stock_model
from lab.models.stock_model import PRESETS, STORE, Forecast, ForecastSettings, keras_code, model_key
from lab.training import budget
from ui.charts import chart, shared
from ui.entry import ensure_app_navigation
from ui.fallback import or_last
from ui.prices import prices
from ui.row import row
from ui.safe import text as safe_text
from ui.settings import STOCK as C, stock_preset
from ui.tables import formats, printed
from ui.training import result_or_progress, within_budget

ensure_app_navigation()

WINDOWS = ("sk_target", "sk_window", "sk_train")  # beside the features
MODEL = ("sk_kind", "sk_units", "sk_act", "sk_epochs", "sk_lr", "sk_batch")


@st.cache_resource(show_spinner=False, max_entries=12)
def forecast_view(key: str, lang: str, _prep: stock.Prepared, _forecast: Forecast):
    """What the page shows of the forecast stored under ``key``
    (``lab.figures.stock.ForecastView``): computed once for the room. An entry holds about 150
    bytes a forecast day (the CSV's row, the figures' points), 15 MB for the largest upload
    (100,000 days) and 0.4 MB for the default series, so 12 entries stay under 180 MB while
    a class on a few settings in two languages keeps its views."""
    view = figures.forecast_view(_prep, _forecast)
    for fig in view.figures:
        shared(fig)  # encoded once for the room
    return view


def apply_preset() -> None:
    """Copy the chosen preset into the widgets (a callback: runs before they are drawn)."""
    C.apply(stock_preset(PRESETS[st.session_state.sk_preset]))


def forecast_for(prep: stock.Prepared, s: ForecastSettings) -> Forecast | None:
    """The trained forecast for these windows and settings (memory, disk, or a training that
    finishes within a moment), or None while the shared training runs: its progress is then
    drawn here and the page reruns when it ends. A long training waits for a button press."""
    key = model_key(prep, s)
    found = STORE.get(key)
    found = STORE.job(key) if found is None else found  # the job that trains it, or None
    cost = budget.stock(prep.split, *prep.X.shape[1:], s.kind, s.units, s.epochs)
    if found is None:
        if not within_budget(cost):
            return None
        wait = figures.long_training(prep, s)  # (button, note) for a long training
        if wait and not st.button(wait[0], key="sk_train_now", type="primary"):
            st.info(wait[1])
            return None
        found = stock_model.request(prep, s)
    return result_or_progress(found, f"{s.kind}({s.units})",
                              lambda history: figures.loss_figure(history, s.epochs), key="sk_live",
                              retry=lambda: stock_model.request(prep, s, restart=True),
                              cost=cost)


def setting_values(data: stock.StockData, patience: int) -> dict:
    """The values of the controls that set the windows and the model."""
    options = stock.available_features(data)
    if "sk_features" in st.session_state:  # new data with fewer columns: keep what it has
        st.session_state.sk_features = figures.features_kept(st.session_state.sk_features,
                                                             options)
    first, *beside = st.columns([2.2, 1, 1.2, 1.2])
    values = {"sk_features": C.draw("sk_features", first, options=options)}
    values |= {key: C.draw(key, where) for key, where in zip(WINDOWS, beside)}
    values["sk_lecture"] = C.draw("sk_lecture")
    values |= dict(zip(MODEL, row(C, MODEL)))
    values["sk_early"] = C.draw("sk_early", label=t("stock.early", patience=patience))
    return values


def trained(data: stock.StockData, prep_settings: stock.PrepSettings,
            settings: ForecastSettings) -> tuple | None:
    """(data, windows' settings, forecast) once trained, None while it trains. The session
    keeps what names its windows, not the windows (they stay in the shared cache)."""
    forecast = forecast_for(stock.prepared(data, prep_settings), settings)
    if forecast is not None and forecast.diverged:
        raise stock.DataError("stock.diverged")
    return None if forecast is None else (data, prep_settings, forecast)


st.title(t("lesson.stock.title"))
st.markdown(t("stock.intro"))

# --- Presets and data ------------------------------------------------------------------------
preset = PRESETS[C.draw("sk_preset", on_change=apply_preset)]
if lecture_data := figures.lecture_data(preset):
    st.caption(lecture_data)
data = or_last("sk_last_data", prices, lambda last: t(
    "stock.previous_data", summary=safe_text(last.summary_message())))
st.caption(f"{safe_text(data.summary_message())}. " + " ".join(safe_text(n) for n in data.notes))

# --- Preparation and model -------------------------------------------------------------------
prep_settings, settings = figures.settings_from(setting_values(data, preset.model.patience),
                                                preset.model.patience)
data, prep_settings, forecast = or_last("sk_last", lambda: trained(data, prep_settings, settings),
                                        lambda last: t("stock.previous_result"))
prep = stock.prepared(data, prep_settings)  # from the shared cache

# --- Evaluation ------------------------------------------------------------------------------
view = forecast_view(model_key(prep, forecast.settings), current(), prep, forecast)
st.caption(view.caption)
for column, (label, value, delta, color, arrow) in zip(st.columns(4), view.metrics):
    column.metric(label, value, delta, delta_color=color, delta_arrow=arrow)
for kind, note in figures.score_notes(view, preset, prep, settings):
    (st.info if kind == "info" else st.warning)(note)
st.dataframe(view.shown, width="stretch")
st.caption(view.footnote)
prices_fig, returns_fig, losses_fig = view.figures
chart(prices_fig, key="sk_prices")
left, right = st.columns(2)
chart(returns_fig, key="sk_returns", where=left)
chart(losses_fig, key="sk_loss", where=right)
for where, (label, content, name, mime), key in zip(st.columns(2), view.downloads,
                                                    ("sk_download", "sk_download_scores")):
    where.download_button(label, content, name, mime, key=key)

# Expanders worked out only while open (a click reruns): a room mostly never opens them.
if (box := st.expander(t("stock.scaling"), key="sk_x_scaling", on_change="rerun")).open:
    text, both = figures.scaling_view(data, prep, settings, forecast)
    box.markdown(text)
    if both is not None:
        box.dataframe(both, width="stretch", column_config=formats(dict.fromkeys(both, "%.4f")))

if prints := figures.lecture_printouts(preset, prep):
    with st.expander(t("printed.stock_title")):
        st.caption(t("printed.stock_note"))
        printed(prints)

if (box := st.expander(t("training.keras_code"), key="sk_x_code", on_change="rerun")).open:
    box.code(keras_code(prep, forecast.settings), language="python")

if (box := st.expander(t("stock.one_window"), key="sk_x_window", on_change="rerun")).open:
    i = box.number_input(t("stock.window_i"), 0, len(prep.X) - 1, min(12, len(prep.X) - 1),
                         key="sk_win_i")
    table, target = figures.window_view(prep, i)
    box.dataframe(table, width="stretch", column_config=formats(dict.fromkeys(table.columns,
                                                                             "%.8f")))
    box.markdown(target)
