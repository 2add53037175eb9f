"""Text as numbers (lecture 002): tokens, ids, padding, one-hot tensors, and the co-occurrence
statistics GloVe is built on.

Two tokenizers, as the lecture compares them:

* the lecture's own loop: ``sample.split()`` on spaces, case and punctuation kept, ids in order
  of first appearance from 1 (``'The'`` and ``'the'`` differ, ``'mat.'`` keeps its full stop);
* Keras's ``Tokenizer`` conventions: lower case, punctuation filtered, ids by frequency (ties
  in order of first appearance), id 0 kept for padding. Keras 3 no longer ships that class, so
  its rules are written out here; the tests hold them to the lecture's printed results.

GloVe (Pennington et al., 2014) starts from the co-occurrence matrix X: X[i, k] counts how
often word k appears within ``window`` words of word i. P(k|i) = X[i, k] / sum_k X[i, k], and
the ratio P(k|i) / P(k|j) tells which of i and j a probe word k belongs with. The cost
J = sum f(X_ik) (w_i . w~_k + b_i + b~_k - log X_ik)^2 weighs each pair by
f(x) = (x / x_max)^alpha below x_max and 1 above it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from lab.core.errors import LabError

MAX_CHARS = 5_000  # typed text; a longer text is refused with a message
MAX_VOCABULARY = 400  # words shown in a co-occurrence matrix
KERAS_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'  # keras Tokenizer's default filters
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
WORD_OR_MARK = re.compile(r"\w+|[^\w\s]")  # 'learning.' -> 'learning', '.'

# Lecture 002's examples.
LECTURE_SAMPLES = ("The cat sat on the mat.", "The dog ate my homework.")
LECTURE_MAX_LENGTH = 10
LECTURE_KERAS_TOKENS = 9  # "Found 9 unique tokens."
LECTURE_CORPUS = ("I like deep learning.", "I like NLP.", "I enjoy flying.")
# Its co-occurrence table (window 1), in the order it prints the words.
LECTURE_ORDER = ("I", "like", "enjoy", "deep", "learning", "NLP", "flying", ".")
LECTURE_COUNTS = np.array([[0, 2, 1, 0, 0, 0, 0, 0],
                           [2, 0, 0, 1, 0, 1, 0, 0],
                           [1, 0, 0, 0, 0, 0, 1, 0],
                           [0, 1, 0, 0, 1, 0, 0, 0],
                           [0, 0, 0, 1, 0, 0, 0, 1],
                           [0, 1, 0, 0, 0, 0, 0, 1],
                           [0, 0, 1, 0, 0, 0, 0, 1],
                           [0, 0, 0, 0, 1, 1, 1, 0]])
# The GloVe paper's table, as the lecture prints it: P(k | ice), P(k | steam) and their ratio.
GLOVE_PROBES = ("solid", "gas", "water", "fashion")
GLOVE_P_ICE = (1.9e-4, 6.6e-5, 3.0e-3, 1.7e-5)
GLOVE_P_STEAM = (2.2e-5, 7.8e-4, 2.2e-3, 1.8e-5)
GLOVE_PRINTED_RATIO = (8.9, 8.5e-2, 1.36, 0.96)
GLOVE_X_MAX, GLOVE_ALPHA = 100.0, 0.75  # the paper's weighting


def checked(text: str) -> str:
    """The text, or a ``LabError`` saying what to change (empty, or too long)."""
    if not text or not text.strip():
        raise LabError("text.err.empty")
    if len(text) > MAX_CHARS:
        raise LabError("text.err.too_long", chars=len(text), limit=MAX_CHARS)
    return text


def samples_of(text: str) -> list[str]:
    """One sample per line (blank lines skipped)."""
    return [line.strip() for line in checked(text).splitlines() if line.strip()]


# --- Tokenizers ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Tokenized:
    tokens: list[list[str]]  # each sample's tokens, in order
    index: dict[str, int]  # token -> id (from 1)

    @property
    def vocabulary(self) -> list[str]:
        return sorted(self.index, key=self.index.get)

    @property
    def ids(self) -> list[list[int]]:
        return [[self.index[w] for w in sample] for sample in self.tokens]


def split_tokens(samples: list[str]) -> Tokenized:
    """The lecture's loop: ``split()`` on whitespace, ids in order of first appearance."""
    tokens = [s.split() for s in samples]
    index: dict[str, int] = {}
    for sample in tokens:
        for word in sample:
            index.setdefault(word, len(index) + 1)
    return Tokenized(tokens, index)


def keras_tokens(samples: list[str]) -> Tokenized:
    """Keras's Tokenizer: lower case, ``KERAS_FILTERS`` replaced by spaces, ids by frequency
    with ties in order of first appearance."""
    table = str.maketrans({c: " " for c in KERAS_FILTERS})
    tokens = [s.lower().translate(table).split() for s in samples]
    counts: dict[str, int] = {}
    for sample in tokens:
        for word in sample:
            counts[word] = counts.get(word, 0) + 1
    ranked = sorted(counts, key=lambda w: -counts[w])  # stable: ties keep first appearance
    return Tokenized(tokens, {w: i for i, w in enumerate(ranked, start=1)})


def keras_sequences(index: dict[str, int], samples: list[str], num_words: int) -> list[list[int]]:
    """Keras's ``texts_to_sequences`` for a tokenizer fitted to ``index`` with ``num_words``:
    the same lower case and filters, words it has not seen and ids >= ``num_words`` dropped."""
    table = str.maketrans({c: " " for c in KERAS_FILTERS})
    return [[i for i in (index.get(w) for w in s.lower().translate(table).split())
             if i is not None and i < num_words] for s in samples]


def one_hot(tok: Tokenized, max_length: int) -> np.ndarray:
    """The lecture's tensor: (samples, max_length, largest id + 1), a 1 at each token's id,
    tokens past ``max_length`` dropped, short samples followed by rows of zeros."""
    out = np.zeros((len(tok.tokens), max_length, max(tok.index.values(), default=0) + 1))
    for i, ids in enumerate(tok.ids):
        for j, k in enumerate(ids[:max_length]):
            out[i, j, k] = 1.0
    return out


def pad(ids: list[list[int]], maxlen: int) -> np.ndarray:
    """``keras.utils.pad_sequences``'s defaults: zeros in front, long ones cut at the front."""
    out = np.zeros((len(ids), maxlen), dtype=int)
    for i, s in enumerate(ids):
        s = s[-maxlen:] if maxlen else []
        if s:
            out[i, maxlen - len(s):] = s
    return out


def binary_matrix(tok: Tokenized, num_words: int = 1000) -> np.ndarray:
    """``texts_to_matrix(mode="binary")``: (samples, num_words), 1 where an id < num_words
    appears in the sample."""
    out = np.zeros((len(tok.tokens), num_words))
    for i, ids in enumerate(tok.ids):
        out[i, [k for k in ids if k < num_words]] = 1.0
    return out


# --- Co-occurrence and GloVe ------------------------------------------------------------------
@dataclass(frozen=True)
class Cooccurrence:
    words: list[str]  # in order of first appearance
    counts: np.ndarray  # (V, V), symmetric

    def row(self, word: str) -> np.ndarray:
        return self.counts[self.words.index(word)]

    def probability(self, k: str, i: str) -> float:
        """P(k | i): how often k is near i, among everything near i (0 when i has no context)."""
        row = self.row(i)
        total = row.sum()
        return float(row[self.words.index(k)] / total) if total else 0.0

    def probabilities(self) -> np.ndarray:
        """P(k | i) for every (i, k): each row divided by its sum (rows of zeros stay zero)."""
        totals = self.counts.sum(1, keepdims=True)
        return np.divide(self.counts, totals, out=np.zeros_like(self.counts, dtype=float),
                         where=totals > 0)

    def reordered(self, order) -> "Cooccurrence":
        idx = [self.words.index(w) for w in order]
        return Cooccurrence(list(order), self.counts[np.ix_(idx, idx)])


def corpus_tokens(text: str) -> list[list[str]]:
    """Sentences (split at . ! ? and line ends) as words and marks, case kept ("learning." ->
    "learning", ".")."""
    sentences = [s for s in SENTENCE_END.split(checked(text)) if s.strip()]
    return [WORD_OR_MARK.findall(s) for s in sentences]


def cooccurrence(sentences: list[list[str]], window: int = 1) -> Cooccurrence:
    """X[i, k] += 1 for every k within ``window`` words of i, inside one sentence."""
    if window < 1:
        raise LabError("text.err.window", window=window)
    words: dict[str, int] = {}
    for s in sentences:
        for w in s:
            words.setdefault(w, len(words))
    if len(words) > MAX_VOCABULARY:
        raise LabError("text.err.vocabulary", words=len(words), limit=MAX_VOCABULARY)
    counts = np.zeros((len(words), len(words)))
    for s in sentences:
        ids = [words[w] for w in s]
        for a, i in enumerate(ids):
            for k in ids[max(0, a - window):a]:
                counts[i, k] += 1
                counts[k, i] += 1
    return Cooccurrence(list(words), counts)


def ratio_table(co: Cooccurrence, i: str, j: str, probes) -> list[tuple[str, float, float, float]]:
    """(k, P(k|i), P(k|j), P(k|i) / P(k|j)) for each probe word k; the ratio is inf or nan when
    P(k|j) is 0, as the arithmetic says."""
    out = []
    for k in probes:
        pi, pj = co.probability(k, i), co.probability(k, j)
        ratio = pi / pj if pj else (float("inf") if pi else float("nan"))
        out.append((k, pi, pj, ratio))
    return out


def glove_weight(x, x_max: float = GLOVE_X_MAX, alpha: float = GLOVE_ALPHA) -> np.ndarray:
    """f(x) = (x / x_max)^alpha for x < x_max, else 1: rare pairs count less, frequent ones
    are capped, and f(0) = 0 leaves unseen pairs out of the cost."""
    x = np.asarray(x, dtype=float)
    return np.where(x < x_max, np.power(np.clip(x, 0, None) / x_max, alpha), 1.0)


def glove_paper_ratios() -> list[tuple[str, float, float, float, float]]:
    """(probe, P(k|ice), P(k|steam), ratio of the printed probabilities, ratio printed)."""
    return [(k, a, b, a / b, r) for k, a, b, r in
            zip(GLOVE_PROBES, GLOVE_P_ICE, GLOVE_P_STEAM, GLOVE_PRINTED_RATIO)]


# --- A learned embedding: where words sit, and who their neighbours are -----------------------
def _unit(E: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(E, axis=1, keepdims=True)
    return np.divide(E, norms, out=np.zeros_like(E, dtype=float), where=norms > 0)


def project(E: np.ndarray, ids) -> np.ndarray:
    """The rows ``ids`` of the embedding on its first two principal components (n, 2)."""
    from sklearn.decomposition import PCA

    rows = np.asarray(E, dtype=float)[list(ids)]
    if len(rows) < 2:
        return np.zeros((len(rows), 2))
    return PCA(n_components=2, random_state=0).fit_transform(rows)


def neighbours(E: np.ndarray, query: np.ndarray, k: int = 8, skip=()) -> list[tuple[int, float]]:
    """The ``k`` ids whose vectors have the highest cosine similarity with ``query`` (ids in
    ``skip``, and the padding / start / unknown ids 0-2, left out)."""
    unit = _unit(np.asarray(E, dtype=float))
    q = np.asarray(query, dtype=float)
    norm = np.linalg.norm(q)
    sims = unit @ (q / norm) if norm > 0 else np.zeros(len(unit))
    order = [int(i) for i in np.argsort(-sims) if i > 2 and int(i) not in set(skip)]
    return [(i, float(sims[i])) for i in order[:k]]


def analogy(E: np.ndarray, a: int, b: int, c: int, k: int = 5) -> list[tuple[int, float]]:
    """a - b + c: the words nearest that point (king - man + woman -> queen, in a large enough
    embedding), a, b and c themselves left out."""
    E = np.asarray(E, dtype=float)
    u = _unit(E)
    return neighbours(E, u[a] - u[b] + u[c], k, skip=(a, b, c))
