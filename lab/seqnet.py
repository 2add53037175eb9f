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

Shapes: inputs ``X`` (B, T, d) as Keras takes them, n units, G gate blocks (lab.kinds.GATES).

    SimpleRNN  h_t = act(x_t W + h_{t-1} U + b)
    LSTM       [i f g o] = [sig sig act sig](x_t W + h_{t-1} U + b)
               c_t = f c_{t-1} + i g,   h_t = o act(c_t)
    GRU        z, r = sig(x_t W + b0 + h_{t-1} U + b1)   (their two blocks)
               g = act(x_t W_h + b0_h + r (h_{t-1} U_h + b1_h)),   h_t = z h_{t-1} + (1 - z) g
    output     y = h_T w + b,   loss = mean((y - target)^2)

Back-propagation runs the same steps backwards, one time step at a time; the weight gradients
of all steps are then summed in one matrix product each.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from lab import kinds
from lab.cells import init_cell
from lab.maths import glorot_uniform
from lab.errors import Cancelled, InvalidInput

ACTIVATIONS = ("tanh", "relu")  # the page's choices for the cell's activation
# Keras trains in float32, where a loss beyond this is infinite and TerminateOnNaN stops the
# run. The float64 arithmetic here would carry on with losses of 1e70; the same rule stops it.
FLOAT32_MAX = float(np.finfo(np.float32).max)


def _finite(value: float) -> bool:
    """Finite as Keras's float32 would see it."""
    return bool(np.isfinite(value)) and abs(value) <= FLOAT32_MAX


# --- Activations -----------------------------------------------------------------------------

def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # = 1 / (1 + e^-z), without overflow


def _act(name: str, z: np.ndarray) -> np.ndarray:
    return np.tanh(z) if name == "tanh" else np.maximum(z, 0.0)


def _slope(name: str, z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """d act(z) / dz from the input z and output y: tanh' = 1 - y^2, relu' = [z > 0]."""
    return 1.0 - y * y if name == "tanh" else (z > 0).astype(z.dtype)


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

    def count_params(self) -> int:
        return sum(v.size for v in self.weights())

    def is_finite(self) -> bool:
        return all(np.isfinite(v).all() for v in self.weights())


def init_net(kind: str, d: int, n: int, activation: str = "tanh", seed: int = 0) -> Net:
    """Keras's default initialisers: Glorot-uniform kernels, orthogonal recurrent kernel, zero
    biases except the LSTM forget gate's (1)."""
    if activation not in ACTIVATIONS:
        raise InvalidInput("args.choice", name="activation", got=repr(activation), choices=", ".join(ACTIVATIONS))
    cell = init_cell(kind, d, n, seed)
    w = glorot_uniform((n, 1), np.random.default_rng(seed + 1))
    return Net(kind, activation, cell.kernel, cell.recurrent_kernel, cell.bias, w, np.zeros(1))


@dataclass
class _Tape:
    """What the forward pass keeps for the backward pass (time-major arrays)."""

    X: np.ndarray  # (T, B, d)
    H: np.ndarray  # (T + 1, B, n): H[0] = 0, H[t + 1] = h_t
    A: np.ndarray  # (T, B, G n) gate outputs (LSTM, GRU) or h (SimpleRNN)
    D: np.ndarray  # (T, B, G n) slopes of those outputs (LSTM) / pre-activations (others)
    C: np.ndarray | None = None  # LSTM: (T + 1, B, n) cell states; GRU: (T, B, n) h U_h + b1_h
    AC: np.ndarray | None = None  # LSTM: act(c_t)


def forward(net: Net, X: np.ndarray, keep: bool = False):
    """Outputs (B, 1); with ``keep`` also the tape for :func:`backward`."""
    X = np.asarray(X, dtype=float)
    B, T, _ = X.shape
    n, act = net.units, net.activation
    Xt = np.ascontiguousarray(X.transpose(1, 0, 2))
    U = net.recurrent
    xw = Xt @ net.kernel + (net.bias[0] if net.kind == "GRU" else net.bias)
    H = np.zeros((T + 1, B, n))
    A = np.empty_like(xw)
    D = np.empty_like(xw)
    C = AC = None
    if net.kind == "SimpleRNN":
        for t in range(T):
            D[t] = xw[t] + H[t] @ U
            H[t + 1] = A[t] = _act(act, D[t])
    elif net.kind == "LSTM":
        C, AC = np.zeros((T + 1, B, n)), np.empty((T, B, n))
        for t in range(T):
            z = xw[t] + H[t] @ U
            a = A[t]
            a[:] = _sigmoid(z)
            g = a[:, 2 * n:3 * n] = _act(act, z[:, 2 * n:3 * n])
            D[t] = a * (1.0 - a)
            D[t][:, 2 * n:3 * n] = _slope(act, z[:, 2 * n:3 * n], g)
            C[t + 1] = a[:, n:2 * n] * C[t] + a[:, :n] * g
            AC[t] = _act(act, C[t + 1])
            H[t + 1] = a[:, 3 * n:] * AC[t]
    elif net.kind == "GRU":
        C = np.empty((T, B, n))
        rb = net.bias[1]
        for t in range(T):
            rec = H[t] @ U + rb
            a = A[t]
            a[:, :2 * n] = _sigmoid(xw[t][:, :2 * n] + rec[:, :2 * n])
            C[t] = rec[:, 2 * n:]
            D[t][:, 2 * n:] = xw[t][:, 2 * n:] + a[:, n:2 * n] * C[t]
            g = a[:, 2 * n:] = _act(act, D[t][:, 2 * n:])
            z = a[:, :n]
            H[t + 1] = g + z * (H[t] - g)
    else:
        raise kinds.UnknownKind(net.kind)
    y = H[T] @ net.w + net.b
    return (y, _Tape(Xt, H, A, D, C, AC)) if keep else y


def backward(net: Net, tape: _Tape, dy: np.ndarray) -> list[np.ndarray]:
    """Gradients of the loss for every weight (in ``Net.weights`` order), given dL/dy (B, 1)."""
    T, B, d = tape.X.shape
    n, act, U = net.units, net.activation, net.recurrent
    H, A, D = tape.H, tape.A, tape.D
    dw = H[T].T @ dy
    db = dy.sum(0)
    dh = dy @ net.w.T  # (B, n)
    dZ = np.empty_like(A)  # dL / d(input part of every block), per step
    dR = dZ  # dL / d(recurrent part), differs only for GRU's candidate block
    if net.kind == "SimpleRNN":
        for t in range(T - 1, -1, -1):
            dZ[t] = dh * _slope(act, D[t], A[t])
            dh = dZ[t] @ U.T
    elif net.kind == "LSTM":
        C, AC = tape.C, tape.AC
        dc = np.zeros((B, n))
        for t in range(T - 1, -1, -1):
            a = A[t]
            o = a[:, 3 * n:]
            dc = dc + dh * o * _slope(act, C[t + 1], AC[t])
            g = dZ[t]
            g[:, :n] = dc * a[:, 2 * n:3 * n]  # d/di = dc g
            g[:, n:2 * n] = dc * C[t]  # d/df = dc c_{t-1}
            g[:, 2 * n:3 * n] = dc * a[:, :n]  # d/dg = dc i
            g[:, 3 * n:] = dh * AC[t]  # d/do = dh act(c)
            g *= D[t]
            dc = dc * a[:, n:2 * n]
            dh = g @ U.T
    else:  # GRU
        dR = np.empty_like(A)
        for t in range(T - 1, -1, -1):
            a = A[t]
            z, r, g = a[:, :n], a[:, n:2 * n], a[:, 2 * n:]
            dg = dh * (1.0 - z) * _slope(act, D[t][:, 2 * n:], g)
            dz = dZ[t]
            dz[:, :n] = dh * (H[t] - g)
            dz[:, n:2 * n] = dg * tape.C[t]
            dz[:, :2 * n] *= a[:, :2 * n] * (1.0 - a[:, :2 * n])
            dz[:, 2 * n:] = dg
            dR[t][:, :2 * n] = dz[:, :2 * n]
            dR[t][:, 2 * n:] = dg * r
            dh = dh * z + dR[t] @ U.T
    flat = dZ.reshape(T * B, -1)
    d_kernel = tape.X.reshape(T * B, d).T @ flat
    d_recurrent = H[:T].reshape(T * B, n).T @ dR.reshape(T * B, -1)
    if net.kind == "GRU":
        d_bias = np.stack([flat.sum(0), dR.reshape(T * B, -1).sum(0)])
    else:
        d_bias = flat.sum(0)
    return [d_kernel, d_recurrent, d_bias, dw, db]


def mse(y: np.ndarray, target: np.ndarray) -> tuple[float, np.ndarray]:
    """Keras's mean squared error for y (B, 1) and target (B,), and dL/dy."""
    err = y[:, 0] - target
    return float(np.mean(err * err)), (2.0 / len(err)) * err[:, None]


# --- Adam, as keras.optimizers.Adam computes it ------------------------------------------------

@dataclass
class Adam:
    """m += (g - m)(1 - b1); v += (g^2 - v)(1 - b2);
    w -= lr sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps)"""

    lr: float
    beta_1: float = 0.9
    beta_2: float = 0.999
    epsilon: float = 1e-7
    iterations: int = 0
    m: list[np.ndarray] = field(default_factory=list)
    v: list[np.ndarray] = field(default_factory=list)

    def step(self, weights: list[np.ndarray], grads: list[np.ndarray]) -> None:
        if not self.m:
            self.m = [np.zeros_like(w) for w in weights]
            self.v = [np.zeros_like(w) for w in weights]
        self.iterations += 1
        t = self.iterations
        # Keras on TensorFlow casts the betas through a float32 constant before raising them to
        # the power t (0.999 -> 0.99900001287): a step 6.4e-6 smaller at t = 1. Do the same.
        b1, b2 = float(np.float32(self.beta_1)), float(np.float32(self.beta_2))
        alpha = self.lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        for w, g, m, v in zip(weights, grads, self.m, self.v):
            m += (g - m) * (1 - self.beta_1)
            v += (g * g - v) * (1 - self.beta_2)
            w -= alpha * m / (np.sqrt(v) + self.epsilon)


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
