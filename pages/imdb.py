"""IMDB classifier with threshold tuning (all lectures; lecture 002's threshold sweep)."""

import streamlit as st

from lab.core.errors import sentence
from lab.core.i18n import current, t
from lab.data import imdb
from lab.figures import imdb as figures
from lab.figures.imdb import training_figure
from lab.models import imdb_model
from lab.models.imdb_model import DEFAULT_SETTINGS, ModelSettings, model_key
from lab.training import budget
from ui.charts import chart
from ui.entry import ensure_app_navigation
from ui.safe import text as safe_text
from ui.server import folders_allowed
from ui.settings import IMDB as C
from ui.training import result_or_progress, within_budget

ensure_app_navigation()


@st.cache_resource(show_spinner=False, max_entries=6)  # shared, never copied: read only
def load(source: str, num_words: int, skip_top: int, maxlen: int, csv: bytes | None,
         folder: str = "", without_oov: bool = False):
    """(data set, padded training ids, padded test ids, fingerprint of the data), shared by
    the room (``lab.data.imdb.load``)."""
    data = imdb.load(source, num_words, skip_top, csv, folder, without_oov)
    return (data, *imdb.padded(data, maxlen))


@st.cache_resource(max_entries=128, show_spinner=False)
def threshold_view(key: str, thr: float, cost_fp: float, cost_fn: float, lang: str,
                   _y, _p):
    """Everything the threshold section shows for model ``key`` (whose test labels and
    probabilities are ``_y``, ``_p``) at these settings: computed once for the room, as a
    class moving to the lecturer's threshold asks for the same view."""
    return figures.threshold_view(_y, _p, thr, cost_fp, cost_fn)


def source_controls() -> tuple:
    """The controls that name the reviews: (source, preset, uploaded CSV, server folder)."""
    c1, c2 = st.columns([1.2, 1])
    source, preset = C.draw("im_source", c1), C.draw("im_preset", c2)
    csv, folder = None, ""
    if source == "csv":
        upload = st.file_uploader(t("imdb.upload"), type=["csv"], key="im_csv")
        csv = upload.getvalue() if upload else None
    elif source == "folder":
        if folders_allowed():
            folder = C.draw("im_folder")
        else:
            st.info(t("imdb.folders_off"))
    return source, preset, csv, folder


def reviews() -> tuple:
    """(preset, loaded) for the reviews the controls name, or the last ones that loaded."""
    source, preset, csv, folder = source_controls()
    try:
        if source == "folder" and not folders_allowed():
            raise imdb.DataUnavailable("imdb.err.folders_off")
        if source == "csv" and csv is None:
            raise imdb.DataUnavailable("imdb.choose_csv")
        asked = (source, *imdb.PRESETS[preset], csv, folder, preset in imdb.DROP_OOV_PRESETS)
        with st.spinner(t("imdb.loading")):
            loaded = load(*asked)
        st.session_state.im_last_data = (preset, asked)  # what names the data, not its arrays
    except imdb.DataUnavailable as err:
        st.warning(sentence(safe_text(err)))
        if "im_last_data" not in st.session_state:
            st.stop()
        preset, asked = st.session_state.im_last_data
        loaded = load(*asked)  # from the shared cache (read again if it was dropped)
        st.info(t("imdb.previous_data", summary=safe_text(loaded[0].summary_message())))
    return preset, loaded


def classifier(key: str, settings: ModelSettings):
    """The trained classifier for ``key`` (memory, disk, or the shared training, whose
    progress is drawn here; None while it trains). New settings other than the defaults train
    when the Train button is pressed."""
    found = imdb_model.STORE.get(key)
    found = imdb_model.STORE.job(key) if found is None else found
    cost = budget.imdb(*x_train.shape, settings.embedding, settings.kind, settings.units,
                       settings.epochs)
    if found is None:
        if not within_budget(cost):
            st.stop()
        if settings != DEFAULT_SETTINGS and not st.button(
                t("imdb.train", kind=settings.kind, units=settings.units), key="im_train",
                type="primary"):
            st.info(t("imdb.press_train"))
            st.stop()
        found = imdb_model.request(key, x_train, data.y_train, x_test, num_words, settings)
    return result_or_progress(
        found, f"{settings.kind}({settings.units})",
        lambda history: training_figure(history, settings.epochs), key="im_live",
        retry=lambda: imdb_model.request(key, x_train, data.y_train, x_test, num_words,
                                         settings, restart=True), cost=cost)


st.title(t("lesson.imdb.title"))
st.markdown(t("imdb.intro"))

# --- Data ------------------------------------------------------------------------------------
preset, loaded = reviews()
num_words, skip_top, maxlen = imdb.PRESETS[preset]
data, x_train, x_test, fingerprint = loaded
if data.source == "generated":
    st.info(t("imdb.generated_note"))
st.caption(safe_text(data.summary_message()))
st.caption(t(f"imdb.preset_note.{preset}"))

with st.expander(t("imdb.tokenizer")):
    first_rank, last_rank = imdb.kept_ranks(num_words, skip_top)
    st.markdown(t("imdb.ids_rule", num_words=num_words, maxlen=maxlen, last=last_rank,
                  skip=t("imdb.ids_skip", skip_top=skip_top, skipped=first_rank - 1)
                  if skip_top else ""))
    if preset in imdb.DROP_OOV_PRESETS:
        st.markdown(t("imdb.oov_dropped"))
    st.dataframe(figures.ids_table(data), width="stretch")
    st.markdown(t("imdb.padded", ids=x_test[0].tolist()))
    st.markdown(t("imdb.one_hot", maxlen=maxlen, num_words=num_words,
                  size=imdb.one_hot_bytes(20000, maxlen, num_words)))

# --- Model -----------------------------------------------------------------------------------
c1, c2, c3, c4, c5, c6 = st.columns(6)
settings = ModelSettings(
    kind=C.draw("im_kind", c1), embedding=C.draw("im_emb", c2), units=C.draw("im_units", c3),
    epochs=C.draw("im_epochs", c4), optimizer=C.draw("im_opt", c5), lr=C.draw("im_lr", c6))
trained_key = model_key(data.source, fingerprint, preset, settings)
trained = classifier(trained_key, settings)
if trained is None:  # training: its progress is on the page
    st.stop()
y, p = data.y_test, trained.p_test
if trained.diverged:
    st.error(t("imdb.diverged"))
    st.stop()
chart(training_figure(trained.history, settings.epochs), key="im_history")

# --- Threshold and your own review (a fragment: moving the threshold or typing a review reruns
# only this part; the model is never retrained and the test set never re-scored) -----------------
def own_review(thr: float) -> None:
    st.subheader(t("imdb.own_review"))
    example = t("imdb.default_review")
    review = C.draw("im_review", placeholder=example)
    if not review:  # the example in grey is what an empty box reads
        st.caption(t("imdb.example_review"))
        review = example
    view = figures.review_view(trained, review, data, num_words, skip_top, maxlen, thr)
    for kind, note in view.notes:
        (st.warning if kind == "warning" else st.info)(note)
    if view.figure is not None:
        st.markdown(view.verdict)
        chart(view.figure, key="im_words")


@st.fragment
def threshold_section(key: str, y, p) -> None:
    st.subheader(t("imdb.threshold_header"))
    c1, c2, c3 = st.columns([2, 1, 1])
    thr, cost_fp, cost_fn = C.draw("im_thr", c1), C.draw("im_cfp", c2), C.draw("im_cfn", c3)
    m, (best_all, best_window, cheapest), figs, sweep_csv = threshold_view(
        key, float(thr), float(cost_fp), float(cost_fn), current(), y, p)
    k1, k2, k3, k4, k5 = st.columns(5)
    k1.metric(t("imdb.accuracy"), f"{m.accuracy:.3f}")
    k2.metric(t("imdb.precision"), f"{m.precision:.3f}")
    k3.metric(t("imdb.recall"), f"{m.recall:.3f}")
    k4.metric("F1", f"{m.f1:.3f}")
    k5.metric(t("imdb.misclassified"), t("imdb.of", n=m.fp + m.fn, total=len(y)))
    if m.tp + m.fp == 0:
        st.info(t("imdb.none_positive"))
    st.caption(t("imdb.best", all=best_all, window=best_window, cheapest=cheapest))
    confusion, sweep, roc_pr, histogram = figs
    left, right = st.columns(2)
    chart(confusion, key="im_cm", where=left)
    chart(sweep, key="im_sweep", where=right)
    left, right = st.columns(2)
    chart(roc_pr, key="im_roc", where=left)
    chart(histogram, key="im_hist", where=right)
    st.download_button(t("imdb.download_sweep"), sweep_csv.encode(), "threshold_sweep.csv",
                       "text/csv", key="im_download_sweep")
    own_review(thr)


threshold_section(trained_key, y, p)
