"""Text as numbers (lecture 002): tokens, ids, padding, one-hot; why embeddings; GloVe's
co-occurrence counts and probability ratios."""

import streamlit as st

from lab.core.errors import LabError, sentence
from lab.core.i18n import headers, t
from lab.data import imdb, text as tx
from lab.figures import text as figures
from lab.figures.imdb import training_figure
from lab.figures.text import one_hot_figure, weight_figure
from lab.maths import threshold as th
from lab.models import imdb_model
from ui.charts import chart
from ui.entry import ensure_app_navigation
from ui.safe import md, text as safe_text
from ui.settings import TEXT as C
from ui.training import result_or_progress

ensure_app_navigation()


@st.cache_resource(show_spinner=False, max_entries=2)
def imdb_default(source: str):
    """(data, padded training ids, padded test ids, words, settings, key) of the default model."""
    return imdb_model.default_inputs(source)


def tokenizer_column(title: str, text: str, tok: tx.Tokenized) -> None:
    st.subheader(t(title))
    st.markdown(t(text, tokens=len(tok.index)))
    st.dataframe(figures.ids_table(tok), width="stretch")
    st.code("\n".join(str(ids) for ids in tok.ids), language=None)


def tokens_section(samples: list[str], max_length: int) -> None:
    view = figures.tokens_view(samples, max_length)
    left, right = st.columns(2)
    with left:
        tokenizer_column("text.split_title", "text.split_text", view.split)
    with right:
        tokenizer_column("text.keras_title", "text.keras_text", view.keras)
    st.caption(t("text.lecture_found", printed=tx.LECTURE_KERAS_TOKENS,
                 found=view.lecture_tokens))
    st.markdown(t("text.padded"))
    st.dataframe(view.padded, width="stretch")
    st.subheader(t("text.one_hot_title"))
    st.markdown(t("text.one_hot_shape", **view.one_hot_fields))
    shown = C.draw("tx_sample", hi=len(samples)) if len(samples) > 1 else 1
    chart(one_hot_figure(view.one_hot[shown - 1], view.split.tokens[shown - 1],
                         view.split.vocabulary, shown), key="tx_one_hot")
    st.caption(t("text.one_hot_garbled", ids=view.lecture_garbled))
    with st.expander(t("text.binary_title")):
        st.dataframe(view.binary, width="stretch")
    st.download_button(t("text.download_tokens"), view.tokens_csv.encode(), "tokens.csv",
                       "text/csv", key="tx_download_tokens")


def default_model(data, x_train, x_test, num_words, settings, model_key):
    """The default IMDB model (memory, disk, or its shared training, started by a button and
    drawn here while it runs), or None."""
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
    return model


def cosine_table(where, table) -> None:
    where.dataframe(table.style.format({t("text.col.cosine"): "{:.3f}"}), width="stretch",
                    hide_index=True)


def embedding_section(model, data, num_words: int) -> None:
    view = figures.EmbeddingView(model.embedding, data.word_index, num_words)
    c1, c2 = st.columns([1, 2])
    near = view.near(C.draw("tx_word", c1, placeholder=view.placeholder))
    if near.unknown:
        c1.warning(t("text.unknown_word", word=md(near.unknown), num_words=num_words))
    if near.table is not None:
        cosine_table(c1, near.table)
    chart(near.figure, key="tx_embedding", where=c2)
    st.markdown(f"**{t('text.analogy_title')}**")
    a1, a2, a3, a4 = st.columns(4)
    unknown, table = view.analogy([C.draw(f"tx_{n}", box)
                                   for box, n in ((a1, "a"), (a2, "b"), (a3, "c"))])
    if unknown:
        a4.warning(t("text.unknown_word", word=md(unknown), num_words=num_words))
    if table is not None:
        cosine_table(a4, table)
    st.caption(t("text.embedding_honest", source=data.summary(), dim=model.embedding.shape[1],
                 acc=th.at_threshold(data.y_test, model.p_test, 0.5).accuracy))


def glove_section(corpus: str, window: int) -> None:
    try:
        view = figures.glove_view(corpus, window)
    except LabError as err:
        st.warning(sentence(safe_text(err)))
        return
    if view.lecture:
        st.caption(t("text.lecture_matrix"))
    chart(view.figure, key="tx_cooc")
    st.download_button(t("text.download_matrix"), view.csv.encode(), "cooccurrence.csv",
                       "text/csv", key="tx_download_cooc")
    words = view.co.words
    c1, c2 = st.columns(2)
    i = c1.selectbox(t("text.center"), words, index=0, key="tx_i")
    j = c2.selectbox(t("text.other"), words, index=min(1, len(words) - 1), key="tx_j")
    st.markdown(f"**{t('text.ratio_title')}**")
    st.dataframe(headers(figures.ratios_table(view.co, i, j), "text.col")
                 .style.format("{:.3f}", na_rep="0/0"), width="stretch")


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
    tokens_section(samples, max_length)

# --- Embeddings ------------------------------------------------------------------------------------
st.subheader(t("text.embedding_title"))
st.markdown(t("text.embedding_text"))
try:
    inputs = imdb_default(C.draw("tx_reviews"))
except imdb.DataUnavailable as err:
    st.warning(sentence(safe_text(err)))
    inputs = None
model = default_model(*inputs) if inputs is not None else None
if model is not None and not model.diverged and inputs.data.word_index:
    embedding_section(model, inputs.data, inputs.num_words)

# --- GloVe -----------------------------------------------------------------------------------------
st.subheader(t("text.glove_title"))
c1, c2 = st.columns([2, 1])
corpus, window = C.draw("tx_corpus", c1), C.draw("tx_window", c2)
st.markdown(t("text.glove_text"))
glove_section(corpus, window)

st.markdown(f"**{t('text.paper_title')}**")
paper, by_probe = figures.paper_table()
st.dataframe(headers(paper, "text.col").style.format("{:.3g}"), width="stretch")
st.caption(t("text.paper_text", solid=by_probe["solid"], fashion=by_probe["fashion"]))

st.markdown(f"**{t('text.weight_title')}**")
c1, c2 = st.columns(2)
x_max, alpha = C.draw("tx_xmax", c1), C.draw("tx_alpha", c2)
chart(weight_figure(x_max, alpha), key="tx_weight")
st.caption(t("text.weight_text"))
