"""Text as numbers (lecture 002): tokens, ids, padding, one-hot; why embeddings; GloVe's
co-occurrence counts and probability ratios."""

import numpy as np
import pandas as pd
import streamlit as st

from lab import text as tx
from lab.errors import LabError, sentence
from lab.figures.text import cooccurrence_figure, one_hot_figure, weight_figure
from lab.i18n import headers, t
from ui import links
from ui.charts import chart
from ui.entry import ensure_app_navigation

ensure_app_navigation()

KEY = "text"
SAMPLES = "\n".join(tx.LECTURE_SAMPLES)
CORPUS = "\n".join(tx.LECTURE_CORPUS)
TEXT_CHARS = 2_000  # what the boxes accept; lab.text refuses anything longer than MAX_CHARS
LINK = [  # the settings a shared link carries (ui.links)
    links.text("samples", "tx_samples", SAMPLES, TEXT_CHARS),
    links.number("max_length", "tx_maxlen", 1, 50, tx.LECTURE_MAX_LENGTH, integer=True),
    links.number("sample", "tx_sample", 1, 100, 1, integer=True),
    links.text("corpus", "tx_corpus", CORPUS, TEXT_CHARS),
    links.number("window", "tx_window", 1, 5, 1, integer=True),
    links.number("x_max", "tx_xmax", 1, 1000, tx.GLOVE_X_MAX),
    links.number("alpha", "tx_alpha", 0.05, 1.0, tx.GLOVE_ALPHA),
]


def ids_table(tok: tx.Tokenized) -> pd.DataFrame:
    return pd.DataFrame({t("text.col.token"): tok.vocabulary,
                         t("text.col.id"): [str(tok.index[w]) for w in tok.vocabulary]}).T


links.restore(KEY, LINK)
st.title(t("lesson.text.title"))
st.markdown(t("text.intro"))

# --- Tokens, ids and one-hot ---------------------------------------------------------------------
c1, c2 = st.columns([2, 1])
raw = c1.text_area(t("text.samples"), SAMPLES, key="tx_samples", max_chars=TEXT_CHARS, height=110)
max_length = c2.slider(t("text.max_length"), 1, 50, tx.LECTURE_MAX_LENGTH, key="tx_maxlen")
try:
    samples = tx.samples_of(raw)
except LabError as err:
    st.warning(sentence(err.text()))
    samples = None
if samples:
    split, keras = tx.split_tokens(samples), tx.keras_tokens(samples)
    left, right = st.columns(2)
    with left:
        st.subheader(t("text.split_title"))
        st.markdown(t("text.split_text", tokens=len(split.index)))
        st.dataframe(ids_table(split), width="stretch")
        st.code("\n".join(str(ids) for ids in split.ids), language=None)
    with right:
        st.subheader(t("text.keras_title"))
        st.markdown(t("text.keras_text", tokens=len(keras.index)))
        st.dataframe(ids_table(keras), width="stretch")
        st.code("\n".join(str(ids) for ids in keras.ids), language=None)
    lecture = tx.keras_tokens(list(tx.LECTURE_SAMPLES))
    st.caption(t("text.lecture_found", printed=tx.LECTURE_KERAS_TOKENS, found=len(lecture.index)))
    st.markdown(t("text.padded"))
    st.dataframe(pd.DataFrame(tx.pad(keras.ids, max_length),
                              index=[f"{t('text.sample')} {i + 1}" for i in range(len(samples))]),
                 width="stretch")

    st.subheader(t("text.one_hot_title"))
    tensor = tx.one_hot(split, max_length)
    st.markdown(t("text.one_hot_shape", shape=tensor.shape, size=tensor.size,
                  ones=int(tensor.sum())))
    if len(samples) > 1:
        links.clamp("tx_sample", 1, len(samples))
        shown = st.slider(t("text.sample"), 1, len(samples), 1, key="tx_sample")
    else:
        shown = 1
    chart(one_hot_figure(tensor[shown - 1], split.tokens[shown - 1], split.vocabulary, shown),
          key="tx_one_hot")
    lecture_split = tx.split_tokens(list(tx.LECTURE_SAMPLES))
    st.caption(t("text.one_hot_garbled", ids=lecture_split.ids[1]))
    with st.expander(t("text.binary_title")):
        matrix = tx.binary_matrix(keras, num_words=max(len(keras.index) + 1, 10))
        st.dataframe(pd.DataFrame(matrix.astype(int)), width="stretch")
    tokens_csv = pd.DataFrame([(i + 1, j, w, split.index[w], keras.index.get(k, 0))
                               for i, (s, ks) in enumerate(zip(split.tokens, keras.tokens))
                               for j, (w, k) in enumerate(zip(s, ks + [""] * len(s)))],
                              columns=["sample", "position", "token", "split_id", "keras_id"])
    st.download_button(t("text.download_tokens"), tokens_csv.to_csv(index=False).encode(),
                       "tokens.csv", "text/csv", key="tx_download_tokens")

# --- Embeddings ------------------------------------------------------------------------------------
st.subheader(t("text.embedding_title"))
st.markdown(t("text.embedding_text"))

# --- GloVe -----------------------------------------------------------------------------------------
st.subheader(t("text.glove_title"))
c1, c2 = st.columns([2, 1])
corpus = c1.text_area(t("text.corpus"), CORPUS, key="tx_corpus", max_chars=TEXT_CHARS, height=110)
window = c2.slider(t("text.window"), 1, 5, 1, key="tx_window")
st.markdown(t("text.glove_text"))
try:
    co = tx.cooccurrence(tx.corpus_tokens(corpus), window)
except LabError as err:
    st.warning(sentence(err.text()))
    co = None
if co is not None:
    if corpus.strip() == CORPUS and window == 1:
        co = co.reordered(tx.LECTURE_ORDER)
        st.caption(t("text.lecture_matrix"))
    chart(cooccurrence_figure(co.words, co.counts, window), key="tx_cooc")
    st.download_button(t("text.download_matrix"),
                       pd.DataFrame(co.counts.astype(int), index=co.words, columns=co.words)
                       .to_csv().encode(), "cooccurrence.csv", "text/csv", key="tx_download_cooc")
    c1, c2 = st.columns(2)
    i = c1.selectbox(t("text.center"), co.words, index=0, key="tx_i")
    j = c2.selectbox(t("text.other"), co.words, index=min(1, len(co.words) - 1), key="tx_j")
    st.markdown(f"**{t('text.ratio_title')}**")
    ratios = pd.DataFrame(tx.ratio_table(co, i, j, co.words),
                          columns=["k", "p_k_i", "p_k_j", "ratio"]).set_index("k")
    st.dataframe(headers(ratios, "text.col").style.format("{:.3f}", na_rep="0/0"),
                 width="stretch")

st.markdown(f"**{t('text.paper_title')}**")
paper = pd.DataFrame(tx.glove_paper_ratios(),
                     columns=["k", "p_ice", "p_steam", "ratio_true", "ratio_printed"]).set_index("k")
st.dataframe(headers(paper, "text.col").style.format("{:.3g}"), width="stretch")
by_probe = {r[0]: r[3] for r in tx.glove_paper_ratios()}
st.caption(t("text.paper_text", solid=by_probe["solid"], fashion=by_probe["fashion"]))

st.markdown(f"**{t('text.weight_title')}**")
c1, c2 = st.columns(2)
x_max = c1.slider(t("text.x_max"), 1.0, 1000.0, tx.GLOVE_X_MAX, key="tx_xmax")
alpha = c2.slider(t("text.alpha"), 0.05, 1.0, tx.GLOVE_ALPHA, step=0.05, key="tx_alpha")
chart(weight_figure(x_max, alpha), key="tx_weight")
st.caption(t("text.weight_text"))
links.publish(KEY, LINK)
