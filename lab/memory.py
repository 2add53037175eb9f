"""Small Keras recurrent models for the gate inspector, trained in seconds.

* :func:`first_token_task` / :func:`memory_experiment`: a sequence of L random signs, whose
  label is its *first* sign; every later step is noise of the same kind. A model can only
  score above chance (0.5) by carrying the first step through L - 1 steps of distraction:
  the long-term dependency of lecture 004. SimpleRNN, LSTM and GRU are trained on the same
  data with the same seed and settings, and scored on fresh sequences.
* :func:`train_char_model`: lecture 000's four words (``good``, ``so good`` -> 1; ``bad``,
  ``worse`` -> 0) as one-hot characters into an LSTM or GRU, so the inspector can show the
  gates of a model that has learned something, on any sentence typed in those characters.

TensorFlow is imported inside the functions. Trained weights come back as ``lab.gates.Cell``
objects, so the inspector runs them in NumPy (the tests prove the two agree).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from lab import gates, sequences as sq

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

KINDS = ("SimpleRNN", "LSTM", "GRU")


def first_token_task(n: int, length: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(x (n, L, 1) of random +-1, y (n, 1) = 1 where the first step is +1)."""
    if length < 1 or n < 1:
        raise ValueError("need at least one sequence of length >= 1")
    rng = np.random.default_rng(seed)
    x = rng.choice([-1.0, 1.0], size=(n, length, 1))
    return x, (x[:, 0, :] > 0).astype(float)


def keras_recurrent_layer(kind: str):
    """The Keras layer class for "SimpleRNN", "LSTM" or "GRU"."""
    import keras

    if kind not in KINDS:
        raise ValueError(f"unknown layer {kind!r}: choose one of {KINDS}")
    return getattr(keras.layers, kind)


def _keras_model(kind: str, units: int, input_dim: int, lr: float,
                 lstm_forget_bias: float = 1.0):
    import keras

    layer = keras_recurrent_layer(kind)
    model = keras.Sequential([keras.Input((None, input_dim)), layer(units),
                              keras.layers.Dense(1, activation="sigmoid")])
    if kind == "LSTM" and lstm_forget_bias != 1.0:  # Keras starts the forget bias at 1
        kernel, recurrent, bias = model.layers[0].get_weights()
        bias[units:2 * units] = lstm_forget_bias
        model.layers[0].set_weights([kernel, recurrent, bias])
    model.compile(optimizer=keras.optimizers.Adam(lr), loss="binary_crossentropy",
                  metrics=["accuracy"])
    return model


@dataclass(frozen=True)
class MemorySettings:
    units: int = 8
    n_train: int = 512
    n_test: int = 512
    epochs: int = 10
    lr: float = 0.01
    batch_size: int = 32
    seed: int = 0
    lstm_forget_bias: float = 1.0  # Keras's unit_forget_bias; larger keeps memory longer


def memory_accuracy(kind: str, length: int, s: MemorySettings = MemorySettings()) -> float:
    """Test accuracy of one model trained on the first-token task of this length."""
    import keras

    keras.utils.set_random_seed(s.seed)
    x, y = first_token_task(s.n_train, length, s.seed)
    xt, yt = first_token_task(s.n_test, length, s.seed + 1)
    model = _keras_model(kind, s.units, 1, s.lr, s.lstm_forget_bias)
    model.fit(x, y, epochs=s.epochs, batch_size=s.batch_size, verbose=0)
    return float(model.evaluate(xt, yt, verbose=0, batch_size=256)[1])


def memory_experiment(lengths, s: MemorySettings = MemorySettings(), kinds=KINDS,
                      progress=None) -> dict[str, list[float]]:
    """Accuracy for every kind at every length; ``progress(done, total, label)`` if given."""
    lengths = [int(v) for v in lengths]
    out = {k: [] for k in kinds}
    total, done = len(lengths) * len(kinds), 0
    for length in lengths:
        for kind in kinds:
            if progress:
                progress(done, total, f"{kind}, L = {length}")
            out[kind].append(memory_accuracy(kind, length, s))
            done += 1
    if progress:
        progress(total, total, "done")
    return out


def train_char_model(kind: str = "LSTM", units: int = 8, seed: int = 0, repeats: int = 64,
                     epochs: int = 4) -> tuple[gates.Cell, np.ndarray, np.ndarray, list[str]]:
    """(trained cell, Dense weights w (units, 1), Dense bias (1,), vocabulary)."""
    import keras

    keras.utils.set_random_seed(seed)
    x, y, _, vocab = sq.word_dataset()
    model = _keras_model(kind, units, len(vocab), 0.02)
    model.fit(np.repeat(x, repeats, 0), np.repeat(y, repeats, 0), epochs=epochs, batch_size=16,
              verbose=0, shuffle=True)
    kernel, recurrent, bias = model.layers[0].get_weights()
    w, b = model.layers[1].get_weights()
    return (gates.Cell(kind, kernel.astype(float), recurrent.astype(float), bias.astype(float)),
            w.astype(float), b.astype(float), vocab)
