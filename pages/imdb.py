"""IMDB classifier with threshold tuning (all lectures; lecture 002's threshold sweep)."""

import numpy as np
import pandas as pd
import streamlit as st

from lab import imdb, threshold as th
from lab.figures.imdb import (confusion_figure, histogram_figure, roc_pr_figure, sweep_figure,
                              training_figure, word_by_word_figure)
from lab import imdb_model
from lab.errors import sentence
from lab.i18n import options, t
from lab.imdb_model import ModelSettings, model_key
from lab.kinds import KINDS
from ui import links
from ui.charts import chart
from ui.entry import ensure_app_navigation
from ui.training import result_or_progress

ensure_app_navigation()

KEY = "imdb"
SOURCES = ["keras", "csv", "generated", "folder"]
EMBEDDINGS = [8, 16, 32, 64, 128]
UNITS = [4, 8, 16, 32, 64, 128]
OPTIMIZERS = ["adam", "rmsprop", "sgd"]
LRS = [1e-4, 3e-4, 1e-3, 3e-3, 5e-3, 1e-2, 3e-2, 1e-1]
D = ModelSettings()
LINK = [  # the settings a shared link carries (ui.links); an uploaded file cannot travel in one
    links.choice("reviews", "im_source", SOURCES, "generated"),
    links.choice("vocabulary", "im_preset", list(imdb.PRESETS), next(iter(imdb.PRESETS))),
    links.choice("layer", "im_kind", KINDS, D.kind),
    links.choice("embedding", "im_emb", EMBEDDINGS, D.embedding),
    links.choice("units", "im_units", UNITS, D.units),
    links.number("epochs", "im_epochs", 1, 20, D.epochs, integer=True),
    links.choice("optimizer", "im_opt", OPTIMIZERS, "adam"),
    links.choice("lr", "im_lr", LRS, D.lr),
    links.number("threshold", "im_thr", 0.0, 1.0, 0.5),
    links.number("cost_fp", "im_cfp", 0.0, 100.0, 1.0),
    links.number("cost_fn", "im_cfn", 0.0, 100.0, 1.0),
    links.text("review", "im_review", "", 1000),
]


@st.cache_data(show_spinner=False, max_entries=6)
def load(source: str, num_words: int, skip_top: int, maxlen: int, csv: bytes | None,
         folder: str = ""):
    """(data set, padded training ids, padded test ids, fingerprint of the data)."""
    if source == SOURCES[0]:
        data = imdb.load_keras(num_words, skip_top)
    elif source == SOURCES[1]:
        data = imdb.load_csv(csv, num_words, skip_top)
    elif source == SOURCES[3]:
        data = imdb.load_aclimdb(folder, num_words, skip_top)
    else:
        data = imdb.load_generated(num_words, skip_top)
    return (data, *imdb.padded(data, maxlen))


@st.cache_data(max_entries=16)
def sweep(key: str, y: np.ndarray, p: np.ndarray, cost_fp: float, cost_fn: float):
    t, mis, cost = th.sweep(y, p, cost_fp=cost_fp, cost_fn=cost_fn)
    return t, mis, cost, th.curves(y, p)


links.restore(KEY, LINK)
st.title(t("lesson.imdb.title"))
st.markdown(t("imdb.intro"))

# --- Data ------------------------------------------------------------------------------------
c1, c2 = st.columns([1.2, 1])
default_source = 0 if imdb.KERAS_FILE.exists() else 2
source = c1.radio(t("imdb.reviews"), SOURCES, index=default_source, key="im_source",
                  format_func=options("imdb.source"))
preset = c2.selectbox(t("imdb.vocabulary"), list(imdb.PRESETS), key="im_preset")
num_words, skip_top, maxlen = imdb.PRESETS[preset]
csv, folder = None, ""
if source == SOURCES[1]:
    upload = st.file_uploader(t("imdb.upload"), type=["csv"], key="im_csv")
    csv = upload.getvalue() if upload else None
elif source == SOURCES[3]:
    folder = st.text_input(t("imdb.folder"), "~/aclImdb", key="im_folder")
try:
    if source == SOURCES[1] and csv is None:
        raise imdb.DataUnavailable("imdb.choose_csv")
    with st.spinner(t("imdb.loading")):
        loaded = load(source, num_words, skip_top, maxlen, csv, folder)
    st.session_state.im_last_data = (preset, loaded)
except imdb.DataUnavailable as err:
    st.warning(sentence(err.text()))
    if "im_last_data" not in st.session_state:
        st.stop()
    preset, loaded = st.session_state.im_last_data
    num_words, skip_top, maxlen = imdb.PRESETS[preset]
    st.info(t("imdb.previous_data", summary=loaded[0].summary()))
data, x_train, x_test, fingerprint = loaded
if data.source == "generated":
    st.info(t("imdb.generated_note"))
st.caption(data.summary())

with st.expander(t("imdb.tokenizer")):
    inv = imdb.inverse_index(data.word_index) if data.word_index else {}
    first = data.x_test[0]
    st.markdown(t("imdb.ids_rule", num_words=num_words, maxlen=maxlen,
                  skip=t("imdb.ids_skip", skip_top=skip_top) if skip_top else ""))
    st.dataframe(pd.DataFrame({t("imdb.word"): [inv.get(i, "?") for i in first[:30]],
                               "id": [str(i) for i in first[:30]]}).T, width="stretch")
    st.markdown(t("imdb.padded", ids=x_test[0].tolist()))
    st.markdown(t("imdb.one_hot", maxlen=maxlen, num_words=num_words,
                  size=imdb.one_hot_bytes(20000, maxlen, num_words)))

# --- Model -----------------------------------------------------------------------------------
c1, c2, c3, c4, c5, c6 = st.columns(6)
settings = ModelSettings(
    kind=c1.selectbox(t("imdb.layer"), KINDS, index=KINDS.index(D.kind), key="im_kind"),
    embedding=c2.select_slider(t("imdb.embedding"), EMBEDDINGS, D.embedding, key="im_emb"),
    units=c3.select_slider(t("imdb.units"), UNITS, D.units, key="im_units"),
    epochs=c4.slider(t("imdb.epochs"), 1, 20, D.epochs, key="im_epochs"),
    optimizer=c5.selectbox(t("imdb.optimizer"), OPTIMIZERS, key="im_opt"),
    lr=c6.select_slider(t("imdb.lr"), LRS, D.lr, key="im_lr"))
trained_key = model_key(data.source, fingerprint, preset, settings)
trained = result_or_progress(
    imdb_model.request(trained_key, x_train, data.y_train, x_test, num_words, settings),
    f"{settings.kind}({settings.units})",
    lambda history: training_figure(history, settings.epochs), key="im_live",
    retry=lambda: imdb_model.request(trained_key, x_train, data.y_train, x_test, num_words,
                                     settings, restart=True))
if trained is None:  # training: its progress is on the page
    links.publish(KEY, LINK)
    st.stop()
y, p = data.y_test, trained.p_test
if trained.diverged:
    st.error(t("imdb.diverged"))
    links.publish(KEY, LINK)
    st.stop()
chart(training_figure(trained.history, settings.epochs), key="im_history")

# --- Threshold and your own review (a fragment: moving the threshold or typing a review reruns
# only this part; the model is never retrained and the test set never re-scored) -----------------
def own_review(thr: float) -> None:
    st.subheader(t("imdb.own_review"))
    st.session_state.setdefault("im_review", t("imdb.default_review"))
    review = st.text_area(t("imdb.review"), key="im_review", max_chars=5000)
    if data.word_index is None:
        st.warning(t("imdb.no_word_index"))
    else:
        words, ids, known = imdb.encode(review, data.word_index, num_words, skip_top)
        if not words:
            st.warning(t("imdb.empty_review"))
        else:
            ids = ids[-maxlen:] if len(ids) > maxlen else ids
            probs = trained.word_by_word(ids)
            shown_words, shown_known = words[-(len(ids) - 1):], known[-(len(ids) - 1):]
            if not any(known):
                st.warning(t("imdb.all_unknown"))
            if len(words) > len(ids) - 1:
                st.info(t("imdb.last_words", n=maxlen - 1, maxlen=maxlen))
            verdict = t("imdb.positive") if probs[-1] >= thr else t("imdb.negative")
            unknown = ", ".join(f"`{w}`" for w, k in zip(words, known) if not k)
            st.markdown(t("imdb.verdict", p=probs[-1], verdict=verdict, thr=thr,
                          unknown=unknown or t("imdb.none")))
            chart(word_by_word_figure(shown_words, probs[1:], shown_known, thr), key="im_words")


@st.fragment
def threshold_section(key: str, y: np.ndarray, p: np.ndarray) -> None:
    st.subheader(t("imdb.threshold_header"))
    c1, c2, c3 = st.columns([2, 1, 1])
    thr = c1.slider(t("imdb.threshold"), 0.0, 1.0, 0.5, 0.01, key="im_thr")
    cost_fp = c2.number_input(t("imdb.cost_fp"), 0.0, 100.0, 1.0, 0.5, key="im_cfp")
    cost_fn = c3.number_input(t("imdb.cost_fn"), 0.0, 100.0, 1.0, 0.5, key="im_cfn")
    m = th.at_threshold(y, p, thr)
    ts, mis, cost, curves = sweep(key, y, p, cost_fp, cost_fn)
    best_all, best_window = th.best(ts, mis), th.best(ts, mis, th.LECTURE_WINDOW)
    k1, k2, k3, k4, k5 = st.columns(5)
    k1.metric(t("imdb.accuracy"), f"{m.accuracy:.3f}")
    k2.metric(t("imdb.precision"), f"{m.precision:.3f}")
    k3.metric(t("imdb.recall"), f"{m.recall:.3f}")
    k4.metric("F1", f"{m.f1:.3f}")
    k5.metric(t("imdb.misclassified"), t("imdb.of", n=m.fp + m.fn, total=len(y)))
    if m.tp + m.fp == 0:
        st.info(t("imdb.none_positive"))
    st.caption(t("imdb.best", all=best_all, window=best_window, cheapest=th.best(ts, cost)))
    left, right = st.columns(2)
    chart(confusion_figure(m), key="im_cm", where=left)
    chart(sweep_figure(ts, mis, cost, thr, best_all, best_window,
                       show_cost=(cost_fp, cost_fn) != (1.0, 1.0)), key="im_sweep", where=right)
    left, right = st.columns(2)
    chart(roc_pr_figure(curves, m), key="im_roc", where=left)
    chart(histogram_figure(y, p, thr), key="im_hist", where=right)
    st.download_button(t("imdb.download_sweep"),
                       pd.DataFrame({"threshold": ts, "misclassification": mis, "cost": cost})
                       .to_csv(index=False).encode(), "threshold_sweep.csv", "text/csv",
                       key="im_download_sweep")
    own_review(thr)
    links.publish(KEY, LINK)  # the threshold moves inside this fragment


threshold_section(trained_key, y, p)
