"""Small sequence data sets of the lectures, made here: characters of words, and a sine wave.

* Lecture 000's many-to-one example: the words ``good``, ``bad``, ``worse``, ``so good``
  (labels 1, 0, 0, 1), a character vocabulary ``['<pad>'] + sorted(set(''.join(words)))``,
  ``good -> [6, 7, 7, 4]``, padded at the front as Keras's ``pad_sequences`` does by default,
  and one-hot vectors in which ``<pad>`` (index 0) is the zero vector.
* Lecture 002's series ``y = sin(2x) + cos(x/2)`` for x = 0, 0.1, ..., 99.9, cut into windows
  by its ``seq2dataset`` (window ``time_steps``, target the next value) and split 80/20 in time.
"""

from __future__ import annotations

import numpy as np

from lab.core.errors import InvalidInput

LECTURE_WORDS = ["good", "bad", "worse", "so good"]
LECTURE_LABELS = [1, 0, 0, 1]
PAD = "<pad>"


def char_vocabulary(words=LECTURE_WORDS) -> list[str]:
    """``['<pad>', ' ', 'a', 'b', 'd', 'e', 'g', 'o', 'r', 's', 'w']`` for the lecture's words."""
    return [PAD] + sorted(set("".join(words)))


def encode(word: str, vocab: list[str]) -> list[int]:
    """Character indices; raises ValueError naming the characters outside the vocabulary."""
    index = {c: i for i, c in enumerate(vocab)}
    unknown = sorted({c for c in word if c not in index or c == PAD})
    if unknown:
        raise InvalidInput("seq.err.unknown_chars", chars=", ".join(repr(c) for c in unknown))
    return [index[c] for c in word]


def pad(sequences, maxlen: int | None = None, dtype=int) -> np.ndarray:
    """Pad with 0 at the front and keep the last ``maxlen`` (Keras ``pad_sequences`` defaults)."""
    maxlen = maxlen or max(len(s) for s in sequences)
    out = np.zeros((len(sequences), maxlen), dtype=dtype)
    for i, s in enumerate(sequences):
        s = list(s)[-maxlen:]
        if s:
            out[i, -len(s):] = s
    return out


def one_hot(indices: np.ndarray, n: int) -> np.ndarray:
    """(m, T) indices -> (m, T, n) one-hot; index 0 (<pad>) is the zero vector."""
    out = np.eye(n)[np.asarray(indices)]
    out[..., 0] = 0.0
    return out


def word_dataset(words=LECTURE_WORDS, labels=LECTURE_LABELS):
    """(x one-hot (m, T, n_vocab), y (m, 1), padded indices (m, T), vocab)."""
    vocab = char_vocabulary(words)
    idx = pad([encode(w, vocab) for w in words])
    return one_hot(idx, len(vocab)), np.array(labels, float).reshape(-1, 1), idx, vocab


def sine_series(n: int = 1000, step: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """Lecture 002: ``x = np.arange(0, 100, 0.1)``, ``y = sin(2x) + cos(x/2)``."""
    x = np.arange(n) * step
    return x, np.sin(2 * x) + np.cos(x / 2)


def windows(values: np.ndarray, window_size: int) -> np.ndarray:
    """(n, f) rows -> (n - window_size, window_size, f) windows, vectorised (a strided view,
    copied): window i holds rows i .. i + window_size - 1 and forecasts row i + window_size."""
    view = np.lib.stride_tricks.sliding_window_view(values, window_size, axis=0)
    return np.ascontiguousarray(view[:-1].transpose(0, 2, 1))


def seq2dataset(seq: np.ndarray, time_steps: int, input_dim: int = 1):
    """Lecture 002's windows, vectorised: X[i] = seq[i : i+time_steps], Y[i] = seq[i+time_steps+input_dim-1]."""
    seq = np.asarray(seq, dtype=float).reshape(-1, 1)
    n = len(seq) - (time_steps + input_dim) + 1
    if time_steps < 1 or n < 1:
        raise InvalidInput("seq.err.short_series", steps=time_steps, values=len(seq))
    return windows(seq, time_steps)[:n], seq[time_steps + input_dim - 1:][:n].copy()


def split(x: np.ndarray, y: np.ndarray, ratio: float = 0.8):
    """Chronological split: the first ``ratio`` for training, the rest for testing."""
    cut = int(ratio * len(x))
    return x[:cut], y[:cut], x[cut:], y[cut:]


MAX_STEPS = 500  # longer inputs are cut to their last MAX_STEPS steps


def parse_numbers(text: str) -> np.ndarray:
    """'3, 0, -1.5' -> array([3., 0., -1.5]); ValueError saying what to fix."""
    parts = [p for p in text.replace(";", ",").replace(" ", ",").split(",") if p.strip()]
    if not parts:
        raise InvalidInput("seq.err.no_numbers")
    try:
        values = np.array([float(p) for p in parts])
    except ValueError:
        bad = next(p for p in parts if not is_number(p))
        raise InvalidInput("seq.err.not_a_number", bad=repr(bad)) from None
    if not np.isfinite(values).all():
        raise InvalidInput("seq.err.not_finite")
    return np.clip(values, -1e3, 1e3)


def is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False
