"""Questions on the text page: how many tokens Keras's Tokenizer finds in the samples, the size
of the lecture's one-hot tensor, and GloVe's weight of the corpus's most frequent pair."""

from __future__ import annotations

import numpy as np

from lab.core.errors import LabError
from lab.data import text as tx
from lab.questions.question import Question


def tokens(s: dict, state: dict) -> Question | None:
    """The distinct words left once Keras lower-cases the samples and drops punctuation."""
    try:
        tok = tx.keras_tokens(tx.samples_of(s["tx_samples"]))
    except LabError:
        return None
    lecture = None
    if s["tx_samples"] == "\n".join(tx.LECTURE_SAMPLES) and \
            len(tok.index) != tx.LECTURE_KERAS_TOKENS:
        lecture = tx.LECTURE_KERAS_TOKENS
    return Question("text.tokens", "numeric", float(len(tok.index)),
                    dict(samples=len(tok.tokens)), lecture=lecture)


def one_hot_size(s: dict, state: dict) -> Question | None:
    """The lecture's tensor is (samples, max_length, largest id + 1): how many numbers."""
    try:
        tok = tx.split_tokens(tx.samples_of(s["tx_samples"]))
    except LabError:
        return None
    shape = tx.one_hot(tok, int(s["tx_maxlen"])).shape
    return Question("text.one_hot", "numeric", float(np.prod(shape)),
                    dict(samples=shape[0], maxlen=shape[1], width=shape[2]))


def glove_weight(s: dict, state: dict) -> Question | None:
    """f(x) = (x / x_max)^alpha below x_max, else 1, for the largest count X_ik."""
    try:
        co = tx.cooccurrence(tx.corpus_tokens(s["tx_corpus"]), int(s["tx_window"]))
    except LabError:
        return None
    if not co.counts.size or not co.counts.max():
        return None
    i, k = np.unravel_index(int(np.argmax(co.counts)), co.counts.shape)
    x = float(co.counts[i, k])
    value = float(tx.glove_weight(x, float(s["tx_xmax"]), float(s["tx_alpha"])))
    return Question("text.glove", "numeric", value,
                    dict(i=co.words[i], k=co.words[k], x=f"{x:g}", x_max=s["tx_xmax"],
                         alpha=s["tx_alpha"]),
                    tolerance=0.005, digits=3)


QUESTIONS = (tokens, one_hot_size, glove_weight)
