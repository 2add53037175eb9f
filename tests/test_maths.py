"""The maths kernel (lab.maths) against Keras/TensorFlow, once each: activations and their
derivatives, losses, initialisers, Adam, and the SimpleRNN/LSTM/GRU steps and their BPTT."""

import numpy as np
import pytest

from lab.maths import kinds
from lab.core.errors import InvalidInput
from lab.maths import (ACTIVATIONS, Adam, activation, binary_crossentropy, glorot_uniform, mse,
                       orthogonal, recurrent, softmax, softmax_crossentropy)

F64 = "float64"


@pytest.fixture(scope="module")
def tf():
    import tensorflow

    return tensorflow


@pytest.fixture(scope="module")
def keras(tf):
    import keras as k

    return k


def tape_gradient(tf, f, *xs):
    """(f(*xs), d sum(f) / d xs) in float64, by tf.GradientTape."""
    vs = [tf.constant(x, dtype=F64) for x in xs]
    with tf.GradientTape() as g:
        g.watch(vs)
        y = f(*vs)
    grads = g.gradient(y, vs)
    return y.numpy(), [v.numpy() for v in grads]


# --- Activations ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activations_and_their_slopes_equal_tensorflow(tf, keras, name):
    z = np.concatenate([np.linspace(-6.05, 5.95, 25), [-40.0, 40.0]])  # no z exactly 0 (relu)
    y, (dy,) = tape_gradient(tf, keras.activations.get(name), z)
    ours = activation(name)
    np.testing.assert_allclose(ours.f(z), y, rtol=1e-13, atol=1e-16)
    np.testing.assert_allclose(ours.slope(ours.f(z)), dy, rtol=1e-9, atol=1e-15)


def test_softmax_equals_keras_and_never_overflows(keras):
    z = np.array([[1.0, 2.0, -3.0, 0.5], [1000.0, 999.0, -1000.0, 0.0]])
    np.testing.assert_allclose(softmax(z), keras.activations.softmax(z).numpy(), rtol=1e-13)
    with pytest.raises(InvalidInput):
        activation("gelu")


# --- Losses --------------------------------------------------------------------------------------
def test_mse_and_its_gradient_equal_keras(tf, keras):
    rng = np.random.default_rng(0)
    y, t = rng.normal(size=(7, 1)), rng.normal(size=7)
    loss, dy = mse(y, t)
    fn = keras.losses.MeanSquaredError(dtype=F64)
    theirs, (grad,) = tape_gradient(tf, lambda v: fn(t[:, None], v), y)
    assert loss == pytest.approx(float(theirs), rel=1e-14)
    np.testing.assert_allclose(dy, grad, rtol=1e-13)


def test_binary_crossentropy_clips_as_keras_and_its_logit_gradient(tf, keras):
    z = np.array([[-3.0], [0.2], [1.5], [4.0], [-0.7]])
    t = np.array([0.0, 1.0, 1.0, 0.0, 1.0])
    p = 0.5 + 0.5 * np.tanh(0.5 * z)
    loss, dz = binary_crossentropy(p, t)
    clipped = keras.losses.BinaryCrossentropy(dtype=F64)
    assert loss == pytest.approx(float(clipped(t[:, None], p)), rel=1e-12)
    edge = np.array([[0.0], [1.0], [1.0]]), np.array([1.0, 0.0, 1.0])  # log 0 without the clip
    assert binary_crossentropy(*edge)[0] == pytest.approx(float(clipped(edge[1][:, None], edge[0])),
                                                          rel=1e-12)
    logits = keras.losses.BinaryCrossentropy(from_logits=True, dtype=F64)
    _, (grad,) = tape_gradient(tf, lambda v: logits(t[:, None], v), z)
    np.testing.assert_allclose(dz, grad, rtol=1e-12)


def test_softmax_crossentropy_and_its_logit_gradient_equal_keras(tf, keras):
    rng = np.random.default_rng(1)
    z, targets = rng.normal(size=(6, 4)) * 2, np.array([0, 3, 1, 1, 2, 0])
    one_hot = np.eye(4)[targets]
    loss, dz = softmax_crossentropy(softmax(z), targets)
    probs = keras.losses.CategoricalCrossentropy(dtype=F64)
    assert loss == pytest.approx(float(probs(one_hot, softmax(z))), rel=1e-12)
    edge = np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([1, 1])  # log 0 without the clip
    assert softmax_crossentropy(*edge)[0] == pytest.approx(
        float(probs(np.eye(2)[edge[1]], edge[0])), rel=1e-12)
    logits = keras.losses.CategoricalCrossentropy(from_logits=True, dtype=F64)
    _, (grad,) = tape_gradient(tf, lambda v: logits(one_hot, v), z)
    np.testing.assert_allclose(dz, grad, rtol=1e-12, atol=1e-16)


# --- Initialisers --------------------------------------------------------------------------------
def test_glorot_uniform_has_keras_bounds_and_spread(keras):
    shape = (300, 500)
    ours = glorot_uniform(shape, np.random.default_rng(0))
    theirs = keras.initializers.GlorotUniform(seed=0)(shape).numpy()
    limit = np.sqrt(6 / 800)
    assert np.abs(ours).max() <= limit and np.abs(theirs).max() <= limit
    assert ours.std() == pytest.approx(theirs.std(), rel=0.01)
    assert abs(ours.mean()) < 1e-3 and abs(theirs.mean()) < 1e-3


@pytest.mark.parametrize("shape", [(6, 6), (5, 20), (20, 5)])
def test_orthogonal_is_orthonormal_the_way_keras_makes_it(keras, shape):
    ours = orthogonal(shape, np.random.default_rng(0), gain=2.0)
    theirs = keras.initializers.Orthogonal(gain=2.0, seed=0)(shape).numpy()
    for w in (ours, theirs):
        assert w.shape == shape
        gram = w @ w.T if shape[0] <= shape[1] else w.T @ w  # the short side is orthonormal
        np.testing.assert_allclose(gram, 4.0 * np.eye(min(shape)), atol=1e-5)


@pytest.mark.parametrize("kind", kinds.KINDS)
def test_init_cell_is_a_fresh_keras_layer(keras, kind):
    d, n = 3, 6
    layer = kinds.keras_layer(kind)(n)
    layer.build((None, 4, d))
    ours = recurrent.init_cell(kind, d, n, seed=1)
    for mine, theirs in zip(ours.weights(), layer.get_weights()):
        assert mine.shape == theirs.shape
    np.testing.assert_array_equal(ours.bias, layer.get_weights()[2])  # LSTM: forget bias 1
    for u in (ours.recurrent_kernel, layer.get_weights()[1]):  # orthonormal rows, not blocks
        np.testing.assert_allclose(u @ u.T, np.eye(n), atol=1e-5)
    assert np.abs(ours.kernel).max() <= np.sqrt(6 / (d + kinds.gates(kind) * n))


# --- Adam ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_adam_steps_equal_keras(tf, keras, dtype):
    rng = np.random.default_rng(2)
    start = [rng.normal(size=(3, 4)), rng.normal(size=4)]
    grads = [[rng.normal(size=w.shape) * s for w in start] for s in (1.0, 1e-3, 1e-6, 0.3, 2.0)]
    before = keras.config.floatx()
    keras.config.set_floatx(dtype)  # Keras keeps its learning rate in floatx
    try:
        variables = [keras.Variable(w.astype(dtype)) for w in start]
        opt = keras.optimizers.Adam(learning_rate=3e-3)
        for g in grads:
            opt.apply_gradients(zip([tf.constant(v, dtype=dtype) for v in g], variables))
    finally:
        keras.config.set_floatx(before)
    ours, adam = [w.astype(dtype) for w in start], Adam(3e-3)
    for g in grads:
        adam.step(ours, g)
    for mine, theirs in zip(ours, variables):
        assert mine.dtype == dtype
        if dtype == "float64":
            np.testing.assert_allclose(mine, theirs.numpy(), rtol=0, atol=1e-15)
        else:
            np.testing.assert_allclose(mine, theirs.numpy(), rtol=0, atol=3e-7)


# --- Recurrent cells -----------------------------------------------------------------------------
CELL_CASES = [(k, a) for k in kinds.KINDS for a in ("tanh", "relu")]


@pytest.mark.parametrize("kind,act", CELL_CASES)
def test_cell_steps_and_their_gradients_equal_keras_cells(tf, keras, kind, act):
    """Every step's state equals keras.layers.<Kind>Cell's with the same weights, and BPTT's
    weight gradients equal tf.GradientTape's for a loss on every step's h."""
    rng = np.random.default_rng(3)
    T, B, d, n = 5, 4, 3, 6
    cell = recurrent.init_cell(kind, d, n, seed=4, activation=act)
    cell.bias = cell.bias + rng.normal(0, 0.3, cell.bias.shape)  # every path
    X, coef = rng.normal(size=(T, B, d)), rng.normal(size=(T, B, n))
    theirs = getattr(keras.layers, kind + "Cell")(n, activation=act, dtype=F64)
    theirs.build((None, d))
    theirs.set_weights(cell.weights())
    with tf.GradientTape() as g:
        states = [tf.zeros((B, n), dtype=F64) for _ in range(2 if kind == "LSTM" else 1)]
        hs, loss = [], 0.0
        for t in range(T):
            h, states = theirs(tf.constant(X[t]), states)
            states = list(states) if isinstance(states, (list, tuple)) else [states]
            hs.append((h.numpy(), states[-1].numpy()))
            loss += tf.reduce_sum(h * coef[t])
    keras_grads = [v.numpy() for v in g.gradient(loss, theirs.trainable_weights)]

    tape = recurrent.forward(cell, X)
    for t, (h, last) in enumerate(hs):
        np.testing.assert_allclose(tape.H[t + 1], h, rtol=1e-12, atol=1e-14)
        if kind == "LSTM":
            np.testing.assert_allclose(tape.caches[t].c, last, rtol=1e-12, atol=1e-14)
    for mine, ref in zip(recurrent.backward(cell, tape, coef), keras_grads):
        np.testing.assert_allclose(mine, ref, rtol=1e-10, atol=1e-13)


def test_a_step_from_any_state_is_the_sequences_step():
    """Stepping by hand from initial_state() is forward(); an unknown kind is refused."""
    rng = np.random.default_rng(5)
    for kind in kinds.KINDS:
        cell = recurrent.init_cell(kind, 2, 3, seed=6)
        X = rng.normal(size=(6, 2, 2))
        whole = recurrent.forward(cell, X)
        state = recurrent.initial_state(cell, 2)
        for t in range(6):
            state, cache = recurrent.step(cell, recurrent.project(cell, X[t]), state)
            np.testing.assert_array_equal(cache.h, whole.caches[t].h)
        with pytest.raises(InvalidInput):
            recurrent.step(recurrent.Cell("Transformer", *cell.weights()), X[0], state)
