"""IMDB classifier with threshold tuning (all lectures; lecture 002's threshold sweep)."""

import streamlit as st

from lab.core.i18n import current, t
from lab.data import imdb
from lab.figures import imdb as figures
from lab.figures.imdb import training_figure
from lab.models.imdb_model import ModelSettings, model_key
from ui.charts import chart
from ui.classifier import trained_or_training
from ui.entry import ensure_app_navigation
from ui.fallback import say
from ui.row import row
from ui.safe import text as safe_text
from ui.server import folders_allowed
from ui.settings import IMDB as C
from ui.training import within_budget

ensure_app_navigation()


@st.cache_resource(max_entries=128, show_spinner=False)
def threshold_view(key: str, thr: float, cost_fp: float, cost_fn: float, lang: str,
                   _y, _p) -> figures.ThresholdView:
    """Everything the threshold section shows for model ``key`` (whose test labels and
    probabilities are ``_y``, ``_p``) at these settings: computed once for the room, as a
    class moving to the lecturer's threshold asks for the same view."""
    return figures.threshold_view(_y, _p, thr, cost_fp, cost_fn)


def source_controls() -> tuple:
    """The controls that name the reviews: (source, preset, uploaded CSV, server folder)."""
    source, preset = row(C, ("im_source", "im_preset"), [1.2, 1])
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
    """(preset, loaded) for the reviews the controls name (read once for the room by
    ``lab.data.imdb.loaded``), or the last ones that loaded."""
    source, preset, csv, folder = source_controls()
    try:
        asked = figures.load_args(source, preset, csv, folder, folders_allowed())
        with st.spinner(t("imdb.loading")):
            loaded = imdb.loaded(*asked)
        st.session_state.im_last_data = (preset, asked)  # what names the data, not its arrays
    except imdb.DataUnavailable as err:
        say(err)
        if "im_last_data" not in st.session_state:
            st.stop()
        preset, asked = st.session_state.im_last_data
        loaded = imdb.loaded(*asked)  # kept for the room (read again if it was dropped)
        st.info(t("imdb.previous_data", summary=safe_text(loaded[0].summary_message())))
    return preset, loaded


def data_section(data: imdb.Dataset, preset: str, padded_first) -> None:
    """What the reviews are, and how the preset's tokenizer turns them into ids."""
    if data.source == "generated":
        st.info(t("imdb.generated_note"))
    st.caption(safe_text(data.summary_message()))
    st.caption(t(f"imdb.preset_note.{preset}"))
    with st.expander(t("imdb.tokenizer")):
        view = figures.tokenizer_view(data, preset, padded_first)
        for rule in view.rules:
            st.markdown(rule)
        st.dataframe(view.ids, width="stretch")
        for shape in view.shapes:
            st.markdown(shape)


def trained_model(c: figures.Classifier):
    """The trained classifier (None while it trains, its progress drawn here). A new one
    starts within the budget: the default at once, other settings on the Train button."""
    if c.found is None:
        if not within_budget(c.cost):
            st.stop()
        if c.on_request and not st.button(t("imdb.train", kind=c.settings.kind,
                                             units=c.settings.units),
                                          key="im_train", type="primary"):
            st.info(t("imdb.press_train"))
            st.stop()
    return trained_or_training(c, key="im_live", cost=c.cost)


# --- Threshold and your own review (a fragment: moving the threshold or typing a review reruns
# only this part; the model is never retrained and the test set never re-scored) -----------------
def own_review(thr: float) -> None:
    st.subheader(t("imdb.own_review"))
    example = t("imdb.default_review")
    review = C.draw("im_review", placeholder=example)
    if not review:  # the example in grey is what an empty box reads
        st.caption(t("imdb.example_review"))
        review = example
    view = figures.review_view(trained, review, data, *imdb.PRESETS[preset], thr)
    for kind, note in view.notes:
        (st.warning if kind == "warning" else st.info)(note)
    if view.figure is not None:
        st.markdown(view.verdict)
        chart(view.figure, key="im_words")


@st.fragment
def threshold_section(key: str, y, p) -> None:
    st.subheader(t("imdb.threshold_header"))
    thr, cost_fp, cost_fn = row(C, ("im_thr", "im_cfp", "im_cfn"), [2, 1, 1])
    view = threshold_view(key, float(thr), float(cost_fp), float(cost_fn), current(), y, p)
    for box, (label, value) in zip(st.columns(len(view.metrics)), view.metrics):
        box.metric(label, value)
    if view.none_positive:
        st.info(t("imdb.none_positive"))
    st.caption(view.best)
    for where, fig, name in zip(st.columns(2) + st.columns(2), view.figures,
                                ("im_cm", "im_sweep", "im_roc", "im_hist")):
        chart(fig, key=name, where=where)
    st.download_button(t("imdb.download_sweep"), view.csv.encode(), "threshold_sweep.csv",
                       "text/csv", key="im_download_sweep")
    own_review(thr)


st.title(t("lesson.imdb.title"))
st.markdown(t("imdb.intro"))
preset, (data, x_train, x_test, fingerprint) = reviews()
data_section(data, preset, x_test[0])
settings = ModelSettings(*row(C, ("im_kind", "im_emb", "im_units", "im_epochs", "im_opt",
                                  "im_lr")))  # kind, embedding, units, epochs, optimizer, lr
model = figures.classifier(model_key(data.source, fingerprint, preset, settings), x_train,
                           data.y_train, x_test, imdb.PRESETS[preset][0], settings)
trained = trained_model(model)
if trained is None:  # training: its progress is on the page
    st.stop()
if trained.diverged:
    st.error(t("imdb.diverged"))
    st.stop()
chart(training_figure(trained.history, settings.epochs), key="im_history")
threshold_section(model.key, data.y_test, trained.p_test)
