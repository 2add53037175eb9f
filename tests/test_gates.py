"""NumPy LSTM/GRU cells against Keras, and the lectures' parameter counts."""

import numpy as np
import pytest

from lab.maths import kinds
from lab.networks import cells



def keras_layer(kind: str, n: int, d: int, T: int):
    import keras

    layer_cls = {"LSTM": keras.layers.LSTM, "GRU": keras.layers.GRU,
                 "SimpleRNN": keras.layers.SimpleRNN}[kind]
    layer = layer_cls(n, return_sequences=True, return_state=True)
    inp = keras.Input((T, d))
    return keras.Model(inp, layer(inp)), layer


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "SimpleRNN"])
def test_numpy_cells_equal_keras(kind):
    rng = np.random.default_rng(1)
    m, T, d, n = 3, 9, 4, 5
    cell = cells.init_cell(kind, d, n, seed=2)
    cell.bias = cell.bias + rng.normal(0, 0.3, cell.bias.shape)  # non-trivial biases
    model, layer = keras_layer(kind, n, d, T)
    layer.set_weights(cell.weights())
    x = rng.normal(size=(m, T, d))
    outs = [o.numpy() if hasattr(o, "numpy") else np.asarray(o) for o in model(x.astype("float32"))]
    trace = cells.run(cell, x)
    np.testing.assert_allclose(trace.h, outs[0], atol=1e-5)  # every step's h
    np.testing.assert_allclose(trace.h[:, -1], outs[1], atol=1e-5)  # final h
    if kind == "LSTM":
        np.testing.assert_allclose(trace.values["c"][:, -1], outs[2], atol=1e-5)  # final c


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_keras_default_initialisation_layout(kind):
    """Our init_cell has the same shapes (and LSTM forget bias 1) as a fresh Keras layer."""
    model, layer = keras_layer(kind, 6, 3, 4)
    ours = cells.init_cell(kind, 3, 6)
    for a, b in zip(layer.get_weights(), ours.weights()):
        assert a.shape == b.shape
    if kind == "LSTM":
        np.testing.assert_array_equal(layer.get_weights()[2], ours.bias)


def test_parameter_counts_match_the_lectures_and_keras():

    # lecture 003: 8 units on a 16-dimensional embedding
    assert kinds.param_count("SimpleRNN", 16, 8) == 200
    assert kinds.param_count("LSTM", 16, 8) == 800
    # lecture 002: LSTM(128) on 2 features, GRU(256) on 2 features
    assert kinds.param_count("LSTM", 2, 128) == 67_072
    assert kinds.param_count("GRU", 2, 256) == 199_680
    for kind, d, n in [("SimpleRNN", 16, 8), ("LSTM", 16, 8), ("LSTM", 2, 128), ("GRU", 2, 256),
                       ("GRU", 7, 3)]:
        model, _ = keras_layer(kind, n, d, 5)
        assert model.count_params() == kinds.param_count(kind, d, n), (kind, d, n)


def test_forget_bias_keeps_or_erases_the_cell():
    """Memory of one input pulse = the cell state with the pulse minus without it."""
    cell = cells.init_cell("LSTM", 1, 4, seed=0)
    pulse, silence = np.zeros((1, 60, 1)), np.zeros((1, 60, 1))
    pulse[0, 0, 0] = 3.0

    def memory(shift):
        c1 = cells.run(cell, pulse, forget_bias_shift=shift).values["c"][0]
        c0 = cells.run(cell, silence, forget_bias_shift=shift).values["c"][0]
        return np.abs(c1 - c0).max(axis=1)  # per step

    keep, erase = memory(8.0), memory(-8.0)
    assert keep[-1] > 0.5 * keep[0]  # still there after 60 steps
    assert erase[3] < 0.05 * erase[0]  # mostly gone within a few steps
    assert keep[-1] > 100 * erase[-1]


def test_equations_carry_the_numbers_and_bad_input_is_refused():
    cell = cells.init_cell("GRU", 2, 3)
    x = np.ones((1, 4, 2))
    trace = cells.run(cell, x)
    lines = cells.equations_at(cell, trace, x, 2, 1)
    assert lines[-1].endswith(f"{trace.h[0, 1, 1]:.3f}")
    with pytest.raises(ValueError):
        cells.run(cell, np.ones((1, 0, 2)))
    with pytest.raises(ValueError):
        cells.run(cell, np.ones((1, 3, 5)))
    with pytest.raises(ValueError):
        kinds.param_count("Transformer", 1, 1)
