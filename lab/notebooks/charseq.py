"""The structure page's next-character model as a notebook (lecture 004, "국민대학"): a
many-to-many SimpleRNN that reads each word from its first character and predicts the next,
trained in Keras with teacher forcing (``fit`` always feeds the true previous character),
then generating one character at a time from its own outputs.

The page trains the same network in NumPy (``lab.networks.charseq``) from its own seeded
start, so the numbers land near the page's teacher-forcing run, not on it."""

from __future__ import annotations

from dataclasses import dataclass

from lab.networks import charseq
from lab.notebooks.cells import Book, snippet
from lab.notebooks.keras_code import Name, layer, recurrent, sequential


@dataclass(frozen=True)
class Settings:
    words: tuple[str, ...]
    units: int
    lr: float
    epochs: int
    seed: int


def param_count(words, units: int) -> int:
    v = len(charseq.vocabulary(list(words)))
    return v * units + units * units + units + units * v + v


def numbers(s: Settings, run: charseq.Training) -> dict:
    """What the page shows for its teacher-forcing run."""
    return {"params": param_count(s.words, s.units), "epochs_run": len(run.loss),
            "final_loss": run.loss[-1] if run.loss else float("nan"),
            "generated": run.generated[-1] if run.generated else float("nan")}


def build(s: Settings, shown: dict | None, language: str):
    book = Book("structures", language)
    book.settings({"WORDS": list(s.words), "UNITS": s.units, "LEARNING_RATE": s.lr,
                   "EPOCHS": s.epochs, "SEED": s.seed})
    book.numbers(shown, book.words("charseq.tolerance"))
    book.text("charseq.data")
    book.code(snippet("charseq", "imports"), snippet("charseq", "data"))
    book.text("charseq.model", params=param_count(s.words, s.units))
    book.code("keras.utils.set_random_seed(SEED)",
              sequential((None, Name("V")), [
                  recurrent("SimpleRNN", Name("UNITS"), return_sequences=True),
                  layer("Dense", Name("V"), activation="softmax")]),
              snippet("charseq", "fit"))
    book.text("charseq.generate")
    book.code(snippet("charseq", "generate"))
    book.results({"params": "model.count_params()", "epochs_run": "EPOCHS",
                  "final_loss": "float(loss)",
                  "generated": "generated"})
    return book.notebook()
