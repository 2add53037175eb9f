"""A SimpleRNN in NumPy, in lecture 001's notation, with every intermediate value kept.

    Z1_t = X_t W1x + H_{t-1} W1h + b1        X_t: (m, n_f)   W1x: (n_f, n_c)   W1h: (n_c, n_c)
    H_t  = tanh(Z1_t)                         H_0 = 0          (or sigmoid / ReLU, to compare)
    Z2   = H_T W2 + b2,  A2 = sigmoid(Z2)     many-to-one; A2 = Z2 for regression

Inputs are ``(m, T, n_f)`` as Keras takes them; the forward pass is the maths kernel's
SimpleRNN (``lab.maths.recurrent``), in these names. Back-propagation through time follows the
lecture's loop, run by the same kernel's compiled step back: ``err_to_cell`` (dL/dZ1_t) goes
back one step at a time, ``err_to_cell = (err_to_cell @ W1h.T) * tanh'(...)``, and truncated
BPTT (TBPTT) adds the weight gradients of the last ``k`` steps only. The tests check outputs
and full-BPTT gradients against ``keras.layers.SimpleRNN`` and ``tf.GradientTape``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lab.maths import (Adam, binary_crossentropy, glorot_uniform, mse, orthogonal,
                       recurrent as rec, sigmoid)  # Adam: shared by the NumPy networks
from lab.core.errors import InvalidInput

ACTIVATIONS = ("tanh", "sigmoid", "relu")
OUTPUTS = ("sigmoid", "linear")  # classification (binary cross-entropy) / regression (MSE)


@dataclass
class RNN:
    """Weights of a SimpleRNN layer plus a dense output layer, named as in lecture 001."""

    w1x: np.ndarray  # (n_f, n_c)
    w1h: np.ndarray  # (n_c, n_c)
    b1: np.ndarray  # (n_c,)
    w2: np.ndarray  # (n_c, n_out)
    b2: np.ndarray  # (n_out,)
    activation: str = "tanh"
    output: str = "sigmoid"

    @property
    def n_f(self) -> int:
        return self.w1x.shape[0]

    @property
    def n_c(self) -> int:
        return self.w1x.shape[1]

    @property
    def n_out(self) -> int:
        return self.w2.shape[1]

    def params(self) -> dict[str, np.ndarray]:
        return {"w1x": self.w1x, "w1h": self.w1h, "b1": self.b1, "w2": self.w2, "b2": self.b2}

    @property
    def cell(self) -> rec.Cell:
        """The SimpleRNN layer (the maths kernel's), sharing this net's arrays."""
        return rec.Cell("SimpleRNN", self.w1x, self.w1h, self.b1, self.activation)

    def copy(self) -> "RNN":
        return RNN(**{k: v.copy() for k, v in self.params().items()},
                   activation=self.activation, output=self.output)

    def is_finite(self) -> bool:
        """Every weight finite (one check over all of them: training asks after each batch)."""
        return bool(np.isfinite(np.concatenate([v.ravel() for v in self.params().values()])).all())


def count_params(n_f: int, n_c: int, n_out: int | None = 1) -> int:
    """SimpleRNN ``n_f*n_c + n_c*n_c + n_c``, plus ``n_c*n_out + n_out`` for a Dense output."""
    rnn = n_f * n_c + n_c * n_c + n_c
    return rnn + (n_c * n_out + n_out if n_out else 0)


def init_rnn(n_f: int, n_c: int, n_out: int = 1, seed: int = 0, activation: str = "tanh",
             output: str = "sigmoid") -> RNN:
    """Lecture 001's initialisation: orthogonal W1h, Glorot-uniform W1x and W2, zero biases."""
    if activation not in ACTIVATIONS:
        raise InvalidInput("args.choice", name="activation", got=repr(activation), choices=", ".join(ACTIVATIONS))
    if output not in OUTPUTS:
        raise InvalidInput("args.choice", name="output", got=repr(output), choices=", ".join(OUTPUTS))
    if min(n_f, n_c, n_out) < 1:
        raise InvalidInput("args.sizes")
    rng = np.random.default_rng(seed)
    return RNN(w1x=glorot_uniform((n_f, n_c), rng), w1h=orthogonal(n_c, rng), b1=np.zeros(n_c),
               w2=glorot_uniform((n_c, n_out), rng), b2=np.zeros(n_out),
               activation=activation, output=output)


@dataclass(frozen=True)
class Trace:
    """Every value of one forward pass, time-major: index t-1 holds time step t."""

    x: np.ndarray  # (T, m, n_f)
    z1: np.ndarray  # (T, m, n_c)
    h: np.ndarray  # (T + 1, m, n_c); h[0] is the zero initial state, h[t] is H_t
    z2: np.ndarray  # (m, n_out)
    a2: np.ndarray  # (m, n_out)


def check_input(net: RNN, x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    if x.ndim != 3:
        raise InvalidInput("args.shape", expected="(m, T, n_f)", shape=x.shape)
    if x.shape[1] < 1 or x.shape[0] < 1:
        raise InvalidInput("args.empty_input")
    if x.shape[2] != net.n_f:
        raise InvalidInput("args.features", got=x.shape[2], expected=net.n_f)
    return x


def forward(net: RNN, x: np.ndarray) -> Trace:
    """Run the recurrence over all T steps, keeping Z1_t and H_t for every step."""
    x = check_input(net, x)
    seq = np.swapaxes(x, 0, 1)  # (T, m, n_f): the lecture's swapaxes
    with np.errstate(over="ignore", invalid="ignore"):
        tape = rec.forward(net.cell, seq)  # Z1_t = X_t W1x + H_{t-1} W1h + b1, H_t = act(Z1_t)
        h = tape.H
        z2 = h[-1] @ net.w2 + net.b2
        a2 = sigmoid(z2) if net.output == "sigmoid" else z2
    return Trace(seq, tape.stacked("pre"), h, z2, a2)


def _loss(net: RNN, trace: Trace, y: np.ndarray) -> tuple[float, np.ndarray]:
    fn = binary_crossentropy if net.output == "sigmoid" else mse
    return fn(trace.a2, np.asarray(y, dtype=float))


def loss(net: RNN, trace: Trace, y: np.ndarray) -> float:
    """Mean binary cross-entropy (sigmoid output, clipped as Keras does) or mean squared error."""
    return _loss(net, trace, y)[0]


def output_error(net: RNN, trace: Trace, y: np.ndarray) -> np.ndarray:
    """dL/dZ2 for the mean loss: (A2 - Y)/m for sigmoid + cross-entropy, 2(Z2 - Y)/(m n_out) for MSE."""
    return _loss(net, trace, y)[1]


@dataclass(frozen=True)
class Gradients:
    w1x: np.ndarray
    w1h: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: np.ndarray
    dh_norm: np.ndarray  # (T,): ||dL/dH_t|| for t = 1..T, through the full chain
    received: np.ndarray  # (T,) bool: steps whose err_to_cell entered the weight gradients

    def params(self) -> dict[str, np.ndarray]:
        return {"w1x": self.w1x, "w1h": self.w1h, "b1": self.b1, "w2": self.w2, "b2": self.b2}


def bptt(net: RNN, trace: Trace, y: np.ndarray, k: int | None = None) -> Gradients:
    """Back-propagation through time; with ``k``, truncated to the last k steps (TBPTT).

    The loop is the lecture's, run by the maths kernel's compiled step back
    (``lab.maths.recurrent``): start from ``err_to_cell = (err @ W2.T) * tanh'(Z1_T)`` and walk
    back, ``err_to_cell = (err_to_cell @ W1h.T) * tanh'(Z1_{t-1})``; the W1h gradient adds
    ``H_{t-1}.T @ err_to_cell``, the W1x gradient ``X_t.T @ err_to_cell`` and the b1 gradient
    its column sums, over the steps inside the window. ``dh_norm`` follows dL/dH_t all the
    way back whatever ``k`` is, to show how much signal would reach each step.
    """
    T = trace.x.shape[0]
    if k is not None and k < 1:
        raise InvalidInput("args.truncation")
    with np.errstate(over="ignore", invalid="ignore"):
        err = output_error(net, trace, y)
        cells, dh_last = _err_to_cells(net, trace, err)
        # dL/dH_t = err_to_cell of step t + 1 through W1h.T, and dL/dH_T from the output
        dh = np.concatenate([cells[1:] @ net.w1h.T, dh_last[None]])
        dh_norm = np.sqrt(np.einsum("tbj,tbj->t", dh, dh))
        received = np.zeros(T, dtype=bool)
        received[T - min(T, k or T):] = True
        return _gradients(net, trace, err, cells, k, dh_norm, received)


def _err_to_cells(net: RNN, trace: Trace, err: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(err_to_cell of every step, (T, m, n_c): dL/dZ1_t at index t-1; dL/dH_T) from the
    output's error ``err`` = dL/dZ2, by the kernel's compiled step back."""
    dh_last = err @ net.w2.T  # dL/dH_T
    outside = np.zeros(trace.z1.shape)  # dL/dH_t from outside the recurrence: the output's only
    outside[-1] = dh_last
    tape = rec.Tape(trace.x, H=trace.h, pre=trace.z1, gates=trace.h[1:])  # SimpleRNN: gates = H_t
    cells = rec.pre_activation_grads(net.cell, tape, outside)
    return cells, dh_last


def _gradients(net: RNN, trace: Trace, err: np.ndarray, cells: np.ndarray, k: int | None,
               dh_norm=None, received=None) -> Gradients:
    """The weight gradients from every step's err_to_cell, the last ``k`` steps' only with
    ``k``: all steps' products summed in one matrix product each (inside the caller's
    ``np.errstate``: a diverging net is reported, not warned)."""
    T, m, n_c = cells.shape
    window = slice(T - min(T, k or T), T)
    flat = cells[window].reshape(-1, n_c)
    x = trace.x[window].reshape(-1, net.n_f)
    h_prev = trace.h[:-1][window].reshape(-1, n_c)
    return Gradients(w1x=x.T @ flat, w1h=h_prev.T @ flat, b1=flat.sum(0),
                     w2=trace.h[T].T @ err, b2=err.sum(0), dh_norm=dh_norm, received=received)


# --- Training ----------------------------------------------------------------------------------
def train_epoch(net: RNN, x: np.ndarray, y: np.ndarray, opt: Adam, batch_size: int = 32,
                k: int | None = None, rng: np.random.Generator | None = None) -> float:
    """One pass over (x, y) in mini-batches (shuffled if ``rng``); returns the mean batch loss.

    If an update would make a weight non-finite, the weights are left as they were and the
    loss returned is ``nan``: the caller tells the user to lower the learning rate.
    """
    if k is not None and k < 1:
        raise InvalidInput("args.truncation")
    order = np.arange(len(x)) if rng is None else rng.permutation(len(x))
    losses = []
    for start in range(0, len(x), batch_size):
        idx = order[start:start + batch_size]
        trace = forward(net, x[idx])
        with np.errstate(over="ignore", invalid="ignore"):  # a diverging step is reported
            value, err = _loss(net, trace, y[idx])
            g = _gradients(net, trace, err, _err_to_cells(net, trace, err)[0], k).params()
        losses.append(value)
        params = net.params()
        before = {n: v.copy() for n, v in params.items()}
        with np.errstate(over="ignore", invalid="ignore"):
            opt.step(list(params.values()), [g[n] for n in params])
        if not net.is_finite() or not np.isfinite(losses[-1]):
            for n, v in before.items():
                net.params()[n][...] = v
            return float("nan")
    return float(np.mean(losses))


# --- Vanishing and exploding gradients (lecture 004's w^n) --------------------------------------
def scalar_power(w: float, n: int) -> np.ndarray:
    """Lecture 004's argument: a gradient multiplied by the same weight w at each of n steps."""
    return np.abs(float(w)) ** np.arange(n + 1)


@dataclass(frozen=True)
class Flow:
    dh_norm: np.ndarray  # ||dL/dH_t||, t = 1..T
    received: np.ndarray  # steps inside the truncation window
    h_max: float  # largest |H_t| seen in the forward pass
    overflow: bool  # the forward or backward pass left float64's range


def gradient_flow(T: int, radius: float, activation: str = "tanh", n_c: int = 16,
                  k: int | None = None, seed: int = 0, batch: int = 8) -> Flow:
    """How much gradient reaches each step of a T-step RNN whose W1h has spectral radius ``radius``.

    W1h is a random orthogonal matrix times ``radius`` (every singular value equals ``radius``,
    the matrix version of lecture 004's scalar w). The inputs are small random numbers and the
    loss is the output's squared error at the last step, so dL/dH_T is the same for every radius.
    """
    if T < 1:
        raise InvalidInput("args.range", name="T", lo=1, hi="∞", got=T)
    rng = np.random.default_rng(seed)
    net = RNN(w1x=rng.normal(0, 0.1, (1, n_c)), w1h=orthogonal(n_c, rng, gain=float(radius)),
              b1=np.zeros(n_c), w2=rng.normal(0, 1 / np.sqrt(n_c), (n_c, 1)), b2=np.zeros(1),
              activation=activation, output="linear")
    x = rng.normal(0, 1, (batch, T, 1))
    trace = forward(net, x)
    g = bptt(net, trace, np.zeros((batch, 1)), k)
    finite_h = np.isfinite(trace.h)
    overflow = not (finite_h.all() and np.isfinite(g.dh_norm).all())
    h_max = float(np.abs(trace.h[finite_h]).max()) if finite_h.any() else float("inf")
    return Flow(g.dh_norm, g.received, h_max, overflow)
