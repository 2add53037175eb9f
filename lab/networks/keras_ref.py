"""The lecture's Keras XOR network, as a reference for the NumPy one in ``lab.networks.mlp``.

Lecture 000 (section 4.4) builds ``Dense(3, sigmoid)`` + ``Dense(1, sigmoid)``, compiles it
with ``SGD(learning_rate=0.1)`` and binary cross-entropy, and fits 10,000 epochs with
``batch_size=4``. The pages never train with it (it takes minutes); the tests use it to prove
that the NumPy network computes the same outputs and gradients, and ``bench/`` times it as the
baseline.

TensorFlow is imported inside the functions so that importing ``lab`` stays fast.
"""

from __future__ import annotations

import os

import numpy as np

from lab.networks.mlp import MLP, XOR_T, XOR_X

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # keep TensorFlow's start-up chatter quiet

LECTURE_LR = 0.1
LECTURE_EPOCHS = 10_000


def build_model(hidden: int = 3, lr: float = LECTURE_LR):
    """The lecture's model, compiled as the lecture compiles it."""
    import keras

    model = keras.Sequential([
        keras.Input(shape=(2,)),
        keras.layers.Dense(hidden, activation="sigmoid"),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=lr),
                  loss="binary_crossentropy", metrics=["accuracy"])
    return model


def model_from_params(p: MLP, lr: float = LECTURE_LR):
    """A compiled Keras model holding exactly the weights of ``p``."""
    model = build_model(p.hidden, lr)
    model.layers[0].set_weights([p.w1, p.b1])
    model.layers[1].set_weights([p.w2, p.b2])
    return model


def params_from_model(model) -> MLP:
    (w1, b1), (w2, b2) = (layer.get_weights() for layer in model.layers)
    return MLP(w1.astype(float), b1.astype(float), w2.astype(float), b2.astype(float))


def outputs_and_gradients(p: MLP, x: np.ndarray = XOR_X, t: np.ndarray = XOR_T):
    """Keras's outputs, loss and ``tf.GradientTape`` gradients for the weights of ``p``.

    Returns ``(y, loss, grads)`` with grads keyed like ``MLP.as_dict()``.
    """
    import keras
    import tensorflow as tf

    model = model_from_params(p)
    xs = tf.constant(x, dtype=tf.float32)
    ts = tf.constant(t, dtype=tf.float32)
    loss_fn = keras.losses.BinaryCrossentropy()
    with tf.GradientTape() as tape:
        y = model(xs, training=True)
        loss = loss_fn(ts, y)
    g = tape.gradient(loss, model.trainable_weights)
    grads = dict(zip(["w1", "b1", "w2", "b2"], (v.numpy().astype(float) for v in g)))
    return y.numpy().astype(float), float(loss), grads
