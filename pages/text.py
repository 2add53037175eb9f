"""Text as numbers (lecture 002): tokens, ids, padding, one-hot; why embeddings; GloVe's
co-occurrence counts and probability ratios."""

import pandas as pd
import streamlit as st

from lab.data import imdb, text as tx
from lab.models import imdb_model
from lab.core.errors import LabError, sentence
from lab.figures.imdb import training_figure
from lab.figures.text import (cooccurrence_figure, embedding_figure, one_hot_figure,
                              weight_figure)
from lab.core.i18n import headers, t
from ui.charts import chart
from ui.entry import ensure_app_navigation
from ui.safe import md, text as safe_text
from ui.settings import TEXT as C
from ui.training import result_or_progress

ensure_app_navigation()

CORPUS = "\n".join(tx.LECTURE_CORPUS)
SHOWN_WORDS = 120  # the most frequent words drawn in the embedding's projection


@st.cache_resource(show_spinner=False, max_entries=2)
def imdb_default(source: str):
    """(data, padded training ids, padded test ids, words, settings, key) of the default model."""
    return imdb_model.default_inputs(source)


def word_id(word: str, word_index: dict, num_words: int) -> int | None:
    rank = word_index.get(word.strip().lower())
    return None if rank is None or rank + imdb.INDEX_FROM >= num_words else rank + imdb.INDEX_FROM


def ids_table(tok: tx.Tokenized) -> pd.DataFrame:
    return pd.DataFrame({t("text.col.token"): tok.vocabulary,
                         t("text.col.id"): [str(tok.index[w]) for w in tok.vocabulary]}).T


st.title(t("lesson.text.title"))
st.markdown(t("text.intro"))

# --- Tokens, ids and one-hot ---------------------------------------------------------------------
c1, c2 = st.columns([2, 1])
raw, max_length = C.draw("tx_samples", c1), C.draw("tx_maxlen", c2)
try:
    samples = tx.samples_of(raw)
except LabError as err:
    st.warning(sentence(safe_text(err)))
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
        shown = C.draw("tx_sample", hi=len(samples))
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
reviews = C.draw("tx_reviews")
try:
    data, x_train, x_test, num_words, settings, model_key = imdb_default(reviews)
except imdb.DataUnavailable as err:
    st.warning(sentence(safe_text(err)))
    data = None
model = None
if data is not None:
    model = imdb_model.STORE.get(model_key)
    job = imdb_model.STORE.job(model_key)
    if model is None and job is None:
        st.info(t("text.embedding_missing"))
        if st.button(t("text.train_embedding"), key="tx_train", type="primary"):
            job = imdb_model.request(model_key, x_train, data.y_train, x_test, num_words,
                                     settings)
    if model is None and job is not None:
        model = result_or_progress(
            job, f"{settings.kind}({settings.units})",
            lambda h: training_figure(h, settings.epochs), key="tx_live",
            retry=lambda: imdb_model.request(model_key, x_train, data.y_train, x_test,
                                             num_words, settings, restart=True))
if model is not None and not model.diverged and data.word_index:
    E = model.embedding
    inv = imdb.inverse_index(data.word_index)
    top = [i for i in range(imdb.INDEX_FROM + 1, min(len(E), imdb.INDEX_FROM + 1 + SHOWN_WORDS))
           if i in inv]
    c1, c2 = st.columns([1, 2])
    word = C.draw("tx_word", c1, placeholder=inv.get(top[0], "") if top else "")
    asked = word_id(word, data.word_index, num_words) if word.strip() else None
    if word.strip() and asked is None:
        c1.warning(t("text.unknown_word", word=md(word.strip()[:40]), num_words=num_words))
    highlight = []
    if asked is not None:
        near = tx.neighbours(E, E[asked], 8, skip=(asked,))
        highlight = [inv.get(asked, "")] + [inv.get(i, "?") for i, _ in near]
        c1.dataframe(pd.DataFrame([(inv.get(i, "?"), s) for i, s in near],
                                  columns=[t("text.col.word"), t("text.col.cosine")])
                     .style.format({t("text.col.cosine"): "{:.3f}"}), width="stretch",
                     hide_index=True)
    ids = top + [i for i in ([asked] if asked is not None else []) if i not in top]
    chart(embedding_figure(tx.project(E, ids), [inv.get(i, "?") for i in ids], highlight),
          key="tx_embedding", where=c2)
    st.markdown(f"**{t('text.analogy_title')}**")
    a1, a2, a3, a4 = st.columns(4)
    words = [C.draw(f"tx_{n}", box) for box, n in ((a1, "a"), (a2, "b"), (a3, "c"))]
    if all(w.strip() for w in words):
        found = [word_id(w, data.word_index, num_words) for w in words]
        if None in found:
            missing = [w for w, i in zip(words, found) if i is None]
            a4.warning(t("text.unknown_word", word=md(missing[0].strip()[:40]),
                         num_words=num_words))
        else:
            result = tx.analogy(E, *found, k=5)
            a4.dataframe(pd.DataFrame([(inv.get(i, "?"), s) for i, s in result],
                                      columns=[t("text.col.word"), t("text.col.cosine")])
                         .style.format({t("text.col.cosine"): "{:.3f}"}), width="stretch",
                         hide_index=True)
    st.caption(t("text.embedding_honest", source=data.summary(), dim=E.shape[1],
                 acc=float(((model.p_test >= 0.5) == data.y_test).mean())))

# --- GloVe -----------------------------------------------------------------------------------------
st.subheader(t("text.glove_title"))
c1, c2 = st.columns([2, 1])
corpus, window = C.draw("tx_corpus", c1), C.draw("tx_window", c2)
st.markdown(t("text.glove_text"))
try:
    co = tx.cooccurrence(tx.corpus_tokens(corpus), window)
except LabError as err:
    st.warning(sentence(safe_text(err)))
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
x_max, alpha = C.draw("tx_xmax", c1), C.draw("tx_alpha", c2)
chart(weight_figure(x_max, alpha), key="tx_weight")
st.caption(t("text.weight_text"))
