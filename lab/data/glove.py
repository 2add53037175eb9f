"""Lecture 002's raw-text IMDB input and its pre-trained GloVe vectors.

The lecture reads the raw aclImdb texts, fits ``Tokenizer(num_words=10000)`` on them ("Found
88582 unique tokens"), pads to maxlen 100, and then fills an ``Embedding(10000, 100)`` from
``glove.6B.100d.txt`` ("Found 400000 word vectors"): row i is the vector of the word with id i,
zeros where GloVe lacks the word (and row 0, the padding). Here the texts are the page's reviews
decoded back to words (Keras's ids lost punctuation and case), and the vector file is one the
user puts in the cache folder (``python -m lab.prepare --glove PATH``). Only the tokenizer's
words are kept from the file, so 10,000 x 100 numbers are held, not 400,000 x 100.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lab.core.cache import cache_dir, cache_root, digest
from lab.core.errors import LabError
from lab.data import imdb, text

FILE = "glove.6B.100d.txt"
URL = "https://nlp.stanford.edu/projects/glove"  # the notes: "download glove.6B.zip"
DIM = 100
LECTURE_TOKENS = 88_582  # "Found 88582 unique tokens."
LECTURE_VECTORS = 400_000  # "Found 400000 word vectors."


def path() -> Path:
    """Where the lab looks for the vector file: ``cache_dir()/glove/glove.6B.100d.txt``."""
    return cache_root() / "glove" / FILE


def found() -> Path | None:
    """The vector file in the cache, or None."""
    p = path()
    return p if p.is_file() else None


def install(source: str | Path) -> Path:
    """Copy a vector file the user has into the cache (``lab.prepare --glove``)."""
    source = Path(source)
    if not source.is_file():
        raise LabError("raw_text.err.no_file", path=str(source))
    target = cache_dir("glove") / FILE
    shutil.copyfile(source, target)
    return target


def stamp(p: Path | None) -> str:
    """What identifies the file a model was trained from (its size and time), "" if none."""
    if p is None:
        return ""
    s = p.stat()
    return f"{s.st_size}:{s.st_mtime_ns}"


# --- Raw texts -----------------------------------------------------------------------------------
def decoded(seqs, word_index: dict[str, int]) -> list[str]:
    """Reviews of ids back to texts: each id's word, the padding, start and unknown marks left
    out (Keras's ids have no punctuation and no capitals, so neither have the texts)."""
    inv = {rank + imdb.INDEX_FROM: w for w, rank in word_index.items()}
    return [" ".join(inv[i] for i in s if i in inv) for s in seqs]


@dataclass(frozen=True)
class RawText:
    """The lecture's tokenized input: padded ids of the training and test texts, and the
    tokenizer's whole word index (``len(index)`` is its "Found N unique tokens")."""
    x_train: np.ndarray
    x_test: np.ndarray
    index: dict[str, int]


def tokenized(train_texts: list[str], test_texts: list[str], num_words: int,
              maxlen: int) -> RawText:
    """``Tokenizer(num_words).fit_on_texts(train_texts)``, both sets ``texts_to_sequences``'d and
    ``pad_sequences``'d to ``maxlen`` (the test texts with the training texts' tokenizer)."""
    index = text.keras_tokens(train_texts).index
    return RawText(text.pad(text.keras_sequences(index, train_texts, num_words), maxlen),
                   text.pad(text.keras_sequences(index, test_texts, num_words), maxlen), index)


# --- Vectors -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Vectors:
    """The vectors of the asked words that the file has, and how many vectors it holds."""
    vectors: dict[str, np.ndarray]
    total: int  # "Found {total} word vectors."
    dim: int


def load(p: str | Path, words) -> Vectors:
    """Parse a GloVe text file (a word, then its numbers, per line), keeping only ``words``."""
    wanted, vectors, total, dim = set(words), {}, 0, DIM
    with open(p, encoding="utf8") as f:
        for line in f:
            word, _, rest = line.rstrip("\n").partition(" ")
            if not rest:
                continue
            total += 1
            if word in wanted:
                vectors[word] = np.asarray(rest.split(), dtype=np.float32)
                dim = len(vectors[word])
    if total == 0:
        raise LabError("raw_text.err.empty", path=Path(p).name)
    return Vectors(vectors, total, dim)


def matrix(index: dict[str, int], vectors: Vectors, num_words: int) -> np.ndarray:
    """The lecture's ``embedding_matrix``: (num_words, dim), row i the vector of the word with id
    i < num_words, zeros for a word the file lacks."""
    out = np.zeros((num_words, vectors.dim), dtype=np.float32)
    for word, i in index.items():
        if i < num_words and word in vectors.vectors:
            out[i] = vectors.vectors[word]
    return out


def fingerprint(raw: RawText, p: Path | None) -> str:
    """The input's digest and the vector file's stamp."""
    return digest(raw.x_train, raw.x_test) + stamp(p)
