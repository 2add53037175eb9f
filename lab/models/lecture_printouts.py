"""What lectures 001 and 003 print of the IMDB data, computed the same way on the page's reviews.

Lecture 001 loads ``imdb.load_data(skip_top=20, num_words=100)``, prints the first review, the
same review with the ids left at 2 removed, ``word_to_index['movie']``, the review decoded
(``index_to_word[w - 3]``), the first two lengths, the first ten labels, the padded and one-hot
shapes and bytes. Lecture 003 loads ``num_words=500`` and prints the first review's length, the
first twenty labels, and the mean and median length of its 80% training split
(``train_test_split(test_size=0.2, random_state=42)``). On Keras's reviews (or the reference
subset, which holds their first 5,000) the first reviews are the lecture's, so those printouts
come out equal; the counts and means need all 25,000 reviews.
"""

from __future__ import annotations

import numpy as np

from lab.data import imdb

VALIDATION = 0.2  # both lectures keep 80% of the 25,000 training reviews to train

# Lecture 001's printouts (its printed first review has 214 ids where its own len() says 218:
# five runs of 2s have other lengths, lab/lectures/errata.toml e001_x0_list).
L001 = dict(
    x0=[2, 2, 22, 2, 43, 2, 2, 2, 2, 65, 2, 2, 66, 2, 2, 2, 36, 2, 2, 25, 2, 43, 2, 2, 50, 2, 2,
        2, 35, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 39, 2, 2, 2, 2, 2, 38, 2, 2, 2, 2, 50, 2, 2, 2, 2,
        2, 22, 2, 2, 2, 2, 2, 22, 71, 87, 2, 2, 43, 2, 38, 76, 2, 2, 2, 2, 22, 2, 2, 2, 2, 2, 2, 2,
        62, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 66, 2, 33, 2, 2, 2, 2, 38, 2, 2, 25, 2, 51, 36, 2,
        48, 25, 2, 33, 2, 22, 2, 2, 28, 77, 52, 2, 2, 2, 2, 82, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
        2, 36, 71, 43, 2, 2, 26, 2, 2, 46, 2, 2, 2, 2, 2, 2, 88, 2, 2, 2, 2, 98, 32, 2, 56, 26, 2,
        2, 2, 2, 2, 2, 2, 2, 22, 21, 2, 2, 26, 2, 2, 2, 30, 2, 2, 51, 36, 28, 2, 92, 25, 2, 2, 2,
        65, 2, 38, 2, 88, 2, 2, 2, 2, 2, 2, 2, 2, 32, 2, 2, 2, 2, 2, 32],
    filtered=[22, 43, 65, 66, 36, 25, 43, 50, 35, 39, 38, 50, 22, 22, 71, 87, 43, 38, 76, 22, 62,
              66, 33, 38, 25, 51, 36, 48, 25, 33, 22, 28, 77, 52, 82, 36, 71, 43, 26, 46, 88, 98,
              32, 56, 26, 22, 21, 26, 30, 51, 36, 28, 92, 25, 65, 38, 88, 32, 32],
    movie=17,
    decoded=("film just story really they you just there an from so there film film were great "
             "just so much film would really at so you what they if you at film have been good "
             "also they were just are out because them all up are film but are be what they "
             "have don't you story so because all all"),
    lengths=[218, 189], labels=[1, 0, 0, 1, 0, 0, 1, 0, 1, 0], train_shape=((25000,), (25000,)),
    seq_shapes=((20000, 100), (5000, 100)), one_hot_shape=(20000, 100, 100),
    one_hot_bytes=800_000_000)
L003 = dict(length0=218, labels=[1, 0, 0, 1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 0, 0, 0, 1, 1, 0, 1],
            mean=239.00925, median=178.0, seq_shape=(20000, 100))
HEAD = 20  # ids of a long list shown in the table


def head(ids) -> str:
    """The first ``HEAD`` ids and the count: "[2, 2, 22, …] (218 ids)"."""
    ids = [int(i) for i in ids]
    more = ", …" if len(ids) > HEAD else ""
    return f"[{', '.join(map(str, ids[:HEAD]))}{more}] ({len(ids)})"


def decode(ids, word_index: dict[str, int] | None) -> str | None:
    """Lecture 001's ``index_to_word[w - 3]`` for each id (None without a word index)."""
    if word_index is None:
        return None
    words = {rank: w for w, rank in word_index.items()}
    return " ".join(words.get(i - imdb.INDEX_FROM, "?") for i in ids)


def lecture_003_split_lengths(data: imdb.Dataset) -> np.ndarray:
    """Review lengths of lecture 003's training part: ``train_test_split(test_size=0.2,
    random_state=42)`` of the training reviews."""
    from sklearn.model_selection import train_test_split

    lengths = np.array([len(x) for x in data.x_train])
    return train_test_split(lengths, test_size=VALIDATION, random_state=42)[0]


def rows(data: imdb.Dataset) -> list[tuple]:
    """(what, the lecture's printout, this data's, the true value where the lecture errs) for
    ``lab.lessons.errata.printed_table``."""
    capped = imdb.cap_vocabulary(data.x_train[:2], 100, 20)
    kept = imdb.drop_oov(capped)
    n = len(data.x_train)
    n_train = n - int(n * VALIDATION)
    lengths = lecture_003_split_lengths(data)
    movie = None if data.word_index is None else data.word_index.get("movie")
    decoded = decode(kept[0], data.word_index) if kept else None
    return [
        ("imdb_train_shape", L001["train_shape"], ((n,), (len(data.y_train),)), None),
        ("imdb_x0", head(L001["x0"]), head(capped[0]), None),
        ("imdb_filtered", head(L001["filtered"]), head(kept[0]), None),
        ("imdb_movie", L001["movie"], movie, None),
        ("imdb_decoded", L001["decoded"], decoded, None),
        ("imdb_lengths", L001["lengths"], [len(x) for x in kept], [len(x) for x in kept]),
        ("imdb_lengths_before", L001["lengths"], [len(x) for x in data.x_train[:2]], None),
        ("imdb_labels", L001["labels"], np.asarray(data.y_train[:10]), None),
        ("imdb_seq_shapes", L001["seq_shapes"], ((n_train, 100), (n - n_train, 100)), None),
        ("imdb_one_hot", (L001["one_hot_shape"], L001["one_hot_bytes"]),
         ((n_train, 100, 100), imdb.one_hot_bytes(n_train, 100, 100)), None),
        ("imdb_003_length0", L003["length0"], len(data.x_train[0]), None),
        ("imdb_003_labels", L003["labels"], np.asarray(data.y_train[:20]), None),
        ("imdb_003_mean_median", f"{L003['mean']:.5f} {L003['median']:.1f}",
         f"{lengths.mean():.5f} {np.median(lengths):.1f}", None),
        ("imdb_003_seq_shape", L003["seq_shape"], (len(lengths), 100), None)]
