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

import math
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numba as nb
import numpy as np
from numba.extending import overload

from lab.maths import kinds
from lab.maths.activations import activation
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


def dtype_of(cell: Cell) -> np.dtype:
    """The cell's arithmetic: its recurrent kernel's dtype (float64, or float32 as Keras)."""
    return cell.recurrent_kernel.dtype


def initial_state(cell: Cell, batch: int) -> State:
    """Zero states, as Keras starts every sequence."""
    h = np.zeros((batch, cell.units), dtype_of(cell))
    return h, (np.zeros_like(h) if cell.kind == "LSTM" else None)


def project(cell: Cell, X: np.ndarray) -> np.ndarray:
    """The input part of every gate, for all steps at once: X W + b (GRU: + b0)."""
    X = np.asarray(X, cell.kernel.dtype)
    flat = dot(np.ascontiguousarray(X.reshape(-1, X.shape[-1])), cell.kernel)
    return flat.reshape(X.shape[:-1] + (-1,)) + (cell.bias[0] if cell.kind == "GRU" else cell.bias)


class Tape:
    """A sequence read by :func:`forward` (or step by step), every step's arrays stacked,
    time-major: X (T, B, d); H (T + 1, B, n), H[0] the start state; pre and gates (T, B, G n);
    LSTM: C (T + 1, B, n) and act_c (T, B, n); GRU: rec_h (T, B, n). ``Tape(X, caches)``
    stacks the caches of steps taken one at a time (lab.networks.charseq)."""

    def __init__(self, X, caches: list[Cache] | None = None, *, H=None, pre=None, gates=None,
                 C=None, act_c=None, rec_h=None):
        if caches is not None:
            def along(name):
                return None if getattr(caches[0], name) is None else np.stack(
                    [getattr(c, name) for c in caches])
            H = np.concatenate([caches[0].h_prev[None], along("h")])
            pre, gates, act_c, rec_h = along("pre"), along("gates"), along("act_c"), along("rec_h")
            if caches[0].c is not None:
                C = np.concatenate([caches[0].c_prev[None], along("c")])
        self.X, self.H, self.pre, self.gates = X, H, pre, gates
        self.C, self.act_c, self.rec_h = C, act_c, rec_h

    def stacked(self, name: str) -> np.ndarray:
        """One field of every step's cache, (T, B, ...)."""
        if name in ("h", "h_prev", "c", "c_prev"):
            whole = self.H if name[0] == "h" else self.C
            return whole[:-1] if name.endswith("prev") else whole[1:]
        return getattr(self, name)

    @property
    def caches(self) -> list[Cache]:
        """Step t's cache, views into the stacked arrays."""
        lstm = self.C is not None
        return [Cache(self.H[t], self.pre[t], self.gates[t], self.H[t + 1],
                      self.C[t] if lstm else None, self.C[t + 1] if lstm else None,
                      None if self.act_c is None else self.act_c[t],
                      None if self.rec_h is None else self.rec_h[t])
                for t in range(len(self.gates))]


def forward(cell: Cell, X: np.ndarray) -> Tape:
    """Read X (T, B, d), time-major, T >= 1, from zero states."""
    X = np.asarray(X, dtype_of(cell))
    tape = _run(cell, project(cell, X), initial_state(cell, X.shape[1]))
    tape.X = X
    return tape


def step(cell: Cell, xw_t: np.ndarray, state: State) -> tuple[State, Cache]:
    """One step from ``state`` given this step's projected input ``xw_t`` (B, G n)."""
    tape = _run(cell, np.asarray(xw_t)[None], state)
    return (tape.H[1], None if tape.C is None else tape.C[1]), tape.caches[0]


def backward(cell: Cell, tape: Tape, dH: np.ndarray) -> list[np.ndarray]:
    """Gradients for [kernel, recurrent_kernel, bias] (Keras's order) given dL/dh_t from
    outside the recurrence (the outputs' gradients), dH (T, B, n). Back-propagation runs
    through time in the compiled kernel; the weight gradients of all steps are then summed in
    one matrix product each."""
    T, B, d = tape.X.shape
    dZ, dR, _ = _run_back(cell, tape, dH, (None, None))
    flat, rflat = dZ.reshape(T * B, -1), dR.reshape(T * B, -1)
    h_prev = tape.H[:-1].reshape(T * B, -1)
    d_bias = np.stack([flat.sum(0), rflat.sum(0)]) if cell.kind == "GRU" else flat.sum(0)
    X = np.ascontiguousarray(tape.X.reshape(T * B, d), flat.dtype)
    return [dot(X.T, flat), dot(h_prev.T, rflat), d_bias]


def pre_activation_grads(cell: Cell, tape: Tape, dH: np.ndarray) -> np.ndarray:
    """dL/d(pre-activations) of every step, (T, B, G n), given dL/dh_t from outside the
    recurrence, dH (T, B, n): what :func:`backward` sums into the weight gradients (the
    lecture's ``err_to_cell`` of each step, for SimpleRNN). The recurrent part's, which differs
    for GRU's candidate block, is not returned."""
    return _run_back(cell, tape, dH, (None, None))[0]


def step_back(cell: Cell, cache: Cache, d_state: State
              ) -> tuple[State, np.ndarray, np.ndarray]:
    """The step back through :func:`step`: given (dL/dh, dL/dc) of its new state (dL/dc None
    at the last step), returns (dL/dh_prev, dL/dc_prev), dL/d(projected input) (B, G n) and
    dL/d(recurrent part) (B, G n; the same array except for GRU's candidate block)."""
    lstm = cache.c is not None
    one = Tape(None, H=np.stack([cache.h_prev, cache.h]), gates=cache.gates[None],
               C=np.stack([cache.c_prev, cache.c]) if lstm else None,
               act_c=None if cache.act_c is None else cache.act_c[None],
               rec_h=None if cache.rec_h is None else cache.rec_h[None])
    dZ, dR, (dh, dc) = _run_back(cell, one, np.zeros((1,) + cache.h.shape), d_state)
    return (dh, dc if lstm else None), dZ[0], dR[0]


# --- The compiled kernel ---------------------------------------------------------------------
# numba compiles it once per machine (cache=True keeps the machine code beside this file).
# A step is one matrix product h_prev U (BLAS, the whole batch at once) and a few passes over
# the batch's gates that the compiler vectorises; nothing is allocated and no Python runs
# between steps. The arithmetic
# is the arrays' dtype: float64 with the exact functions, float32 as Keras on TensorFlow
# computes it, tanh as Eigen's rational approximation (TensorFlow's float32 tanh, within a
# few float32 ulps of the exact one) and sigmoid(z) = (1 + tanh(z / 2)) / 2.

SIMPLE, LSTM, GRU = (kinds.KINDS.index(k) for k in ("SimpleRNN", "LSTM", "GRU"))
ACT_NAMES = ("linear", "sigmoid", "tanh", "relu")  # the activations the kernel knows, by code
LINEAR, SIGMOID, TANH, RELU = range(len(ACT_NAMES))
TANH_CLAMP = 7.90531110763549805  # beyond it float32 tanh is +-1
TANH_P = (4.89352455891786e-03, 6.37261928875436e-04, 1.48572235717979e-05,  # x, x^3, ..., x^13
          5.12229709037114e-08, -8.60467152213735e-11, 2.00018790482477e-13,
          -2.76076847742355e-16)
TANH_Q = (4.89352518554385e-03, 2.26843463243900e-03, 1.18534705686654e-04,  # 1, x^2, ..., x^6
          1.19825839466702e-06)


def _one_blas_thread() -> None:
    """numba's matrix products call SciPy's BLAS. At the kernel's sizes (a batch of 32 by 16 to
    256 columns) a second BLAS thread only spins, and on a loaded server that costs several
    times the arithmetic: SciPy's BLAS gets one thread (NumPy's own BLAS keeps its threads)."""
    import scipy.linalg.cython_blas  # noqa: F401  (loads the library numba calls)
    from threadpoolctl import ThreadpoolController

    for lib in ThreadpoolController().lib_controllers:
        if lib.user_api == "blas" and "scipy" in Path(lib.filepath).parent.as_posix().lower():
            lib.set_num_threads(1)


_one_blas_thread()


def _real(numba_type) -> type:
    """np.float32 or np.float64 for a numba float or float array type."""
    bits = getattr(numba_type, "dtype", numba_type).bitwidth
    return np.float32 if bits == 32 else np.float64


def _tanh(z):
    """tanh in z's precision (compiled code gets the overload below)."""
    return math.tanh(z)


@overload(_tanh)
def _typed_tanh(z):
    if _real(z) is np.float64:
        return lambda z: math.tanh(z)
    F = np.float32
    c = F(TANH_CLAMP)
    p1, p3, p5, p7, p9, p11, p13 = (F(v) for v in TANH_P)
    q0, q2, q4, q6 = (F(v) for v in TANH_Q)

    def eigen(z):
        x = c if z > c else z  # NaN stays NaN
        x = -c if x < -c else x
        x2 = x * x
        p = ((((((p13 * x2 + p11) * x2 + p9) * x2 + p7) * x2 + p5) * x2 + p3) * x2 + p1) * x
        return p / (((q6 * x2 + q4) * x2 + q2) * x2 + q0)
    return eigen


def _sig(z):
    """The logistic function in z's precision (compiled code gets the overload below)."""
    return 1.0 / (1.0 + math.exp(-z))


@overload(_sig)
def _typed_sig(z):
    if _real(z) is np.float64:
        return lambda z: 1.0 / (1.0 + math.exp(-z))
    half = np.float32(0.5)
    return lambda z: half + half * _tanh(half * z)


def _act(z, code):
    """The cell's activation (``ACT_NAMES[code]``); compiled code gets the overload below."""
    return activation(ACT_NAMES[code]).f(z)


@overload(_act)
def _typed_act(z, code):
    zero = _real(z)(0)

    def act(z, code):
        if code == TANH:
            return _tanh(z)
        if code == SIGMOID:
            return _sig(z)
        if code == RELU:
            return zero if z <= zero else z  # NaN stays NaN, as np.maximum
        return z
    return act


def _slope(y, code):
    """The activation's slope from its output (compiled code gets the overload below)."""
    return activation(ACT_NAMES[code]).slope(y)


def _one(a):
    """1 in the array's dtype (compiled code gets the overload below)."""
    return a.dtype.type(1)


@overload(_one)
def _typed_one(a):
    one = _real(a)(1)
    return lambda a: one


@overload(_slope)
def _typed_slope(y, code):
    zero, one = _real(y)(0), _real(y)(1)

    def slope(y, code):
        if code == TANH:
            return one - y * y
        if code == SIGMOID:
            return y * (one - y)
        if code == RELU:
            return one if y > zero else zero
        return one
    return slope


@nb.njit(cache=True)
def dot(A, B):
    """A B for 2-D arrays of one dtype through SciPy's single-threaded BLAS (see
    :func:`_one_blas_thread`): NumPy's ``@`` may wake a second thread that only spins."""
    return np.dot(A, B)


@nb.njit(cache=True, error_model="numpy")
def _activate(code, src, dst, lo, hi):
    """dst[:, lo:hi] = act(src[:, lo:hi]) for (B, .) arrays: a loop the compiler vectorises
    (the activation is chosen once, outside it)."""
    if code == TANH:
        for b in range(src.shape[0]):
            for j in range(lo, hi):
                dst[b, j] = _tanh(src[b, j])
    elif code == SIGMOID:
        for b in range(src.shape[0]):
            for j in range(lo, hi):
                dst[b, j] = _sig(src[b, j])
    elif code == RELU:
        for b in range(src.shape[0]):
            for j in range(lo, hi):
                dst[b, j] = _act(src[b, j], RELU)
    else:
        for b in range(src.shape[0]):
            for j in range(lo, hi):
                dst[b, j] = src[b, j]


@nb.njit(cache=True, error_model="numpy")
def _slopes(code, y, lo, dst):
    """dst[:, :] = act'(from the outputs y[:, lo:lo + dst.shape[1]])."""
    if code == TANH:
        for b in range(dst.shape[0]):
            for j in range(dst.shape[1]):
                dst[b, j] = _slope(y[b, lo + j], TANH)
    elif code == SIGMOID:
        for b in range(dst.shape[0]):
            for j in range(dst.shape[1]):
                dst[b, j] = _slope(y[b, lo + j], SIGMOID)
    elif code == RELU:
        for b in range(dst.shape[0]):
            for j in range(dst.shape[1]):
                dst[b, j] = _slope(y[b, lo + j], RELU)
    else:
        for b in range(dst.shape[0]):
            for j in range(dst.shape[1]):
                dst[b, j] = _slope(y[b, lo + j], LINEAR)


@nb.njit(cache=True, error_model="numpy")
def forward_kernel(kind, code, U, b1, xw, H, C, pre, gates, aux):
    """Steps 0..T-1 from H[0] (LSTM: and C[0]): fills H[1:], C[1:], pre, gates and aux (LSTM:
    act(c); GRU: h_prev U_h + b1_h; unused for SimpleRNN). xw (T, B, G n) is the projected
    input, b1 GRU's recurrent bias (unused for the others)."""
    T, B, G = xw.shape
    n = U.shape[0]
    R = np.empty((B, G), xw.dtype)
    for t in range(T):
        np.dot(H[t], U, R)
        x, p, a, h, hp = xw[t], pre[t], gates[t], H[t + 1], H[t]
        if kind == SIMPLE:
            for b in range(B):
                for j in range(n):
                    p[b, j] = x[b, j] + R[b, j]
            _activate(code, p, a, 0, n)
            for b in range(B):
                for j in range(n):
                    h[b, j] = a[b, j]
        elif kind == LSTM:
            c, cp, ac = C[t + 1], C[t], aux[t]
            for b in range(B):
                for j in range(G):
                    p[b, j] = x[b, j] + R[b, j]
                    a[b, j] = _sig(p[b, j])
            _activate(code, p, a, 2 * n, 3 * n)
            for b in range(B):
                for j in range(n):
                    c[b, j] = a[b, n + j] * cp[b, j] + a[b, j] * a[b, 2 * n + j]
            _activate(code, c, ac, 0, n)
            for b in range(B):
                for j in range(n):
                    h[b, j] = a[b, 3 * n + j] * ac[b, j]
        else:
            rh = aux[t]
            for b in range(B):
                for j in range(2 * n):
                    p[b, j] = x[b, j] + (R[b, j] + b1[j])
                    a[b, j] = _sig(p[b, j])
                for j in range(n):
                    rh[b, j] = R[b, 2 * n + j] + b1[2 * n + j]
                    p[b, 2 * n + j] = x[b, 2 * n + j] + a[b, n + j] * rh[b, j]
            _activate(code, p, a, 2 * n, 3 * n)
            for b in range(B):
                for j in range(n):
                    g = a[b, 2 * n + j]
                    h[b, j] = g + a[b, j] * (hp[b, j] - g)


@nb.njit(cache=True, error_model="numpy")
def backward_kernel(kind, code, U, dH, H, C, gates, aux, dZ, dR, dh, dc):
    """Back through steps T-1..0 of :func:`forward_kernel`. dH (T, B, n): dL/dh_t from outside
    the recurrence. dh, dc (B, n): on entry dL/dh_T and dL/dc_T from beyond the last step,
    on exit dL/dh_0 and dL/dc_0. Fills dZ, dL/d(projected input), and dR, dL/d(recurrent
    part), (T, B, G n): the same array except for GRU."""
    T, B, G = dZ.shape
    n = U.shape[0]
    UT = np.ascontiguousarray(U.T)
    around = np.zeros((B, n), dZ.dtype)  # GRU: dh z, the path that skips U
    s1, s2 = np.empty((B, n), dZ.dtype), np.empty((B, n), dZ.dtype)  # the activation's slopes
    one = _one(dZ)
    for t in range(T - 1, -1, -1):
        a, e, dz, dr = gates[t], dH[t], dZ[t], dR[t]
        if kind == SIMPLE:
            _slopes(code, a, 0, s1)
            for b in range(B):
                for j in range(n):
                    dz[b, j] = (e[b, j] + dh[b, j]) * s1[b, j]
        elif kind == LSTM:
            ac, cp = aux[t], C[t]
            _slopes(code, ac, 0, s1)
            _slopes(code, a, 2 * n, s2)
            for b in range(B):
                for j in range(n):
                    d = e[b, j] + dh[b, j]
                    i, f = a[b, j], a[b, n + j]
                    g, o = a[b, 2 * n + j], a[b, 3 * n + j]
                    dcj = d * o * s1[b, j] + dc[b, j]
                    dz[b, j] = dcj * g * (i * (one - i))
                    dz[b, n + j] = dcj * cp[b, j] * (f * (one - f))
                    dz[b, 2 * n + j] = dcj * i * s2[b, j]
                    dz[b, 3 * n + j] = d * ac[b, j] * (o * (one - o))
                    dc[b, j] = dcj * f
        else:
            rh, hp = aux[t], H[t]
            _slopes(code, a, 2 * n, s1)
            for b in range(B):
                for j in range(n):
                    d = e[b, j] + dh[b, j]
                    z, r, g = a[b, j], a[b, n + j], a[b, 2 * n + j]
                    dg = d * (one - z) * s1[b, j]
                    dz[b, j] = dr[b, j] = d * (hp[b, j] - g) * (z * (one - z))
                    dz[b, n + j] = dr[b, n + j] = dg * rh[b, j] * (r * (one - r))
                    dz[b, 2 * n + j] = dg
                    dr[b, 2 * n + j] = dg * r
                    around[b, j] = d * z
        np.dot(dr, UT, dh)
        if kind == GRU:
            dh += around


def _codes(cell: Cell) -> tuple[int, int]:
    if cell.kind not in kinds.KINDS:
        raise kinds.UnknownKind(cell.kind)
    activation(cell.activation)  # InvalidInput for a name the table does not have
    return kinds.KINDS.index(cell.kind), ACT_NAMES.index(cell.activation)


def _run(cell: Cell, xw: np.ndarray, state: State) -> Tape:
    """The compiled forward pass over projected inputs xw (T, B, G n) from ``state``."""
    kind, code = _codes(cell)
    real = dtype_of(cell)
    T, B, G = xw.shape
    n = cell.units
    lstm = cell.kind == "LSTM"
    H, C = np.empty((T + 1, B, n), real), np.empty((T + 1, B, n) if lstm else (1, 1, 1), real)
    H[0] = state[0]
    if lstm:
        C[0] = state[1]
    pre, gates = np.empty((T, B, G), real), np.empty((T, B, G), real)
    aux = np.empty((T, B, n) if cell.kind != "SimpleRNN" else (1, 1, 1), real)
    b1 = cell.bias[1] if cell.kind == "GRU" else np.zeros(G)
    forward_kernel(kind, code, np.ascontiguousarray(cell.recurrent_kernel),
                   np.ascontiguousarray(b1, real), np.ascontiguousarray(xw, real),
                   H, C, pre, gates, aux)
    return Tape(None, H=H, pre=pre, gates=gates, C=C if lstm else None,
                act_c=aux if lstm else None, rec_h=aux if cell.kind == "GRU" else None)


def _run_back(cell: Cell, tape: Tape, dH: np.ndarray, d_end: State):
    """The compiled backward pass: (dZ, dR, (dL/dh_0, dL/dc_0)) given dL/d(state) beyond the
    last step, ``d_end`` (None for zeros)."""
    kind, code = _codes(cell)
    real = dtype_of(cell)
    T, B, n = dH.shape
    G = cell.recurrent_kernel.shape[1]
    dZ = np.empty((T, B, G), real)
    dR = np.empty_like(dZ) if cell.kind == "GRU" else dZ
    dh, dc = (np.zeros((B, n), real) if v is None else np.array(v, real) for v in d_end)
    c = lambda a: np.ascontiguousarray(a, real)  # noqa: E731
    unused = np.empty((1, 1, 1), real)
    aux = tape.act_c if tape.act_c is not None else tape.rec_h
    backward_kernel(kind, code, c(cell.recurrent_kernel), c(dH), c(tape.H),
                    unused if tape.C is None else c(tape.C), c(tape.gates),
                    unused if aux is None else c(aux), dZ, dR, dh, dc)
    return dZ, dR, (dh, dc)
