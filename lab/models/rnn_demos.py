"""The unrolled-RNN page's two live training demos, as plain objects the page steps.

* :class:`WordsDemo`: lecture 000's many-to-one character RNN (``good``, ``so good`` -> 1;
  ``bad``, ``worse`` -> 0), then any word the user types.
* :class:`SineDemo`: lecture 002's one-step-ahead forecast of ``sin(2x) + cos(x/2)`` from the
  last ``time_steps`` values, trained on the first 80% and scored on the last 20%.

Both train the NumPy RNN of ``lab.networks.rnn`` with Adam, seeded, so Reset gives the same start.
Play computes a demo's next frames at once (:meth:`Playable.trajectory`): copies of the demo
after each frame's epochs, which the browser plays and Pause returns to (``lab.lessons.rnn_play``).
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from lab.networks import rnn
from lab.data import sequences as sq
from lab.core.errors import InvalidInput


WORDS_CONVERGED = 1e-3  # the words demo stops playing below this loss


class Playable:
    """What Play needs of a demo: a copy of its own, when it is done, its future."""

    TRAINING_STATE: tuple[str, ...] = ()  # the fields training changes; the rest is data

    def snapshot(self):
        """A copy that owns its training state and shares the data, which training never
        changes (a played chunk keeps a snapshot per frame: 25 sine demos would otherwise
        hold 25 copies of the windows)."""
        out = copy.copy(self)
        for name in self.TRAINING_STATE:
            setattr(out, name, copy.deepcopy(getattr(self, name)))
        return out

    def finished(self) -> bool:
        return self.diverged

    def trajectory(self, epochs_per_frame: int, frames: int,
                   budget_s: float | None = None) -> list:
        """Copies of this demo after each of up to ``frames`` frames of ``epochs_per_frame``
        epochs: fewer once it is finished, or once ``budget_s`` seconds have gone (at least
        one frame, however long an epoch of the largest sine settings takes). This demo is left
        as it is."""
        state, out = self.snapshot(), []
        deadline = None if budget_s is None else time.perf_counter() + budget_s
        while len(out) < frames and not state.finished():
            state.advance(epochs_per_frame)
            out.append(state.snapshot())
            if deadline is not None and time.perf_counter() > deadline:
                break
        return out


@dataclass
class _Demo(Playable):
    """A demo's network and its Adam: made from the settings in ``__post_init__``, never
    passed in."""

    net: rnn.RNN = field(init=False)
    opt: rnn.Adam = field(init=False)


@dataclass
class WordsDemo(_Demo):
    TRAINING_STATE = ("net", "opt", "losses")
    n_c: int = 8
    lr: float = 0.05
    seed: int = 0
    losses: list[float] = field(default_factory=list)
    diverged: bool = False

    def __post_init__(self):
        self.x, self.y, self.idx, self.vocab = sq.word_dataset()
        self.net = rnn.init_rnn(len(self.vocab), self.n_c, seed=self.seed)
        self.opt = rnn.Adam(lr=self.lr)

    def advance(self, epochs: int) -> None:
        """Full-batch epochs over the four words (stops at the first diverging step)."""
        for _ in range(epochs):
            if self.diverged:
                return
            value = rnn.train_epoch(self.net, self.x, self.y, self.opt, batch_size=len(self.x))
            self.diverged = not np.isfinite(value)
            if not self.diverged:
                self.losses.append(value)

    def finished(self) -> bool:
        return self.diverged or bool(self.losses and self.losses[-1] < WORDS_CONVERGED)

    def table(self) -> pd.DataFrame:
        p = rnn.forward(self.net, self.x).a2[:, 0]
        return pd.DataFrame({"word": sq.LECTURE_WORDS,
                             "padded indices": [str(r) for r in self.idx.tolist()],
                             "label": self.y[:, 0].astype(int), "P(positive)": p,
                             "right?": (p > 0.5) == (self.y[:, 0] > 0.5)})

    def encode(self, word: str) -> tuple[np.ndarray, np.ndarray]:
        """(padded indices (1, T), one-hot (1, T, n_vocab)); ValueError for empty/unknown input."""
        if not word:
            raise InvalidInput("rnn.err.empty_word")
        idx = sq.pad([sq.encode(word, self.vocab)], max(len(word), self.idx.shape[1]))
        return idx, sq.one_hot(idx, len(self.vocab))

    def probability(self, word: str) -> float:
        return float(rnn.forward(self.net, self.encode(word)[1]).a2[0, 0])


@dataclass
class SineDemo(_Demo):
    TRAINING_STATE = ("net", "opt", "rng", "train_losses", "test_losses")
    time_steps: int = 20
    n_c: int = 16
    lr: float = 0.01
    seed: int = 0
    batch_size: int = 32
    train_losses: list[float] = field(default_factory=list)
    test_losses: list[float] = field(default_factory=list)
    diverged: bool = False

    def __post_init__(self):
        self.time, self.series = sq.sine_series()
        X, Y = sq.seq2dataset(self.series, self.time_steps)
        self.x_train, self.y_train, self.x_test, self.y_test = sq.split(X, Y, 0.8)
        self.net = rnn.init_rnn(1, self.n_c, seed=self.seed, output="linear")
        self.opt = rnn.Adam(lr=self.lr)
        self.rng = np.random.default_rng(self.seed)

    @property
    def shapes(self) -> dict[str, tuple]:
        return {"X": (len(self.x_train) + len(self.x_test), self.time_steps, 1),
                "x_train": self.x_train.shape, "x_test": self.x_test.shape}

    def advance(self, epochs: int) -> None:
        for _ in range(epochs):
            if self.diverged:
                return
            value = rnn.train_epoch(self.net, self.x_train, self.y_train, self.opt,
                                    self.batch_size, rng=self.rng)
            self.diverged = not np.isfinite(value)
            if not self.diverged:
                self.train_losses.append(value)
                self.test_losses.append(self.test_loss())

    def test_loss(self) -> float:
        return rnn.loss(self.net, rnn.forward(self.net, self.x_test), self.y_test)

    def forecast(self):
        """(time, series, test predictions, index where the test windows' targets start)."""
        pred = rnn.forward(self.net, self.x_test).a2[:, 0]
        start = len(self.series) - len(self.x_test)
        return self.time, self.series, pred, start

    def forecast_table(self) -> pd.DataFrame:
        """The test part: x, the true y and the forecast."""
        time, truth, pred, start = self.forecast()
        return pd.DataFrame({"x": time[start:], "y": truth[start:], "forecast": pred})
