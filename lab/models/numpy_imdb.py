"""Lecture 001's NumPy ``RecurrentNetwork`` trained on IMDB reviews, as its code does it.

The lecture (6.3): ``imdb.load_data(skip_top=20, num_words=100)``, the ids left at 2 removed,
``np.random.seed(42)`` and a permutation of the training reviews (20,000 to train, 5,000 to
validate), ``pad_sequences(maxlen=100)``, ``to_categorical`` (the padding id 0 becomes the
vector [1, 0, ...], as Keras makes it), then ``RecurrentNetwork(n_cells=32, batch_size=32,
learning_rate=0.01)``: orthogonal and Glorot initialisation, plain gradient descent, the
gradient through time truncated to the last 10 steps, 20 epochs, and ``rn.score`` on the
validation reviews: 0.7002.

The network is ``lab.networks.rnn`` (its ``bptt`` equals the lecture's loop with the missing
``.T`` put back, tests/test_rnn.py). The one-hot batches are made as they are drawn, so the
lecture's 800 MB tensor is never held. It trains through the experiments' store
(``lab.models.experiments.STORE``), once per data and setting for the whole server; its result's
``p_test`` holds the validation reviews' probabilities, which the lecture scores.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, replace

import numpy as np

from lab.core.cache import digest
from lab.data import imdb
from lab.maths import binary_crossentropy
from lab.networks import rnn
from lab.models import experiments as ex
from lab.training.jobs import Job

LECTURE_SCORE = 0.7002  # rn.score(x_val_onehot, y_val)
NET_ID = "numpy_recurrent_network"
# The Keras model the lecture trains next on the same reviews with the same fit:
# SimpleRNN(32) on one-hot, SGD 0.01, batch 32, 20 epochs, no early stopping.
TWIN = ex.EXPERIMENTS["lecture_001"].nets[0]
TWIN_FIT = ex.EXPERIMENTS["lecture_001"].fit


@dataclass(frozen=True)
class Setup:
    """The lecture's settings: its Keras twin's reviews, cells and fit, and the two that only
    the NumPy class has."""
    num_words: int = TWIN.num_words  # 100, the top 20 skipped
    skip_top: int = TWIN.skip_top
    maxlen: int = TWIN.maxlen
    n_cells: int = TWIN.layers[0].units
    batch_size: int = TWIN_FIT.batch_size
    lr: float = TWIN_FIT.lr
    epochs: int = TWIN_FIT.epochs
    truncate: int = 10  # backprop through the last 10 steps only
    split_seed: int = 42  # np.random.seed(42); np.random.permutation(len(x_train_all))
    seed: int = TWIN_FIT.seed  # the network's initial weights (the lecture's are unseeded)


class OneHot:
    """Padded ids as ``to_categorical`` would make them, one batch at a time: ``x[idx]`` is
    the (len(idx), T, n) one-hot array, ``len(x)`` the number of reviews."""

    def __init__(self, ids: np.ndarray, n: int):
        self.ids, self.n = np.asarray(ids), n

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, idx) -> np.ndarray:
        return np.eye(self.n)[self.ids[idx]]


class SGD:
    """The lecture's update, ``w -= lr * grad`` (the ``step`` that ``rnn.train_epoch`` calls)."""

    def __init__(self, lr: float):
        self.lr = lr

    def step(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        for p, g in zip(params, grads):
            p -= self.lr * g


def lecture_split(data: imdb.Dataset, s: Setup = Setup()):
    """(x_train, y_train, x_val, y_val) as padded ids: the lecture's vocabulary, its filter,
    its seeded permutation, 80% to train."""
    x = imdb.pad(imdb.drop_oov(imdb.cap_vocabulary(data.x_train, s.num_words, s.skip_top)),
                 s.maxlen)
    y = np.asarray(data.y_train, dtype=float)
    order = np.random.RandomState(s.split_seed).permutation(len(x))
    cut = int(len(x) * 0.8)  # the lecture's 20,000 of 25,000
    return x[order[:cut]], y[order[:cut]], x[order[cut:]], y[order[cut:]]


def predict(net: rnn.RNN, x: OneHot, batch: int = 500) -> np.ndarray:
    """P(positive) of every review, in batches."""
    return np.concatenate([rnn.forward(net, x[np.arange(i, min(i + batch, len(x)))]).a2[:, 0]
                           for i in range(0, len(x), batch)])


def train(split, s: Setup = Setup(), job: Job | None = None):
    """Train on ``lecture_split``'s arrays as the lecture does; returns (net, history with
    loss, val_loss and val_accuracy per epoch, validation probabilities, seconds)."""
    x_train, y_train, x_val, y_val = split
    train_x, val_x = OneHot(x_train, s.num_words), OneHot(x_val, s.num_words)
    net = rnn.init_rnn(s.num_words, s.n_cells, seed=s.seed)
    opt, rng = SGD(s.lr), np.random.default_rng(s.seed)
    history: dict[str, list[float]] = {"loss": [], "val_loss": [], "val_accuracy": []}
    t0 = time.perf_counter()
    for epoch in range(s.epochs):
        value = rnn.train_epoch(net, train_x, y_train[:, None], opt, s.batch_size,
                                k=s.truncate, rng=rng)
        p_val = predict(net, val_x)
        logs = {"loss": value, "val_loss": float(binary_crossentropy(p_val[:, None],
                                                                     y_val[:, None])[0]),
                "val_accuracy": score(p_val, y_val)}
        for k, v in logs.items():
            history[k].append(v)
        if job is not None:
            job.on_epoch(epoch, logs)
            if job.should_stop():
                break
        if not np.isfinite(value):
            break
    return net, history, p_val, time.perf_counter() - t0


def setup(epochs: int) -> Setup:
    """The lecture's settings with at most ``epochs`` of its 20 (the page's control)."""
    return replace(Setup(), epochs=min(epochs, Setup.epochs))


def key(source: str, split, s: Setup) -> str:
    return f"numpy|{source}|{digest(*split)}|{asdict(s)}"


def request(source: str, data: imdb.Dataset, epochs: int, restart: bool = False):
    """The trained network's ``ex.Result`` from memory or disk, or the shared job training it."""
    s = setup(epochs)
    split = lecture_split(data, s)

    def run(job: Job) -> ex.Result:
        _, history, p_val, seconds = train(split, s, job)
        return ex.Result(NET_ID, history, p_val, rnn.count_params(s.num_words, s.n_cells), seconds)
    return ex.STORE.request(key(source, split, s), run, s.epochs, restart=restart)


def printouts(result: ex.Result) -> list[tuple]:
    """(what, the lecture's printout, this run's, true) for ``lab.lessons.errata``: the score
    after the last epoch (the lecture has no early stopping), the epochs."""
    accuracy = result.history.get("val_accuracy") or [float("nan")]
    return [("numpy_score", LECTURE_SCORE, accuracy[-1], None),
            ("numpy_epochs", Setup.epochs, len(result.history.get("loss", [])), None)]


def score(p: np.ndarray, y: np.ndarray) -> float:
    """The lecture's ``rn.score``: the share of reviews where ``z2 > 0`` (p > 0.5) is the label."""
    return float(np.mean((np.asarray(p) > 0.5) == (np.asarray(y) > 0.5)))
