"""The IMDB page's notebook (lectures 000-004): ``keras.datasets.imdb`` with the page's
vocabulary, skipped words and review length, the page's Embedding + SimpleRNN/LSTM/GRU +
Dense(sigmoid) model, fitted as the lab fits it (``lab.training.keras_fit``), and its test
accuracy at the page's threshold. The same seed, data and fit give the page's numbers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lab.data import imdb
from lab.maths import kinds
from lab.models.imdb_model import ModelSettings, Trained
from lab.notebooks.cells import Book, snippet
from lab.notebooks.keras_code import Name, classifier_fit, layer, recurrent, sequential

ACCURACY_TOLERANCE = 0.02  # test accuracy: the same training, up to TensorFlow's threads


@dataclass(frozen=True)
class Settings:
    source: str  # the page's reviews: "keras", "csv", "generated", "folder"
    preset: str  # a key of lab.data.imdb.PRESETS
    model: ModelSettings
    threshold: float = 0.5


def param_count(num_words: int, s: ModelSettings) -> int:
    return num_words * s.embedding + kinds.param_count(s.kind, s.embedding, s.units) + s.units + 1


def numbers(trained: Trained, y_test: np.ndarray, num_words: int, threshold: float) -> dict:
    """What the page shows for a trained model (its test labels ``y_test``)."""
    return {"params": param_count(num_words, trained.settings),
            "epochs_run": len(trained.history.get("loss", [])),
            "best_val_accuracy": max(trained.history.get("val_accuracy", [float("nan")])),
            "test_accuracy": float(((trained.p_test >= threshold) == y_test).mean())}


def build(s: Settings, shown: dict | None, language: str):
    num_words, skip_top, maxlen = imdb.PRESETS[s.preset]
    m = s.model
    book = Book("imdb", language)
    book.settings({"NUM_WORDS": num_words, "SKIP_TOP": skip_top, "MAXLEN": maxlen,
                   "THRESHOLD": s.threshold})
    book.numbers(shown, book.within(ACCURACY_TOLERANCE))
    if s.source != "keras":
        book.text("imdb.other_source")
    book.text("imdb.data")
    drop = s.preset in imdb.DROP_OOV_PRESETS
    book.code(*(snippet("imdb", name) for name in ("load", "drop_oov", "pad")
                if name != "drop_oov" or drop))
    book.text("imdb.model", params=param_count(num_words, m))
    book.code(f"keras.utils.set_random_seed({m.seed})",
              sequential((Name("MAXLEN"),), [
                  layer("Embedding", Name("NUM_WORDS"), m.embedding),
                  recurrent(m.kind, m.units), layer("Dense", 1, activation="sigmoid")]))
    book.text("imdb.fit")
    book.code(classifier_fit(m.optimizer, m.lr, m.epochs, m.batch_size, m.validation,
                             m.patience))
    book.text("imdb.score")
    book.code(snippet("imdb", "score"))
    book.results({"params": "model.count_params()",
                  "epochs_run": "len(history.history['loss'])",
                  "best_val_accuracy": "max(history.history['val_accuracy'])",
                  "test_accuracy": "accuracy"})
    return book.notebook()
