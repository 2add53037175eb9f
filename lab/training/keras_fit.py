"""Fitting a Keras binary classifier the lectures' way, for every IMDB model of the lab:
binary cross-entropy, accuracy, early stopping on validation accuracy or loss (the best epoch's
weights kept, or the last epoch's, as lectures 000, 001 and 004 leave them), the last part of
the training data held out, progress to a ``lab.training.jobs.Job``."""

from __future__ import annotations

import time

import numpy as np

from lab.training.jobs import Job, keras_callback


def fit_classifier(model, optimizer: str, lr: float, x: np.ndarray, y: np.ndarray, epochs: int,
                   batch_size: int, validation: float, patience: int, job: Job,
                   shuffle: bool = True, monitor: str = "val_accuracy", restore: bool = True,
                   ) -> tuple[dict[str, list[float]], float]:
    """Compile and fit ``model``; (history as plain floats, seconds). A loss that is not a
    number stops training (``TerminateOnNaN``); a cancelled job stops it after the batch.
    ``restore``: Keras's ``restore_best_weights`` (else the model ends with the last epoch's)."""
    import keras

    opt = {"adam": keras.optimizers.Adam, "rmsprop": keras.optimizers.RMSprop,
           "sgd": keras.optimizers.SGD}[optimizer](learning_rate=lr)
    model.compile(optimizer=opt, loss="binary_crossentropy", metrics=["accuracy"])
    n_fit = len(x) - int(len(x) * validation)
    callbacks = [keras.callbacks.TerminateOnNaN(),
                 keras.callbacks.EarlyStopping(monitor=monitor, patience=patience,
                                               restore_best_weights=restore),
                 keras_callback(job, -(-n_fit // batch_size))]
    t0 = time.perf_counter()
    hist = model.fit(x, y, epochs=epochs, batch_size=batch_size, validation_split=validation,
                     verbose=0, callbacks=callbacks, shuffle=shuffle)
    seconds = time.perf_counter() - t0
    return {k: [float(v) for v in vals] for k, vals in hist.history.items()}, seconds
