"""Questions on the experiments page: the experiment's first model's parameter count (with
what the lecture printed, where it differs), and the memory of a one-hot input at the page's
maxlen."""

from __future__ import annotations

from lab.data import imdb
from lab.maths import kinds
from lab.models import experiments as ex
from lab.questions.counts import worked
from lab.questions.question import Question

LECTURE_REVIEWS = 20_000  # the lectures train on 20,000 reviews (as the page counts)
LECTURE_004_WORDS = imdb.PRESETS["lecture_004"][0]  # a model reading every word: lecture 004's


def _net(s: dict) -> tuple[ex.Net, int]:
    """The experiment's first model and its vocabulary (the lecture's, for every word); an id the
    table no longer has (an old link) asks about the first experiment, as the page's select shows."""
    experiment = ex.EXPERIMENTS.get(s["ex_id"]) or next(iter(ex.EXPERIMENTS.values()))
    net = experiment.nets[0]
    return net, ex.vocabulary(net, LECTURE_004_WORDS)


def parameters(s: dict, state: dict) -> Question:
    """The model's count (``lab.models.experiments``, as Keras counts it), and its parts as the
    explanation works them: the embedding's, each recurrent layer's, the head's the rest."""
    net, words = _net(s)
    count = ex.param_count(net, words)
    lecture = net.lecture_params if net.lecture_params not in (None, count) else None
    shapes = " → ".join(f"{name} {shape}" for name, shape in ex.shapes(net, words))
    parts, width, rest = [], net.embedding or words, count - words * net.embedding
    if net.embedding:
        parts.append(f"Embedding {words:,}·{net.embedding} = {words * net.embedding:,}")
    for layer in net.layers:
        parts.append(f"{layer.kind}({layer.units}) {worked(layer.kind, width, layer.units)}")
        rest -= kinds.param_count(layer.kind, width, layer.units)
        width = layer.units
    return Question("experiments.parameters", "numeric", float(count),
                    dict(words=f"{words:,}", shapes=shapes, parts="; ".join(parts),
                         head=f"{rest:,}"), lecture=lecture)


def input_memory(s: dict, state: dict) -> Question:
    """20,000 reviews x maxlen steps x the vocabulary, one float32 (4 bytes) each: in MB."""
    _, words = _net(s)
    maxlen = int(s["ex_maxlen"])
    mb = imdb.one_hot_bytes(LECTURE_REVIEWS, maxlen, words) / 1e6
    return Question("experiments.memory", "numeric", mb,
                    dict(reviews=LECTURE_REVIEWS, maxlen=maxlen, words=words),
                    tolerance=max(0.01 * mb, 0.5), digits=0)


QUESTIONS = (parameters, input_memory)
