"""The gate inspector's view of LSTM and GRU cells: every gate at every step, and the
equations with their numbers. The cells run in the maths kernel (``lab.maths.recurrent``, in
Keras's weight layout: weights copy straight from ``keras.layers.LSTM`` / ``keras.layers.GRU``;
the tests check the outputs agree). Lecture 002's equations, with Keras's names:

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

from dataclasses import dataclass, replace

import numpy as np

from lab.core.errors import InvalidInput
from lab.maths import recurrent, sigmoid
from lab.maths.recurrent import Cell, init_cell  # noqa: F401  (the inspector's cells)


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
    if x.shape[2] != len(cell.kernel):
        raise InvalidInput("args.features", got=x.shape[2], expected=len(cell.kernel))
    n = cell.units
    bias = cell.bias.copy()
    if cell.kind == "LSTM":
        bias[:n] += input_bias_shift
        bias[n:2 * n] += forget_bias_shift
    elif cell.kind == "GRU":
        bias[0, :n] += forget_bias_shift
    tape = recurrent.forward(replace(cell, bias=bias), x.transpose(1, 0, 2))
    batch_major = lambda a: a.transpose(1, 0, 2)  # noqa: E731  (T, m, .) -> (m, T, .)
    gates, pre_all = batch_major(tape.stacked("gates")), batch_major(tape.stacked("pre"))
    blocks = {k: slice(i * n, (i + 1) * n) for i, k in enumerate(recurrent.GATE_NAMES[cell.kind])}
    values = {k: gates[..., b] for k, b in blocks.items()}
    if cell.kind == "LSTM":
        values["c"] = batch_major(tape.stacked("c"))
    values["h"] = batch_major(tape.H[1:])
    return GateTrace(cell.kind, values, {k: pre_all[..., b] for k, b in blocks.items()})


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
