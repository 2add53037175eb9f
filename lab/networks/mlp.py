"""A 2-H-1 sigmoid network for XOR, written in NumPy (lecture 000, section 4.2).

The lecture's network is ``H = sigmoid(x @ w1 + b1)``, ``y = sigmoid(H @ w2 + b2)`` with
``w1`` 2xH, ``b1`` of length H, ``w2`` Hx1 and ``b2`` of length 1. It is trained here by plain
back-propagation of the mean binary cross-entropy with full-batch SGD (the four XOR rows are
one batch, as in the lecture's ``model.fit(x, y, batch_size=4)``).

Why NumPy and not Keras: the lecture's ``fit(epochs=10000)`` takes minutes; one NumPy step on
four rows takes microseconds, so the page can train live and show every number.
``lab.networks.keras_ref`` builds the same network in Keras and the tests prove both agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from lab.maths import binary_crossentropy, glorot_uniform, sigmoid
from lab.data.truth_tables import GATES, INPUTS
from lab.core.errors import InvalidInput

XOR_X = INPUTS.copy()
XOR_T = GATES["XOR"].reshape(-1, 1).astype(float)

# "Converged" as the page and the issue define it: every output on the right side of 0.5
# and the mean binary cross-entropy below this.
CONVERGED_LOSS = 0.05
H_MIN, H_MAX = 1, 8

# The lecture's hand-made weights (no output bias): they already solve XOR.
LECTURE_W1 = np.array([[-2.0, 5.0, 4.0], [3.0, 6.0, 3.0]])
LECTURE_B1 = np.array([2.0, -2.0, -5.0])
LECTURE_W2 = np.array([[-4.0], [8.0], [-8.0]])


@dataclass
class MLP:
    """Weights of a 2-H-1 network, named as in the lecture."""

    w1: np.ndarray  # (2, H)
    b1: np.ndarray  # (H,)
    w2: np.ndarray  # (H, 1)
    b2: np.ndarray = field(default_factory=lambda: np.zeros(1))  # (1,)

    @property
    def hidden(self) -> int:
        return self.w1.shape[1]

    def copy(self) -> "MLP":
        return MLP(self.w1.copy(), self.b1.copy(), self.w2.copy(), self.b2.copy())

    def as_dict(self) -> dict[str, np.ndarray]:
        return {"w1": self.w1, "b1": self.b1, "w2": self.w2, "b2": self.b2}

    def is_finite(self) -> bool:
        return all(np.all(np.isfinite(v)) for v in self.as_dict().values())


def lecture_preset() -> MLP:
    """The lecture's weights: w1=[[-2,5,4],[3,6,3]], b1=[2,-2,-5], w2=[[-4],[8],[-8]], b2=0."""
    return MLP(LECTURE_W1.copy(), LECTURE_B1.copy(), LECTURE_W2.copy(), np.zeros(1))


def init_params(hidden: int = 3, seed: int = 0) -> MLP:
    """Keras's defaults for ``Dense``: Glorot-uniform kernels and zero biases, from ``seed``."""
    if not H_MIN <= hidden <= H_MAX:
        raise InvalidInput("args.range", name="hidden", lo=H_MIN, hi=H_MAX, got=hidden)
    rng = np.random.default_rng(seed)
    return MLP(glorot_uniform((2, hidden), rng), np.zeros(hidden),
               glorot_uniform((hidden, 1), rng), np.zeros(1))


@dataclass(frozen=True)
class Forward:
    """Every intermediate value of one forward pass."""

    z1: np.ndarray  # (m, H) hidden pre-activation x @ w1 + b1
    h: np.ndarray  # (m, H) hidden output sigmoid(z1)
    z2: np.ndarray  # (m, 1) output pre-activation h @ w2 + b2
    y: np.ndarray  # (m, 1) output sigmoid(z2)


def forward(p: MLP, x: np.ndarray = XOR_X) -> Forward:
    z1 = x @ p.w1 + p.b1
    h = sigmoid(z1)
    z2 = h @ p.w2 + p.b2
    return Forward(z1, h, z2, sigmoid(z2))


def bce(y: np.ndarray, t: np.ndarray = XOR_T) -> float:
    """Mean binary cross-entropy, clipped as Keras clips it (so it is finite at 0 and 1)."""
    return binary_crossentropy(y, t)[0]


def gradients(p: MLP, x: np.ndarray = XOR_X, t: np.ndarray = XOR_T) -> dict[str, np.ndarray]:
    """Back-propagation of the mean binary cross-entropy: dL/dw1, dL/db1, dL/dw2, dL/db2."""
    f = forward(p, x)
    dz2 = binary_crossentropy(f.y, t)[1]  # sigmoid + cross-entropy: simply (y - t) / m
    dh = dz2 @ p.w2.T
    dz1 = dh * f.h * (1 - f.h)  # sigmoid'(z1) = h (1 - h)
    return {"w1": x.T @ dz1, "b1": dz1.sum(0), "w2": f.h.T @ dz2, "b2": dz2.sum(0)}


def train(p: MLP, lr: float, steps: int, x: np.ndarray = XOR_X,
          t: np.ndarray = XOR_T) -> np.ndarray:
    """``steps`` full-batch SGD steps, in place. Returns the loss *before* each step.

    Stops early (returning fewer losses) if the weights stop being finite, leaving the last
    finite weights in ``p``. This inner loop is the hot path of the live page, so it works on
    local arrays rather than calling ``gradients``.
    """
    if not np.isfinite(lr) or lr < 0:
        raise InvalidInput("args.rate", name="lr", got=lr)
    w1, b1, w2, b2 = p.w1, p.b1, p.w2, p.b2
    m = x.shape[0]
    xt = x.T
    logaddexp = np.logaddexp
    losses = np.empty(int(steps))
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is caught below
        for s in range(int(steps)):
            h = sigmoid(x @ w1 + b1)
            z2 = h @ w2 + b2
            y = sigmoid(z2)
            # mean BCE from the logit: log(1 + e^z) - t*z, exact where Keras would clip
            losses[s] = (logaddexp(0.0, z2) - t * z2).sum() / m
            dz2 = (y - t) / m
            dz1 = (dz2 @ w2.T) * h * (1 - h)
            nw1 = w1 - lr * (xt @ dz1)
            nb1 = b1 - lr * dz1.sum(0)
            nw2 = w2 - lr * (h.T @ dz2)
            nb2 = b2 - lr * dz2.sum(0)
            if not np.isfinite(nw1.sum() + nb1.sum() + nw2.sum() + nb2.sum()):
                losses = losses[:s]
                break
            w1, b1, w2, b2 = nw1, nb1, nw2, nb2
    p.w1, p.b1, p.w2, p.b2 = w1, b1, w2, b2
    return losses


def is_converged(p: MLP, x: np.ndarray = XOR_X, t: np.ndarray = XOR_T) -> bool:
    y = forward(p, x).y
    return bool(np.all((y > 0.5) == (t > 0.5)) and bce(y, t) < CONVERGED_LOSS)


def train_until_converged(p: MLP, lr: float, max_steps: int = 50_000,
                          check_every: int = 50) -> tuple[int, np.ndarray]:
    """Train in chunks until :func:`is_converged`; returns (steps taken, losses)."""
    chunks = []
    done = 0
    while done < max_steps and not is_converged(p):
        n = min(check_every, max_steps - done)
        chunk = train(p, lr, n)
        chunks.append(chunk)
        done += len(chunk)
        if len(chunk) < n:  # diverged
            break
    return done, (np.concatenate(chunks) if chunks else np.empty(0))


def hidden_lines(p: MLP) -> list[tuple[float, float, float]]:
    """Each hidden unit's line ``w1[0,j]*x1 + w1[1,j]*x2 + b1[j] = 0`` (where h_j = 0.5)."""
    return [(float(p.w1[0, j]), float(p.w1[1, j]), float(p.b1[j])) for j in range(p.hidden)]


def output_grid(p: MLP, lo: float = -0.5, hi: float = 1.5, n: int = 61):
    """The network's output on an n x n grid over the input plane: (xs, ys, Y[ys, xs])."""
    xs = np.linspace(lo, hi, n)
    g1, g2 = np.meshgrid(xs, xs)
    pts = np.column_stack([g1.ravel(), g2.ravel()])
    return xs, xs, forward(p, pts).y.reshape(n, n)


@dataclass
class Trajectory:
    """Training recorded for playing back: the weights after each frame's steps, and the loss
    before every step. ``frames[i]`` is the network after ``(i + 1) * steps_per_frame`` steps
    (fewer for the last frame when training stopped: converged, diverged or the step cap)."""

    frames: list[MLP]
    steps: list[int]  # steps taken after each frame, counted from the trajectory's start
    losses: np.ndarray
    diverged: bool


def trajectory(p: MLP, lr: float, steps_per_frame: int, frames: int,
               max_steps: int | None = None) -> Trajectory:
    """Train a copy of ``p`` for up to ``frames`` frames of ``steps_per_frame`` steps each,
    recording every frame; stops after the frame where it converges or diverges, or at
    ``max_steps`` steps. ``p`` itself is left as it was."""
    q, shots, counts, chunks = p.copy(), [], [], []
    budget = max_steps if max_steps is not None else steps_per_frame * frames
    done, diverged = 0, False
    for _ in range(frames):
        n = min(steps_per_frame, budget - done)
        if n <= 0 or is_converged(q):
            break
        chunk = train(q, lr, n)
        chunks.append(chunk)
        done += len(chunk)
        shots.append(q.copy())
        counts.append(done)
        if len(chunk) < n:
            diverged = True
            break
    losses = np.concatenate(chunks) if chunks else np.empty(0)
    return Trajectory(shots, counts, losses, diverged)
