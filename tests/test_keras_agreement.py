"""NumPy networks against Keras/TensorFlow: same weights -> same outputs and gradients."""

import numpy as np
import pytest

from lab import mlp

pytest.importorskip("tensorflow")
keras_ref = pytest.importorskip("lab.keras_ref")


@pytest.mark.parametrize("hidden,seed", [(3, 0), (2, 5), (8, 1)])
def test_xor_outputs_and_gradients_equal_keras(hidden, seed):
    p = mlp.init_params(hidden, seed)
    p.b1 = np.linspace(-0.5, 0.5, hidden)
    p.b2 = np.array([0.25])
    y, loss, grads = keras_ref.outputs_and_gradients(p)
    np.testing.assert_allclose(mlp.forward(p).y, y, atol=1e-5)
    assert mlp.bce(mlp.forward(p).y) == pytest.approx(loss, abs=1e-5)
    ours = mlp.gradients(p)
    for name in ("w1", "b1", "w2", "b2"):
        np.testing.assert_allclose(ours[name], grads[name], atol=1e-5, err_msg=name)


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
