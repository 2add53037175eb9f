"""The unrolled-RNN page's two live training demos, as plain objects the page steps.

* :class:`WordsDemo`: lecture 000's many-to-one character RNN (``good``, ``so good`` -> 1;
  ``bad``, ``worse`` -> 0), then any word the user types.
* :class:`SineDemo`: lecture 002's one-step-ahead forecast of ``sin(2x) + cos(x/2)`` from the
  last ``time_steps`` values, trained on the first 80% and scored on the last 20%; what the
  lecture prints for it (shapes, parameters, five predictions and labels) beside this run's
  (:meth:`SineDemo.printouts`).

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

from lab.maths import mse
from lab.networks import rnn
from lab.data import sequences as sq
from lab.core.errors import InvalidInput


WORDS_CONVERGED = 1e-3  # the words demo stops playing below this loss

# Lecture 002's sine section: SimpleRNN(128) on windows of 20, np.random.seed(1886) picks five
# test windows, and it prints these (its labels are values of sin(2x) + cos(x), not of its code's
# sin(2x) + cos(x/2): lab/lectures/errata.toml, e002_sine_labels).
SINE_LECTURE = dict(time_steps=20, units=128, seed=1886, windows=((980, 20, 1), (980, 1)),
                    split=((784, 20, 1), (784, 1), (196, 20, 1), (196, 1)), params=16_769,
                    pred_shape=(196, 1), idx=[166, 62, 33, 92, 105],
                    pred=[-1.6262805, -0.1958181, -1.2127525, -0.19390522, -1.3780198],
                    label=[-1.62753387, -0.19606911, -1.21355631, -0.19342387, -1.37960403])


class Playable:
    """What Play needs of a demo: a copy of its own, when it is done, its future."""

    TRAINING_STATE: tuple[str, ...] = ()  # the fields training changes; the rest is data

    def snapshot(self):
        """A copy that owns its training state and shares the data, which training never
        changes (a played chunk keeps a snapshot per frame: 25 sine demos would otherwise
        hold 25 copies of the windows)."""
        out = copy.copy(self)
        for name in self.TRAINING_STATE:
            setattr(out, name, _copy(getattr(self, name)))
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


def _copy(value):
    """A copy of one training field: a list of floats (a loss history) as a new list (its
    floats are values, and a deep copy goes through them one by one), the rest deep."""
    if type(value) is list and all(type(v) is float for v in value):
        return list(value)
    return copy.deepcopy(value)


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
    TRAINING_STATE = ("net", "opt", "rng", "train_losses", "test_losses", "test_pred")
    time_steps: int = 20
    n_c: int = 16
    lr: float = 0.01
    seed: int = 0
    batch_size: int = 32
    train_losses: list[float] = field(default_factory=list)
    test_losses: list[float] = field(default_factory=list)
    diverged: bool = False
    # the test windows' forecast after the last epoch, (len(x_test), 1): the
    # epoch's test loss and the frame's forecast chart read one forward pass; None until then
    test_pred: np.ndarray | None = field(default=None, repr=False)

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
            self.test_pred = None  # a diverged epoch leaves the weights of its last good batch
            if not self.diverged:
                self.train_losses.append(value)
                self.test_pred = self._test_output()
                self.test_losses.append(self.test_loss())

    def _test_output(self) -> np.ndarray:
        """The net's forecast for the test windows, (len(x_test), 1)."""
        if self.test_pred is not None:
            return self.test_pred
        return rnn.forward(self.net, self.x_test).a2

    def test_loss(self) -> float:
        return mse(self._test_output(), self.y_test)[0]

    def forecast(self):
        """(time, series, test predictions, index where the test windows' targets start)."""
        pred = self._test_output()[:, 0]
        start = len(self.series) - len(self.x_test)
        return self.time, self.series, pred, start

    def picked(self) -> np.ndarray:
        """The lecture's five test windows: ``np.random.seed(1886)``, then
        ``np.random.randint(0, len(y_test), size=5)``."""
        return np.random.RandomState(SINE_LECTURE["seed"]).randint(0, len(self.y_test), size=5)

    def printouts(self) -> list[tuple]:
        """(what, the lecture's printout, this run's, the true value at the lecture's settings)
        for each number lecture 002 prints in its sine section (``lab.lessons.errata``)."""
        L = SINE_LECTURE
        true = SineDemo(L["time_steps"], n_c=1)  # the lecture's windows (no training needed)
        idx, true_idx = self.picked(), true.picked()
        x_target = self.time[len(self.series) - len(self.x_test):][idx]  # x of each picked label
        return [
            ("sine_windows", L["windows"], (self.shapes["X"], (self.shapes["X"][0], 1)),
             (true.shapes["X"], (true.shapes["X"][0], 1))),
            ("sine_split", L["split"], (self.x_train.shape, self.y_train.shape,
                                        self.x_test.shape, self.y_test.shape),
             (true.x_train.shape, true.y_train.shape, true.x_test.shape, true.y_test.shape)),
            ("sine_params", L["params"], rnn.count_params(1, self.n_c, 1),
             rnn.count_params(1, L["units"], 1)),
            ("sine_pred_shape", L["pred_shape"], (len(self.x_test), 1), (len(true.x_test), 1)),
            ("sine_random_idx", L["idx"], idx, true_idx),
            ("sine_pred", L["pred"], rnn.forward(self.net, self.x_test[idx]).a2[:, 0], None),
            ("sine_label", L["label"], self.y_test[idx, 0], true.y_test[true_idx, 0]),
            ("sine_label_cos_x", L["label"], np.sin(2 * x_target) + np.cos(x_target), None)]

    def forecast_table(self) -> pd.DataFrame:
        """The test part: x, the true y and the forecast."""
        time, truth, pred, start = self.forecast()
        return pd.DataFrame({"x": time[start:], "y": truth[start:], "forecast": pred})
