"""Keras code written from the lab's own descriptions of its models: the recurrent kinds of
``lab.maths.kinds``, and the lectures' compile-and-fit for a binary classifier (the fit of
``lab.training.keras_fit``). ``tests/test_notebooks.py`` builds each notebook's model beside
the lab's builder and compares them layer by layer, so the two cannot drift apart.
"""

from __future__ import annotations

from lab.maths import kinds

OPTIMIZERS = {"adam": "Adam", "rmsprop": "RMSprop", "sgd": "SGD"}  # keras_fit's names


def call(name: str, *args, **kwargs) -> str:
    """``name(arg, ..., key=value)`` with Python literals."""
    parts = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


def layer(name: str, *args, **kwargs) -> str:
    return call(f"keras.layers.{name}", *args, **kwargs)


def recurrent(kind: str, units: int, **kwargs) -> str:
    """A SimpleRNN, LSTM or GRU layer (``kinds.UnknownKind`` for anything else)."""
    kinds.gates(kind)
    return layer(kind, units, **kwargs)


def sequential(shape: tuple, layers: list[str], name: str = "model", **input_kwargs) -> str:
    """``name = keras.Sequential([...])`` with an Input of ``shape`` and these layers."""
    rows = [call("keras.Input", shape, **input_kwargs)] + list(layers)
    body = "".join(f"    {row},\n" for row in rows)
    return f"{name} = keras.Sequential([\n{body}])\n{name}.summary()"


def optimizer(name: str, lr: float) -> str:
    return call(f"keras.optimizers.{OPTIMIZERS[name]}", learning_rate=lr)


def classifier_fit(optimizer_name: str, lr: float, epochs: int, batch_size: int,
                   validation: float, patience: int, name: str = "model",
                   monitor: str = "val_accuracy", restore: bool = True) -> str:
    """Compile and fit as ``lab.training.keras_fit.fit_classifier`` does: binary cross-entropy,
    accuracy, the last ``validation`` of the training reviews held out, early stopping on
    ``monitor`` with the best epoch's weights kept if ``restore`` (else the last epoch's)."""
    return (f"{name}.compile(optimizer={optimizer(optimizer_name, lr)},\n"
            f"              loss='binary_crossentropy', metrics=['accuracy'])\n"
            f"history = {name}.fit(x_train, y_train, epochs={epochs}, batch_size={batch_size},\n"
            f"                    validation_split={validation}, shuffle=True, verbose=2,\n"
            f"                    callbacks=[keras.callbacks.EarlyStopping(\n"
            f"                        monitor={monitor!r}, patience={patience},\n"
            f"                        restore_best_weights={restore})])")


class Name(str):
    """A name in the notebook's code (a setting's constant), written as itself, not quoted."""

    def __repr__(self) -> str:
        return str(self)
