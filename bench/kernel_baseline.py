"""Today's kernel before issue 28, kept only as the benchmark's baseline (``bench.kernel``):
the NumPy recurrent step of lab/maths/recurrent.py, the forecaster's batch loop of
lab/networks/seqnet.py and Adam's NumPy update of lab/maths/adam.py as they were at commit
c3017ff, float64, every step a handful of NumPy calls from Python. Nothing in lab/ uses it.

``today()`` puts it behind ``lab.networks.seqnet`` for the duration of a ``with`` block, so the
page's own training path (``lab.models.stock_model.train``) runs on it unchanged.
"""

from __future__ import annotations

import contextlib
import functools
from dataclasses import dataclass
from unittest import mock

import numpy as np
from threadpoolctl import threadpool_limits

from lab.core.errors import Cancelled
from lab.maths import kinds, mse
from lab.maths.activations import activation, sigmoid
from lab.maths.recurrent import Cache, Cell, project
from lab.networks import seqnet


State = tuple


def initial_state(cell: Cell, batch: int) -> State:
    h = np.zeros((batch, cell.units))
    return h, (np.zeros_like(h) if cell.kind == "LSTM" else None)

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


# --- seqnet's batch loop and Adam's update, as they were ------------------------------------

def adam_step(opt, weights: list[np.ndarray], grads: list[np.ndarray]) -> None:
    if not opt.m:
        opt.m = [np.zeros_like(w) for w in weights]
        opt.v = [np.zeros_like(w) for w in weights]
    opt.iterations += 1
    alpha = opt._alpha(np.float64)
    for w, g, m, v in zip(weights, grads, opt.m, opt.v):
        m += (g - m) * (1 - opt.beta_1)
        v += (g * g - v) * (1 - opt.beta_2)
        w -= m * alpha / (np.sqrt(v) + opt.epsilon)


def net_forward(net, X: np.ndarray, keep: bool = False):
    X = np.ascontiguousarray(np.asarray(X, dtype=float).transpose(1, 0, 2))
    tape = forward(net.cell, X)
    y = tape.caches[-1].h @ net.w + net.b
    return (y, tape) if keep else y


def net_backward(net, tape: Tape, dy: np.ndarray) -> list[np.ndarray]:
    dH = np.zeros(tape.X.shape[:2] + (net.units,))
    dH[-1] = dy @ net.w.T
    return backward(net.cell, tape, dH) + [tape.caches[-1].h.T @ dy, dy.sum(0)]


def epoch(net, opt, X, y, order, batch_size, n_batches, on_batch, should_stop) -> float:
    total, seen = 0.0, 0
    for k in range(n_batches):
        if should_stop is not None and should_stop():
            raise Cancelled
        idx = order[k * batch_size:(k + 1) * batch_size]
        out, tape = net_forward(net, X[idx], keep=True)
        loss, dy = mse(out, y[idx])
        if not seqnet._finite(loss):
            return float("nan")
        adam_step(opt, net.weights(), net_backward(net, tape, dy))
        total += loss * len(idx)
        seen += len(idx)
        if on_batch is not None:
            on_batch(k + 1, n_batches)
    return total / max(seen, 1)


@contextlib.contextmanager
def today():
    """lab.networks.seqnet trains and predicts on this kernel, in float64, inside the block,
    with BLAS on one thread: its best case (at these sizes a second BLAS thread only spins,
    and on a loaded machine that costs it several times its CPU)."""
    with threadpool_limits(1, user_api="blas"), \
            mock.patch.object(seqnet, "_epoch", epoch), \
            mock.patch.object(seqnet, "forward", net_forward), \
            mock.patch.object(seqnet, "fit", functools.partial(seqnet.fit, dtype=np.float64)):
        yield
