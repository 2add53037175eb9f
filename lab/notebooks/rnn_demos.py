"""The unrolled-RNN page's two demos as one notebook: lecture 000's many-to-one character RNN
(``good``, ``so good`` -> 1; ``bad``, ``worse`` -> 0) and lecture 002's SimpleRNN forecast of
``sin(2x) + cos(x/2)``, each with the page's units, learning rate and the epochs it ran.

The page trains both in NumPy (``lab.networks.rnn``, proven equal to Keras with the same
weights) from its own seeded start; Keras starts from other random weights, so the losses
land near the page's, not on them. The parameter counts are equal."""

from __future__ import annotations

from dataclasses import dataclass

from lab.data import sequences as sq
from lab.networks import rnn
from lab.notebooks.cells import Book, snippet, source
from lab.notebooks.keras_code import Name, layer, recurrent, sequential


@dataclass(frozen=True)
class Settings:
    words_units: int
    words_lr: float
    words_epochs: int  # the epochs the page's words demo ran
    sine_steps: int
    sine_units: int
    sine_lr: float
    sine_epochs: int
    batch_size: int = 32  # the sine demo's (lab.models.rnn_demos.SineDemo)


def numbers(words, sine) -> dict:
    """What the page shows for its two demos (``lab.models.rnn_demos``' WordsDemo and
    SineDemo, as they are now)."""
    return {"words_params": rnn.count_params(len(words.vocab), words.n_c, 1),
            "words_epochs": len(words.losses),
            "words_loss": words.losses[-1] if words.losses else float("nan"),
            "sine_params": rnn.count_params(1, sine.n_c, 1),
            "sine_epochs": len(sine.train_losses),
            "sine_loss": sine.test_losses[-1] if sine.test_losses else float("nan")}


def build(s: Settings, shown: dict | None, language: str):
    book = Book("rnn", language)
    book.settings({"WORDS_UNITS": s.words_units, "WORDS_LEARNING_RATE": s.words_lr,
                   "WORDS_EPOCHS": s.words_epochs, "TIME_STEPS": s.sine_steps,
                   "SINE_UNITS": s.sine_units, "SINE_LEARNING_RATE": s.sine_lr,
                   "SINE_EPOCHS": s.sine_epochs, "SINE_BATCH_SIZE": s.batch_size})
    book.numbers(shown, book.words("rnn.tolerance"))
    book.text("rnn.words_data")
    book.code(snippet("rnn", "imports"),
              f"PAD = {sq.PAD!r}\nLECTURE_WORDS = {sq.LECTURE_WORDS!r}\n"
              f"LECTURE_LABELS = {sq.LECTURE_LABELS!r}",
              source(sq.char_vocabulary, sq.pad, sq.one_hot, sq.word_dataset),
              snippet("rnn", "encode"), snippet("rnn", "words_data"))
    book.text("rnn.words_model")
    book.code(sequential((None, Name("len(vocab)")), [
        recurrent("SimpleRNN", Name("WORDS_UNITS")), layer("Dense", 1, activation="sigmoid")],
        name="words_model"), snippet("rnn", "words_fit"))
    book.text("rnn.sine_data")
    book.code(source(sq.sine_series), snippet("rnn", "sine_data"))
    book.text("rnn.sine_model")
    book.code(sequential((Name("TIME_STEPS"), 1), [
        recurrent("SimpleRNN", Name("SINE_UNITS")), layer("Dense", 1)], name="sine_model"),
        snippet("rnn", "sine_fit"))
    book.results({"words_params": "words_model.count_params()", "words_epochs": "WORDS_EPOCHS",
                  "words_loss": "float(words_loss)",
                  "sine_params": "sine_model.count_params()", "sine_epochs": "SINE_EPOCHS",
                  "sine_loss": "float(sine_loss)"})
    return book.notebook()
