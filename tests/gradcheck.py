"""Central finite differences, shared by the gradient tests."""

import numpy as np

EPS = 1e-6


def numeric_gradient(loss, array: np.ndarray, eps: float = EPS) -> np.ndarray:
    """d loss() / d array, by nudging each entry of ``array`` in place (and restoring it)."""
    out = np.zeros_like(array, dtype=float)
    for idx in np.ndindex(array.shape):
        old = array[idx]
        array[idx] = old + eps
        up = loss()
        array[idx] = old - eps
        down = loss()
        array[idx] = old
        out[idx] = (up - down) / (2 * eps)
    return out
