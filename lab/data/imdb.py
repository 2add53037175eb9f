"""IMDB sentiment data for the classifier page: loaders, Keras's id conventions, a tokenizer.

Ids follow ``keras.datasets.imdb``: 0 = padding, 1 = start of review, 2 = out of vocabulary,
and a word of frequency rank r (``word_index[word] == r``, 1 = most frequent) has id r + 3
(``index_from=3``). ``num_words`` keeps ids below it; ``skip_top`` turns ids below it into 2
(the start marker too, exactly as Keras does: lecture 001's printout starts with 2, not 1).

Sources, each failing with :class:`DataUnavailable` and a message that says what to do:
* :func:`load_keras`: ``keras.datasets.imdb.load_data`` (Keras's cache in ~/.keras/datasets,
  else a download);
* :func:`load_npz`: a Keras-format ``imdb.npz`` (or the same arrays as arr_0..arr_3) from a
  local path, with ``imdb_word_index.json`` beside it if present;
* :func:`load_csv`: a CSV with ``review`` and ``sentiment`` columns (the 50K-review format);
* :func:`load_aclimdb`: a folder in the ``aclImdb`` layout (train/pos, train/neg, test/...);
* :func:`generated_corpus`: short reviews this module writes from word lists, so the page
  works on a machine with no data at all. They are not real reviews, and the page says so.

:func:`loaded` reads them once per process, padded, for every session, question and notebook.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import re
import threading
import zipfile
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from lab.data import sequences
from lab.core.byte_cache import ByteLRU
from lab.core.cache import digest
from lab.core.errors import DataUnavailable, Message
from lab.core import i18n

# Where Keras keeps its IMDB download ($KERAS_HOME, else ~/.keras): the pages use the real
# reviews by default once it is there (after ``python -m lab.prepare``).
KERAS_FILE = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras")) / "datasets" / "imdb.npz"
PAD, START, OOV, INDEX_FROM = 0, 1, 2, 3

# The lectures' settings (num_words, skip_top, maxlen); their names are imdb.preset.<id>.
PRESETS = {
    "lecture_003": (500, 0, 100),
    "lecture_001": (1000, 20, 100),
    "lecture_000": (10_000, 0, 80),
    "lecture_004": (88_579, 0, 20),  # every word: its Embedding is 88,579 wide (max id + 1)
}
DROP_OOV_PRESETS = frozenset({"lecture_001"})  # [w for w in x if w > 2] after loading
MAX_CSV_BYTES = 50_000_000
MAX_CSV_REVIEWS = 50_000  # the 50K-review CSV's size: rows beyond are not read
TOKEN = re.compile(r"[a-z0-9']+")


@dataclass
class Dataset:
    x_train: list[list[int]]  # ids, Keras convention, not yet padded
    y_train: np.ndarray
    x_test: list[list[int]]
    y_test: np.ndarray
    word_index: dict[str, int] | None  # word -> frequency rank (id = rank + 3)
    source: str  # a name (part of the trained models' key): "keras", "generated", a file name

    def summary(self, lang: str | None = None) -> str:
        return self.summary_message(lang).text(lang)

    def summary_message(self, lang: str | None = None) -> Message:
        """Where the reviews come from (``source`` may be a folder's path) and how many."""
        name = (i18n.t(f"imdb.source_name.{self.source}", lang)
                if self.source in SOURCE_NAMES else self.source)
        return Message("imdb.summary", {"source": name, "train": len(self.x_train),
                                        "test": len(self.x_test),
                                        "train_pos": int(self.y_train.sum()),
                                        "test_pos": int(self.y_test.sum())})


SOURCE_NAMES = ("keras", "generated", "uploaded_csv")  # named in the locale files


def cap_vocabulary(seqs, num_words: int, skip_top: int = 0) -> list[list[int]]:
    """Keras's rule: keep ids with skip_top <= id < num_words, the rest become OOV (2)."""
    return [[w if skip_top <= w < num_words else OOV for w in s] for s in seqs]


def kept_ranks(num_words: int, skip_top: int = 0) -> tuple[int, int]:
    """(first, last) frequency rank that :func:`cap_vocabulary` keeps. Keras compares ids
    (rank + 3), not ranks: num_words=100 keeps ranks up to 96, and skip_top=20 turns only the
    16 most frequent words (and the start marker) into 2."""
    return max(skip_top - INDEX_FROM, 1), num_words - INDEX_FROM - 1


def drop_oov(seqs) -> list[list[int]]:
    """Lecture 001's filter after loading, ``[w for w in x if w > 2]``: the ids left at 2 go."""
    return [[w for w in s if w > OOV] for s in seqs]


def pad(seqs, maxlen: int) -> np.ndarray:
    """``keras.utils.pad_sequences`` defaults (front padding and truncation), as int32 ids."""
    return sequences.pad(seqs, maxlen, dtype=np.int32)


def padded(data: Dataset, maxlen: int) -> tuple[np.ndarray, np.ndarray, str]:
    """(padded training ids, padded test ids, a fingerprint of the padded data and labels):
    models are cached under the data's content, not its name."""
    x_train, x_test = pad(data.x_train, maxlen), pad(data.x_test, maxlen)
    return x_train, x_test, digest(x_train, x_test, data.y_train, data.y_test)


def tokenize(text: str) -> list[str]:
    """Lower-case words; the ``<br />`` tags of IMDB reviews count as spaces."""
    return TOKEN.findall(str(text).lower().replace("<br />", " "))


def encode(text: str, word_index: dict[str, int], num_words: int, skip_top: int = 0):
    """(words, ids with the start marker first, known flags) for one review."""
    words = tokenize(text)
    raw = [START] + [word_index[w] + INDEX_FROM if w in word_index else OOV for w in words]
    ids = cap_vocabulary([raw], num_words, skip_top)[0]
    return words, ids, [i != OOV for i in ids[1:]]


def one_hot_bytes(n_reviews: int, maxlen: int, num_words: int, itemsize: int = 4) -> int:
    """Memory of a float32 one-hot input (lecture 001: 20000 x 100 x 100 x 4 = 800,000,000)."""
    return n_reviews * maxlen * num_words * itemsize


def inverse_index(word_index: dict[str, int]) -> dict[int, str]:
    inv = {rank + INDEX_FROM: w for w, rank in word_index.items()}
    inv.update({PAD: "<pad>", START: "<start>", OOV: "<oov>"})
    return inv


# --- Sources -----------------------------------------------------------------------------------
def load_keras(num_words: int, skip_top: int = 0) -> Dataset:
    """``keras.datasets.imdb.load_data``: from Keras's cache, else downloaded (17 MB)."""
    import keras

    try:
        (xtr, ytr), (xte, yte) = keras.datasets.imdb.load_data(num_words=num_words,
                                                               skip_top=skip_top)
    except Exception as err:  # Keras raises a bare Exception for a failed download
        raise DataUnavailable("imdb.err.no_keras_data", error=type(err).__name__) from err
    try:
        word_index = keras.datasets.imdb.get_word_index()
    except Exception:
        word_index = None
    return Dataset(list(map(list, xtr)), np.asarray(ytr), list(map(list, xte)),
                   np.asarray(yte), word_index, "keras")


def load_npz(path: str | Path, num_words: int, skip_top: int = 0) -> Dataset:
    """A Keras ``imdb.npz`` (x_train, y_train, x_test, y_test; or arr_0..arr_3) on this machine.

    Object arrays need ``allow_pickle``: load only files you trust (Keras's own, or the lab's
    reference copies); the page never loads an uploaded npz.
    """
    path = Path(path)
    if not zipfile.is_zipfile(path):  # np.load would otherwise try to unpickle the bytes
        raise DataUnavailable("imdb.err.not_npz", name=path.name[:80], error="not a zip")
    try:
        with np.load(path, allow_pickle=True) as d:
            keys = (["x_train", "y_train", "x_test", "y_test"] if "x_train" in d.files
                    else ["arr_0", "arr_1", "arr_2", "arr_3"])
            xtr, ytr, xte, yte = (d[k] for k in keys)
    except (OSError, ValueError, KeyError, pickle.UnpicklingError) as err:
        raise DataUnavailable("imdb.err.not_npz", name=path.name[:80],
                              error=type(err).__name__) from err
    index_file = path.with_name("imdb_word_index.json")
    word_index = json.loads(index_file.read_text()) if index_file.exists() else None
    return Dataset(cap_vocabulary(xtr, num_words, skip_top), np.asarray(ytr, dtype=int),
                   cap_vocabulary(xte, num_words, skip_top), np.asarray(yte, dtype=int),
                   word_index, f"{path.name}")


def _label(values: pd.Series) -> np.ndarray:
    text = values.astype(str).str.strip().str.lower()
    mapping = {"positive": 1, "pos": 1, "1": 1, "negative": 0, "neg": 0, "0": 0}
    bad = sorted(set(text[~text.isin(mapping)]))[:3]
    if bad:
        raise DataUnavailable("imdb.err.bad_labels", found=", ".join(repr(b[:30]) for b in bad))
    return text.map(mapping).to_numpy(int)


def dataset_from_texts(texts, labels, source: str, word_index: dict[str, int] | None = None,
                       num_words: int = 10_000, skip_top: int = 0, test_fraction: float = 0.2,
                       seed: int = 0) -> Dataset:
    """Split texts (stratified, seeded), rank words by training frequency unless a Keras word
    index is given, and encode both parts with Keras's conventions."""
    from sklearn.model_selection import train_test_split

    texts = [str(t) for t in texts]
    labels = np.asarray(labels, dtype=int)
    if len(texts) < 10 or len(set(labels)) < 2:
        raise DataUnavailable("imdb.err.too_few")
    tr_text, te_text, ytr, yte = train_test_split(texts, labels, test_size=test_fraction,
                                                  stratify=labels, random_state=seed)
    if word_index is None:
        counts = Counter(w for t in tr_text for w in tokenize(t))
        word_index = {w: r for r, (w, _) in enumerate(counts.most_common(), start=1)}
    enc = [encode(t, word_index, num_words, skip_top)[1] for t in tr_text + te_text]
    return Dataset(enc[:len(tr_text)], ytr, enc[len(tr_text):], yte, word_index, source)


def load_csv(data: bytes | str | Path, num_words: int, skip_top: int = 0,
             word_index: dict[str, int] | None = None) -> Dataset:
    """A CSV with ``review`` and ``sentiment`` columns (its first ``MAX_CSV_REVIEWS`` rows);
    80/20 stratified split."""
    if isinstance(data, (bytes, bytearray)):
        if len(data) > MAX_CSV_BYTES:
            raise DataUnavailable("imdb.err.too_big", mb=MAX_CSV_BYTES // 1_000_000)
        source, buf = "uploaded_csv", io.BytesIO(data)
    else:
        source, buf = Path(data).name, data
    try:
        df = pd.read_csv(buf, nrows=MAX_CSV_REVIEWS)
    except (UnicodeDecodeError, ValueError, pd.errors.ParserError,
            pd.errors.EmptyDataError) as err:
        raise DataUnavailable("imdb.err.not_csv", error=type(err).__name__) from err
    cols = {c.strip().lower(): c for c in df.columns}
    missing = [c for c in ("review", "sentiment") if c not in cols]
    if missing:
        raise DataUnavailable("imdb.err.columns", missing=", ".join(missing),
                              found=", ".join(str(c)[:30] for c in df.columns[:10]))
    df = df[[cols["review"], cols["sentiment"]]].dropna()
    labels = _label(df[cols["sentiment"]])
    return dataset_from_texts(df[cols["review"]].tolist(), labels, source, word_index,
                              num_words, skip_top)


MAX_FOLDER_FILES = 60_000


MAX_REVIEW_BYTES = 200_000  # a review file is read up to here (IMDB's longest is 14 KB)
MAX_PATH_CHARS = 1_000


def _folder(folder: str | Path) -> Path:
    """The folder a visitor typed, or DataUnavailable saying what is wrong with it: empty,
    too long, a null byte, an unknown ``~user``, a path the system refuses."""
    text = str(folder).strip()
    if not text or len(text) > MAX_PATH_CHARS or "\x00" in text:
        raise DataUnavailable("imdb.err.bad_path", folder=text[:80], most=MAX_PATH_CHARS)
    try:
        root = Path(text).expanduser()
        root.is_dir()  # raises for paths the system refuses (too long, no permission)
    except (OSError, RuntimeError, ValueError) as err:
        raise DataUnavailable("imdb.err.os_refused", folder=text[:200],
                              error=type(err).__name__) from err
    return root


def _read_review(f: Path) -> str | None:
    """One review file's text (its first MAX_REVIEW_BYTES, undecodable bytes replaced), or
    None when it cannot be read (a folder named .txt, no permission, a loop of links)."""
    try:
        with f.open("rb") as fh:
            return fh.read(MAX_REVIEW_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return None


def load_aclimdb(folder: str | Path, num_words: int, skip_top: int = 0) -> Dataset:
    """A folder in the ``aclImdb`` layout (Stanford's download): train/pos, train/neg,
    test/pos, test/neg, one review per ``.txt`` file. Its own train/test split is kept; the
    vocabulary comes from ``imdb.vocab``-style frequency ranks of the training part. At most
    ``MAX_FOLDER_FILES`` files per folder are read, each up to ``MAX_REVIEW_BYTES``; files
    that cannot be read are skipped."""
    root = _folder(folder)
    parts = {}
    for split in ("train", "test"):
        texts, labels = [], []
        for label, sub in ((1, "pos"), (0, "neg")):
            d = root / split / sub
            try:
                if not d.is_dir():
                    raise DataUnavailable("imdb.err.not_aclimdb", folder=str(root)[:200],
                                          missing=f"{split}/{sub}")
                files = sorted(d.glob("*.txt"))[:MAX_FOLDER_FILES]
            except OSError as err:
                raise DataUnavailable("imdb.err.os_refused", folder=str(d)[:200],
                                      error=type(err).__name__) from err
            read = [r for r in map(_read_review, files) if r is not None]
            texts += read
            labels += [label] * len(read)
        if not texts:
            raise DataUnavailable("imdb.err.no_reviews", folder=f"{str(root)[:200]}/{split}")
        parts[split] = (texts, np.array(labels))
    (tr_text, ytr), (te_text, yte) = parts["train"], parts["test"]
    counts = Counter(w for t in tr_text for w in tokenize(t))
    word_index = {w: r for r, (w, _) in enumerate(counts.most_common(), start=1)}
    enc = lambda texts: [encode(t, word_index, num_words, skip_top)[1] for t in texts]  # noqa: E731
    return Dataset(enc(tr_text), ytr, enc(te_text), yte, word_index, f"aclImdb: {root.name}")


# --- A corpus written here, for machines with no data ------------------------------------------
_POSITIVE = ("wonderful brilliant moving superb delightful gripping charming beautiful "
             "funny masterful touching great excellent memorable").split()
_NEGATIVE = ("boring awful dull terrible clumsy tedious predictable weak lifeless painful "
             "bad poor forgettable annoying").split()
_NOUNS = "film movie story acting plot script cast ending direction soundtrack".split()
_FILLER = ("i watched this last week with friends and the theatre was full . honestly the "
           "director tried something new here and the actors had a long shoot in winter .").split()


def generated_corpus(n: int = 2000, seed: int = 0) -> tuple[list[str], np.ndarray]:
    """Short reviews written from word lists: the sentiment words decide the label, but some
    are negated ("not great") and each review mixes in words of the other side, so a model
    must weigh and order the words, not spot one. Not real reviews."""
    rng = np.random.default_rng(seed)
    texts, labels = [], rng.integers(0, 2, n)
    for label in labels:
        words = list(rng.choice(_FILLER, rng.integers(8, 25)))
        own, other = (_POSITIVE, _NEGATIVE) if label else (_NEGATIVE, _POSITIVE)
        for _ in range(rng.integers(2, 5)):
            noun = rng.choice(_NOUNS)
            if rng.random() < 0.25:  # "not <other side>" supports this label
                words += ["the", noun, "was", "not", rng.choice(other)]
            else:
                words += ["the", noun, "was", rng.choice(own)]
        if rng.random() < 0.5:
            words += ["but", "the", rng.choice(_NOUNS), "was", rng.choice(other)]
        texts.append(" ".join(words))
    return texts, labels


def load_generated(num_words: int, skip_top: int = 0, n: int = 2000, seed: int = 0) -> Dataset:
    texts, labels = generated_corpus(n, seed)
    return dataset_from_texts(texts, labels, "generated",
                              None, num_words, skip_top)


def load(source: str, num_words: int, skip_top: int = 0, csv: bytes | None = None,
         folder: str = "", without_oov: bool = False) -> Dataset:
    """The reviews from ``source``: "keras", "csv" (the uploaded bytes ``csv``), "folder" (an
    aclImdb ``folder``), else "generated"; ``without_oov``: the ids left at 2 removed as
    lecture 001 does (``drop_oov``)."""
    if source == "keras":
        data = load_keras(num_words, skip_top)
    elif source == "csv":
        data = load_csv(csv, num_words, skip_top)
    elif source == "folder":
        data = load_aclimdb(folder, num_words, skip_top)
    else:
        data = load_generated(num_words, skip_top)
    if without_oov:
        data = replace(data, x_train=drop_oov(data.x_train), x_test=drop_oov(data.x_test))
    return data


LOADED_SETS = 6  # the data sets :func:`loaded` keeps (counted, not weighed)
_LOADED = ByteLRU(LOADED_SETS, lambda _: 1)
_reading = threading.Lock()


def loaded(source: str, num_words: int, skip_top: int, maxlen: int, csv: bytes | None = None,
           folder: str = "", without_oov: bool = False) -> tuple[Dataset, np.ndarray,
                                                                 np.ndarray, str]:
    """(data set, padded training ids, padded test ids, fingerprint): :func:`load` then
    :func:`padded`, read once per process for the page's sessions, its questions and notebooks
    (shared: never to be changed). An upload is named by its digest (its bytes are not kept);
    one read at a time, so a class opening the page together reads the reviews once, while
    the data sets already read are handed out at once."""
    key = (source, num_words, skip_top, maxlen, None if csv is None else digest(csv), folder,
           without_oov)

    def read():
        data = load(source, num_words, skip_top, csv, folder, without_oov)
        return (data, *padded(data, maxlen))

    def read_alone():
        with _reading:
            return _LOADED.get(key, read)  # another session may have read it meanwhile
    return _LOADED.get(key, read_alone)


def forget_loaded() -> None:
    """Drop what :func:`loaded` keeps (tests start from here)."""
    _LOADED.clear()
