"""The four inputs of two binary variables and the logic gates of lecture 000 (AND, OR, XOR):
the data of the perceptron and of the XOR network."""

import numpy as np

INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
GATES: dict[str, np.ndarray] = {
    "AND": np.array([0, 0, 0, 1]),
    "OR": np.array([0, 1, 1, 1]),
    "XOR": np.array([0, 1, 1, 0]),
}
