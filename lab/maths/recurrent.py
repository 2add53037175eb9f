"""SimpleRNN, LSTM and GRU steps in Keras's weight layout: forward, and backward for BPTT.

Weights as ``keras.layers.X.get_weights()`` returns them: ``kernel`` (d, G n),
``recurrent_kernel`` (n, G n), ``bias`` (G n,), or (2, 3n) for GRU (input and recurrent
biases); G gate blocks of n columns (lab.maths.kinds.GATES), in Keras's order:

    SimpleRNN  h = act(x W + h_prev U + b)
    LSTM       i, f, g, o = sig, sig, act, sig (x W + h_prev U + b)    blocks i, f, c, o
               c = f c_prev + i g,   h = o act(c)
    GRU        z, r = sig(x W + b0 + h_prev U + b1)                    blocks z, r, h
               g = act(x W_h + b0_h + r (h_prev U_h + b1_h))           (reset_after=True)
               h = z h_prev + (1 - z) g

``act`` is the cell's activation (Keras's default tanh), ``sig`` the sigmoid.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from lab.maths import kinds
from lab.maths.activations import activation, sigmoid
from lab.maths.init import glorot_uniform, orthogonal, zeros

GATE_NAMES = {"SimpleRNN": (), "LSTM": ("i", "f", "g", "o"), "GRU": ("z", "r", "g")}


@dataclass
class Cell:
    """Weights of one recurrent layer in Keras's layout. ``kind``: "SimpleRNN", "LSTM", "GRU"."""

    kind: str
    kernel: np.ndarray
    recurrent_kernel: np.ndarray
    bias: np.ndarray
    activation: str = "tanh"

    @property
    def units(self) -> int:
        return self.recurrent_kernel.shape[0]

    def weights(self) -> list[np.ndarray]:
        """In the order ``keras.layers.X.set_weights`` takes them."""
        return [self.kernel, self.recurrent_kernel, self.bias]


def init_cell(kind: str, d: int, n: int, seed: int = 0, activation: str = "tanh") -> Cell:
    """Keras's default initialisation: Glorot-uniform kernel, orthogonal recurrent kernel, zero
    bias except the LSTM forget gate's, which starts at 1 (``unit_forget_bias``)."""
    gates = kinds.gates(kind)
    rng = np.random.default_rng(seed)
    kernel = glorot_uniform((d, gates * n), rng)
    recurrent = orthogonal((n, gates * n), rng)
    bias = zeros((2, 3 * n) if kind == "GRU" else gates * n)
    if kind == "LSTM":
        bias[n:2 * n] = 1.0
    return Cell(kind, kernel, recurrent, bias, activation)


class Cache(NamedTuple):
    """What one step keeps for its step back. (B, n) arrays, (B, G n) for the gate blocks."""

    h_prev: np.ndarray
    pre: np.ndarray  # the gates' pre-activations (SimpleRNN: of h)
    gates: np.ndarray  # their outputs (SimpleRNN: h)
    h: np.ndarray
    c_prev: np.ndarray | None = None  # LSTM
    c: np.ndarray | None = None  # LSTM
    act_c: np.ndarray | None = None  # LSTM: act(c)
    rec_h: np.ndarray | None = None  # GRU: h_prev U_h + b1_h


State = tuple  # (h, c): c is the LSTM's cell state, None for the others


def initial_state(cell: Cell, batch: int) -> State:
    """Zero states, as Keras starts every sequence."""
    h = np.zeros((batch, cell.units))
    return h, (np.zeros_like(h) if cell.kind == "LSTM" else None)


def project(cell: Cell, X: np.ndarray) -> np.ndarray:
    """The input part of every gate, for all steps at once: X W + b (GRU: + b0)."""
    return X @ cell.kernel + (cell.bias[0] if cell.kind == "GRU" else cell.bias)


def step(cell: Cell, xw_t: np.ndarray, state: State) -> tuple[State, Cache]:
    """One step from ``state`` given this step's projected input ``xw_t`` (B, G n)."""
    h, c = state
    n, act, U = cell.units, activation(cell.activation).f, cell.recurrent_kernel
    if cell.kind == "SimpleRNN":
        pre = xw_t + h @ U
        h_new = act(pre)
        return (h_new, None), Cache(h, pre, h_new, h_new)
    if cell.kind == "LSTM":
        pre = xw_t + h @ U
        a = sigmoid(pre)
        g = a[:, 2 * n:3 * n] = act(pre[:, 2 * n:3 * n])
        c_new = a[:, n:2 * n] * c + a[:, :n] * g
        act_c = act(c_new)
        h_new = a[:, 3 * n:] * act_c
        return (h_new, c_new), Cache(h, pre, a, h_new, c, c_new, act_c)
    if cell.kind == "GRU":
        rec = h @ U + cell.bias[1]
        pre, a = np.empty_like(rec), np.empty_like(rec)
        pre[:, :2 * n] = xw_t[:, :2 * n] + rec[:, :2 * n]
        a[:, :2 * n] = sigmoid(pre[:, :2 * n])
        rec_h = rec[:, 2 * n:]
        pre[:, 2 * n:] = xw_t[:, 2 * n:] + a[:, n:2 * n] * rec_h
        g = a[:, 2 * n:] = act(pre[:, 2 * n:])
        h_new = g + a[:, :n] * (h - g)
        return (h_new, None), Cache(h, pre, a, h_new, rec_h=rec_h)
    raise kinds.UnknownKind(cell.kind)


def step_back(cell: Cell, cache: Cache, d_state: State
              ) -> tuple[State, np.ndarray, np.ndarray]:
    """The step back through :func:`step`: given (dL/dh, dL/dc) of its new state (dL/dc None
    at the last step), returns (dL/dh_prev, dL/dc_prev), dL/d(projected input) (B, G n) and
    dL/d(recurrent part) (B, G n; the same array except for GRU's candidate block)."""
    dh, dc = d_state
    n, slope, U = cell.units, activation(cell.activation).slope, cell.recurrent_kernel
    a = cache.gates
    if cell.kind == "SimpleRNN":
        dz = dh * slope(a)
        return (dz @ U.T, None), dz, dz
    if cell.kind == "LSTM":
        dc = dh * a[:, 3 * n:] * slope(cache.act_c) + (0.0 if dc is None else dc)
        dz = np.empty_like(a)
        dz[:, :n] = dc * a[:, 2 * n:3 * n]  # d/di = dc g
        dz[:, n:2 * n] = dc * cache.c_prev  # d/df = dc c_prev
        dz[:, 2 * n:3 * n] = dc * a[:, :n]  # d/dg = dc i
        dz[:, 3 * n:] = dh * cache.act_c  # d/do = dh act(c)
        d = a * (1.0 - a)
        d[:, 2 * n:3 * n] = slope(a[:, 2 * n:3 * n])
        dz *= d
        return (dz @ U.T, dc * a[:, n:2 * n]), dz, dz
    if cell.kind == "GRU":
        z, r, g = a[:, :n], a[:, n:2 * n], a[:, 2 * n:]
        dg = dh * (1.0 - z) * slope(g)
        dz = np.empty_like(a)
        dz[:, :n] = dh * (cache.h_prev - g)
        dz[:, n:2 * n] = dg * cache.rec_h
        dz[:, :2 * n] *= a[:, :2 * n] * (1.0 - a[:, :2 * n])
        dz[:, 2 * n:] = dg
        dr = dz.copy()
        dr[:, 2 * n:] = dg * r
        return (dh * z + dr @ U.T, None), dz, dr
    raise kinds.UnknownKind(cell.kind)


@dataclass
class Tape:
    """A sequence read by :func:`forward` (or step by step): inputs X (T, B, d), a cache a step."""

    X: np.ndarray
    caches: list[Cache]

    @property
    def H(self) -> np.ndarray:
        """(T + 1, B, n): H[0] the zero state, H[t] = h_t."""
        return np.stack([self.caches[0].h_prev] + [c.h for c in self.caches])

    def stacked(self, name: str) -> np.ndarray:
        """One field of every step's cache, (T, B, ...)."""
        return np.stack([getattr(c, name) for c in self.caches])


def forward(cell: Cell, X: np.ndarray) -> Tape:
    """Read X (T, B, d), time-major, T >= 1, from zero states."""
    xw = project(cell, X)
    state, caches = initial_state(cell, X.shape[1]), []
    for t in range(len(X)):
        state, cache = step(cell, xw[t], state)
        caches.append(cache)
    return Tape(X, caches)


def backward(cell: Cell, tape: Tape, dH: np.ndarray) -> list[np.ndarray]:
    """Gradients for [kernel, recurrent_kernel, bias] (Keras's order) given dL/dh_t from
    outside the recurrence (the outputs' gradients), dH (T, B, n). Back-propagation runs
    through time one step at a time; the weight gradients of all steps are then summed in one
    matrix product each."""
    T, B, d = tape.X.shape
    dZ = np.empty((T, B, cell.recurrent_kernel.shape[1]))
    dR = np.empty_like(dZ) if cell.kind == "GRU" else dZ
    carry, dc = 0.0, None
    for t in range(T - 1, -1, -1):
        (carry, dc), dZ[t], dr = step_back(cell, tape.caches[t], (dH[t] + carry, dc))
        if dR is not dZ:
            dR[t] = dr
    flat, rflat = dZ.reshape(T * B, -1), dR.reshape(T * B, -1)
    h_prev = tape.stacked("h_prev").reshape(T * B, -1)
    d_bias = np.stack([flat.sum(0), rflat.sum(0)]) if cell.kind == "GRU" else flat.sum(0)
    return [tape.X.reshape(T * B, d).T @ flat, h_prev.T @ rflat, d_bias]
