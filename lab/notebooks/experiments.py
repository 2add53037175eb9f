"""The IMDB experiments page's notebook (lectures 000, 001, 003, 004): the chosen experiment's
models, each with its own vocabulary, review length and fit, trained one after another on the
same reviews as ``lab.models.experiments`` trains them (the first 5,000 / 1,000 of Keras's
reviews, the last 20% of the training ones held out), beside what the page measured."""

from __future__ import annotations

from dataclasses import dataclass

from lab.core.i18n import t
from lab.models import experiments as ex
from lab.notebooks.cells import Book, snippet
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
    book.grid(shown, book.within(ACCURACY_TOLERANCE))
    if s.source != "keras":
        book.text("imdb.other_source")
    book.text("experiments.data")
    book.code(snippet("experiments", "imports"), snippet("experiments", "data"))
    for net in e.nets:
        fit = ex.capped(e, s.epochs, net)
        book.text("experiments.net", net=t(f"experiments.net.{net.id}", language))
        book.code(
            f"words = {net.num_words or 'DATA_WORDS'}\n"
            f"x_train, x_test = prepared(words, {net.skip_top}, {net.drop_oov}, {net.maxlen})\n"
            f"keras.utils.set_random_seed({fit.seed})",
            model_code(net),
            classifier_fit(fit.optimizer, fit.lr, fit.epochs, fit.batch_size, ex.VALIDATION,
                           fit.patience, monitor=fit.monitor, restore=fit.restore),
            f"{snippet('experiments', 'score')}\nresults[{net.id!r}] = score")
    book.results({n.id: f"results[{n.id!r}]" for n in e.nets})
    return book.notebook()
