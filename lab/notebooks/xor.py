"""The XOR page's notebook (lecture 000, section 4.4): the lecture's Keras network
``Dense(H, sigmoid)`` + ``Dense(1, sigmoid)``, SGD on the four rows as one batch, from the
page's starting weights, trained for the steps the page reached. One Keras epoch of
``batch_size=4`` is one of the page's steps, so the notebook's loss is the page's."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lab.networks import mlp
from lab.notebooks.cells import Book, snippet
from lab.notebooks.keras_code import layer, sequential

TOLERANCE = 1e-3  # loss and outputs: float32 Keras against the page's float64 NumPy


@dataclass(frozen=True)
class Settings:
    preset: bool  # the lecture's weights, else seeded random ones (Keras's initialisers)
    hidden: int
    seed: int
    lr: float
    steps: int  # the steps the page trained

    def start(self) -> mlp.MLP:
        return mlp.lecture_preset() if self.preset else mlp.init_params(self.hidden, self.seed)


def numbers(params: mlp.MLP, steps: int) -> dict:
    """What the page shows for weights ``params`` after ``steps`` steps."""
    y = mlp.forward(params).y[:, 0]
    return {"params": param_count(params.hidden), "steps": int(steps),
            "loss": mlp.bce(mlp.forward(params).y), "outputs": [round(float(v), 4) for v in y]}


def param_count(hidden: int) -> int:
    """2H + H weights and biases into the hidden layer, H + 1 into the output."""
    return 4 * hidden + 1


def _array(a: np.ndarray) -> str:
    return f"np.array({np.asarray(a, float).tolist()!r})"


def build(s: Settings, shown: dict | None, language: str):
    p = s.start()
    book = Book("xor", language)
    book.settings({"LEARNING_RATE": s.lr, "STEPS": s.steps})
    book.numbers(shown, book.within(TOLERANCE))
    book.text("xor.data")
    book.code(snippet("xor", "data"))
    book.text("xor.model", hidden=p.hidden)
    book.code(sequential((2,), [layer("Dense", p.hidden, activation="sigmoid"),
                                layer("Dense", 1, activation="sigmoid")]))
    book.text("xor.start_lecture" if s.preset else "xor.start_random", seed=s.seed)
    book.code(f"model.layers[0].set_weights([{_array(p.w1)}, {_array(p.b1)}])\n"
              f"model.layers[1].set_weights([{_array(p.w2)}, {_array(p.b2)}])")
    book.text("xor.fit")
    book.code(snippet("xor", "fit"))
    book.results({"params": "model.count_params()", "steps": "STEPS", "loss": "float(loss)",
                  "outputs": "[round(float(v), 4) for v in predicted[:, 0]]"})
    return book.notebook()
