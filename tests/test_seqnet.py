"""The NumPy recurrent forecaster (lab.networks.seqnet) is Keras's network: with the same weights and the
same batches it gives Keras's outputs, ``tf.GradientTape``'s gradients and Keras's weights after
an epoch of Adam, for SimpleRNN, LSTM and GRU with tanh and relu."""

import numpy as np
import pytest

from lab.maths import kinds
from lab.networks import seqnet
from tests.gradcheck import numeric_gradient

CASES = [(k, a) for k in kinds.KINDS for a in seqnet.ACTIVATIONS]


def data(n=40, T=6, d=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, T, d))
    y = np.tanh(X[:, -1, 0] + 0.5 * X[:, 0, 1]) * 0.8
    return X, y


@pytest.fixture
def float64_keras():
    import keras

    before = keras.config.floatx()
    keras.config.set_floatx("float64")
    yield keras
    keras.config.set_floatx(before)


def keras_twin(keras, net: seqnet.Net, T: int, d: int, lr: float):
    dtype = keras.config.floatx()  # named on every layer: after test_gates, the global alone did not
    model = keras.Sequential([keras.Input((T, d), dtype=dtype),
                              kinds.keras_layer(net.kind)(net.units, activation=net.activation,
                                                          dtype=dtype),
                              keras.layers.Dense(1, dtype=dtype)])
    model.set_weights(net.weights())
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=lr), loss="mse")
    return model


@pytest.mark.parametrize("kind,act", CASES)
def test_outputs_and_gradients_equal_keras(float64_keras, kind, act):
    import tensorflow as tf

    X, y = data()
    net = seqnet.init_net(kind, 3, 5, act, seed=2)
    net.bias = net.bias + np.random.default_rng(9).normal(0, 0.3, net.bias.shape)  # all paths
    model = keras_twin(float64_keras, net, 6, 3, 1e-3)
    assert model.count_params() == net.count_params() == (
        kinds.param_count(kind, 3, 5) + 5 + 1)
    out, tape = seqnet.forward(net, X, keep=True)
    np.testing.assert_allclose(out, model(X).numpy(), rtol=1e-10, atol=1e-12)
    loss, dy = seqnet.mse(out, y)
    grads = seqnet.backward(net, tape, dy)
    with tf.GradientTape() as g:
        keras_loss = float64_keras.losses.MeanSquaredError()(y, model(X))
    keras_grads = g.gradient(keras_loss, model.trainable_weights)
    assert loss == pytest.approx(float(keras_loss), rel=1e-12)
    for mine, theirs in zip(grads, keras_grads):
        np.testing.assert_allclose(mine, theirs.numpy(), rtol=1e-8, atol=1e-12)


@pytest.mark.parametrize("kind", kinds.KINDS)
def test_gradients_equal_finite_differences(kind):
    X, y = data(n=5, T=4, d=2, seed=3)
    net = seqnet.init_net(kind, 2, 3, "tanh", seed=4)
    out, tape = seqnet.forward(net, X, keep=True)
    grads = seqnet.backward(net, tape, seqnet.mse(out, y)[1])
    for g, w in zip(grads, net.weights()):
        numeric = numeric_gradient(lambda: seqnet.mse(seqnet.forward(net, X), y)[0], w)
        np.testing.assert_allclose(g, numeric, atol=1e-7)


@pytest.mark.parametrize("kind,act", CASES)
def test_one_epoch_of_adam_equals_keras(float64_keras, kind, act):
    X, y = data(n=50)
    order = np.random.default_rng(1).permutation(len(X))
    net = seqnet.init_net(kind, 3, 4, act, seed=5)
    model = keras_twin(float64_keras, net, 6, 3, 3e-3)
    opt = seqnet.Adam(3e-3)
    loss = seqnet.train_epoch(net, opt, X, y, order, batch_size=8)
    hist = model.fit(X[order], y[order], batch_size=8, epochs=1, shuffle=False, verbose=0)
    # Keras averages the reported loss in a float32 metric whatever floatx is
    assert loss == pytest.approx(hist.history["loss"][0], rel=1e-6)
    for mine, theirs in zip(net.weights(), model.get_weights()):
        np.testing.assert_allclose(mine, theirs, atol=1e-10)


def test_float32_keras_agrees_to_1e5_after_an_epoch():
    """Keras's default float32 against NumPy's float64: the same weights to about 1e-5."""
    import keras

    X, y = data(n=64, T=7, d=5)
    order = np.arange(len(X))
    net = seqnet.init_net("GRU", 5, 16, "tanh", seed=0)
    model = keras_twin(keras, net, 7, 5, 3e-3)
    seqnet.train_epoch(net, seqnet.Adam(3e-3), X, y, order, batch_size=32)
    model.fit(X.astype("float32"), y.astype("float32"), batch_size=32, epochs=1,
              shuffle=False, verbose=0)
    for mine, theirs in zip(net.weights(), model.get_weights()):
        np.testing.assert_allclose(mine, theirs, atol=1e-5)


def test_fit_learns_stops_early_and_keeps_the_best_weights():
    X, y = data(n=200, T=5, d=3)
    net = seqnet.init_net("LSTM", 3, 8, seed=0)
    before = seqnet.mse(seqnet.forward(net, X), y)[0]
    res = seqnet.fit(net, X[:160], y[:160], epochs=60, lr=1e-2, batch_size=16,
                     validation=(X[160:], y[160:]), patience=3)
    assert not res.diverged
    val = res.history["val_loss"]
    assert res.history["loss"][-1] < before / 3
    assert len(val) < 60 or res.best_epoch == 59  # stopped early, or improved to the end
    kept = seqnet.mse(seqnet.forward(res.net, X[160:]), y[160:].astype(res.net.dtype))[0]
    assert kept == pytest.approx(min(val), rel=1e-9)


def test_a_huge_learning_rate_is_reported_as_diverged():
    X, y = data(n=64)
    net = seqnet.init_net("SimpleRNN", 3, 8, "relu", seed=0)
    res = seqnet.fit(net, X * 1e80, y * 1e80, epochs=30, lr=1e60, batch_size=8)  # no warning
    assert res.diverged and len(res.history["loss"]) < 30
    # beyond float32's range counts as infinite, as in Keras (TerminateOnNaN)
    res = seqnet.fit(seqnet.init_net("SimpleRNN", 3, 8, "relu"), X, y * 1e20, epochs=3,
                     lr=1e6, batch_size=8)
    assert res.diverged
    assert not np.isfinite(res.history["loss"][-1]) or not res.net.is_finite()


def test_should_stop_cancels_before_the_next_batch():
    X, y = data(n=64)
    net = seqnet.init_net("GRU", 3, 4)
    calls = []

    def stop():
        calls.append(1)
        return len(calls) > 3

    with pytest.raises(seqnet.Cancelled):
        seqnet.fit(net, X, y, epochs=5, lr=1e-3, batch_size=8, should_stop=stop)
    assert len(calls) == 4
