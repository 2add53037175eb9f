"""Adam, computed as ``keras.optimizers.Adam`` computes it (keras/src/optimizers/adam.py):

    m += (g - m)(1 - beta_1)
    v += (g^2 - v)(1 - beta_2)
    w -= m alpha / (sqrt(v) + epsilon),   alpha = lr sqrt(1 - beta_2^t) / (1 - beta_1^t)

The bias correction sits in alpha, so epsilon is added to sqrt(v), not to the corrected
sqrt(v / (1 - beta_2^t)) of the paper. Keras on TensorFlow casts the betas through a
float32 tensor before raising them to the power t (0.999 -> 0.99900001287: a step 6.4e-6
smaller at t = 1), and does the step in the weight's own dtype; so does this.

The update of one array is compiled (numba, cached once per machine): :func:`update` is also
what the forecaster's compiled training step (lab.networks.seqnet) calls.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numba as nb
import numpy as np


@dataclass
class Adam:
    """Keras's defaults (beta_1 0.9, beta_2 0.999, epsilon 1e-7). :meth:`step` updates the
    weights in place; its lists must keep one order from step to step."""

    lr: float
    beta_1: float = 0.9
    beta_2: float = 0.999
    epsilon: float = 1e-7
    iterations: int = 0
    m: list[np.ndarray] = field(default_factory=list)
    v: list[np.ndarray] = field(default_factory=list)

    def step(self, weights: list[np.ndarray], grads: list[np.ndarray]) -> None:
        if not self.m:
            self.m = [np.zeros_like(w) for w in weights]
            self.v = [np.zeros_like(w) for w in weights]
        self.iterations += 1
        constants: dict = {}
        for w, g, m, v in zip(weights, grads, self.m, self.v):
            if w.dtype not in constants:
                constants[w.dtype] = self.constants(w.dtype.type)
            update(w, np.asarray(g, dtype=w.dtype), m, v, *constants[w.dtype])

    def constants(self, real) -> tuple:
        """(alpha, 1 - beta_1, 1 - beta_2, epsilon) of the current step in the dtype ``real``:
        :func:`update`'s last four arguments."""
        return (self._alpha(real), real(1 - self.beta_1), real(1 - self.beta_2),
                real(self.epsilon))

    def _alpha(self, real):
        """lr sqrt(1 - beta_2^t) / (1 - beta_1^t) in the dtype ``real`` (np.float32, np.float64)."""
        b1, b2 = real(np.float32(self.beta_1)), real(np.float32(self.beta_2))
        lr, t = real(self.lr), real(self.iterations)
        return lr * np.sqrt(real(1) - b2 ** t) / (real(1) - b1 ** t)


@nb.njit(cache=True, error_model="numpy")
def update(w, g, m, v, alpha, c1, c2, epsilon):
    """One Adam step of the array w (any shape) in place, with its moments m and v, given
    ``Adam.constants``: m += (g - m) c1, v += (g^2 - v) c2, w -= m alpha / (sqrt(v) + eps)."""
    for i in np.ndindex(w.shape):
        m[i] += (g[i] - m[i]) * c1
        v[i] += (g[i] * g[i] - v[i]) * c2
        w[i] -= m[i] * alpha / (np.sqrt(v[i]) + epsilon)
