"""Text as numbers (lecture 002): tokens, ids, padding, one-hot; why embeddings; GloVe's
co-occurrence counts and probability ratios."""

import streamlit as st

from lab.core.i18n import t
from lab.data import imdb, text as tx
from lab.figures import text as figures
from lab.figures.imdb import default_classifier
from lab.figures.text import one_hot_figure, weight_figure
from lab.models import imdb_model
from ui.fallback import attempt
from ui.charts import chart
from ui.classifier import trained_or_training
from ui.entry import ensure_app_navigation
from ui.row import row
from ui.safe import md
from ui.settings import TEXT as C
from ui.tables import table

ensure_app_navigation()


@st.cache_resource(show_spinner=False, max_entries=2)
def imdb_default(source: str):
    """(data, padded training ids, padded test ids, words, settings, key) of the default model."""
    return imdb_model.default_inputs(source)


def tokenizer_column(name: str, tok: tx.Tokenized) -> None:
    """The ``name`` tokenizer's ("split" or "keras") vocabulary and each sample's ids."""
    st.subheader(t(f"text.{name}_title"))
    st.markdown(t(f"text.{name}_text", tokens=len(tok.index)))
    st.dataframe(figures.ids_table(tok), width="stretch")
    st.code("\n".join(str(ids) for ids in tok.ids), language=None)


def tokens_section() -> None:
    """The typed samples through both tokenizers, padded, then one-hot."""
    raw, max_length = row(C, ("tx_samples", "tx_maxlen"), [2, 1])
    samples = attempt(tx.samples_of, raw)
    if samples is None:
        return
    view = figures.tokens_view(samples, max_length)
    for where, name, tok in zip(st.columns(2), ("split", "keras"), (view.split, view.keras)):
        with where:
            tokenizer_column(name, tok)
    st.caption(t("text.lecture_found", printed=tx.LECTURE_KERAS_TOKENS,
                 found=view.lecture_tokens))
    st.markdown(t("text.padded"))
    st.dataframe(view.padded, width="stretch")
    one_hot_section(view, len(samples))


def one_hot_section(view: figures.TokensView, samples: int) -> None:
    st.subheader(t("text.one_hot_title"))
    st.markdown(t("text.one_hot_shape", **view.one_hot_fields))
    shown = C.draw("tx_sample", hi=samples) if samples > 1 else 1
    chart(one_hot_figure(view.one_hot[shown - 1], view.split.tokens[shown - 1],
                         view.split.vocabulary, shown), key="tx_one_hot")
    st.caption(t("text.one_hot_garbled", ids=view.lecture_garbled))
    with st.expander(t("text.binary_title")):
        st.dataframe(view.binary, width="stretch")
    st.download_button(t("text.download_tokens"), view.tokens_csv.encode(), "tokens.csv",
                       "text/csv", key="tx_download_tokens")


def default_model(inputs: imdb_model.DefaultInputs):
    """The default IMDB model (memory, disk, or its shared training, started by a button and
    drawn here while it runs), or None."""
    c = default_classifier(inputs)
    if c.found is None:
        st.info(t("text.embedding_missing"))
        if not st.button(t("text.train_embedding"), key="tx_train", type="primary"):
            return None
    return trained_or_training(c, key="tx_live")


def words_found(where, unknown: str, found, num_words: int) -> None:
    """A typed word the model's vocabulary lacks, or the words found with their cosines."""
    if unknown:
        where.warning(t("text.unknown_word", word=md(unknown), num_words=num_words))
    if found is not None:
        table(found, "text.col", {"cosine": "{:.3f}"}, where=where)


def embeddings() -> None:
    """The default IMDB model's embedding, once it is trained and its words are known."""
    st.subheader(t("text.embedding_title"))
    st.markdown(t("text.embedding_text"))
    inputs = attempt(imdb_default, C.draw("tx_reviews"), errors=imdb.DataUnavailable)
    model = default_model(inputs) if inputs is not None else None
    if model is not None and not model.diverged and inputs.data.word_index:
        embedding_section(model, inputs.data, inputs.num_words)


def embedding_section(model, data, num_words: int) -> None:
    view = figures.EmbeddingView(model.embedding, data.word_index, num_words)
    c1, c2 = st.columns([1, 2])
    near = view.near(C.draw("tx_word", c1, placeholder=view.placeholder))
    words_found(c1, near.unknown, near.table, num_words)
    chart(near.figure, key="tx_embedding", where=c2)
    st.markdown(f"**{t('text.analogy_title')}**")
    *boxes, last = st.columns(4)
    typed = [C.draw(f"tx_{n}", box) for box, n in zip(boxes, "abc")]  # b - a + c
    words_found(last, *view.analogy(typed), num_words)
    st.caption(figures.embedding_note(model, data))


def glove_section() -> None:
    """The co-occurrence counts of the typed corpus and the probability ratios of two words."""
    st.subheader(t("text.glove_title"))
    corpus, window = row(C, ("tx_corpus", "tx_window"), [2, 1])
    st.markdown(t("text.glove_text"))
    view = attempt(figures.glove_view, corpus, window)
    if view is None:
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
    table(figures.ratios_table(view.co, i, j), "text.col", "{:.3f}", na_rep="0/0",
          hide_index=None)


def glove_paper() -> None:
    """The GloVe paper's ice/steam ratios, and its weighting function."""
    st.markdown(f"**{t('text.paper_title')}**")
    paper, by_probe = figures.paper_table()
    table(paper, "text.col", "{:.3g}", hide_index=None)
    st.caption(t("text.paper_text", solid=by_probe["solid"], fashion=by_probe["fashion"]))
    st.markdown(f"**{t('text.weight_title')}**")
    x_max, alpha = row(C, ("tx_xmax", "tx_alpha"))
    chart(weight_figure(x_max, alpha), key="tx_weight")
    st.caption(t("text.weight_text"))


st.title(t("lesson.text.title"))
st.markdown(t("text.intro"))
tokens_section()
embeddings()
glove_section()
glove_paper()
