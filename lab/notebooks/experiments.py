"""The IMDB experiments page's notebook (lectures 000, 001, 003, 004): the chosen experiment's
models, each with its own vocabulary, review length and fit, trained one after another on the
same reviews as ``lab.models.experiments`` trains them (the first 5,000 / 1,000 of Keras's
reviews, the last 20% of the training ones held out), beside what the page measured."""

from __future__ import annotations

from dataclasses import dataclass

from lab.core.i18n import t
from lab.models import experiments as ex
from lab.notebooks.cells import Book
from lab.notebooks.keras_code import Name, classifier_fit, layer, recurrent, sequential

ACCURACY_TOLERANCE = 0.02  # test accuracy: the same training, up to TensorFlow's threads


@dataclass(frozen=True)
class Settings:
    experiment: str  # a key of lab.models.experiments.EXPERIMENTS
    epochs: int  # the page's cap
    source: str = "keras"


def numbers(experiment: ex.Experiment, results: dict, y_test) -> dict:
    """The page's table: net id -> its numbers (``results``: net id -> ``ex.Result``)."""
    return {n.id: {"params": int(results[n.id].params),
                   "epochs_run": len(results[n.id].history.get("loss", [])),
                   "best_val_accuracy": results[n.id].best_val(),
                   "test_accuracy": float(((results[n.id].p_test >= 0.5) == y_test).mean())}
            for n in experiment.nets if n.id in results}


DATA = '''\
(x_train, y_train), (x_test, y_test) = keras.datasets.imdb.load_data()  # every word
x_train, y_train = x_train[:TRAIN_REVIEWS], y_train[:TRAIN_REVIEWS]
x_test, y_test = x_test[:TEST_REVIEWS], y_test[:TEST_REVIEWS]
DATA_WORDS = max(max(x) for x in x_train if len(x)) + 1


def prepared(num_words, skip_top, drop_oov, maxlen):
    """Ids outside [skip_top, num_words) become 2, as load_data(num_words, skip_top) makes
    them; lecture 001 then drops the 2s; padded at the front to maxlen."""
    def cut(seqs):
        seqs = [[w if skip_top <= w < num_words else 2 for w in s] for s in seqs]
        return [[w for w in s if w > 2] for s in seqs] if drop_oov else seqs
    return (keras.utils.pad_sequences(cut(x_train_all), maxlen=maxlen),
            keras.utils.pad_sequences(cut(x_test_all), maxlen=maxlen))


x_train_all, x_test_all = x_train, x_test
results = {}'''


def model_code(net: ex.Net) -> str:
    """``ex.build(net, words)`` written out, ``words`` being the cell's ``words``."""
    words = Name("words")
    parts = [layer("Embedding", words, net.embedding) if net.embedding
             else layer("CategoryEncoding", words, output_mode="one_hot")]
    parts += [recurrent(l.kind, l.units, activation=l.activation, return_sequences=l.sequences)
              for l in net.layers]
    if net.head == "flatten":
        parts.append(layer("Flatten"))
    if net.head in ("flatten", "dense"):
        parts.append(layer("Dense", 1, activation="sigmoid"))
    return sequential((net.maxlen,), parts, dtype="int32")


def build(s: Settings, shown: dict | None, language: str):
    e = ex.EXPERIMENTS[s.experiment]
    book = Book("experiments", language)
    book.settings({"EXPERIMENT": e.id, "EPOCHS": s.epochs, "TRAIN_REVIEWS": ex.SUBSET[0],
                   "TEST_REVIEWS": ex.SUBSET[1]})
    book.grid(shown, f"{ACCURACY_TOLERANCE:g}")
    if s.source != "keras":
        book.text("imdb.other_source")
    book.text("experiments.data")
    book.code("import numpy as np\nimport keras", DATA)
    for net in e.nets:
        fit = ex.capped(e, s.epochs, net)
        book.text("experiments.net", net=t(f"experiments.net.{net.id}", language))
        book.code(
            f"words = {net.num_words or 'DATA_WORDS'}\n"
            f"x_train, x_test = prepared(words, {net.skip_top}, {net.drop_oov}, {net.maxlen})\n"
            f"keras.utils.set_random_seed({fit.seed})",
            model_code(net),
            classifier_fit(fit.optimizer, fit.lr, fit.epochs, fit.batch_size, ex.VALIDATION,
                           fit.patience),
            "p_test = model.predict(x_test, batch_size=512, verbose=0)[:, 0]\n"
            f"results[{net.id!r}] = {{\n"
            "    'params': model.count_params(),\n"
            "    'epochs_run': len(history.history['loss']),\n"
            "    'best_val_accuracy': max(history.history['val_accuracy']),\n"
            "    'test_accuracy': float(((p_test >= 0.5) == y_test).mean())}\n"
            f"results[{net.id!r}]")
    book.results({n.id: f"results[{n.id!r}]" for n in e.nets})
    return book.notebook()
