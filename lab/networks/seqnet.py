"""A recurrent layer (SimpleRNN, LSTM or GRU) and Dense(1), trained in NumPy: forward pass,
back-propagation through time and Adam, all with Keras's weight layout and Keras's arithmetic.

Why NumPy: the stock page's models are small (up to 64 units on a few thousand windows), and
at that size a framework's overhead around each batch costs more than the arithmetic. Keras first spends seconds importing TensorFlow and building its first epoch; this file needs
no start-up at all, and its epochs are faster at the page's sizes (measured for GRU(16) on
1,498 windows of 7 x 5 by ``python -m bench.live --only train``, see bench/RESULTS.md). The
tests prove the two are the same network: with the same weights and batches, the outputs,
the gradients (against ``tf.GradientTape``) and the weights after an epoch of Adam agree with
Keras.

The recurrent layer is the maths kernel's (``lab.maths.recurrent``: its equations, and the
step back that back-propagation through time takes); here it gets Keras's Dense(1) on the last
step's h and the mean squared error:

    X (B, T, d) -> recurrent layer -> h_T (B, n) -> y = h_T w + b,   loss = mean((y - target)^2)

The arithmetic is the net's dtype. ``fit`` trains in float32, as Keras does (the tests hold it
to Keras's float32 training); the tests' float64 nets agree with float64 Keras to 1e-10. A
training batch is one call into compiled code (:func:`_train_step`: the recurrent kernel's
forward and backward passes, the head, the loss and Adam), so a batch costs its arithmetic,
not Python's overhead around it (``python -m bench.kernel`` measures it against the kernel
that stepped in NumPy).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import numba as nb
import numpy as np

from lab.maths import Adam, adam, glorot_uniform, mse, recurrent as rec
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
        """Copies of ``weights`` in this net's dtype."""
        self.kernel, self.recurrent, self.bias, self.w, self.b = (
            np.array(v, dtype=self.dtype, order="C") for v in weights)

    @property
    def dtype(self) -> np.dtype:
        """The arithmetic of every pass: float64 from ``init_net``, float32 once ``fit`` ran."""
        return self.recurrent.dtype

    def astype(self, dtype) -> "Net":
        """This net, its weights converted in place to ``dtype`` (np.float32 or np.float64)."""
        self.recurrent = self.recurrent.astype(dtype)
        self.set_weights(self.weights())
        return self

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
    return Net(kind, activation, cell.kernel, cell.recurrent_kernel, cell.bias, w,
               np.zeros(1)).astype(np.float64)  # C-ordered copies


def forward(net: Net, X: np.ndarray, keep: bool = False):
    """Outputs (B, 1); with ``keep`` also the tape for :func:`backward`."""
    X = np.ascontiguousarray(np.asarray(X, dtype=net.dtype).transpose(1, 0, 2))  # time-major
    tape = rec.forward(net.cell, X)
    y = tape.H[-1] @ net.w + net.b
    return (y, tape) if keep else y


def backward(net: Net, tape: rec.Tape, dy: np.ndarray) -> list[np.ndarray]:
    """Gradients of the loss for every weight (in ``Net.weights`` order), given dL/dy (B, 1)."""
    dH = np.zeros(tape.X.shape[:2] + (net.units,))
    dH[-1] = dy @ net.w.T
    return rec.backward(net.cell, tape, dH) + [tape.H[-1].T @ dy, dy.sum(0)]


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
    real = net.dtype.type
    X, y = np.ascontiguousarray(X, real), np.ascontiguousarray(y, real).reshape(-1)
    order = np.ascontiguousarray(order, np.int64)
    if not opt.m:
        opt.m = [np.zeros_like(w) for w in net.weights()]
        opt.v = [np.zeros_like(w) for w in net.weights()]
    weights, moments = _split_bias(net, net.weights()), list(zip(_split_bias(net, opt.m),
                                                                 _split_bias(net, opt.v)))
    kind, code = rec._codes(net.cell)
    total, seen = 0.0, 0
    for k in range(n_batches):
        if should_stop is not None and should_stop():
            raise Cancelled
        idx = order[k * batch_size:(k + 1) * batch_size]
        opt.iterations += 1
        loss = _train_step(kind, code, X, y, idx, *weights, *moments,
                           *opt.constants(real), real(2.0 / len(idx)), FLOAT32_MAX)
        if not _finite(loss):
            opt.iterations -= 1  # no step was taken
            return float("nan")
        total += loss * len(idx)
        seen += len(idx)
        if on_batch is not None:
            on_batch(k + 1, n_batches)
    return total / max(seen, 1)


def _split_bias(net: Net, arrays: list[np.ndarray]) -> list[np.ndarray]:
    """[kernel, recurrent, bias, w, b] -> [kernel, recurrent, b0, b1, w, b]: GRU's two bias
    rows apart (views), an empty b1 for the others."""
    kernel, recurrent, bias, w, b = arrays
    b0, b1 = (bias[0], bias[1]) if net.kind == "GRU" else (bias, np.zeros(0, net.dtype))
    return [kernel, recurrent, b0, b1, w, b]


@nb.njit(cache=True, error_model="numpy")
def _train_step(kind, code, X, y, idx, W, U, b0, b1, w, bw, mvW, mvU, mvb0, mvb1, mvw, mvbw,
                alpha, c1, c2, epsilon, two_over_b, limit):
    """One batch, (X[idx], y[idx]), in place: the forward pass, the MSE, the backward pass
    and an Adam step of every weight (``mv*``: its moments (m, v)). Returns the batch's loss;
    a loss that is NaN or beyond ``limit`` leaves every weight as it was."""
    B, T, d = len(idx), X.shape[1], X.shape[2]
    n, G = U.shape
    Xt = np.empty((T, B, d), X.dtype)  # time-major
    for b in range(B):
        Xt[:, b, :] = X[idx[b]]
    flat_x = Xt.reshape(T * B, d)
    xw = np.dot(flat_x, W).reshape(T, B, G)
    for t in range(T):
        for b in range(B):
            for j in range(G):
                xw[t, b, j] += b0[j]
    H = np.zeros((T + 1, B, n), X.dtype)
    C = np.zeros((T + 1, B, n) if kind == rec.LSTM else (1, 1, 1), X.dtype)
    pre, gates = np.empty((T, B, G), X.dtype), np.empty((T, B, G), X.dtype)
    aux = np.empty((T, B, n) if kind != rec.SIMPLE else (1, 1, 1), X.dtype)
    rec.forward_kernel(kind, code, U, b1, xw, H, C, pre, gates, aux)
    out = np.dot(H[T], w)
    dy = np.empty(B, X.dtype)
    loss = 0.0
    for b in range(B):
        err = out[b, 0] + bw[0] - y[idx[b]]
        loss += err * err
        dy[b] = two_over_b * err
    loss /= B
    if not loss <= limit:
        return loss
    dH = np.zeros((T, B, n), X.dtype)
    for b in range(B):
        for j in range(n):
            dH[T - 1, b, j] = dy[b] * w[j, 0]
    dZ = np.empty((T, B, G), X.dtype)
    dR = np.empty((T, B, G), X.dtype) if kind == rec.GRU else dZ
    dh, dc = np.zeros((B, n), X.dtype), np.zeros((B, n), X.dtype)
    rec.backward_kernel(kind, code, U, dH, H, C, gates, aux, dZ, dR, dh, dc)
    flat_z, flat_r = dZ.reshape(T * B, G), dR.reshape(T * B, G)
    h_prev = np.ascontiguousarray(H[:T]).reshape(T * B, n)
    g_b0, g_b1 = np.zeros(G, X.dtype), np.zeros(G, X.dtype)
    for i in range(T * B):
        for j in range(G):
            g_b0[j] += flat_z[i, j]
            g_b1[j] += flat_r[i, j]
    g_W, g_U = np.dot(flat_x.T, flat_z), np.dot(h_prev.T, flat_r)
    g_w = np.dot(H[T].T, dy.reshape(B, 1))
    g_bw = np.zeros(1, X.dtype)
    for b in range(B):
        g_bw[0] += dy[b]
    adam.update(W, g_W, mvW[0], mvW[1], alpha, c1, c2, epsilon)
    adam.update(U, g_U, mvU[0], mvU[1], alpha, c1, c2, epsilon)
    adam.update(b0, g_b0, mvb0[0], mvb0[1], alpha, c1, c2, epsilon)
    if kind == rec.GRU:
        adam.update(b1, g_b1, mvb1[0], mvb1[1], alpha, c1, c2, epsilon)
    adam.update(w, g_w, mvw[0], mvw[1], alpha, c1, c2, epsilon)
    adam.update(bw, g_bw, mvbw[0], mvbw[1], alpha, c1, c2, epsilon)
    return loss


def fit(net: Net, X: np.ndarray, y: np.ndarray, *, epochs: int, lr: float, batch_size: int,
        seed: int = 0, validation: tuple[np.ndarray, np.ndarray] | None = None,
        patience: int = 5, on_epoch: Callable[[int, dict], None] | None = None,
        on_batch: Callable[[int, int, int], None] | None = None,
        should_stop: Callable[[], bool] | None = None, dtype=np.float32) -> FitResult:
    """Adam on the MSE, shuffled batches each epoch (seeded), in ``dtype`` (the net is
    converted to it: Keras's float32 by default). With ``validation``, early stopping
    on its loss after ``patience`` epochs without improvement, keeping the best epoch's weights
    (Keras's EarlyStopping(restore_best_weights=True)). A loss that is not finite stops
    training and marks the result diverged. ``should_stop()`` is asked before every batch."""
    net.astype(dtype)
    with np.errstate(over="ignore", invalid="ignore"):  # beyond float32's range is infinite
        X, y = np.asarray(X, dtype=net.dtype), np.asarray(y, dtype=net.dtype)
        if validation is not None:
            validation = tuple(np.asarray(v, dtype=net.dtype) for v in validation)
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
                               for i in range(0, len(X), batch_size)]).astype(float)
