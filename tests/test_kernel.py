"""The compiled recurrent kernel (lab.maths.recurrent, lab.networks.seqnet's training step) is
today's NumPy kernel (bench/kernel_baseline.py, the code it replaced) and Keras: in float64 the
same states, gradients and weights after an epoch of Adam as the old kernel, for SimpleRNN,
LSTM and GRU; in float32, the dtype ``fit`` trains in, Keras's own float32 training. Its
machine code is cached per machine."""

import numpy as np
import pytest

from bench import kernel_baseline as old
from lab.maths import adam, kinds, recurrent
from lab.networks import seqnet

CASES = [(k, a) for k in kinds.KINDS for a in ("tanh", "relu")]


def data(n=48, T=7, d=5, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, T, d))
    return X, np.tanh(X[:, -1, 0] + 0.5 * X[:, 0, 1]) * 0.8


def noisy_bias(net, seed=9):
    net.bias = net.bias + np.random.default_rng(seed).normal(0, 0.3, net.bias.shape)  # all paths
    return net


@pytest.fixture
def keras():  # named as tests/conftest.py's heavy fixtures, so the unit tier leaves it out
    import keras

    return keras


@pytest.mark.parametrize("kind,act", CASES)
def test_states_and_gradients_equal_the_old_kernel(kind, act):
    rng = np.random.default_rng(1)
    cell = noisy_bias(recurrent.init_cell(kind, 3, 6, seed=2, activation=act))
    X, dH = rng.normal(size=(9, 4, 3)), rng.normal(size=(9, 4, 6))
    new, before = recurrent.forward(cell, X), old.forward(cell, X)
    np.testing.assert_allclose(new.H, before.H, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(new.stacked("gates"), before.stacked("gates"), rtol=1e-13,
                               atol=1e-15)
    for mine, theirs in zip(recurrent.backward(cell, new, dH), old.backward(cell, before, dH)):
        np.testing.assert_allclose(mine, theirs, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("kind,act", CASES)
def test_one_epoch_of_adam_equals_the_old_kernel(kind, act):
    X, y = data()
    order = np.random.default_rng(3).permutation(len(X))
    new, before = (noisy_bias(seqnet.init_net(kind, 5, 8, act, seed=4)) for _ in range(2))
    loss = seqnet.train_epoch(new, seqnet.Adam(3e-3), X, y, order, batch_size=16)
    with old.today():
        old_loss = seqnet.train_epoch(before, seqnet.Adam(3e-3), X, y, order, batch_size=16)
    assert loss == pytest.approx(old_loss, rel=1e-12)
    for mine, theirs in zip(new.weights(), before.weights()):
        np.testing.assert_allclose(mine, theirs, rtol=1e-11, atol=1e-14)


@pytest.mark.parametrize("kind", kinds.KINDS)
def test_float32_gradients_equal_keras_float32(keras, kind):
    import tensorflow as tf

    X, y = data(n=32)
    net = noisy_bias(seqnet.init_net(kind, 5, 16, seed=5)).astype(np.float32)
    model = keras.Sequential([keras.Input((7, 5)), kinds.keras_layer(kind)(16),
                              keras.layers.Dense(1)])
    model.set_weights(net.weights())
    out, tape = seqnet.forward(net, X, keep=True)
    assert out.dtype == np.float32
    X32 = X.astype(np.float32)
    np.testing.assert_allclose(out, model(X32).numpy(), atol=2e-6)
    grads = seqnet.backward(net, tape, seqnet.mse(out, y.astype(np.float32))[1])
    with tf.GradientTape() as g:
        loss = keras.losses.MeanSquaredError()(y.astype(np.float32), model(X32))
    for mine, theirs in zip(grads, g.gradient(loss, model.trainable_weights)):
        np.testing.assert_allclose(mine, theirs.numpy(), atol=2e-6)


@pytest.mark.parametrize("kind", kinds.KINDS)
def test_a_float32_epoch_of_adam_equals_keras_float32(keras, kind):
    X, y = data(n=96)
    order = np.arange(len(X))
    net = noisy_bias(seqnet.init_net(kind, 5, 16, seed=6)).astype(np.float32)
    model = keras.Sequential([keras.Input((7, 5)), kinds.keras_layer(kind)(16),
                              keras.layers.Dense(1)])
    model.set_weights(net.weights())
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=3e-3), loss="mse")
    loss = seqnet.train_epoch(net, seqnet.Adam(3e-3), X, y, order, batch_size=32)
    hist = model.fit(X.astype("float32"), y.astype("float32"), batch_size=32, epochs=1,
                     shuffle=False, verbose=0)
    assert loss == pytest.approx(hist.history["loss"][0], rel=1e-5)
    for mine, theirs in zip(net.weights(), model.get_weights()):
        assert mine.dtype == np.float32
        np.testing.assert_allclose(mine, theirs, atol=2e-6)


def test_fit_trains_in_float32_close_to_float64():
    X, y = data(n=80)
    nets = {}
    for dtype in (np.float32, np.float64):
        nets[dtype] = seqnet.init_net("GRU", 5, 8, seed=7)
        res = seqnet.fit(nets[dtype], X, y, epochs=3, lr=3e-3, batch_size=16, dtype=dtype)
        assert res.net.dtype == dtype and not res.diverged
    assert seqnet.init_net("GRU", 5, 8).dtype == np.float64
    for a, b in zip(nets[np.float32].weights(), nets[np.float64].weights()):
        np.testing.assert_allclose(a, b, atol=1e-5)
    pred = seqnet.predict(nets[np.float32], X)
    assert pred.dtype == np.float64
    np.testing.assert_allclose(pred, seqnet.predict(nets[np.float64], X), atol=1e-5)


def test_float32_tanh_is_within_float32_rounding_and_keeps_nan():
    """tanh(x W) with W = 1, U = 0: the kernel's float32 tanh (Eigen's, as TensorFlow's) against
    the exact one, saturating to +-1 and passing NaN on."""
    z = np.concatenate([np.linspace(-12, 12, 4001), [np.nan, -np.inf, np.inf, 0.0]])
    cell = recurrent.Cell("SimpleRNN", np.ones((1, 1), np.float32),
                          np.zeros((1, 1), np.float32), np.zeros(1, np.float32))
    h = recurrent.forward(cell, z.reshape(1, -1, 1).astype(np.float32)).H[1, :, 0]
    assert h.dtype == np.float32
    exact = np.tanh(z.astype(np.float32).astype(float))
    finite = np.isfinite(z)
    np.testing.assert_allclose(h[finite], exact[finite], rtol=3e-7, atol=3e-7)
    assert np.isnan(h[-4]) and h[-3] == -1 and h[-2] == 1 and h[-1] == 0
    assert np.all(np.abs(h[finite]) <= 1)


def test_every_compiled_function_is_cached_per_machine():
    compiled = [recurrent.forward_kernel, recurrent.backward_kernel, recurrent._activate,
                recurrent._slopes, adam.update, seqnet._train_step]
    for fn in compiled:
        assert type(fn._cache).__name__ == "FunctionCache", fn  # cache=True, not NullCache
