"""The losses the lessons train on, as Keras computes them, each with the gradient that
back-propagation starts from.

    mse                    mean((y - t)^2)                         gradient wrt y
    binary_crossentropy    -mean(t log p + (1 - t) log(1 - p))     gradient wrt the logit z,
                           p = sigmoid(z), clipped to [EPSILON, 1 - EPSILON] as Keras does
    softmax_crossentropy   -mean(log p[target])                     gradient wrt the logits,
                           p = softmax(z), clipped likewise

Every mean runs over all entries (Keras means over the last axis, then over the batch: the
same number).
"""

from __future__ import annotations

import numpy as np

EPSILON = 1e-7  # keras.config.epsilon(): Keras clips probabilities to [EPSILON, 1 - EPSILON]


def mse(y: np.ndarray, t: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean squared error and dL/dy (``t`` is reshaped to y's shape)."""
    err = y - np.reshape(t, y.shape)
    return float(np.mean(err * err)), (2.0 / err.size) * err


def binary_crossentropy(p: np.ndarray, t: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean binary cross-entropy of probabilities ``p`` (sigmoid outputs) and dL/dz for
    p = sigmoid(z): (p - t) / size. ``t`` is reshaped to p's shape."""
    t = np.reshape(t, p.shape)
    q = np.clip(p, EPSILON, 1 - EPSILON)
    loss = -np.mean(t * np.log(q) + (1 - t) * np.log(1 - q))
    return float(loss), (p - t) / p.size


def softmax_crossentropy(p: np.ndarray, targets: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean categorical cross-entropy of softmax outputs ``p`` (N, V) against the target
    classes (N,), and dL/dz for p = softmax(z): (p - one_hot(targets)) / N."""
    rows = np.arange(len(targets))
    loss = -np.mean(np.log(np.clip(p[rows, targets], EPSILON, 1 - EPSILON)))
    dz = p.copy()
    dz[rows, targets] -= 1.0
    return float(loss), dz / len(targets)
