"""Figures for "Text as numbers": one sample's one-hot matrix, the co-occurrence counts, and
GloVe's weighting function; and the page's views: tokens (``tokens_view``), a trained embedding
read as words (``EmbeddingView``, ``embedding_note``), co-occurrences (``glove_view``,
``ratios_table``) and the GloVe paper's table (``paper_table``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from lab.core import i18n
from lab.data import imdb, text as tx
from lab.data.text import glove_weight
from lab.figures import FIG_HEIGHT, MARGIN, SERIES_COLORS
from lab.maths import threshold as th

TOP_AXIS_MARGIN = dict(MARGIN, t=110)  # the title, then the x-axis labels along the top
ONE_HOT_SCALE = [[0.0, "#f7f7f7"], [1.0, "#1f77b4"]]
COUNT_SCALE = [[0.0, "#ffffff"], [1.0, "#ff7f0e"]]


def one_hot_figure(matrix: np.ndarray, tokens: list[str], vocabulary: list[str],
                   sample: int) -> go.Figure:
    """(max_length, ids) of 0/1 as a grid, rows labelled by the sample's tokens."""
    rows = [f"{j}: {tokens[j]}" if j < len(tokens) else f"{j}: -" for j in range(len(matrix))]
    cols = ["0"] + [f"{i}: {w}" for i, w in enumerate(vocabulary, start=1)]
    return go.Figure(go.Heatmap(z=matrix, x=cols, y=rows, colorscale=ONE_HOT_SCALE, zmin=0,
                                zmax=1, showscale=False, xgap=1, ygap=1, texttemplate="%{z:.0f}"),
                     dict(title=i18n.t("fig.text.one_hot", sample=sample), margin=TOP_AXIS_MARGIN,
                          height=max(260, 28 * len(rows) + 120),
                          xaxis=dict(title=i18n.t("fig.text.token_id"), side="top"),
                          yaxis=dict(title=i18n.t("fig.text.position"), autorange="reversed")))


def cooccurrence_figure(words: list[str], counts: np.ndarray, window: int) -> go.Figure:
    size = max(FIG_HEIGHT, 24 * len(words) + 160)
    return go.Figure(go.Heatmap(z=counts, x=words, y=words, colorscale=COUNT_SCALE, zmin=0,
                                xgap=1, ygap=1, texttemplate="%{z:.0f}" if len(words) <= 30
                                else None, colorbar=dict(title="X")),
                     dict(title=i18n.t("fig.text.cooccurrence", window=window),
                          margin=TOP_AXIS_MARGIN,
                          height=min(size, 900), xaxis=dict(side="top"),
                          yaxis=dict(autorange="reversed")))


def weight_figure(x_max: float, alpha: float) -> go.Figure:
    x = np.linspace(0, max(2.0 * x_max, 10.0), 400)
    return go.Figure(go.Scatter(x=x, y=glove_weight(x, x_max, alpha), mode="lines",
                                line=dict(color=SERIES_COLORS[0], width=3)),
                     dict(title=i18n.t("fig.text.weight"), margin=MARGIN, height=FIG_HEIGHT - 80,
                          xaxis=dict(title=i18n.t("fig.text.count")),
                          yaxis=dict(title="f(x)", range=[0, 1.05])))


def embedding_figure(xy: np.ndarray, words: list[str], highlight=()) -> go.Figure:
    """Words at their embedding's first two principal components."""
    marked = set(highlight)
    colors = [SERIES_COLORS[7] if w in marked else SERIES_COLORS[1] for w in words]
    return go.Figure(go.Scatter(x=xy[:, 0], y=xy[:, 1], mode="markers+text", text=words,
                                textposition="top center", marker=dict(size=7, color=colors),
                                hovertemplate="%{text}<extra></extra>"),
                     dict(title=i18n.t("fig.text.embedding", words=len(words)), margin=MARGIN,
                          height=FIG_HEIGHT + 160, xaxis=dict(title="PC 1"),
                          yaxis=dict(title="PC 2")))


# --- The page's views ---------------------------------------------------------------------------
LECTURE_TEXT = "\n".join(tx.LECTURE_CORPUS)  # the GloVe box's default: the lecture's corpus
SHOWN_WORDS = 120  # the most frequent words drawn in the embedding's projection


def ids_table(tok: tx.Tokenized) -> pd.DataFrame:
    """A tokenizer's vocabulary and ids, as two rows."""
    return pd.DataFrame({i18n.t("text.col.token"): tok.vocabulary,
                         i18n.t("text.col.id"): [str(tok.index[w]) for w in tok.vocabulary]}).T


@dataclass
class TokensView:
    """Samples as tokens, ids, padded ids and one-hot: the lecture's split tokenizer beside
    Keras's (``one_hot`` is the split tokenizer's, (samples, max_length, ids))."""

    split: tx.Tokenized
    keras: tx.Tokenized
    padded: pd.DataFrame
    one_hot: np.ndarray
    one_hot_fields: dict  # shape, size and ones of the one-hot tensor, for its sentence
    binary: pd.DataFrame  # Keras's texts_to_matrix(mode="binary")
    tokens_csv: str
    lecture_tokens: int  # tokens Keras finds in the lecture's own samples
    lecture_garbled: list  # the split tokenizer's ids of the lecture's second sample


def tokens_view(samples: list[str], max_length: int) -> TokensView:
    split, keras = tx.split_tokens(samples), tx.keras_tokens(samples)
    padded = pd.DataFrame(tx.pad(keras.ids, max_length), index=[
        f"{i18n.t('text.sample')} {i + 1}" for i in range(len(samples))])
    tensor = tx.one_hot(split, max_length)
    binary = tx.binary_matrix(keras, num_words=max(len(keras.index) + 1, 10)).astype(int)
    rows = [(i + 1, j, w, split.index[w], keras.index.get(k, 0))
            for i, (s, ks) in enumerate(zip(split.tokens, keras.tokens))
            for j, (w, k) in enumerate(zip(s, ks + [""] * len(s)))]
    csv = pd.DataFrame(rows, columns=["sample", "position", "token", "split_id", "keras_id"])
    return TokensView(split, keras, padded, tensor,
                      dict(shape=tensor.shape, size=tensor.size, ones=int(tensor.sum())),
                      pd.DataFrame(binary), csv.to_csv(index=False),
                      len(tx.keras_tokens(list(tx.LECTURE_SAMPLES)).index),
                      tx.split_tokens(list(tx.LECTURE_SAMPLES)).ids[1])


@dataclass
class Near:
    """The words nearest a typed word, and the projection with them marked: ``unknown`` is
    the typed word (cut to 40 characters) when the vocabulary does not have it."""

    figure: go.Figure
    table: pd.DataFrame | None = None
    unknown: str = ""


class EmbeddingView:
    """A trained embedding ``E`` (ids as the IMDB reviews number them) read as words."""

    def __init__(self, E: np.ndarray, word_index: dict, num_words: int):
        self.E, self.word_index, self.num_words = E, word_index, num_words
        self.inv = imdb.inverse_index(word_index)
        self.top = [i for i in range(imdb.INDEX_FROM + 1,
                                     min(len(E), imdb.INDEX_FROM + 1 + SHOWN_WORDS))
                    if i in self.inv]
        self.placeholder = self.inv.get(self.top[0], "") if self.top else ""

    def word_id(self, word: str) -> int | None:
        """The id of ``word`` under the model's vocabulary, None if it is not in it."""
        rank = self.word_index.get(word.strip().lower())
        return (None if rank is None or rank + imdb.INDEX_FROM >= self.num_words
                else rank + imdb.INDEX_FROM)

    def table(self, scored: list[tuple[int, float]]) -> pd.DataFrame:
        """Words and cosines (headers ``text.col.<column>``)."""
        return pd.DataFrame([(self.inv.get(i, "?"), s) for i, s in scored],
                            columns=["word", "cosine"])

    def near(self, word: str) -> Near:
        """The eight words nearest ``word`` (if typed and known) and the projection."""
        asked = self.word_id(word) if word.strip() else None
        ids, view = list(self.top), Near(None)
        if word.strip() and asked is None:
            view.unknown = word.strip()[:40]
        highlight = []
        if asked is not None:
            near = tx.neighbours(self.E, self.E[asked], 8, skip=(asked,))
            highlight = [self.inv.get(asked, "")] + [self.inv.get(i, "?") for i, _ in near]
            view.table = self.table(near)
            ids += [asked] if asked not in ids else []
        view.figure = embedding_figure(tx.project(self.E, ids),
                                       [self.inv.get(i, "?") for i in ids], highlight)
        return view

    def analogy(self, words: list[str]) -> tuple[str, pd.DataFrame | None]:
        """(the first unknown word, cut to 40 characters, or ""; the five words nearest
        b - a + c, or None) for the typed words a, b, c (None until all three are typed)."""
        if not all(w.strip() for w in words):
            return "", None
        found = [self.word_id(w) for w in words]
        if None in found:
            return [w for w, i in zip(words, found) if i is None][0].strip()[:40], None
        return "", self.table(tx.analogy(self.E, *found, k=5))


def embedding_note(model, data: imdb.Dataset) -> str:
    """What the embedding of ``model`` (an ``imdb_model.Trained``) was learnt from: the reviews,
    its width, and the model's test accuracy at threshold 0.5."""
    return i18n.t("text.embedding_honest", source=data.summary(), dim=model.embedding.shape[1],
                  acc=th.at_threshold(data.y_test, model.p_test, 0.5).accuracy)


@dataclass
class GloveView:
    """The co-occurrence counts of a corpus (in the lecture's order when it is the lecture's
    corpus at window 1), their figure and CSV."""

    co: tx.Cooccurrence
    lecture: bool
    figure: go.Figure
    csv: str


def glove_view(corpus: str, window: int) -> GloveView:
    co = tx.cooccurrence(tx.corpus_tokens(corpus), window)
    lecture = corpus.strip() == LECTURE_TEXT and window == 1
    if lecture:
        co = co.reordered(tx.LECTURE_ORDER)
    counts = pd.DataFrame(co.counts.astype(int), index=co.words, columns=co.words)
    return GloveView(co, lecture, cooccurrence_figure(co.words, co.counts, window),
                     counts.to_csv())


def ratios_table(co: tx.Cooccurrence, i: str, j: str) -> pd.DataFrame:
    """P(k|i), P(k|j) and their ratio for every word k of the corpus."""
    return pd.DataFrame(tx.ratio_table(co, i, j, co.words),
                        columns=["k", "p_k_i", "p_k_j", "ratio"]).set_index("k")


def paper_table() -> tuple[pd.DataFrame, dict]:
    """The GloVe paper's ice/steam table (true and printed ratios), and the ratio by probe."""
    rows = tx.glove_paper_ratios()
    table = pd.DataFrame(rows, columns=["k", "p_ice", "p_steam", "ratio_true",
                                        "ratio_printed"]).set_index("k")
    return table, {r[0]: r[3] for r in rows}
