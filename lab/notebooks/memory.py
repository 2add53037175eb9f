"""The gate page's memory experiment as a notebook (lecture 004's long-term dependency): the
label of a sequence of random signs is its first sign, so a model must carry it through the
rest. SimpleRNN, LSTM and GRU are trained on the same data with the same seed at every length,
as ``lab.models.memory`` trains them (Keras there too), and scored on fresh sequences."""

from __future__ import annotations

from dataclasses import dataclass

from lab.maths import kinds
from lab.models.memory import MemoryResult, MemorySettings
from lab.notebooks.cells import Book
from lab.notebooks.keras_code import Name, layer, optimizer

ACCURACY_TOLERANCE = 0.05  # each accuracy: the same training, up to TensorFlow's threads


@dataclass(frozen=True)
class Settings:
    lengths: tuple[int, ...]
    memory: MemorySettings


def numbers(result: MemoryResult) -> dict:
    """The page's table: length -> layer -> test accuracy."""
    return {f"L = {n}": {k: result.accuracy[k][i] for k in result.accuracy}
            for i, n in enumerate(result.lengths)}


TASK = '''\
def first_token_task(n, length, seed):
    """x: n sequences of `length` random signs (n, length, 1); y = 1 where the first is +1."""
    rng = np.random.default_rng(seed)
    x = rng.choice([-1.0, 1.0], size=(n, length, 1))
    return x, (x[:, 0, :] > 0).astype(float)'''

RUN = '''\
accuracy = {kind: [] for kind in KINDS}
for length in LENGTHS:
    for kind in KINDS:
        keras.utils.set_random_seed(SEED)
        x, y = first_token_task(N_TRAIN, length, SEED)
        x_test, y_test = first_token_task(N_TEST, length, SEED + 1)
        model = make_model(kind)
        model.fit(x, y, epochs=EPOCHS, batch_size=BATCH_SIZE, verbose=0)
        accuracy[kind].append(float(model.evaluate(x_test, y_test, verbose=0, batch_size=256)[1]))
        print(f"L = {length:3d}  {kind:9s}  test accuracy {accuracy[kind][-1]:.3f}")'''


def build(s: Settings, shown: dict | None, language: str):
    m = s.memory
    book = Book("gates", language)
    book.settings({"LENGTHS": sorted(int(v) for v in s.lengths), "KINDS": list(kinds.KINDS),
                   "UNITS": m.units, "N_TRAIN": m.n_train, "N_TEST": m.n_test,
                   "EPOCHS": m.epochs, "LEARNING_RATE": m.lr, "BATCH_SIZE": m.batch_size,
                   "SEED": m.seed, "LSTM_FORGET_BIAS": m.lstm_forget_bias})
    book.grid(shown, f"{ACCURACY_TOLERANCE:g}")
    book.text("memory.task")
    book.code("import numpy as np\nimport keras", TASK)
    book.text("memory.model")
    model = (
        "def make_model(kind):\n"
        "    model = keras.Sequential([\n"
        "        keras.Input((None, 1)),\n"
        "        getattr(keras.layers, kind)(UNITS),  # SimpleRNN, LSTM or GRU\n"
        f"        {layer('Dense', 1, activation='sigmoid')},\n"
        "    ])\n"
        "    if kind == 'LSTM' and LSTM_FORGET_BIAS != 1.0:  # Keras starts the forget bias at 1\n"
        "        kernel, recurrent, bias = model.layers[0].get_weights()\n"
        "        bias[UNITS:2 * UNITS] = LSTM_FORGET_BIAS  # gate order i, f, c, o\n"
        "        model.layers[0].set_weights([kernel, recurrent, bias])\n"
        f"    model.compile(optimizer={optimizer('adam', Name('LEARNING_RATE'))},\n"
        "                  loss='binary_crossentropy', metrics=['accuracy'])\n"
        "    return model")
    book.code(model)
    book.text("memory.run")
    book.code(RUN)
    book.results({"accuracy": "{f'L = {n}': {k: accuracy[k][i] for k in KINDS} "
                              "for i, n in enumerate(LENGTHS)}"})
    return book.notebook()
