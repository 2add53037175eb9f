"""LSTM and GRU cells in NumPy, in Keras's weight layout, returning every gate at every step.

Lecture 002's equations, with Keras's names for the weights (so weights copy straight from
``keras.layers.LSTM`` / ``keras.layers.GRU``; the tests check the outputs agree):

LSTM (``kernel`` (d, 4n), ``recurrent_kernel`` (n, 4n), ``bias`` (4n,), gate order i, f, c, o)
    i = sigmoid(x W_i + h U_i + b_i)      input gate: how much of g to write
    f = sigmoid(x W_f + h U_f + b_f)      forget gate: how much of c to keep
    g = tanh(x W_c + h U_c + b_c)         candidate cell value
    o = sigmoid(x W_o + h U_o + b_o)      output gate: how much of the cell to read
    c = f * c_prev + i * g                the cell state: the "highway" of lecture 004
    h = o * tanh(c)

GRU, Keras 3's default ``reset_after=True`` (``bias`` (2, 3n): input and recurrent biases,
gate order z, r, h)
    z = sigmoid(x W_z + b_z + h U_z + b'_z)          update gate: how much of h to keep
    r = sigmoid(x W_r + b_r + h U_r + b'_r)          reset gate
    g = tanh(x W_h + b_h + r * (h U_h + b'_h))       candidate
    h = z * h_prev + (1 - z) * g

``forget_bias_shift`` / ``input_bias_shift`` add to the f / i (LSTM) or z (GRU) pre-activations:
the page's sliders for making memory visible.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lab import kinds
from lab.maths import glorot_uniform, orthogonal, sigmoid
from lab.errors import InvalidInput

LSTM_GATES = ("i", "f", "g", "o", "c", "h")
GRU_GATES = ("z", "r", "g", "h")


param_count = kinds.param_count  # SimpleRNN n(d+n+1); LSTM 4n(d+n+1); GRU 3n(d+n+2)


@dataclass
class Cell:
    """Weights of one recurrent layer in Keras's layout. ``kind``: "LSTM", "GRU" or "SimpleRNN"."""

    kind: str
    kernel: np.ndarray
    recurrent_kernel: np.ndarray
    bias: np.ndarray

    @property
    def units(self) -> int:
        return self.recurrent_kernel.shape[0]

    @property
    def input_dim(self) -> int:
        return self.kernel.shape[0]

    def weights(self) -> list[np.ndarray]:
        """In the order ``keras.layers.X.set_weights`` takes them."""
        return [self.kernel, self.recurrent_kernel, self.bias]


def init_cell(kind: str, d: int, n: int, seed: int = 0) -> Cell:
    """Keras's default initialisation: Glorot kernel, orthogonal recurrent kernel, zero bias
    except the LSTM forget gate's, which starts at 1 (``unit_forget_bias``)."""
    gates = kinds.gates(kind)
    rng = np.random.default_rng(seed)
    kernel = glorot_uniform((d, gates * n), rng)
    recurrent = np.hstack([orthogonal(n, rng) for _ in range(gates)])
    if kind == "GRU":
        bias = np.zeros((2, 3 * n))
    else:
        bias = np.zeros(gates * n)
        if kind == "LSTM":
            bias[n:2 * n] = 1.0
    return Cell(kind, kernel, recurrent, bias)


@dataclass(frozen=True)
class GateTrace:
    """Every gate and state at every step: ``values[name]`` is (m, T, n)."""

    kind: str
    values: dict[str, np.ndarray]
    pre: dict[str, np.ndarray]  # pre-activations of the gates, (m, T, n)

    @property
    def h(self) -> np.ndarray:
        return self.values["h"]


def run(cell: Cell, x: np.ndarray, forget_bias_shift: float = 0.0,
        input_bias_shift: float = 0.0) -> GateTrace:
    """Run ``cell`` over x (m, T, d) from zero states, keeping every gate."""
    x = np.asarray(x, dtype=float)
    if x.ndim != 3 or x.shape[1] < 1:
        raise InvalidInput("args.shape", expected="(m, T, d), T >= 1", shape=x.shape)
    if x.shape[2] != cell.input_dim:
        raise InvalidInput("args.features", got=x.shape[2], expected=cell.input_dim)
    m, T, _ = x.shape
    n = cell.units
    names = {"LSTM": LSTM_GATES, "GRU": GRU_GATES, "SimpleRNN": ("h",)}[cell.kind]
    values = {k: np.zeros((m, T, n)) for k in names}
    pre = {k: np.zeros((m, T, n)) for k in names if k not in ("c", "h")}
    h = np.zeros((m, n))
    c = np.zeros((m, n))
    xw = x @ cell.kernel  # (m, T, gates*n): the input part of every gate at once
    for t in range(T):
        if cell.kind == "LSTM":
            z = xw[:, t] + h @ cell.recurrent_kernel + cell.bias
            zi, zf, zg, zo = (z[:, k * n:(k + 1) * n] for k in range(4))
            zi, zf = zi + input_bias_shift, zf + forget_bias_shift
            i, f, g, o = sigmoid(zi), sigmoid(zf), np.tanh(zg), sigmoid(zo)
            c = f * c + i * g
            h = o * np.tanh(c)
            step = {"i": i, "f": f, "g": g, "o": o, "c": c, "h": h}
            step_pre = {"i": zi, "f": zf, "g": zg, "o": zo}
        elif cell.kind == "GRU":
            xz = xw[:, t] + cell.bias[0]
            rec = h @ cell.recurrent_kernel + cell.bias[1]
            zz = xz[:, :n] + rec[:, :n] + forget_bias_shift
            zr = xz[:, n:2 * n] + rec[:, n:2 * n]
            r = sigmoid(zr)
            zg = xz[:, 2 * n:] + r * rec[:, 2 * n:]
            u, g = sigmoid(zz), np.tanh(zg)
            h = u * h + (1 - u) * g
            step = {"z": u, "r": r, "g": g, "h": h}
            step_pre = {"z": zz, "r": zr, "g": zg}
        else:
            zh = xw[:, t] + h @ cell.recurrent_kernel + cell.bias
            h = np.tanh(zh)
            step, step_pre = {"h": h}, {}
        for k, v in step.items():
            values[k][:, t] = v
        for k, v in step_pre.items():
            pre[k][:, t] = v
    return GateTrace(cell.kind, values, pre)


def equations_at(cell: Cell, trace: GateTrace, x: np.ndarray, t: int, unit: int,
                 sample: int = 0) -> list[str]:
    """The gate equations of one unit at step t (1-based), with the actual numbers."""
    v = {k: a[sample, t - 1, unit] for k, a in trace.values.items()}
    p = {k: a[sample, t - 1, unit] for k, a in trace.pre.items()}
    prev = {k: (a[sample, t - 2, unit] if t > 1 else 0.0) for k, a in trace.values.items()}
    if cell.kind == "LSTM":
        return [f"i = sigmoid({p['i']:.3f}) = {v['i']:.3f}",
                f"f = sigmoid({p['f']:.3f}) = {v['f']:.3f}",
                f"g = tanh({p['g']:.3f}) = {v['g']:.3f}",
                f"o = sigmoid({p['o']:.3f}) = {v['o']:.3f}",
                f"c = f·c_prev + i·g = {v['f']:.3f}·{prev['c']:.3f} + {v['i']:.3f}·{v['g']:.3f}"
                f" = {v['c']:.3f}",
                f"h = o·tanh(c) = {v['o']:.3f}·tanh({v['c']:.3f}) = {v['h']:.3f}"]
    if cell.kind == "GRU":
        return [f"z = sigmoid({p['z']:.3f}) = {v['z']:.3f}",
                f"r = sigmoid({p['r']:.3f}) = {v['r']:.3f}",
                f"g = tanh({p['g']:.3f}) = {v['g']:.3f}",
                f"h = z·h_prev + (1 − z)·g = {v['z']:.3f}·{prev['h']:.3f} + "
                f"{1 - v['z']:.3f}·{v['g']:.3f} = {v['h']:.3f}"]
    return [f"h = tanh(x·W + h_prev·U + b) = {v['h']:.3f}"]


def dense_sigmoid(trace: GateTrace, w: np.ndarray, b: np.ndarray) -> float:
    """``Dense(1, sigmoid)`` on the last step's h of the first sequence: a classifier's P."""
    return float(sigmoid(trace.h[0, -1] @ w + b)[0])
