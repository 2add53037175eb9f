"""Maths every lesson shares: the logistic function, Keras's default initialisers and Adam.

Kept apart from the lessons so no lesson module imports another for a helper (the perceptron,
the XOR network, the RNN and the gated cells all use these).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


def sigmoid(z):
    """Logistic function, written with tanh so it never overflows."""
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=float)))


def orthogonal(n: int, rng: np.random.Generator, gain: float = 1.0) -> np.ndarray:
    """A random orthogonal matrix, as ``keras.initializers.Orthogonal`` makes it (QR)."""
    q, r = np.linalg.qr(rng.normal(size=(n, n)))
    return gain * q * np.sign(np.diag(r))


def glorot_uniform(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """``keras.initializers.GlorotUniform``: U(-l, l) with l = sqrt(6 / (fan_in + fan_out))."""
    limit = np.sqrt(6.0 / (shape[0] + shape[1]))
    return rng.uniform(-limit, limit, size=shape)


@dataclass
class Adam:
    """Adam with Keras's defaults (beta1 0.9, beta2 0.999, epsilon 1e-7)."""

    lr: float = 0.01
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-7
    t: int = 0
    m: dict = field(default_factory=dict)
    v: dict = field(default_factory=dict)

    def step(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> None:
        self.t += 1
        for name, g in grads.items():
            m = self.m.get(name, 0.0) * self.beta1 + (1 - self.beta1) * g
            v = self.v.get(name, 0.0) * self.beta2 + (1 - self.beta2) * g * g
            self.m[name], self.v[name] = m, v
            m_hat = m / (1 - self.beta1 ** self.t)
            v_hat = v / (1 - self.beta2 ** self.t)
            params[name] -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
