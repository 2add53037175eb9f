"""Maths every lesson shares: the logistic function and Keras's default initialisers.

Kept apart from the lessons so no lesson module imports another for a helper (the perceptron,
the XOR network, the RNN and the gated cells all use these).
"""

from __future__ import annotations

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
