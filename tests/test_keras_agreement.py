"""NumPy networks against Keras/TensorFlow: same weights -> same outputs and gradients."""

import numpy as np
import pytest

from lab.networks import keras_ref, mlp


@pytest.mark.parametrize("hidden,seed", [(3, 0), (2, 5), (8, 1)])
def test_xor_outputs_and_gradients_equal_keras(hidden, seed):
    p = mlp.init_params(hidden, seed)
    p.b1 = np.linspace(-0.5, 0.5, hidden)
    p.b2 = np.array([0.25])
    y, loss, grads = keras_ref.outputs_and_gradients(p)
    np.testing.assert_allclose(mlp.forward(p).y, y, atol=1e-5)
    assert mlp.bce(mlp.forward(p).y) == pytest.approx(loss, abs=1e-5)
    ours = mlp.gradients(p)
    for name in ("w1", "b1", "w2", "b2"):  # relative: the smallest gradients are about 6e-6
        np.testing.assert_allclose(ours[name], grads[name], rtol=1e-4, atol=1e-8, err_msg=name)


def test_lecture_preset_in_keras():
    y, _, _ = keras_ref.outputs_and_gradients(mlp.lecture_preset())
    np.testing.assert_allclose(mlp.forward(mlp.lecture_preset()).y, y, atol=1e-5)


def test_one_sgd_epoch_equals_keras_fit():
    p = mlp.init_params(3, 2)
    model = keras_ref.model_from_params(p, lr=0.1)
    model.fit(mlp.XOR_X.astype("float32"), mlp.XOR_T.astype("float32"), epochs=5,
              batch_size=4, verbose=0, shuffle=False)
    mlp.train(p, 0.1, 5)
    after = keras_ref.params_from_model(model)
    for name in ("w1", "b1", "w2", "b2"):
        np.testing.assert_allclose(getattr(p, name), getattr(after, name), atol=1e-5)


# --- SimpleRNN ---------------------------------------------------------------------------------
from lab.networks import rnn  # noqa: E402


def keras_rnn(net: rnn.RNN, T: int):
    import keras

    model = keras.Sequential([
        keras.Input(shape=(T, net.n_f)),
        keras.layers.SimpleRNN(net.n_c, activation=net.activation),
        keras.layers.Dense(net.n_out, activation="sigmoid" if net.output == "sigmoid" else None),
    ])
    model.layers[0].set_weights([net.w1x, net.w1h, net.b1])
    model.layers[1].set_weights([net.w2, net.b2])
    return model


@pytest.mark.parametrize("activation,output", [("tanh", "sigmoid"), ("relu", "linear"),
                                               ("sigmoid", "sigmoid")])
def test_simple_rnn_outputs_and_gradients_equal_keras(activation, output):
    import keras
    import tensorflow as tf

    rng = np.random.default_rng(7)
    net = rnn.init_rnn(5, 6, seed=4, activation=activation, output=output)
    net.b1 = rng.normal(0, 0.1, 6)
    net.b2 = np.array([0.2])
    x = rng.normal(size=(8, 15, 5))
    y = rng.integers(0, 2, (8, 1)).astype(float) if output == "sigmoid" else rng.normal(size=(8, 1))
    model = keras_rnn(net, 15)
    loss_fn = keras.losses.BinaryCrossentropy() if output == "sigmoid" else keras.losses.MeanSquaredError()
    with tf.GradientTape() as tape:
        pred = model(tf.constant(x, tf.float32), training=True)
        loss = loss_fn(tf.constant(y, tf.float32), pred)
    kg = [g.numpy() for g in tape.gradient(loss, model.trainable_weights)]
    trace = rnn.forward(net, x)
    np.testing.assert_allclose(trace.a2, pred.numpy(), atol=1e-5)
    assert rnn.loss(net, trace, y) == pytest.approx(float(loss), abs=1e-5)
    g = rnn.bptt(net, trace, y)
    for ours, theirs, name in zip([g.w1x, g.w1h, g.b1, g.w2, g.b2], kg,
                                  ["w1x", "w1h", "b1", "w2", "b2"]):
        np.testing.assert_allclose(ours, theirs, atol=1e-5, err_msg=name)


def test_simple_rnn_parameter_counts_equal_keras():
    import keras

    for n_f, n_c, n_out, T in [(100, 32, None, 100), (1, 128, 1, 20), (11, 8, 1, 7)]:
        layers = [keras.Input(shape=(T, n_f)), keras.layers.SimpleRNN(n_c)]
        if n_out:
            layers.append(keras.layers.Dense(n_out))
        assert keras.Sequential(layers).count_params() == rnn.count_params(n_f, n_c, n_out)
