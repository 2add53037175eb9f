"""Keras's default initialisers, drawn from a NumPy generator (so a seed gives the same start).

The draws are not Keras's numbers (Keras has its own random streams); the distributions are
Keras's: tests/test_maths.py compares their statistics with ``keras.initializers``.
"""

from __future__ import annotations

import numpy as np


def glorot_uniform(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """``keras.initializers.GlorotUniform``: U(-l, l) with l = sqrt(6 / (fan_in + fan_out))."""
    limit = np.sqrt(6.0 / (shape[0] + shape[1]))
    return rng.uniform(-limit, limit, size=shape)


def orthogonal(shape: int | tuple[int, int], rng: np.random.Generator,
               gain: float = 1.0) -> np.ndarray:
    """``keras.initializers.Orthogonal`` (an int n means (n, n)): the Q of the QR of a normal
    matrix, signs made uniform. A wide shape (n, k n), as a recurrent kernel of k gate blocks,
    has orthonormal rows, as Keras makes it (its blocks are not orthogonal one by one)."""
    rows, cols = (shape, shape) if isinstance(shape, int) else shape
    q, r = np.linalg.qr(rng.normal(size=(max(rows, cols), min(rows, cols))))
    q = q * np.sign(np.diag(r))
    return gain * (q.T if rows < cols else q)


def zeros(shape) -> np.ndarray:
    """``keras.initializers.Zeros``: every bias starts at 0."""
    return np.zeros(shape)
