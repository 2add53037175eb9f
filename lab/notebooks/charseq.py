"""The structure page's next-character model as a notebook (lecture 004, "국민대학"): a
many-to-many SimpleRNN that reads each word from its first character and predicts the next,
trained in Keras with teacher forcing (``fit`` always feeds the true previous character),
then generating one character at a time from its own outputs.

The page trains the same network in NumPy (``lab.networks.charseq``) from its own seeded
start, so the numbers land near the page's teacher-forcing run, not on it."""

from __future__ import annotations

from dataclasses import dataclass

from lab.networks import charseq
from lab.notebooks.cells import Book
from lab.notebooks.keras_code import Name, layer, optimizer, recurrent, sequential


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


DATA = '''\
vocab = list(dict.fromkeys("".join(WORDS)))  # the characters, in order of first appearance
V, T = len(vocab), max(len(w) for w in WORDS) - 1
x = np.zeros((len(WORDS), T, V), "float32")  # step t reads character t (one-hot) ...
y = np.zeros((len(WORDS), T), "int32")  # ... and should give character t + 1
weight = np.zeros((len(WORDS), T), "float32")  # 0 after a shorter word's end
for i, word in enumerate(WORDS):
    for t in range(len(word) - 1):
        x[i, t, vocab.index(word[t])] = 1.0
        y[i, t] = vocab.index(word[t + 1])
        weight[i, t] = 1.0
print(vocab, x.shape)'''

GENERATE = '''\
def generate(first, length):
    """Feed `first`, then each step's most likely character (its own output)."""
    made = first
    for _ in range(length - 1):
        one_hot = np.eye(V, dtype="float32")[[vocab.index(c) for c in made]][None]
        p = model.predict(one_hot, verbose=0)[0, -1]
        made += vocab[int(np.argmax(p))]
    return made


made = {word: generate(word[0], len(word)) for word in WORDS}
right = sum(a == b for w, m in made.items() for a, b in zip(w[1:], m[1:]))
generated = right / sum(len(w) - 1 for w in WORDS)
print(made, f"{generated:.1%} of the characters right when generating")'''


def build(s: Settings, shown: dict | None, language: str):
    book = Book("structures", language)
    book.settings({"WORDS": list(s.words), "UNITS": s.units, "LEARNING_RATE": s.lr,
                   "EPOCHS": s.epochs, "SEED": s.seed})
    book.numbers(shown, book.words("charseq.tolerance"))
    book.text("charseq.data")
    book.code("import numpy as np\nimport keras", DATA)
    book.text("charseq.model", params=param_count(s.words, s.units))
    book.code("keras.utils.set_random_seed(SEED)",
              sequential((None, Name("V")), [
                  recurrent("SimpleRNN", Name("UNITS"), return_sequences=True),
                  layer("Dense", Name("V"), activation="softmax")]),
              f"model.compile(optimizer={optimizer('adam', Name('LEARNING_RATE'))},\n"
              "              loss='sparse_categorical_crossentropy')\n"
              "history = model.fit(x, y, sample_weight=weight, epochs=EPOCHS, "
              "batch_size=len(WORDS), verbose=0)")
    book.text("charseq.generate")
    book.code(GENERATE)
    book.results({"params": "model.count_params()", "epochs_run": "EPOCHS",
                  # Keras averages over every step, the padded ones too (weight 0)
                  "final_loss": "float(history.history['loss'][-1] * weight.size / weight.sum())",
                  "generated": "generated"})
    return book.notebook()
