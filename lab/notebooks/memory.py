"""The gate page's memory experiment as a notebook (lecture 004's long-term dependency): the
label of a sequence of random signs is its first sign, so a model must carry it through the
rest. SimpleRNN, LSTM and GRU are trained on the same data with the same seed at every length,
as ``lab.models.memory`` trains them (Keras there too), and scored on fresh sequences."""

from __future__ import annotations

from dataclasses import dataclass

from lab.maths import kinds
from lab.models.memory import MemoryResult, MemorySettings
from lab.notebooks.cells import Book, snippet

ACCURACY_TOLERANCE = 0.05  # each accuracy: the same training, up to TensorFlow's threads


@dataclass(frozen=True)
class Settings:
    lengths: tuple[int, ...]
    memory: MemorySettings


def numbers(result: MemoryResult) -> dict:
    """The page's table: length -> layer -> test accuracy."""
    return {f"L = {n}": {k: result.accuracy[k][i] for k in result.accuracy}
            for i, n in enumerate(result.lengths)}


def build(s: Settings, shown: dict | None, language: str):
    m = s.memory
    book = Book("gates", language)
    book.settings({"LENGTHS": sorted(int(v) for v in s.lengths), "KINDS": list(kinds.KINDS),
                   "UNITS": m.units, "N_TRAIN": m.n_train, "N_TEST": m.n_test,
                   "EPOCHS": m.epochs, "LEARNING_RATE": m.lr, "BATCH_SIZE": m.batch_size,
                   "SEED": m.seed, "LSTM_FORGET_BIAS": m.lstm_forget_bias})
    book.grid(shown, book.within(ACCURACY_TOLERANCE))
    book.text("memory.task")
    book.code(snippet("memory", "imports"), snippet("memory", "task"))
    book.text("memory.model")
    book.code(snippet("memory", "model"))
    book.text("memory.run")
    book.code(snippet("memory", "run"))
    book.results({"accuracy": "{f'L = {n}': {k: accuracy[k][i] for k in KINDS} "
                              "for i, n in enumerate(LENGTHS)}"})
    return book.notebook()
