"""Activations and their derivatives, in one table.

Each derivative is written in terms of the activation's *output* y = f(z), the form
back-propagation uses (it keeps y, not z): sigmoid' = y(1 - y), tanh' = 1 - y^2,
relu' = [y > 0] (= [z > 0], 0 at the kink as TensorFlow has it), linear' = 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from lab.core.errors import InvalidInput


def sigmoid(z):
    """Logistic function 1 / (1 + e^-z), written with tanh so it never overflows: within
    1e-16 of TensorFlow's everywhere (absolute; far below 0 it rounds to 0 sooner, at half
    the cost of a form exact there too)."""
    return 0.5 + 0.5 * np.tanh(0.5 * np.asarray(z))


def softmax(z: np.ndarray) -> np.ndarray:
    """Softmax over the last axis, shifted by the maximum so it never overflows."""
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _relu(z):
    return np.maximum(z, 0.0)


@dataclass(frozen=True)
class Activation:
    f: Callable[[np.ndarray], np.ndarray]  # z -> y
    slope: Callable[[np.ndarray], np.ndarray]  # y -> dy/dz at the z that gave y


ACTIVATIONS: dict[str, Activation] = {
    "linear": Activation(lambda z: z, np.ones_like),
    "sigmoid": Activation(sigmoid, lambda y: y * (1.0 - y)),
    "tanh": Activation(np.tanh, lambda y: 1.0 - y * y),
    "relu": Activation(_relu, lambda y: (y > 0).astype(y.dtype)),
}


def activation(name: str) -> Activation:
    """The table's entry for ``name``; InvalidInput for a name it does not have."""
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise InvalidInput("args.choice", name="activation", got=repr(name),
                           choices=", ".join(ACTIVATIONS)) from None
