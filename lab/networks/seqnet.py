"""A recurrent layer (SimpleRNN, LSTM or GRU) and Dense(1), trained in NumPy: forward pass,
back-propagation through time and Adam, all with Keras's weight layout and Keras's arithmetic.

Why NumPy: the stock page's models are small (up to 64 units on a few thousand windows), and
at that size the cost of training is Python's overhead around each batch, not the arithmetic.
Keras first spends seconds importing TensorFlow and building its first epoch; this file needs
no start-up at all, and its epochs are faster at the page's sizes (measured for GRU(16) on
1,498 windows of 7 x 5 by ``python -m bench.live --only train``, see bench/RESULTS.md). The
tests prove the two are the same network: with the same weights and batches, the outputs,
the gradients (against ``tf.GradientTape``) and the weights after an epoch of Adam agree with
Keras.

The recurrent layer is the maths kernel's (``lab.maths.recurrent``: its equations, and the
step back that back-propagation through time takes); here it gets Keras's Dense(1) on the last
step's h and the mean squared error:

    X (B, T, d) -> recurrent layer -> h_T (B, n) -> y = h_T w + b,   loss = mean((y - target)^2)
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import numpy as np

from lab.maths import Adam, glorot_uniform, mse, recurrent as rec
from lab.core.errors import Cancelled, InvalidInput

ACTIVATIONS = ("tanh", "relu")  # the page's choices for the cell's activation
# Keras trains in float32, where a loss beyond this is infinite and TerminateOnNaN stops the
# run. The float64 arithmetic here would carry on with losses of 1e70; the same rule stops it.
FLOAT32_MAX = float(np.finfo(np.float32).max)


def _finite(value: float) -> bool:
    """Finite as Keras's float32 would see it."""
    return bool(np.isfinite(value)) and abs(value) <= FLOAT32_MAX


# --- The network -----------------------------------------------------------------------------

@dataclass
class Net:
    """Weights in the order ``keras.Model.get_weights`` returns them for
    Sequential([Input((T, d)), <kind>(n, activation), Dense(1)])."""

    kind: str
    activation: str
    kernel: np.ndarray  # (d, G n)
    recurrent: np.ndarray  # (n, G n)
    bias: np.ndarray  # (G n,), or (2, 3n) for GRU: input and recurrent biases
    w: np.ndarray  # (n, 1)
    b: np.ndarray  # (1,)

    @property
    def units(self) -> int:
        return self.recurrent.shape[0]

    def weights(self) -> list[np.ndarray]:
        return [self.kernel, self.recurrent, self.bias, self.w, self.b]

    def set_weights(self, weights: list[np.ndarray]) -> None:
        self.kernel, self.recurrent, self.bias, self.w, self.b = (
            np.array(v, dtype=float) for v in weights)

    @property
    def cell(self) -> rec.Cell:
        """The recurrent layer, sharing this net's arrays."""
        return rec.Cell(self.kind, self.kernel, self.recurrent, self.bias, self.activation)

    def count_params(self) -> int:
        return sum(v.size for v in self.weights())

    def is_finite(self) -> bool:
        return all(np.isfinite(v).all() for v in self.weights())


def init_net(kind: str, d: int, n: int, activation: str = "tanh", seed: int = 0) -> Net:
    """Keras's default initialisers: Glorot-uniform kernels, orthogonal recurrent kernel, zero
    biases except the LSTM forget gate's (1)."""
    if activation not in ACTIVATIONS:
        raise InvalidInput("args.choice", name="activation", got=repr(activation), choices=", ".join(ACTIVATIONS))
    cell = rec.init_cell(kind, d, n, seed)
    w = glorot_uniform((n, 1), np.random.default_rng(seed + 1))
    return Net(kind, activation, cell.kernel, cell.recurrent_kernel, cell.bias, w, np.zeros(1))


def forward(net: Net, X: np.ndarray, keep: bool = False):
    """Outputs (B, 1); with ``keep`` also the tape for :func:`backward`."""
    X = np.ascontiguousarray(np.asarray(X, dtype=float).transpose(1, 0, 2))  # time-major
    tape = rec.forward(net.cell, X)
    y = tape.caches[-1].h @ net.w + net.b
    return (y, tape) if keep else y


def backward(net: Net, tape: rec.Tape, dy: np.ndarray) -> list[np.ndarray]:
    """Gradients of the loss for every weight (in ``Net.weights`` order), given dL/dy (B, 1)."""
    dH = np.zeros(tape.X.shape[:2] + (net.units,))
    dH[-1] = dy @ net.w.T
    return rec.backward(net.cell, tape, dH) + [tape.caches[-1].h.T @ dy, dy.sum(0)]


# --- Training ----------------------------------------------------------------------------------

@dataclass
class FitResult:
    net: Net
    history: dict[str, list[float]]  # "loss" (and "val_loss") per epoch, as Keras names them
    seconds: float
    best_epoch: int  # 0-based epoch whose weights were kept
    diverged: bool


def train_epoch(net: Net, opt: Adam, X: np.ndarray, y: np.ndarray, order: np.ndarray,
                batch_size: int, on_batch: Callable[[int, int], None] | None = None,
                should_stop: Callable[[], bool] | None = None) -> float:
    """One pass over ``X[order]`` in batches; the mean loss weighted by batch size (as Keras's
    progress bar reports it). NaN as soon as a batch's loss is not finite."""
    n_batches = -(-len(order) // batch_size)
    with np.errstate(over="ignore", invalid="ignore"):  # a diverging run is reported, not warned
        return _epoch(net, opt, X, y, order, batch_size, n_batches, on_batch, should_stop)


def _epoch(net, opt, X, y, order, batch_size, n_batches, on_batch, should_stop) -> float:
    total, seen = 0.0, 0
    for k in range(n_batches):
        if should_stop is not None and should_stop():
            raise Cancelled
        idx = order[k * batch_size:(k + 1) * batch_size]
        out, tape = forward(net, X[idx], keep=True)
        loss, dy = mse(out, y[idx])
        if not _finite(loss):
            return float("nan")
        opt.step(net.weights(), backward(net, tape, dy))
        total += loss * len(idx)
        seen += len(idx)
        if on_batch is not None:
            on_batch(k + 1, n_batches)
    return total / max(seen, 1)


def fit(net: Net, X: np.ndarray, y: np.ndarray, *, epochs: int, lr: float, batch_size: int,
        seed: int = 0, validation: tuple[np.ndarray, np.ndarray] | None = None,
        patience: int = 5, on_epoch: Callable[[int, dict], None] | None = None,
        on_batch: Callable[[int, int, int], None] | None = None,
        should_stop: Callable[[], bool] | None = None) -> FitResult:
    """Adam on the MSE, shuffled batches each epoch (seeded). With ``validation``, early stopping
    on its loss after ``patience`` epochs without improvement, keeping the best epoch's weights
    (Keras's EarlyStopping(restore_best_weights=True)). A loss that is not finite stops
    training and marks the result diverged. ``should_stop()`` is asked before every batch."""
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    rng = np.random.default_rng(seed)
    opt = Adam(lr)
    history: dict[str, list[float]] = {"loss": []}
    best, best_epoch, best_weights, wait = np.inf, 0, None, 0
    t0 = time.perf_counter()
    diverged = False
    for epoch in range(epochs):
        order = rng.permutation(len(X))
        loss = train_epoch(net, opt, X, y, order, batch_size,
                           None if on_batch is None else lambda k, nb: on_batch(epoch, k, nb),
                           should_stop)
        logs = {"loss": loss}
        if validation is not None:
            with np.errstate(over="ignore", invalid="ignore"):
                logs["val_loss"] = mse(forward(net, validation[0]), validation[1])[0]
        for k, v in logs.items():
            history.setdefault(k, []).append(float(v))
        if on_epoch is not None:
            on_epoch(epoch, logs)
        if not all(_finite(v) for v in logs.values()) or not net.is_finite():
            diverged = True
            break
        if validation is not None:
            if logs["val_loss"] < best:
                best, best_epoch, wait = logs["val_loss"], epoch, 0
                best_weights = [w.copy() for w in net.weights()]
            else:
                wait += 1
                if wait >= patience:
                    break
        else:
            best_epoch = epoch
    if best_weights is not None and not diverged:
        net.set_weights(best_weights)
    return FitResult(net, history, time.perf_counter() - t0, best_epoch, diverged)


def predict(net: Net, X: np.ndarray, batch_size: int = 4096) -> np.ndarray:
    """y (len(X),) in chunks, so a long series needs little memory."""
    if not len(X):
        return np.zeros(0)
    with np.errstate(over="ignore", invalid="ignore"):
        return np.concatenate([forward(net, X[i:i + batch_size])[:, 0]
                               for i in range(0, len(X), batch_size)])
